"""Model validation that staff meet in forms, and the parties' country defaults."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shipments.models import Shipment
from tests.factories import DonorFactory, RecipientFactory, ShipmentFactory, ShipmentItemFactory

pytestmark = pytest.mark.django_db


def test_eu_is_a_country():
    donor = DonorFactory(country="EU")
    donor.full_clean()
    assert donor.country.name == "European Union"


def test_countries_come_from_the_parties():
    donors = [DonorFactory(country="CN"), DonorFactory(country="CN")]
    assert Shipment.countries_from_parties(donors, RecipientFactory(country="BE")) == ("CN", "BE")


def test_donors_from_several_countries_leave_origin_to_staff():
    donors = [DonorFactory(country="CN"), DonorFactory(country="FR")]
    origin, _ = Shipment.countries_from_parties(donors, RecipientFactory(country="BE"))
    assert origin == ""


def test_clean_rejects_same_origin_and_destination():
    shipment = ShipmentFactory.build(
        recipient=RecipientFactory(), origin_country="IT", destination_country="IT"
    )
    with pytest.raises(ValidationError, match="different countries"):
        shipment.full_clean()


def test_clean_rejects_usd_value_without_rate():
    shipment = ShipmentFactory(declared_value=100, currency="CNY", value_usd=14)
    with pytest.raises(ValidationError) as error:
        shipment.full_clean()
    assert "usd_rate" in error.value.message_dict


def test_clean_rejects_unknown_currency():
    shipment = ShipmentFactory(declared_value=100, currency="XXQ")
    with pytest.raises(ValidationError) as error:
        shipment.full_clean()
    assert "currency" in error.value.message_dict


def test_usd_value_fills_itself_in_for_dollars():
    shipment = ShipmentFactory(declared_value=Decimal("250.00"), currency="USD")
    shipment.full_clean()
    assert shipment.value_usd == Decimal("250.00")
    assert shipment.usd_rate == 1


def test_unknown_quantity_needs_a_note():
    item = ShipmentItemFactory.build(shipment=ShipmentFactory(), quantity=None)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "quantity_note" in error.value.message_dict


def test_item_describes_a_vague_amount_in_the_sources_words():
    item = ShipmentItemFactory(
        quantity=None, quantity_note="dozens", unit="sets", description="ventilator sets"
    )
    assert str(item) == "dozens sets of ventilator sets"


@pytest.mark.parametrize("published", [True, False])
def test_a_delivery_shows_its_pledge_only_once_the_pledge_is_published(published):
    pledge = ShipmentFactory(status="pledged", is_published=published)
    delivery = ShipmentFactory(status="delivered", pledge=pledge)
    assert delivery.public_pledge == (pledge if published else None)
    assert ShipmentFactory(pledge=None).public_pledge is None

"""Every rule the database itself enforces, whatever the form or script in front of it."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tests.factories import ShipmentFactory, ShipmentItemFactory

pytestmark = pytest.mark.django_db


def assert_rejected(save):
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


def test_reference_is_unique():
    ShipmentFactory(reference="2020-CN-IT-001")
    assert_rejected(lambda: ShipmentFactory(reference="2020-CN-IT-001"))


def test_arrival_cannot_precede_shipping():
    shipment = ShipmentFactory(shipped_on=date(2020, 3, 14))
    shipment.arrived_on = date(2020, 3, 13)
    assert_rejected(shipment.save)


def test_arrival_on_the_shipping_day_is_allowed():
    shipment = ShipmentFactory(shipped_on=date(2020, 3, 14), arrived_on=date(2020, 3, 14))
    assert shipment.pk


def test_origin_and_destination_must_differ():
    shipment = ShipmentFactory(origin_country="CN", destination_country="IT")
    shipment.origin_country = "IT"
    assert_rejected(shipment.save)


@pytest.mark.parametrize("field", ["value_usd", "declared_value", "weight_kg"])
def test_shipment_amounts_cannot_be_negative(field):
    shipment = ShipmentFactory()
    setattr(shipment, field, -1)
    assert_rejected(shipment.save)


def test_exchange_rate_must_be_positive():
    shipment = ShipmentFactory()
    shipment.usd_rate = 0
    assert_rejected(shipment.save)


def test_item_quantity_cannot_be_negative():
    assert_rejected(lambda: ShipmentItemFactory(quantity=-5))


def test_item_value_cannot_be_negative():
    assert_rejected(lambda: ShipmentItemFactory(value_usd=-5))


def test_unknown_item_quantity_is_allowed():
    item = ShipmentItemFactory(quantity=None, quantity_note="dozens")
    item.refresh_from_db()
    assert item.quantity is None

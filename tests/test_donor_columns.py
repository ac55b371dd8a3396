"""Each shipment's own columns of its donors' countries and kinds, which the donor country
and donor kind filters read, follow every change to its donors and select exactly the
shipments a look at the donors themselves would."""

import random
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Exists, OuterRef
from django.http import QueryDict

from donors.models import Donor, Recipient
from shipments.filters import ShipmentFilter
from shipments.models import DataVersion, Shipment
from shipments.signals import refresh_derived_columns
from tests.factories import DonorFactory, ShipmentFactory
from tests.imports.test_import import csv_bytes, import_file, row

pytestmark = pytest.mark.django_db


def columns(shipment):
    shipment.refresh_from_db(fields=["donor_countries", "donor_kinds"])
    return shipment.donor_countries, shipment.donor_kinds


def filtered(**params):
    """References the public filter selects for these parameters."""
    filterset = ShipmentFilter(QueryDict(urlencode(params)))
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("reference", flat=True))


def through_the_donors(**lookup):
    """References of published shipments with any donor matching `lookup`, read from the donors."""
    links = Shipment.donors.through.objects.filter(shipment=OuterRef("pk"), **lookup)
    return sorted(
        Shipment.objects.published().filter(Exists(links)).values_list("reference", flat=True)
    )


@pytest.fixture
def shipment():
    return ShipmentFactory(
        reference="S-1",
        donors=[
            DonorFactory(country="US", kind="foundation"),
            DonorFactory(country="CN", kind="company"),
            DonorFactory(country="CN", kind="foundation"),
        ],
    )


def test_each_country_and_kind_once_in_order_between_spaces(shipment):
    assert columns(shipment) == (" CN US ", " company foundation ")


def test_a_shipment_without_donors_has_empty_columns():
    assert columns(ShipmentFactory(donors=[])) == ("", "")


def test_donors_added_removed_cleared_and_deleted_follow(shipment):
    germany = DonorFactory(country="DE", kind="national-government")
    shipment.donors.add(germany)
    assert columns(shipment) == (" CN DE US ", " company foundation national-government ")
    shipment.donors.remove(germany)
    assert columns(shipment) == (" CN US ", " company foundation ")
    germany.shipments.add(shipment)
    germany.shipments.clear()
    assert columns(shipment) == (" CN US ", " company foundation ")
    shipment.donors.get(country="US").delete()
    assert columns(shipment) == (" CN ", " company foundation ")
    shipment.donors.clear()
    assert columns(shipment) == ("", "")


def test_a_donor_moved_to_another_country_or_kind_moves_its_shipments(shipment):
    donor = shipment.donors.get(country="US")
    donor.country = "JP"
    donor.save()
    assert columns(shipment) == (" CN JP ", " company foundation ")
    donor.kind = "ngo"
    donor.save()
    assert columns(shipment) == (" CN JP ", " company foundation ngo ")
    assert filtered(donor_country="US") == []
    assert filtered(donor_country="JP", donor_kind="ngo") == ["S-1"]


def test_bulk_updates_of_donors_and_recipients_move_their_shipments(shipment):
    Donor.objects.filter(country="US").update(country="JP", kind="ngo")
    assert columns(shipment) == (" CN JP ", " company foundation ngo ")
    Recipient.objects.filter(pk=shipment.recipient_id).update(name="Lombardy Health Agency")
    assert filtered(q="lombardy health") == ["S-1"]
    assert filtered(donor_country="JP", donor_kind="ngo") == ["S-1"]


def test_a_bulk_update_of_a_party_shows_on_cached_pages_at_once(shipment):
    version = DataVersion.current()
    Recipient.objects.filter(pk=shipment.recipient_id).update(city="Milan")
    assert DataVersion.current() != version


def test_a_kind_is_not_found_inside_another():
    ShipmentFactory(reference="R-1", donors=[DonorFactory(kind="regional-government")])
    assert filtered(donor_kind="national-government") == []
    assert filtered(donor_kind="regional-government") == ["R-1"]


def test_the_filters_select_what_the_donors_themselves_say():
    rng = random.Random(4)
    donors = [
        DonorFactory(country=country, kind=kind)
        for country in ["CN", "US", "EU", "DE"]
        for kind in ["company", "foundation", "national-government", "regional-government"]
    ]
    for number in range(40):
        ShipmentFactory(
            reference=f"R-{number:02d}",
            donors=rng.sample(donors, rng.choice([0, 1, 1, 2, 3])),
            is_published=number % 7 != 0,
        )
    for countries in [["CN"], ["US"], ["EU", "DE"], ["FR"]]:
        assert filtered(donor_country=",".join(countries)) == through_the_donors(
            donor__country__in=countries
        )
    for kinds in [["company"], ["foundation", "regional-government"], ["ngo"]]:
        assert filtered(donor_kind=",".join(kinds)) == through_the_donors(donor__kind__in=kinds)
    both = filtered(donor_country="CN", donor_kind="company")
    assert set(both) == set(through_the_donors(donor__country="CN")) & set(
        through_the_donors(donor__kind="company")
    )


def test_an_imported_shipment_has_its_donors_columns(db):
    line = row(
        shipment_reference="IMP-1",
        donors="Zoomlion; Fosun Foundation",
        donor_countries="CN; US",
        donor_kinds="company; foundation",
        origin_country="CN",
    )
    result = import_file(csv_bytes([line]))
    assert not result.has_errors() and not result.has_validation_errors()
    assert columns(Shipment.objects.get(reference="IMP-1")) == (" CN US ", " company foundation ")


def test_a_synthetic_set_is_written_with_the_columns_a_refresh_would_write(db):
    call_command("generate_synthetic", shipments=30, verbosity=0)
    fields = ["pk", "donor_countries", "donor_kinds"]
    written = list(Shipment.objects.order_by("pk").values_list(*fields))
    Shipment.objects.update(donor_countries="", donor_kinds="")
    refresh_derived_columns(pk for pk, _, _ in written)
    assert list(Shipment.objects.order_by("pk").values_list(*fields)) == written
    assert all(countries and kinds for _, countries, kinds in written)


def test_the_migration_fills_in_the_columns_a_refresh_would_write(shipment):
    ShipmentFactory(reference="BARE-1", donors=[])
    ShipmentFactory(donors=[DonorFactory(country="EU", kind="multilateral")])
    fields = ["pk", "donor_countries", "donor_kinds"]
    expected = list(Shipment.objects.order_by("pk").values_list(*fields))
    Shipment.objects.update(donor_countries="", donor_kinds="")
    fill = import_module("shipments.migrations.0010_donor_columns").fill_donor_columns
    # All the fill needs of a schema editor; SQLite's own cannot open in a transaction.
    schema_editor = SimpleNamespace(
        connection=connection, execute=lambda sql: connection.cursor().execute(sql)
    )
    fill(apps, schema_editor)
    assert list(Shipment.objects.order_by("pk").values_list(*fields)) == expected

"""The text the public search looks in follows every change to what it is made of."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from shipments import search
from shipments.models import Shipment, ShipmentItem, bulk_write
from shipments.signals import refresh_derived_columns
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
)
from tests.imports.test_import import csv_bytes, import_file, row

pytestmark = pytest.mark.django_db


def found(query):
    """References of the published shipments a search for `query` finds."""
    return sorted(
        Shipment.objects.published()
        .filter(search.matches(query))
        .values_list("reference", flat=True)
    )


@pytest.fixture
def shipment():
    shipment = ShipmentFactory(
        reference="2020-CN-IT-001",
        donors=[DonorFactory(name="Jack Ma Foundation")],
        recipient=RecipientFactory(name="Italian Red Cross"),
        notes="Landed at night",
        arrival_point="Milan Malpensa",
    )
    ShipmentItemFactory(shipment=shipment, description="N95 respirator masks")
    return shipment


@pytest.mark.parametrize(
    "query", ["cn-it-001", "JACK MA", "red cross", "respirator", "at night", "malpensa"]
)
def test_a_search_looks_in_every_part_in_any_case(shipment, query):
    assert found(query) == ["2020-CN-IT-001"]


def test_a_renamed_donor_is_found_by_its_new_name_only(shipment):
    donor = shipment.donors.get()
    donor.name = "Alibaba Foundation"
    donor.save()
    assert found("alibaba") == ["2020-CN-IT-001"]
    assert found("jack ma") == []


def test_a_renamed_recipient_is_found_by_its_new_name_only(shipment):
    recipient = shipment.recipient
    recipient.name = "Lombardy Health Agency"
    recipient.save()
    assert found("lombardy") == ["2020-CN-IT-001"]
    assert found("red cross") == []


def test_donors_added_removed_or_deleted_follow(shipment):
    donor = DonorFactory(name="Zhejiang Province")
    shipment.donors.add(donor)
    assert found("zhejiang") == ["2020-CN-IT-001"]
    shipment.donors.remove(donor)
    assert found("zhejiang") == []
    donor.shipments.add(shipment)
    assert found("zhejiang") == ["2020-CN-IT-001"]
    donor.shipments.clear()
    assert found("zhejiang") == []
    shipment.donors.get().delete()
    assert found("jack ma") == []


def test_items_saved_edited_and_deleted_follow(shipment):
    item = ShipmentItemFactory(shipment=shipment, description="Ventilators")
    assert found("ventilator") == ["2020-CN-IT-001"]
    item.description = "Oxygen concentrators"
    item.save()
    assert found("ventilator") == []
    assert found("oxygen") == ["2020-CN-IT-001"]
    item.delete()
    assert found("oxygen") == []


def test_bulk_updates_of_shipments_and_items_follow(shipment):
    Shipment.objects.filter(pk=shipment.pk).update(notes="Flown in by charter")
    ShipmentItem.objects.filter(shipment=shipment).update(description="Protective suits")
    assert found("charter") == ["2020-CN-IT-001"]
    assert found("protective suits") == ["2020-CN-IT-001"]
    assert found("respirator") == []


def test_items_created_in_bulk_are_found(shipment):
    ShipmentItem.objects.bulk_create(
        [ShipmentItemFactory.build(shipment=shipment, description="Oxygen concentrators")]
    )
    assert found("oxygen") == ["2020-CN-IT-001"]


def test_a_bulk_write_leaves_the_text_to_its_loader(shipment):
    with bulk_write():
        Shipment.objects.filter(pk=shipment.pk).update(notes="Flown in by charter")
    assert found("charter") == []


def test_an_item_moved_in_bulk_leaves_its_old_shipment(shipment):
    other = ShipmentFactory(reference="OTHER-1")
    ShipmentItem.objects.filter(shipment=shipment).update(shipment=other)
    assert found("respirator") == ["OTHER-1"]


def test_an_imported_line_is_found(shipment):
    line = row(category="gloves", description="Nitrile gloves", quantity="10", unit="pairs")
    assert not import_file(csv_bytes([line])).has_errors()
    assert found("nitrile") == ["2020-CN-IT-001"]


def test_a_synthetic_set_is_written_with_the_text_a_refresh_would_write(db):
    call_command("generate_synthetic", shipments=30, verbosity=0)
    written = dict(Shipment.objects.values_list("pk", "search_text"))
    Shipment.objects.update(search_text="")
    refresh_derived_columns(written)
    assert dict(Shipment.objects.values_list("pk", "search_text")) == written
    assert all(written.values())


def test_the_migration_fills_in_the_text_a_refresh_would_write(shipment):
    ShipmentFactory(reference="BARE-1", notes="", arrival_point="", donors=[])
    expected = dict(Shipment.objects.values_list("pk", "search_text"))
    Shipment.objects.update(search_text="")
    fill = import_module("shipments.migrations.0008_search_text").fill_search_text
    # All the fill needs of a schema editor; SQLite's own cannot open in a transaction.
    schema_editor = SimpleNamespace(
        connection=connection, execute=lambda sql: connection.cursor().execute(sql)
    )
    fill(apps, schema_editor)
    assert dict(Shipment.objects.values_list("pk", "search_text")) == expected

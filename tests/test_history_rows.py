"""The change history holds what reading the data as of a moment needs: every shipment's
derived columns and donors with each of its versions, however it was written, and the
history of synthetic data."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from shipments import as_of
from shipments.models import Shipment, ShipmentItem, Source
from shipments.search import DERIVED_COLUMNS
from shipments.synthetic.loader import delete_synthetic_data
from tests.factories import DonorFactory, ShipmentFactory, ShipmentItemFactory, category

# The CSVs are read on a connection of their own on PostgreSQL (COPY), which cannot see
# a test's uncommitted data, so these tests commit (transaction=True).
pytestmark = pytest.mark.django_db(transaction=True)

DonorLinkHistory = apps.get_model("shipments", "HistoricalShipment_donors")


def latest_version(shipment):
    return Shipment.history.filter(id=shipment.pk).order_by("-history_date", "-history_id")[0]


def assert_recorded_as_now(shipment):
    """The shipment's latest version holds its derived columns and donors as they are."""
    version = latest_version(shipment)
    live = Shipment.objects.filter(pk=shipment.pk).values(*DERIVED_COLUMNS).get()
    assert {column: getattr(version, column) for column in DERIVED_COLUMNS} == live
    donors = DonorLinkHistory.objects.filter(history=version).values_list("donor_id", flat=True)
    assert sorted(donors) == sorted(shipment.donors.values_list("pk", flat=True))


def test_every_kind_of_write_records_the_derived_columns_and_donors():
    shipment = ShipmentFactory(reference="2020-CN-IT-001")
    assert_recorded_as_now(shipment)
    item = ShipmentItemFactory(shipment=shipment, description="N95 masks")
    assert_recorded_as_now(shipment)
    item.category = category("ventilators")
    item.save()
    assert_recorded_as_now(shipment)
    shipment.donors.add(DonorFactory(country="US", name="Direct Relief"))
    assert_recorded_as_now(shipment)
    donor = shipment.donors.get(country="US")
    donor.name = "Direct Relief International"
    donor.save()
    assert_recorded_as_now(shipment)
    Shipment.objects.filter(pk=shipment.pk).mark("dispatched")
    assert_recorded_as_now(shipment)
    item.delete()
    assert_recorded_as_now(shipment)


def test_a_save_records_one_version_not_one_for_its_derived_columns():
    shipment = ShipmentFactory(reference="2020-CN-IT-001")
    before = Shipment.history.filter(id=shipment.pk).count()
    shipment.notes = "Arrived in Milan"
    shipment.save()
    assert Shipment.history.filter(id=shipment.pk).count() == before + 1
    assert "arrived in milan" in latest_version(shipment).search_text


def download(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_synthetic_data_read_as_of_its_latest_change_is_todays_data_byte_for_byte():
    call_command("generate_synthetic", "--shipments", "300", "--seed", "5", verbosity=0)
    client = Client()
    stamp = as_of.current_stamp()
    for url in ("/shipments.csv", "/items.csv"):
        for params in ({}, {"recipient_country": "IT"}, {"q": "masks", "sort": "-value_usd"}):
            assert download(client, url, as_of=stamp, **params) == download(client, url, **params)


def test_synthetic_history_has_earlier_versions_and_grows_with_time():
    call_command("generate_synthetic", "--shipments", "300", "--seed", "5", verbosity=0)
    versions = len(set(Shipment.history.values_list("id", flat=True)))
    assert versions == Shipment.objects.count()
    # One in ten of those sent was first recorded as a pledge.
    pledged_first = Shipment.history.filter(status="pledged").exclude(
        id__in=Shipment.objects.filter(status="pledged").values("id")
    )
    assert pledged_first.exists()
    counts = []
    for day in ("2020-06-01", "2021-01-01", "2022-01-01"):
        with as_of.reading_as_of(as_of.parse(day)):
            counts.append(Shipment.objects.published().count())
    assert 0 < counts[0] < counts[1] < counts[2] <= Shipment.objects.published().count()
    # Read as of its first version, a shipment first recorded as a pledge is one.
    first = pledged_first.order_by("history_date").first()
    with as_of.reading_as_of(first.history_date):
        assert Shipment.objects.get(pk=first.id).status == "pledged"


def test_removing_synthetic_data_removes_its_history():
    call_command("generate_synthetic", "--shipments", "50", "--seed", "5", verbosity=0)
    kept = ShipmentFactory(reference="2020-CN-IT-001")
    delete_synthetic_data()
    assert set(Shipment.history.values_list("id", flat=True)) == {kept.pk}
    assert not ShipmentItem.history.exists()
    assert not Source.history.exists()
    assert not DonorLinkHistory.objects.exclude(shipment_id=kept.pk).exists()


def test_the_migration_records_rows_written_without_history_and_fills_the_versions():
    shipment = ShipmentFactory(reference="2020-CN-IT-001")
    ShipmentItemFactory(shipment=shipment, description="N95 masks")
    # As a bulk loader wrote rows before the history kept derived columns: no history.
    Shipment.history.all().delete()
    ShipmentItem.history.all().delete()
    DonorLinkHistory.objects.all().delete()
    migration = importlib.import_module("shipments.migrations.0026_history_keeps_derived_columns")
    with connection.schema_editor() as editor:
        migration.fill(apps, editor)
    assert_recorded_as_now(shipment)
    version = latest_version(shipment)
    assert version.history_date == Shipment.objects.get(pk=shipment.pk).created_at
    assert ShipmentItem.history.filter(shipment_id=shipment.pk).count() == 1
    with as_of.reading_as_of(timezone.now() - datetime.timedelta(microseconds=1)):
        assert Shipment.objects.published().get().reference == "2020-CN-IT-001"

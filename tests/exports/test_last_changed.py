"""`last_changed`: when the public last saw a shipment change, kept on the row as every write
path changes it, and given alike by the list, both CSVs (on both paths) and the JSON."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.http import QueryDict

from shipments.changes import change_logs
from shipments.columns import iso_datetime
from shipments.exports.csv import ItemsExport, ShipmentsExport
from shipments.filters import ShipmentFilter
from shipments.models import Shipment, ShipmentItem, Source
from tests.factories import ShipmentItemFactory, SourceFactory
from tests.pages import listed_references

# On PostgreSQL the CSVs are read on a connection of their own, which cannot
# see a test's uncommitted data, so these tests commit (transaction=True).
pytestmark = pytest.mark.django_db(transaction=True)

HISTORIES = [Shipment.history.model, ShipmentItem.history.model, Source.history.model]


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response))))


def latest_entry(shipment):
    log = change_logs([shipment])[shipment.pk]
    return log[-1].when if log else None


def age_history(days):
    """Move every history row `days` into the past, so that the next change stands apart."""
    for model in HISTORIES:
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(
                history_date=row.history_date - timedelta(days=days)
            )


@pytest.fixture
def dated(world):
    """The world's shipments, each published on a day of its own, BE-1 first."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for offset, reference in enumerate(["BE-1", "IT-1", "CN-1"]):
        shipment = Shipment.objects.get(reference=reference)
        when = base + timedelta(days=offset)
        Shipment.history.filter(id=shipment.pk).update(history_date=when)
        ShipmentItem.history.filter(shipment_id=shipment.pk).update(history_date=when)
        Source.history.filter(shipment_id=shipment.pk).update(history_date=when)
        Shipment.objects.filter(pk=shipment.pk).update(last_changed=latest_entry(shipment))
    return world


def test_every_write_path_keeps_it_the_latest_public_change(world):
    shipment = Shipment.objects.get(reference="IT-1")
    assert shipment.last_changed == latest_entry(shipment)
    age_history(30)
    steps = [
        lambda: ShipmentItemFactory(shipment=shipment, description="Gowns", quantity=5),
        lambda: SourceFactory(shipment=shipment, title="A later report"),
        lambda: Shipment.objects.filter(pk=shipment.pk).mark(Shipment.Status.CANCELLED),
        lambda: shipment.items.filter(description="Gowns").delete(),
    ]
    for step in steps:
        before = Shipment.objects.get(pk=shipment.pk).last_changed
        step()
        shipment.refresh_from_db()
        assert shipment.last_changed == latest_entry(shipment)
        assert shipment.last_changed > before
        age_history(1)


def test_a_change_while_unpublished_does_not_count(world):
    draft = Shipment.objects.get(reference="DRAFT-1")
    ShipmentItemFactory(shipment=draft, description="Gowns")
    draft.refresh_from_db()
    assert draft.last_changed is None


def test_publishing_sets_it(world):
    draft = Shipment.objects.get(reference="DRAFT-1")
    SourceFactory(shipment=draft)
    Shipment.objects.filter(pk=draft.pk).set_published(True)
    draft.refresh_from_db()
    assert draft.last_changed is not None
    assert draft.last_changed == latest_entry(draft)


def test_the_list_csvs_and_json_agree(client, dated):
    expected = {
        shipment.reference: iso_datetime(shipment.last_changed)
        for shipment in Shipment.objects.published()
    }
    assert {
        row["reference"]: row["last_changed"] for row in csv_rows(client.get("/shipments.csv"))
    } == expected
    items = csv_rows(client.get("/items.csv"))
    assert {row["shipment_reference"]: row["last_changed"] for row in items} == expected
    results = client.get("/shipments.json").json()["results"]
    assert {one["reference"]: one["last_changed"] for one in results} == expected
    assert expected["BE-1"] == "2026-01-01T00:00:00.000000Z"


def test_the_last_changed_columns_come_last(client, dated):
    for url in ("/shipments.csv", "/items.csv"):
        assert body(client.get(url)).splitlines()[0].endswith(",last_changed")
    hxl = body(client.get("/shipments.csv?hxl=1")).splitlines()[1]
    assert hxl.endswith(",#date+updated")


@pytest.mark.parametrize("sort", ["-last_changed", "last_changed"])
def test_the_sort_agrees_everywhere(client, dated, sort):
    newest_first = ["CN-1", "IT-1", "BE-1"]
    expected = newest_first if sort.startswith("-") else newest_first[::-1]
    assert listed_references(client.get(f"/shipments/?sort={sort}")) == expected
    assert [r["reference"] for r in csv_rows(client.get(f"/shipments.csv?sort={sort}"))] == (
        expected
    )
    results = client.get(f"/shipments.json?sort={sort}").json()["results"]
    assert [one["reference"] for one in results] == expected


def test_the_list_form_offers_the_sort(client, dated):
    page = client.get("/shipments/").content.decode()
    assert '<option value="-last_changed">Last changed, latest first</option>' in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL has a COPY path")
@pytest.mark.parametrize("export_class", [ShipmentsExport, ItemsExport])
def test_copy_and_orm_write_it_alike(dated, export_class):
    Shipment.objects.filter(reference="IT-1").update(
        last_changed=datetime(2026, 2, 3, 4, 5, 6, 789, tzinfo=UTC)
    )

    def render(use_copy):
        export = export_class(ShipmentFilter(QueryDict("")), base_url="http://x/")
        if not use_copy:
            export.close()
            export.copy_stream = None
        data = b"".join(export.lines())
        export.close()
        return data

    copied = render(use_copy=True)
    assert copied == render(use_copy=False)
    assert b",2026-02-03T04:05:06.000789Z\n" in copied

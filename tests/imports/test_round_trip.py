"""A round trip that loses nothing (issue 14, point 7): /items.csv carries every field staff
enter for a shipment and its lines, and importing it again, into the same database or an
empty one, gives back every public field.

On PostgreSQL the CSVs stream through a connection of their own (COPY), which sees only
committed rows: these tests commit.
"""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from donors.models import Donor, Recipient
from shipments.models import Rejection, Shipment, ShipmentItem, Source
from tests.factories import RejectionFactory, SourceFactory
from tests.imports.test_import import csv_bytes, history_counts, import_file, invalid_rows, row

pytestmark = pytest.mark.django_db(transaction=True)


def download(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


# When the public last saw a shipment change is its history's, not a fact a file carries:
# shipments imported and published again were last changed when they were published.
HISTORY_COLUMNS = {"last_changed"}


def rows_of(data):
    """The file's header and its rows, in an order of their own: shipments that tie in the
    list's order (no shipping date) come in the order they were stored. The columns of the
    history are left out."""
    header, *rows = list(csv.reader(io.StringIO(data.decode())))
    kept = [index for index, name in enumerate(header) if name not in HISTORY_COLUMNS]
    return [header[index] for index in kept], sorted([row[index] for index in kept] for row in rows)


def public_json(client):
    """The JSON list, less what a file of shipments does not carry: the parties' own pages
    (their slugs, addresses and cities are reference data, kept in the admin), and the
    moment of the latest change, which the import is, and the
    history's columns."""
    data = json.loads(download(client, "/shipments.json"))
    data.pop("as_of")
    for shipment in data["results"]:
        for name in HISTORY_COLUMNS:
            shipment.pop(name)
        for party in [*shipment["donors"], shipment["recipient"]]:
            for key in ("slug", "url", "city"):
                party.pop(key, None)
    data["results"].sort(key=lambda shipment: shipment["reference"])
    return data


@pytest.fixture
def rich_demo(demo_data):
    """The demo data and what it lacks: a rejection, a source with every field, a value in
    a currency other than the dollar."""
    shipment = Shipment.objects.get(reference="2020-CN-IT-005")
    source = SourceFactory(
        shipment=shipment,
        title='Masks withdrawn, "don\'t use them"',
        publisher="Il Giornale; edizione di Milano",
        published_on=date(2020, 3, 30),
        url="https://example.org/news?id=1&lang=it",
        excerpt="=Some of the 40,000 masks\nfailed the tests.",
        notes="Date read from the page's metadata.",
    )
    masks = shipment.items.get(description="N95 respirator masks")
    RejectionFactory(
        item=masks,
        source=source,
        quantity=4_000,
        reason="defective",
        reason_detail="Failed filtration tests",
        date=date(2020, 3, 28),
    )
    RejectionFactory(
        item=masks,
        source=source,
        kind="returned",
        quantity=None,
        quantity_note="some boxes",
        reason="damaged_in_transit",
    )
    Shipment.objects.filter(pk=shipment.pk).update(
        declared_value=Decimal("120000.00"),
        currency="EUR",
        usd_rate=Decimal("1.1"),
        value_usd=Decimal("132000.00"),
        rate_date=date(2020, 3, 18),
        rate_source="ECB reference rate",
        weight_kg=Decimal("1250.5"),
    )
    return shipment


def test_an_export_imported_again_changes_nothing(client, rich_demo):
    data = download(client, "/items.csv?bom=1")
    counts = history_counts()
    stored = {model: model.objects.count() for model in (Shipment, ShipmentItem, Source, Rejection)}
    result = import_file(data)
    assert not result.has_validation_errors(), invalid_rows(result)
    assert (result.totals["new"], result.totals["update"]) == (0, 0)
    assert result.totals["skip"] == ShipmentItem.objects.count()
    assert history_counts() == counts
    assert {model: model.objects.count() for model in stored} == stored
    assert not Shipment.objects.filter(is_published=False).exists()


def test_a_download_with_hxl_hashtags_imports_as_the_plain_one(client, rich_demo):
    """The row of hashtags under the header is read as part of the header."""
    data = download(client, "/items.csv?hxl=1")
    assert data.split(b"\n")[1].startswith(b"#activity+id,#status,")
    counts = history_counts()
    result = import_file(data)
    assert not result.has_validation_errors(), invalid_rows(result)
    assert (result.totals["new"], result.totals["update"]) == (0, 0)
    assert result.totals["skip"] == ShipmentItem.objects.count()
    assert history_counts() == counts


def test_a_row_that_is_not_all_hashtags_is_a_row_of_data(client, rich_demo):
    data = download(client, "/items.csv?hxl=1").split(b"\n")
    data[1] = data[1].replace(b"#status", b"delivered", 1)
    result = import_file(b"\n".join(data))
    assert 1 in invalid_rows(result)


def test_the_demo_data_imported_into_an_empty_database_loses_nothing_public(client, rich_demo):
    before = {
        "items": download(client, "/items.csv"),
        "shipments": download(client, "/shipments.csv"),
        "json": public_json(client),
        "page": download(client, "/shipments/2020-CN-IT-005/").decode(),
    }
    Shipment.objects.all().delete()
    Donor.objects.all().delete()
    Recipient.objects.all().delete()
    assert not Source.objects.exists() and not Rejection.objects.exists()

    result = import_file(before["items"])
    assert not result.has_validation_errors(), invalid_rows(result)
    # The import never publishes: an editor does, once the shipments are checked.
    assert not Shipment.objects.filter(is_published=True).exists()
    Shipment.objects.all().set_published(True)

    assert rows_of(download(client, "/items.csv")) == rows_of(before["items"])
    assert rows_of(download(client, "/shipments.csv")) == rows_of(before["shipments"])
    assert public_json(client) == before["json"]
    page = download(client, "/shipments/2020-CN-IT-005/").decode()
    for text in ["Failed filtration tests", "some boxes", "ECB reference rate", "1,250.5"]:
        assert text in before["page"] and text in page
    delivery = Shipment.objects.get(reference="2020-CN-BE-001")
    assert delivery.pledge.reference == "2020-CN-EU-002"


def test_a_file_of_the_old_columns_leaves_what_it_does_not_name(client, rich_demo):
    data = download(client, "/items.csv")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    old_columns = list(rows[0])[: list(rows[0]).index("quantity_kind") + 1]
    old_rows = [{name: line[name] for name in old_columns} for line in rows]
    result = import_file(csv_bytes(old_rows, columns=old_columns))
    assert not result.has_validation_errors(), invalid_rows(result)
    assert (result.totals["new"], result.totals["update"]) == (0, 0)
    shipment = Shipment.objects.get(reference="2020-CN-IT-005")
    assert (shipment.weight_kg, shipment.currency, shipment.sources.count()) == (
        Decimal("1250.5"),
        "EUR",
        2,
    )
    assert Rejection.objects.count() == 2


def shipment_row(**values):
    details = {
        "weight_kg": "31000",
        "declared_value": "2400000",
        "currency": "cny",
        "usd_rate": "0.14291667",
        "value_usd": "343000",
        "rate_date": "2020-03-18",
        "rate_source": "The report's own conversion",
        "notes": "Two tonnes more than first said.",
        "sources_json": json.dumps(
            [
                {"title": "Masks for Milan", "publisher": "ANSA", "published_on": "2020-03-18"},
                {"title": "A faulty batch", "url": "https://example.org/faulty"},
            ]
        ),
    }
    return row(**{**details, **values})


def test_every_field_staff_enter_is_read_from_the_file():
    rejections = [
        {"quantity": 100, "reason": "wrong_specification", "date": "2020-03-20", "source": 2},
        {"kind": "returned", "quantity_note": "a few boxes", "reason": "other", "source": 1},
    ]
    result = import_file(
        csv_bytes(
            [
                shipment_row(rejections_json=json.dumps(rejections), pledge_reference="2020-P-1"),
                row(
                    shipment_reference="2020-P-1",
                    status="pledged",
                    shipped_on="",
                    quantity="",
                    quantity_kind="at_least",
                    quantity_min="2000000",
                    quantity_note="over 2 million",
                ),
            ]
        )
    )
    assert not result.has_validation_errors(), invalid_rows(result)
    shipment = Shipment.objects.get(reference="2020-CN-IT-001")
    assert (shipment.weight_kg, shipment.currency, shipment.usd_rate) == (
        31_000,
        "CNY",
        Decimal("0.14291667"),
    )
    assert (shipment.value_usd, shipment.rate_date, shipment.notes) == (
        343_000,
        date(2020, 3, 18),
        "Two tonnes more than first said.",
    )
    # A pledge further down the file is written first, and linked.
    assert shipment.pledge.reference == "2020-P-1"
    first, second = shipment.sources.order_by("pk")
    assert (first.title, first.publisher, first.published_on) == (
        "Masks for Milan",
        "ANSA",
        date(2020, 3, 18),
    )
    assert second.url == "https://example.org/faulty"
    wrong, returned = Rejection.objects.order_by("pk")
    assert (wrong.quantity, wrong.reason, wrong.source, wrong.date) == (
        100,
        "wrong_specification",
        second,
        date(2020, 3, 20),
    )
    assert (returned.kind, returned.quantity, returned.source) == ("returned", None, first)
    assert wrong.history.count() == 1 and first.history.count() == 1


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"sources_json": "[{'title': 'x'}]"}, "sources_json", "Not a list of records in JSON"),
        ({"sources_json": '[{"title": ""}]'}, "sources_json", "Source 1: title:"),
        ({"sources_json": '[{"headline": "x"}]'}, "sources_json", "unknown key(s) headline"),
        (
            {"rejections_json": '[{"quantity": 5, "reason": "defective", "source": 3}]'},
            "rejections_json",
            "source must be the place (1 to 2)",
        ),
        (
            {"rejections_json": '[{"quantity": 5000, "reason": "defective", "source": 1}]'},
            "rejections_json",
            "More than the line holds",
        ),
        (
            {"rejections_json": '[{"quantity": 5, "reason": "faulty", "source": 1}]'},
            "rejections_json",
            "'faulty' is not a valid choice",
        ),
        ({"pledge_reference": "2020-NONE"}, "pledge_reference", "There is no shipment 2020-NONE"),
        ({"currency": "XYZ"}, "currency", "'XYZ' is not an ISO 4217 currency code"),
        ({"weight_kg": "31 t"}, "weight_kg", "'31 t' is not a number of kilograms"),
    ],
)
def test_a_wrong_detail_is_named_in_its_column(values, column, message):
    result = import_file(csv_bytes([shipment_row(**values)]))
    errors = invalid_rows(result)[1]
    assert any(message in error for error in errors[column]), errors
    assert not Shipment.objects.exists() and not Source.objects.exists()


def test_only_a_pledge_can_have_deliveries():
    result = import_file(
        csv_bytes(
            [
                shipment_row(pledge_reference="2020-CN-IT-002"),
                row(shipment_reference="2020-CN-IT-002", status="delivered"),
            ]
        )
    )
    [error] = invalid_rows(result)[1]["pledge_reference"]
    assert error.startswith("Shipment 2020-CN-IT-002 is delivered, not pledged")


def test_a_rejection_of_a_pledge_is_refused():
    rejection = '[{"quantity": 5, "reason": "defective", "source": 1}]'
    result = import_file(csv_bytes([shipment_row(status="pledged", rejections_json=rejection)]))
    [error] = invalid_rows(result)[1]["rejections_json"]
    assert "Only supplies that were sent can be rejected" in error


def test_a_data_entry_import_adding_a_rejection_to_a_published_shipment_waits(
    data_entry, rich_demo, client
):
    data = download(client, "/items.csv?recipient_country=IT")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    line = next(
        r for r in rows if r["shipment_reference"] == "2020-CN-IT-005" and r["quantity_rejected"]
    )
    records = json.loads(line["rejections_json"])
    records.append({"quantity": 1, "reason": "expired", "source": 1})
    line["rejections_json"] = json.dumps(records)
    result = import_file(csv_bytes(rows, columns=list(rows[0])), user=data_entry)
    assert not result.has_validation_errors(), invalid_rows(result)
    assert Rejection.objects.count() == 2
    [pending] = rich_demo.pending_changes.all()
    assert "rejections added: 1" in pending.summary

"""The CSV exports: exact files, the same on PostgreSQL's COPY path and the ORM path.

On PostgreSQL an export reads through a connection of its own, which cannot
see a test's uncommitted data, so these tests commit (transaction=True).
"""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from shipments.exports.csv import ItemsExport, ShipmentsExport
from shipments.filters import ShipmentFilter
from shipments.models import Shipment
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    RejectionFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
    category,
)
from tests.invalid_queries import INVALID_QUERIES
from tests.pages import listed_references

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = connection.vendor == "postgresql"


def body(response):
    return b"".join(response.streaming_content)


def rows(response):
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))


@pytest.fixture
def tricky():
    """Names in several scripts, formula-like text, quotes, commas, line breaks, unknowns."""
    liege = RecipientFactory(slug="liege", name="Hôpital de Liège", country="BE", kind="hospital")
    zhejiang = DonorFactory(
        slug="zhejiang", name="浙江省", country="CN", kind="regional-government"
    )
    formula = DonorFactory(
        slug="formula", name='=HYPERLINK("http://evil")', country="EU", kind="other"
    )
    shipment = ShipmentFactory(
        reference="2020-CN-BE-007",
        recipient=liege,
        donors=[zhejiang, formula],
        status="delivered",
        shipped_on=date(2020, 3, 14),
        arrived_on=date(2020, 3, 16),
        weight_kg=Decimal("31000.0"),
        declared_value=Decimal("2400000.00"),
        currency="CNY",
        value_usd=Decimal("343000.00"),
        usd_rate=Decimal("0.14291667"),
        rate_source="+ the report's own conversion",
        transport_mode="air",
        arrival_point="Liege Airport",
        notes='He said "dozens", then\nmore, later',
    )
    SourceFactory(
        shipment=shipment,
        title="Aid, at last",
        publisher="Le Soir",
        published_on=date(2020, 3, 18),
        url="https://example.org/a?b=1",
    )
    untitled = SourceFactory(shipment=shipment, title="@untitled report", publisher="")
    ShipmentItemFactory(
        shipment=shipment,
        position=0,
        category=category("ventilators"),
        description="-ventilator sets",
        quantity=None,
        quantity_kind="unknown",
        quantity_note="dozens; +/- 10",
        unit="sets",
    )
    masks = ShipmentItemFactory(
        shipment=shipment,
        position=1,
        category=category("masks"),
        description="\tN95 masks",
        quantity=2_000_000,
        quantity_kind="at_least",
        quantity_min=2_000_000,
        quantity_note="over 2 million",
        value_usd=Decimal("0.50"),
    )
    RejectionFactory(
        item=masks,
        source=untitled,
        quantity=None,
        quantity_note='"a batch", they said',
        reason="wrong_specification",
        reason_detail="=KN95, not FFP2\nper inspectors",
        date=date(2020, 3, 20),
    )
    RejectionFactory(item=masks, source=untitled, kind="returned", quantity=1500, reason="other")
    ShipmentItemFactory(shipment=ShipmentFactory(reference="DRAFT-9", is_published=False))
    # Its last change as the change log would date it, at a time of its own.
    Shipment.objects.filter(pk=shipment.pk).update(last_changed=LAST_CHANGED)
    return shipment


LAST_CHANGED = datetime(2020, 3, 21, 8, 30, 5, 250, tzinfo=UTC)


EXPECTED_ITEMS = (
    "shipment_reference,status,donors,donor_countries,recipient,recipient_country,shi"
    "pped_on,category,description,quantity,quantity_note,unit,url,quantity_is_estimat"
    "e,item_value_usd,category_name,donor_kinds,recipient_kind,recipient_country_name"
    ",origin_country,destination_country,announced_on,arrived_on,terms,transport_mode"
    ",arrival_point,quantity_min,quantity_max,quantity_kind,quantity_rejected,rejecti"
    "on_reason,weight_kg,value_usd,declared_value,currency,usd_rate,rate_date,rate_so"
    "urce,pledge_reference,notes,sources,sources_json,rejections_json,recipient_country"
    "_iso3,donor_countries_iso3,line,crisis,verification,last_changed\n"
    '2020-CN-BE-007,delivered,"\'=HYPERLINK(""http://evil""); 浙江省",EU; CN,Hôpital de L'
    "iège,BE,2020-03-14,ventilators,'-ventilator sets,,dozens; '+/- 10,sets,http://te"
    "stserver/shipments/2020-CN-BE-007/,true,,Ventilators,other; regional-government,"
    "hospital,Belgium,CN,BE,,2020-03-16,donation,air,Liege Airport,,,unknown,,,31000,"
    '343000,2400000,CNY,0.14291667,,\'+ the report\'s own conversion,,"He said ""dozens'
    '"", then\n'
    'more, later","Aid, at last, Le Soir, 2020-03-18, https://example.org/a?b=1; \'@un'
    'titled report","[{""title"": ""Aid, at last"", ""publisher"": ""Le Soir"", ""pub'
    'lished_on"": ""2020-03-18"", ""url"": ""https://example.org/a?b=1"", ""excerpt""'
    ': """", ""notes"": """", ""supports"": ""media_reported""}, {""title"": ""@untitled rep'
    'ort"", ""publisher"": """",'
    ' ""published_on"": null, ""url"": """", ""excerpt"": """", ""notes"": """",'
    ' ""supports"": ""media_reported""}]",,BEL,'
    "EU; CHN,1,EP-2020-000012-001,media_reported,2020-03-21T08:30:05.000250Z\n"
    '2020-CN-BE-007,delivered,"\'=HYPERLINK(""http://evil""); 浙江省",EU; CN,Hôpital de L'
    "iège,BE,2020-03-14,masks,'\tN95 masks,2000000,over 2 million,pieces,http://testse"
    "rver/shipments/2020-CN-BE-007/,true,0.5,Masks,other; regional-government,hospita"
    "l,Belgium,CN,BE,,2020-03-16,donation,air,Liege Airport,2000000,,at_least,1500,wr"
    "ong_specification; other,31000,343000,2400000,CNY,0.14291667,,'+ the report's ow"
    'n conversion,,"He said ""dozens"", then\n'
    'more, later","Aid, at last, Le Soir, 2020-03-18, https://example.org/a?b=1; \'@un'
    'titled report","[{""title"": ""Aid, at last"", ""publisher"": ""Le Soir"", ""pub'
    'lished_on"": ""2020-03-18"", ""url"": ""https://example.org/a?b=1"", ""excerpt""'
    ': """", ""notes"": """", ""supports"": ""media_reported""}, {""title"": ""@untitled rep'
    'ort"", ""publisher"": """",'
    ' ""published_on"": null, ""url"": """", ""excerpt"": """", ""notes"": """",'
    ' ""supports"": ""media_reported""}]","['
    '{""kind"": ""rejected"", ""quantity"": null, ""quantity_note"": ""\\""a batch\\"",'
    ' they said"", ""reason"": ""wrong_specification"", ""reason_detail"": ""=KN95, n'
    'ot FFP2\\nper inspectors"", ""date"": ""2020-03-20"", ""source"": 2}, {""kind"": '
    '""returned"", ""quantity"": 1500, ""quantity_note"": """", ""reason"": ""other""'
    ', ""reason_detail"": """", ""date"": null, ""source"": 2}]",BEL,EU; CHN,2,'
    "EP-2020-000012-001,media_reported,2020-03-21T08:30:05.000250Z\n"
)


def test_items_csv_is_exactly_as_documented(client, tricky):
    response = client.get("/items.csv")
    assert response.status_code == 200
    assert body(response).decode("utf-8") == EXPECTED_ITEMS


def test_shipments_csv_values(client, tricky):
    response = client.get("/shipments.csv")
    [row] = rows(response)
    assert row["reference"] == "2020-CN-BE-007"
    assert row["donors"] == '\'=HYPERLINK("http://evil"); 浙江省'
    assert row["weight_kg"] == "31000"
    assert row["value_usd"] == "343000"
    assert row["declared_value"] == "2400000"
    assert row["usd_rate"] == "0.14291667"
    assert row["rate_source"] == "'+ the report's own conversion"
    assert row["announced_on"] == ""
    assert row["notes"] == 'He said "dozens", then\nmore, later'
    assert row["sources"] == (
        "Aid, at last, Le Soir, 2020-03-18, https://example.org/a?b=1; '@untitled report"
    )
    assert row["url"] == "http://testserver/shipments/2020-CN-BE-007/"


@pytest.fixture
def pledges():
    """A pledge with deliveries published, cancelled and not published; one with none."""
    pledge = ShipmentFactory(reference="PLEDGE-1", status="pledged")
    ShipmentFactory(reference="PLEDGE-2", status="pledged")
    # In code-point order "DLV-2" comes first; in a locale's, which skips the hyphen, "DLV10".
    for reference, status in [("DLV10", "delivered"), ("DLV-2", "dispatched")]:
        ShipmentFactory(reference=reference, status=status, pledge=pledge)
    ShipmentFactory(reference="DLV-3", status="cancelled", pledge=pledge)
    ShipmentFactory(reference="DRAFT-DLV", pledge=pledge, is_published=False)
    # A published delivery of an unpublished pledge.
    draft = ShipmentFactory(reference="DRAFT-PLEDGE", status="pledged", is_published=False)
    ShipmentFactory(reference="DLV-4", pledge=draft)


def test_a_pledge_lists_its_published_deliveries(client, pledges):
    exported = {row["reference"]: row for row in rows(client.get("/shipments.csv"))}
    assert exported["PLEDGE-1"]["deliveries"] == "DLV-2; DLV-3; DLV10"
    assert exported["PLEDGE-2"]["deliveries"] == ""
    assert exported["DLV10"]["deliveries"] == ""
    assert exported["DLV10"]["pledge_reference"] == "PLEDGE-1"
    assert exported["DLV-4"]["pledge_reference"] == ""
    assert "DRAFT" not in body(client.get("/shipments.csv")).decode()


def test_a_pledges_deliveries_do_not_depend_on_the_selection(client, pledges):
    [pledge] = rows(client.get("/shipments.csv?q=PLEDGE-1"))
    assert pledge["deliveries"] == "DLV-2; DLV-3; DLV10"


def test_deliveries_keeps_its_place_after_notes(client, pledges):
    """Appended after notes; the columns added since come after it."""
    header = body(client.get("/shipments.csv")).decode().splitlines()[0]
    assert ",pledge_reference,notes,deliveries,recipient_country_iso3," in header
    assert "deliveries" not in body(client.get("/items.csv")).decode().splitlines()[0]


def test_the_json_lists_a_pledges_published_deliveries(client, pledges):
    results = {s["reference"]: s for s in client.get("/shipments.json").json()["results"]}
    assert results["PLEDGE-1"]["deliveries"] == ["DLV-2", "DLV-3", "DLV10"]
    assert results["DLV10"]["deliveries"] == []


@pytest.mark.parametrize("export_class", [ShipmentsExport, ItemsExport])
@pytest.mark.skipif(not ON_POSTGRESQL, reason="only PostgreSQL has a COPY path to compare")
@pytest.mark.parametrize("query", ["", "category=masks", "sort=-value_usd&q=liège", "q=PLEDGE"])
@pytest.mark.parametrize("data", ["tricky", "pledges"])
def test_copy_and_orm_paths_give_identical_bytes(request, data, export_class, query):
    """PostgreSQL streams COPY; other databases the ORM. Both render the same bytes."""
    request.getfixturevalue(data)

    def render(use_copy):
        filterset = ShipmentFilter(QueryDict(query))
        assert filterset.is_valid()
        export = export_class(filterset, base_url="http://testserver/shipments/")
        assert export.copy_stream is not None
        if not use_copy:
            export.close()
            export.copy_stream = None
        count = export.count()
        data = b"".join(export.lines())
        export.close()
        assert data.count(b"\n") >= count
        return count, data

    assert render(use_copy=True) == render(use_copy=False)


def test_unknown_values_are_empty_never_none_or_zero(client, tricky):
    [first, _] = rows(client.get("/items.csv"))
    assert first["quantity"] == ""
    assert first["item_value_usd"] == ""
    assert "None" not in body(client.get("/shipments.csv")).decode()


def test_excel_variant_has_a_byte_order_mark(client, tricky):
    plain = body(client.get("/items.csv"))
    excel = body(client.get("/items.csv?bom=1"))
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + plain
    assert "Hôpital de Liège" in excel.decode("utf-8-sig")
    assert "浙江省" in excel.decode("utf-8-sig")


def test_category_filter_keeps_only_that_categorys_lines(client, tricky):
    lines = rows(client.get("/items.csv?category=masks"))
    assert [line["category"] for line in lines] == ["masks"]
    assert len(rows(client.get("/shipments.csv?category=masks"))) == 1


def test_unpublished_shipments_are_never_exported(client, tricky):
    for url in ["/items.csv", "/shipments.csv", "/items.csv?q=DRAFT-9", "/shipments.json"]:
        assert b"DRAFT-9" not in b"".join(client.get(url))


def test_headers_name_the_selection_and_count_the_rows(client, tricky):
    response = client.get("/items.csv?recipient_country=be&category=masks&category=ventilators")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = date.today().isoformat()
    expected = f"items_recipient_country-BE_category-masks+ventilators_{today}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert response["X-Row-Count"] == "2"
    assert len(rows(response)) == 2


def test_empty_selection_is_a_header_only_file(client, tricky):
    response = client.get("/shipments.csv?recipient_country=FR")
    assert response["X-Row-Count"] == "0"
    assert body(response).decode().count("\n") == 1


@pytest.fixture
def spread():
    """Shipments that differ in every filtered field."""
    china, france = DonorFactory(country="CN"), DonorFactory(country="FR", kind="ngo")
    italy, belgium = RecipientFactory(country="IT"), RecipientFactory(country="BE")
    specs = [
        (italy, [china], "delivered", date(2020, 3, 1), "masks", 10),
        (italy, [france], "pledged", None, "gloves", None),
        (belgium, [china, france], "dispatched", date(2020, 4, 1), "masks", 30),
        (belgium, [france], "delivered", date(2021, 1, 1), "ventilators", 20),
        (italy, [china], "cancelled", date(2020, 3, 1), "test-reagents", 40),
    ]
    for n, (recipient, donors, status, shipped, slug, value) in enumerate(specs):
        shipment = ShipmentFactory(
            reference=f"S-{n}",
            recipient=recipient,
            donors=donors,
            status=status,
            shipped_on=shipped,
            value_usd=value,
        )
        ShipmentItemFactory(shipment=shipment, category=category(slug))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "recipient_country=it",
        "donor_country=FR&category=masks",
        "shipped_after=2020-03-01&shipped_before=2020-12-31",
        "status=delivered&status=pledged",
        "sort=-value_usd",
        "sort=shipped_on&donor_kind=ngo",
        "q=S-3",
        "category=masks,ventilators&recipient_country=BE",
    ],
)
def test_csv_holds_exactly_the_selection_in_list_order(client, spread, query):
    filterset = ShipmentFilter(QueryDict(query))
    assert filterset.is_valid()
    expected = [shipment.reference for shipment in filterset.qs]
    # The public list shows the same shipments, in the same order.
    assert listed_references(client.get(f"/shipments/?{query}")) == expected
    exported = [row["reference"] for row in rows(client.get(f"/shipments.csv?{query}"))]
    assert exported == expected
    item_refs = [row["shipment_reference"] for row in rows(client.get(f"/items.csv?{query}"))]
    assert item_refs == expected  # one item each


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        *INVALID_QUERIES,
        ("recipient_contry=IT", "recipient_contry"),
        ("bom=yes", "bom"),
    ],
)
@pytest.mark.parametrize("url", ["/shipments.csv", "/items.csv", "/shipments.json"])
def test_bad_input_is_a_400_naming_the_parameter(client, url, query, parameter):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines()[2].startswith(f"{parameter}:")


def test_a_typo_is_named_with_a_suggestion(client):
    response = client.get("/items.csv?recipient_contry=IT")
    assert "Did you mean recipient_country?" in response.content.decode()


def test_exports_answer_only_get(client):
    assert client.post("/items.csv").status_code == 405


def test_names_sort_by_code_point_on_every_database(client):
    names = ["zeta", "Ástrid", "hospital b", "Hospital A", "_under"]
    for n, name in enumerate(names):
        ShipmentFactory(reference=f"N-{n}", recipient=RecipientFactory(name=name))
    exported = [row["recipient"] for row in rows(client.get("/shipments.csv?sort=recipient"))]
    assert exported == sorted(names)
    backwards = [row["recipient"] for row in rows(client.get("/shipments.csv?sort=-recipient"))]
    assert backwards == sorted(names, reverse=True)


def shipments_with_lines(number):
    donor = DonorFactory()
    for _ in range(number):
        shipment = ShipmentFactory(donors=[donor, DonorFactory()])
        ShipmentItemFactory.create_batch(2, shipment=shipment)
        SourceFactory(shipment=shipment)


def queries_of(download, client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(download)
        body(response)
    return len(queries)


# On PostgreSQL the count and the rows come from the export's own connection
# (a count, then COPY): the request's connection reads nothing. Elsewhere the
# ORM reads them: the count, then per chunk of 2,000 rows the rows with their
# recipient and pledge (lines: with their shipment and category), the rows'
# donors and their sources; shipments, their published deliveries; lines, their
# rejections.
# On SQLite, the moment of the latest change (X-Data-As-Of) is one of them; on PostgreSQL
# it is read on the export's own connection, with the rows.
EXPORT_QUERIES = {
    "/shipments.csv": {"postgresql": 0, "sqlite": 6},
    "/items.csv": {"postgresql": 0, "sqlite": 6},
}


@pytest.mark.parametrize("download", EXPORT_QUERIES)
def test_export_query_count_does_not_grow_with_the_rows(client, download):
    expected = EXPORT_QUERIES[download][connection.vendor]
    shipments_with_lines(2)
    assert queries_of(download, client) == expected
    shipments_with_lines(10)
    assert queries_of(download, client) == expected


def test_a_lines_number_is_its_place_in_its_shipment_whatever_the_filter(client):
    shipment = ShipmentFactory(reference="LINES-1")
    for position, slug in enumerate(["gloves", "masks", "gloves", "masks"]):
        ShipmentItemFactory(shipment=shipment, category=category(slug), position=position)
    # Entered without positions: the order they were added in.
    other = ShipmentFactory(reference="LINES-2")
    ShipmentItemFactory.create_batch(2, shipment=other, category=category("masks"))

    def lines(query):
        rows = csv.DictReader(io.StringIO(body(client.get("/items.csv" + query)).decode()))
        return [(row["shipment_reference"], row["line"], row["category"]) for row in rows]

    assert lines("?sort=reference") == [
        ("LINES-1", "1", "gloves"),
        ("LINES-1", "2", "masks"),
        ("LINES-1", "3", "gloves"),
        ("LINES-1", "4", "masks"),
        ("LINES-2", "1", "masks"),
        ("LINES-2", "2", "masks"),
    ]
    assert lines("?sort=reference&category=masks") == [
        ("LINES-1", "2", "masks"),
        ("LINES-1", "4", "masks"),
        ("LINES-2", "1", "masks"),
        ("LINES-2", "2", "masks"),
    ]

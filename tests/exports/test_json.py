"""/shipments.json: the filtered list, paginated, with totals for the whole selection."""

from datetime import date

import pytest

from shipments.exports import views as export_views
from tests.factories import (
    ABOUT_20,
    DOZENS,
    EXACT,
    NOT_GIVEN,
    OVER_2_MILLION,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
    add_lines,
    category,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipments():
    made = []
    for n in range(5):
        shipment = ShipmentFactory(
            reference=f"J-{n}", shipped_on=date(2020, 3, 1 + n), value_usd=n * 100
        )
        ShipmentItemFactory(shipment=shipment, quantity=1000)
        ShipmentItemFactory(
            shipment=shipment,
            category=category("gloves"),
            unit="pairs",
            quantity=None,
            quantity_note="dozens",
        )
        SourceFactory(shipment=shipment)
        made.append(shipment)
    ShipmentFactory(reference="J-DRAFT", is_published=False)
    return made


def test_lists_the_selection_newest_first(client, shipments):
    data = client.get("/shipments.json").json()
    assert data["count"] == 5
    assert [s["reference"] for s in data["results"]] == ["J-4", "J-3", "J-2", "J-1", "J-0"]
    first = data["results"][0]
    assert first["url"] == "http://testserver/shipments/J-4/"
    assert first["value_usd"] == 400
    assert first["items"][1]["quantity"] is None
    assert first["items"][1]["quantity_note"] == "dozens"
    assert first["sources"][0]["publisher"] == "Test Gazette"


def test_totals_cover_the_whole_selection_and_count_unknowns(client, shipments, monkeypatch):
    monkeypatch.setattr(export_views, "JSON_PAGE_SIZE", 2)
    totals = client.get("/shipments.json").json()["totals"]
    by_category = {row["category"]: row for row in totals}
    assert by_category["masks"]["quantity"] == 5000
    assert by_category["masks"]["lines_without_quantity"] == 0
    assert by_category["gloves"]["quantity"] is None
    assert by_category["gloves"]["lines_without_quantity"] == 5


def test_category_filter_narrows_the_totals_to_that_category(client, shipments):
    totals = client.get("/shipments.json?category=masks").json()["totals"]
    assert [row["category"] for row in totals] == ["masks"]


def test_pages_link_to_each_other(client, shipments, monkeypatch):
    monkeypatch.setattr(export_views, "JSON_PAGE_SIZE", 2)
    data = client.get("/shipments.json?status=delivered&page=2").json()
    assert (data["page"], data["pages"]) == (2, 3)
    assert [s["reference"] for s in data["results"]] == ["J-2", "J-1"]
    assert data["next"] == "http://testserver/shipments.json?status=delivered&page=3"
    assert data["previous"] == "http://testserver/shipments.json?status=delivered&page=1"


def test_bad_pages(client, shipments):
    for page in ["abc", "0", "-1", "1.5", "²", "①", "¹¹", "\u0661", "9" * 5000]:
        response = client.get(f"/shipments.json?page={page}")
        assert response.status_code == 400
        assert "page: give a whole number" in response.content.decode()
    response = client.get("/shipments.json?page=99")
    assert response.status_code == 404
    assert "last page is 1" in response.json()["error"]


def test_query_count_does_not_grow_with_the_page(client, shipments, django_assert_num_queries):
    # count, category choices (validation), the page of shipments, donors, items with
    # categories, rejections, sources, published deliveries, totals, rejections in
    # the totals, the facets (the shipments' columns, the categories' names,
    # the emergencies' names), and the moment of the latest change (X-Data-As-Of)
    with django_assert_num_queries(14):
        small = client.get("/shipments.json?status=delivered&recipient_country=IT&page=1")
    assert small.status_code == 200
    for n in range(20):
        ShipmentItemFactory(shipment=ShipmentFactory(reference=f"MORE-{n}"))
    with django_assert_num_queries(14):
        assert len(client.get("/shipments.json").json()["results"]) == 25


@pytest.mark.parametrize(
    "lines, notes",
    [
        ([EXACT], []),
        ([EXACT, OVER_2_MILLION], ["over 2 million"]),
        ([OVER_2_MILLION, DOZENS], ["dozens", "over 2 million"]),
        ([OVER_2_MILLION, DOZENS, NOT_GIVEN], None),
        ([("approximate", 20, None, None, ""), EXACT], None),
    ],
)
def test_json_totals_quote_the_lines_not_exact(client, lines, notes):
    add_lines(ShipmentFactory(status="pledged"), lines)
    [row] = client.get("/shipments.json").json()["totals"]
    assert row["quantity_notes"] == notes


def test_json_totals_count_the_lines_estimated_bounded_and_without_a_figure(client):
    add_lines(ShipmentFactory(status="pledged"), [ABOUT_20, OVER_2_MILLION, DOZENS, NOT_GIVEN])
    [row] = client.get("/shipments.json").json()["totals"]
    assert (
        row["lines"],
        row["lines_estimated"],
        row["lines_bounded"],
        row["lines_without_quantity"],
    ) == (4, 4, 2, 2)
    assert (row["quantity"], row["quantity_min"], row["quantity_max"]) == (
        2_000_020,
        2_000_024,
        None,
    )

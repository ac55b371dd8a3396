"""Charts that answer questions: quantities by category and status, a timeline by best-known
date, the latest shipments by it, and a country's charts of what it received and gave."""

import re
from datetime import date

import pytest

from shipments.public.charts import OPEN_END, QUANTITY_WIDTH, quantity_chart
from shipments.public.summaries import CategoryTotal
from tests.factories import (
    ABOUT_20,
    EXACT,
    OVER_2_MILLION,
    UP_TO_500,
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    add_lines,
    category,
)
from tests.pages import elements, listed_references

pytestmark = pytest.mark.django_db


def descriptions(response):
    """The text alternative of every chart of quantities, by its panel's title."""
    page = response.content.decode()
    return dict(
        re.findall(
            r'<p class="quantity-panel-title" id="[^"]+">(.*?)</p>\s*<svg[^>]*>\s*'
            r'<desc id="[^"]+">(.*?)</desc>',
            page,
        )
    )


def section(response, heading_id):
    page = response.content.decode()
    found = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    assert found, heading_id
    return found.group(1)


# The demo data, as a reader meets it.


def test_the_rome_arrival_is_among_the_latest_shipments_by_its_arrival_date(client, demo_data):
    latest = listed_references(client.get("/"))
    # arrived 17 March, arrived 16 March, shipped 14 March, shipped 13 March,
    # then the 31 tonnes that arrived in Rome on 12 March, with no shipping date
    assert latest[:5] == [
        "2020-CN-IT-002",
        "2020-CN-BE-001",
        "2020-CN-IT-003",
        "2020-CN-IT-004",
        "2020-CN-IT-001",
    ]
    assert len(latest) == 10
    received = listed_references(client.get("/countries/IT/"))
    assert received[:4] == ["2020-CN-IT-002", "2020-CN-IT-003", "2020-CN-IT-004", "2020-CN-IT-001"]


def test_the_demo_quantities_are_charted_as_the_headline_words_them(client, demo_data):
    response = client.get("/")
    charted = descriptions(response)
    assert charted['Masks <span class="unit">(pieces)</span>'] == (
        "Pledged: at least 4,000,000; Dispatched: 95,000; Delivered: at least 340,000."
    )
    # the dozens of ventilator sets are a bound, and apart from ventilators counted in pieces
    assert charted['Ventilators <span class="unit">(sets)</span>'] == "Delivered: at least 24."
    assert charted['Ventilators <span class="unit">(pieces)</span>'] == "Delivered: not given."
    assert charted['Gloves <span class="unit">(pairs)</span>'] == "Dispatched: 250,000."
    # what was pledged is never added to what was delivered
    assert "4,340,000" not in response.content.decode()


def test_the_demo_timeline_counts_by_best_known_date_and_says_what_is_undated(client, demo_data):
    timeline = client.get("/").content.decode()
    assert "Timeline: shipments per day, by best-known date" in timeline
    assert (
        "Shipments per day by best-known date (arrived, else shipped, else announced), from "
        "2020-03-12 to 2020-03-17." in timeline
    )
    assert "7 shipments with no date reported not drawn." in timeline
    assert "<title>2020-03-12: 1 shipment</title>" in timeline


def test_the_demo_country_page_charts_what_italy_received_and_from_whom(client, demo_data):
    response = client.get("/countries/IT/")
    received = section(response, "received-title")
    assert "Supplies Italy received, by category and status" in received
    assert "Top donors" in received
    assert 'href="/donors/chinese-government/"' in received
    assert "Top donor countries" in received
    charted = descriptions(response)
    assert charted['Masks <span class="unit">(pieces)</span>'] == (
        "Dispatched: 95,000; Delivered: at least 40,000."
    )


# Quantities drawn as their readings allow.


def test_bounds_are_drawn_and_worded_as_bounds(client):
    add_lines(ShipmentFactory(status="delivered"), [OVER_2_MILLION])
    add_lines(ShipmentFactory(status="pledged"), [("range", None, 140, 240, "140 to 240")])
    add_lines(ShipmentFactory(status="dispatched"), [UP_TO_500])
    add_lines(ShipmentFactory(status="delivered"), [ABOUT_20], slug="gloves")
    response = client.get("/")
    charted = descriptions(response)
    assert charted['Masks <span class="unit">(pieces)</span>'] == (
        "Pledged: 140 to 240; Dispatched: at most 500; Delivered: at least 2,000,000."
    )
    assert charted['Gloves <span class="unit">(pieces)</span>'] == "Delivered: about 20."
    page = response.content.decode()
    # at least: a bar and an arrow; a range: solid to 140, pale to 240; at most: pale only
    assert '<polygon class="quantity-open quantity-delivered"' in page
    assert re.search(r'<rect class="quantity-bound quantity-pledged" x="[\d.]+"', page)
    assert '<rect class="quantity-bar quantity-dispatched"' not in page
    assert '<rect class="quantity-bound quantity-dispatched" x="0"' in page
    assert 'class="quantity-bar quantity-delivered quantity-about"' in page


def test_a_bar_claims_no_more_than_its_reading():
    def total(status, qualifier_kind, **fields):
        return CategoryTotal(
            slug="masks",
            name="Masks",
            unit="pieces",
            status=status,
            lines=1,
            unknown_lines=0,
            shipments=1,
            lines_estimated=0 if qualifier_kind == "exact" else 1,
            lines_bounded=1 if qualifier_kind == "bounded" else 0,
            **fields,
        )

    chart = quantity_chart(
        "q",
        "Q",
        [
            total("pledged", "bounded", quantity=None, quantity_min=140, quantity_max=240),
            total("dispatched", "bounded", quantity=None, quantity_min=None, quantity_max=480),
            total("delivered", "bounded", quantity=None, quantity_min=120, quantity_max=None),
        ],
    )
    [panel] = chart.panels
    pledged, dispatched, delivered = panel.bars
    scale = (QUANTITY_WIDTH - OPEN_END) / 480
    assert (pledged.solid, pledged.bound, pledged.open) == (
        round(140 * scale, 1),
        round(100 * scale, 1),
        False,
    )
    assert (dispatched.solid, dispatched.bound) == (0, round(480 * scale, 1))
    assert (delivered.solid, delivered.bound, delivered.open) == (round(120 * scale, 1), 0, True)


def test_units_are_panels_of_their_own_and_never_added(client):
    ShipmentItemFactory(category=category("gloves"), unit="pairs", quantity=250_000)
    ShipmentItemFactory(category=category("gloves"), unit="boxes", quantity=10)
    response = client.get("/")
    charted = descriptions(response)
    assert charted['Gloves <span class="unit">(pairs)</span>'] == "Delivered: 250,000."
    assert charted['Gloves <span class="unit">(boxes)</span>'] == "Delivered: 10."
    assert "250,010" not in response.content.decode()


def test_cancelled_and_unpublished_supplies_are_not_charted(client):
    italy = RecipientFactory(country="IT")
    ShipmentItemFactory(shipment=ShipmentFactory(recipient=italy), quantity=1_000)
    ShipmentItemFactory(
        shipment=ShipmentFactory(recipient=italy, status="cancelled"), quantity=7_777
    )
    draft = ShipmentFactory(
        recipient=italy,
        is_published=False,
        shipped_on=date(2021, 6, 7),
        donors=[DonorFactory(slug="secret-donor", name="Secret donor")],
    )
    ShipmentItemFactory(shipment=draft, quantity=123_456)
    for path in ["/", "/countries/IT/", "/countries/CN/"]:
        page = client.get(path).content.decode()
        charts = "".join(
            re.findall(r'<figure class="chart quantity-chart">.*?</figure>', page, re.S)
        )
        assert "Masks" in charts, path
        assert "7,777" not in charts, path
        assert "123,456" not in page, path
        assert "124,456" not in page, path
        assert "2021-06-07" not in page, path
        assert "secret-donor" not in page, path
        assert "Secret donor" not in page, path
    assert descriptions(client.get("/countries/IT/")) == {
        'Masks <span class="unit">(pieces)</span>': "Delivered: 1,000."
    }


# The timeline.


def test_a_timeline_of_one_day_is_one_column_labelled_once(client):
    ShipmentFactory.create_batch(2, shipped_on=date(2020, 3, 9))
    ShipmentFactory(shipped_on=None)
    page = client.get("/").content.decode()
    assert "Timeline: shipments per day, by best-known date" in page
    assert "all 2 dated shipments on 2020-03-09" in page
    assert "1 shipment with no date reported not drawn." in page
    timeline = re.search(r'<svg class="chart-svg chart-columns".*?</svg>', page, re.S).group(0)
    assert timeline.count('<rect class="chart-bar"') == 1
    assert timeline.count('<text class="chart-tick"') == 3  # the largest count, 0, one date
    assert timeline.count('text-anchor="middle">2020-03-09</text>') == 1
    assert "2020-03-09 … 2020-03-09" not in page


def test_the_timeline_counts_arrivals_and_announcements_when_there_is_no_shipping_date(client):
    ShipmentFactory(shipped_on=None, arrived_on=date(2020, 3, 12))
    ShipmentFactory(shipped_on=None, announced_on=date(2020, 5, 20))
    ShipmentFactory(shipped_on=date(2020, 3, 1), arrived_on=date(2020, 3, 3))
    page = client.get("/").content.decode()
    assert "Timeline: shipments per week, by best-known date" in page
    assert "from the week of 2020-03-02 to the week of 2020-05-18" in page
    assert "no date reported" not in page


# A country's charts.


def test_a_country_page_charts_top_donors_and_top_recipients(client):
    italy, rome = RecipientFactory(country="IT"), RecipientFactory(slug="rome", country="IT")
    china = DonorFactory(slug="china-red-cross", name="China Red Cross", country="CN")
    ShipmentItemFactory.create_batch(
        3, shipment=ShipmentFactory(donors=[china], recipient=rome), quantity=5
    )
    ShipmentItemFactory(shipment=ShipmentFactory(donors=[china], recipient=italy))
    received = section(client.get("/countries/IT/"), "received-title")
    assert 'href="/donors/china-red-cross/"' in received
    assert "Most: China Red Cross, with 2 shipments." in received
    given = section(client.get("/countries/CN/"), "given-title")
    assert "Top recipients" in given
    assert 'href="/recipients/rome/"' in given
    assert "Supplies China gave, by category and status" in given
    svgs = elements(client.get("/countries/CN/"), "svg")
    assert all(svg["role"] == "img" and svg["aria-labelledby"] for svg in svgs)


def test_a_country_with_nothing_given_draws_no_empty_charts(client):
    ShipmentItemFactory(shipment=ShipmentFactory(recipient=RecipientFactory(country="IT")))
    given = section(client.get("/countries/IT/"), "given-title")
    assert "<svg" not in given
    assert "No published shipment from donors in Italy." in given


def test_exact_lines_chart_as_exact(client):
    add_lines(ShipmentFactory(), [EXACT])
    assert descriptions(client.get("/")) == {
        'Masks <span class="unit">(pieces)</span>': "Delivered: 40,000."
    }


def test_the_data_page_says_how_shipments_are_dated(client):
    page = client.get("/about/data/").content.decode()
    assert (
        "dated by its best-known date: the day it arrived, else the day it was shipped, else "
        "the day it was announced" in page
    )


def test_the_numbers_behind_the_quantities_use_the_totals_words_and_stack_on_phones(
    client, demo_data
):
    page = client.get("/").content.decode()
    figure = re.search(r'<figure class="chart quantity-chart">.*?</figure>', page, re.S).group(0)
    assert '<table class="stacks">' in figure
    rows = [
        [
            " ".join(re.sub(r"<[^>]+>", "", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", figure, re.S)
    ]
    assert rows[0] == ["Category", "Unit", "Status", "Quantity", "Shipments"]
    assert [
        "Masks",
        "pieces",
        "Pledged",
        "at least 4,000,000 (one line “over 2 million”)",
        "2",
    ] in rows
    assert ["Ventilators", "sets", "Delivered", "at least 24 (“dozens”)", "1"] in rows
    assert '<td class="num" data-label="Quantity">' in figure

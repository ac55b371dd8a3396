"""The home page leads with supplies: quantities by category and status, as honestly as
their lines allow, and a one-line takeaway."""

import html
import re

import pytest

from shipments.public.summaries import CategoryTotal, headline
from tests.factories import ShipmentFactory, ShipmentItemFactory

pytestmark = pytest.mark.django_db


def text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def headline_on_page(response):
    section = re.search(
        r'<section aria-labelledby="headline-title">(.*?)</section>',
        response.content.decode(),
        re.S,
    ).group(1)
    takeaway = text(re.search(r'<p class="takeaway">(.*?)</p>', section, re.S).group(1))
    figures = [text(item) for item in re.findall(r"<li>(.*?)</li>", section, re.S)]
    return takeaway, figures, text(section)


def test_the_home_headline_reads_the_demo_supplies(client, demo_data):
    takeaway, figures, section = headline_on_page(client.get("/"))
    assert takeaway == (
        "Most reported: masks, with at least 340,000 delivered, 95,000 dispatched and "
        "at least 4,000,000 pledged, each counted apart."
    )
    assert figures == [
        "at least 340,000 masks delivered one line “not given”",
        "at least 24 sets of ventilators delivered “dozens”",
        "at least 5,500 protective suits delivered one line “not given”",
        "60,000 tests and reagents delivered",
        "at least 2 medical equipment delivered 3 of 4 lines with no figure",
        "95,000 masks dispatched",
        "1,800 protective suits dispatched",
        "250,000 pairs of gloves dispatched",
        "at least 4,000,000 masks pledged one line “over 2 million”",
    ]
    assert "Also reported, with no figure: ventilators delivered; boxes of medicines" in section


def test_the_home_headline_links_each_figure_to_its_shipments(client):
    ShipmentItemFactory(shipment=ShipmentFactory(status="dispatched"), quantity=5)
    page = client.get("/").content.decode()
    assert '<a href="/shipments/?category=masks&amp;status=dispatched">' in page
    assert "Most reported: masks, with 5 dispatched." in text(page)


def test_the_home_headline_without_figures_says_so(client):
    ShipmentItemFactory(quantity=None, quantity_note="not given")
    page = text(client.get("/").content.decode())
    assert "No published shipment gives a quantity yet." in page
    assert "Also reported, with no figure: masks delivered." in page


def total(slug, status, quantity, shipments=1, unit="pieces"):
    return CategoryTotal(
        slug=slug,
        name=slug.title(),
        unit=unit,
        status=status,
        quantity=quantity,
        lines=1,
        unknown_lines=0 if quantity is not None else 1,
        shipments=shipments,
        lines_estimated=0 if quantity is not None else 1,
    )


def test_the_headline_puts_deliveries_first_and_leads_with_the_most_shipped_category():
    rows = [
        total("masks", "pledged", 2_000_000),
        total("masks", "delivered", 300_000),
        total("gloves", "dispatched", 250_000, shipments=3, unit="pairs"),
        total("medicines", "delivered", None),
    ]
    found = headline(rows)
    assert [(row.slug, row.status) for row in found.figures] == [
        ("masks", "delivered"),
        ("gloves", "dispatched"),
        ("masks", "pledged"),
    ]
    assert [(row.slug, row.status) for row in found.leading] == [("gloves", "dispatched")]
    assert [row.slug for row in found.unfigured] == ["medicines"]


def test_a_tie_goes_to_the_category_listed_first():
    rows = [total("masks", "pledged", 10), total("gloves", "delivered", 5)]
    assert [row.slug for row in headline(rows).leading] == ["masks"]

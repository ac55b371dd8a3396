"""Tables of shipments say what was shipped and when: a Supplies column in the reports'
words and one Date column with the best-known date; the home page leads with quantities."""

import html
import re
from datetime import date

import pytest

from shipments.models import Shipment, ShipmentItem
from shipments.public.jinja2 import in_sentence
from tests.factories import (
    ABOUT_20,
    DOZENS,
    EXACT,
    NOT_GIVEN,
    OVER_2_MILLION,
    UP_TO_500,
    ShipmentFactory,
    ShipmentItemFactory,
    add_lines,
    category,
)
from tests.pages import table_rows

pytestmark = pytest.mark.django_db


def text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def cells(response, css_class):
    """The text of each `<td class="css_class" ...>` in the page, in order."""
    found = re.findall(rf'<td class="{css_class}"[^>]*>(.*?)</td>', response.content.decode(), re.S)
    return [text(cell) for cell in found]


def supplies_of(client, shipment):
    [cell] = cells(client.get(f"/shipments/?q={shipment.reference}"), "supplies")
    return cell


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (EXACT, "40,000 masks"),
        (ABOUT_20, "about 20 masks"),
        (OVER_2_MILLION, "at least 2,000,000 masks (“over 2 million”)"),
        (UP_TO_500, "at most 500 masks (“up to 500”)"),
        (DOZENS, "dozens of masks"),
        (NOT_GIVEN, "masks (not given)"),
    ],
    ids=["exact", "approximate", "at least", "at most", "vague", "not given"],
)
def test_the_supplies_cell_gives_each_amount_as_the_report_does(client, line, expected):
    shipment = ShipmentFactory(reference="S-1")
    add_lines(shipment, [line])
    assert supplies_of(client, shipment) == expected


def test_the_supplies_cell_names_units_and_joins_lines_in_their_order(client):
    shipment = ShipmentFactory(reference="S-1")
    for position, (slug, description, quantity, unit) in enumerate(
        [
            ("masks", "N95 respirator masks", 40_000, "pieces"),
            ("protective-suits", "Protective suits", 1_800, "pieces"),
            ("gloves", "Gloves", 250_000, "pairs"),
            ("ventilators", "Ventilator sets", 3, "sets"),
        ]
    ):
        ShipmentItemFactory(
            shipment=shipment,
            category=category(slug),
            description=description,
            quantity=quantity,
            unit=unit,
            position=position,
        )
    assert supplies_of(client, shipment) == (
        "40,000 N95 respirator masks · 1,800 protective suits · 250,000 pairs of gloves"
        " · 3 ventilator sets"
    )


def test_a_line_with_neither_figure_nor_words_says_there_is_no_figure(client):
    # Forms ask for the words; older rows and bulk writes may lack them.
    shipment = ShipmentFactory(reference="S-1")
    add_lines(shipment, [NOT_GIVEN])
    ShipmentItem.objects.update(quantity_note="")
    assert supplies_of(client, shipment) == "masks (no figure)"


def test_a_description_in_brackets_is_not_followed_by_more_brackets(client):
    shipment = ShipmentFactory(reference="S-1")
    ShipmentItemFactory(shipment=shipment, description="Assistance (not specified)", quantity=None)
    ShipmentItem.objects.update(quantity_note="not given")
    assert supplies_of(client, shipment) == "assistance (not specified), not given"


def test_a_shipment_without_lines_says_so(client):
    assert supplies_of(client, ShipmentFactory(reference="S-1")) == "no supply lines"


def test_descriptions_read_within_a_sentence():
    assert in_sentence("Gloves") == "gloves"
    assert in_sentence("Ventilator sets") == "ventilator sets"
    assert in_sentence("N95 respirator masks") == "N95 respirator masks"
    assert in_sentence("PCR kits") == "PCR kits"
    assert in_sentence("") == ""


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (
            {"announced_on": date(2020, 3, 1), "shipped_on": date(2020, 3, 9)}
            | {"arrived_on": date(2020, 3, 12)},
            "2020-03-12 · arrived",
        ),
        (
            {"announced_on": date(2020, 3, 1), "shipped_on": date(2020, 3, 9)},
            "2020-03-09 · shipped",
        ),
        ({"announced_on": date(2020, 3, 1)}, "2020-03-01 · announced"),
        ({}, "date not reported"),
    ],
    ids=["arrived", "shipped", "announced", "none"],
)
def test_the_date_cell_gives_the_best_known_date_and_which_it_is(client, dates, expected):
    ShipmentFactory(reference="S-1", **dates)
    for path in ["/shipments/", "/"]:
        assert cells(client.get(path), "date") == [expected]


def test_the_best_known_date_prefers_arrived_then_shipped_then_announced():
    shipment = Shipment(announced_on=date(2020, 3, 1), shipped_on=date(2020, 3, 9))
    assert shipment.best_date == (date(2020, 3, 9), "shipped")
    assert Shipment().best_date == (None, "")


def test_the_list_has_supplies_and_one_date_column_sorted_by_shipping_date(client):
    ShipmentFactory()
    [headings, _] = table_rows(client.get("/shipments/"), "list-title")
    assert headings == [
        "Reference, sort",
        "Supplies",
        "Donors",
        "Recipient, sort",
        "Route, sort",
        "Status, sort",
        "Date ▼, sort ascending sorts by shipped date",
        "Weight (kg), sort",
        "Value (USD), sort",
    ]
    page = client.get("/shipments/?sort=arrived_on").content.decode()
    # The date sorts keep their meaning: the heading links to the shipping date's.
    assert 'href="/shipments/?sort=-shipped_on"' in page


def test_every_table_of_shipments_has_the_supplies_column(client):
    shipment = ShipmentFactory(reference="S-1", shipped_on=date(2020, 3, 9))
    add_lines(shipment, [DOZENS])
    pages = [
        "/",
        "/shipments/",
        f"/countries/{shipment.destination_country}/",
        shipment.donors.get().get_absolute_url(),
        shipment.recipient.get_absolute_url(),
    ]
    for path in pages:
        response = client.get(path)
        assert "dozens of masks" in cells(response, "supplies"), path
        assert "2020-03-09 · shipped" in cells(response, "date"), path

"""Totals that say what they know (issue 14, point 2): beside a total that is not exact
stand the report's words of the lines that make it so ("at least 4,000,000 (one line
“over 2 million”)"), or how many they are, on every page that shows a total."""

import pytest

from shipments.models import Shipment
from shipments.public import summaries
from tests.factories import (
    ABOUT_20,
    DOZENS,
    EXACT,
    NOT_GIVEN,
    OVER_2_MILLION,
    UP_TO_500,
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    add_lines,
)
from tests.pages import category_totals

pytestmark = pytest.mark.django_db


def total_of(lines):
    add_lines(ShipmentFactory(status="pledged"), lines)
    [row] = summaries.selection_totals(Shipment.objects.published()).by_category
    return row


@pytest.mark.parametrize(
    "lines, words, told",
    [
        ([EXACT], (), ""),
        ([EXACT, EXACT], (), ""),
        # A total of one line is that line: its words alone.
        ([OVER_2_MILLION], ("over 2 million",), "“over 2 million”"),
        ([NOT_GIVEN], ("not given",), "“not given”"),
        ([EXACT, OVER_2_MILLION], ("over 2 million",), "one line “over 2 million”"),
        ([EXACT, NOT_GIVEN], ("not given",), "one line “not given”"),
        # Two lines, in alphabetical order whatever their order on the shipment.
        (
            [OVER_2_MILLION, EXACT, DOZENS],
            ("dozens", "over 2 million"),
            "2 lines: “dozens”, “over 2 million”",
        ),
        ([NOT_GIVEN, EXACT, NOT_GIVEN], ("not given", "not given"), "2 lines, both “not given”"),
        # More than two: how many, those with no figure apart.
        ([NOT_GIVEN, NOT_GIVEN, DOZENS, EXACT], None, "3 of 4 lines with no figure"),
        ([ABOUT_20, ABOUT_20, UP_TO_500, EXACT], None, "3 of 4 lines estimated or bounded"),
        (
            [ABOUT_20, OVER_2_MILLION, DOZENS, NOT_GIVEN, EXACT],
            None,
            "4 of 5 lines not exact: 2 estimated or bounded, 2 with no figure",
        ),
        # A line not exact without words of its own: only how many can be told.
        (
            [("approximate", 20, None, None, ""), EXACT],
            None,
            "1 of 2 lines estimated or bounded",
        ),
        (
            [("approximate", 20, None, None, ""), OVER_2_MILLION, EXACT],
            None,
            "2 of 3 lines estimated or bounded",
        ),
        ([("approximate", 20, None, None, "")], None, ""),
    ],
)
def test_a_total_tells_which_lines_are_not_exact(lines, words, told):
    row = total_of(lines)
    assert row.words == words
    assert row.inexact_lines == told


@pytest.fixture
def pledges():
    """2,000,000 masks pledged, and 'over 2 million' more: at least 4,000,000; delivered,
    40,000 masks and a line with no figure: at least 40,000; and 'dozens' of ventilators."""
    donor = DonorFactory(slug="foundation", country="CN")
    recipient = RecipientFactory(slug="hospital", country="IT")
    for status, lines in [
        ("pledged", [("exact", 2_000_000, None, None, ""), OVER_2_MILLION]),
        ("delivered", [EXACT, NOT_GIVEN]),
    ]:
        shipment = ShipmentFactory(status=status, donors=[donor], recipient=recipient)
        add_lines(shipment, lines)
    ventilators = ShipmentFactory(status="delivered", donors=[donor], recipient=recipient)
    add_lines(ventilators, [DOZENS], slug="ventilators")


PLEDGED = 'at least 4,000,000 <span class="partial">(one line “over 2 million”)</span><'
DELIVERED = 'at least 40,000 <span class="partial">(one line “not given”)</span><'
DOZENS_ALONE = 'at least 24 <span class="partial">(“dozens”)</span><'


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/shipments/",
        "/shipments/?status=pledged,delivered",
        # A selection whose totals are added up live, not kept in the cache.
        "/shipments/?status=pledged,delivered&donor=foundation",
        "/countries/IT/",
        "/countries/CN/",
        "/donors/foundation/",
        "/recipients/hospital/",
    ],
)
def test_every_page_with_totals_words_them(client, pledges, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    for total in [PLEDGED, DELIVERED, DOZENS_ALONE]:
        assert total in page


def test_a_single_line_with_no_figure_reads_as_its_words_not_zero(client):
    add_lines(ShipmentFactory(status="delivered"), [NOT_GIVEN], slug="medicines")
    page = client.get("/").content.decode()
    assert (
        '<td class="num" data-label="Quantity"><span class="unknown">not given</span></td>' in page
    )


def test_words_that_repeat_the_total_are_not_said_twice(client):
    add_lines(ShipmentFactory(status="delivered"), [ABOUT_20])
    page = client.get("/").content.decode()
    assert '<td class="num" data-label="Quantity">about 20</td>' in page
    assert "“about 20”)</span>" not in page


def test_the_words_are_escaped(client):
    add_lines(ShipmentFactory(status="delivered"), [EXACT, ("approximate", 5, None, None, "<b>")])
    page = client.get("/").content.decode()
    assert "(one line “&lt;b&gt;”)" in page
    assert "<b>" not in page


def test_the_demo_totals_claim_no_more_than_the_reports(client, demo_data):
    """Every total of the two reports that is not exact, as the pages word it."""
    [home] = category_totals(client.get("/"))
    assert {key: reads for key, reads in home.items() if not reads[0].isdigit()} == {
        # "2 million protective face masks" expected in the EU, and the foundations'
        # "over 2 million" for Europe.
        ("Masks", "pieces", "Pledged"): "at least 4,000,000 (one line “over 2 million”)",
        # 40,000 in Milan and 300,000 in Belgium; the masks brought to Rome have no figure.
        ("Masks", "pieces", "Delivered"): "at least 340,000 (one line “not given”)",
        ("Ventilators", "pieces", "Delivered"): "not given",
        ("Ventilators", "sets", "Delivered"): "at least 24 (“dozens”)",
        ("Protective suits", "pieces", "Delivered"): "at least 5,500 (one line “not given”)",
        ("Medicines", "boxes", "Delivered"): "not given",
        ("Medical equipment", "pieces", "Pledged"): "not given",
        # Two portable ultrasound machines; monitors, infusion pumps and Spain's
        # medical equipment without a figure.
        ("Medical equipment", "pieces", "Delivered"): "at least 2 (3 of 4 lines with no figure)",
        ("Other supplies", "pieces", "Pledged"): "not given",
        ("Other supplies", "pieces", "Delivered"): "not given",
    }
    [received] = category_totals(client.get("/countries/IT/"))
    assert received[("Masks", "pieces", "Delivered")] == "at least 40,000 (one line “not given”)"
    assert received[("Medical equipment", "pieces", "Delivered")] == (
        "at least 2 (2 lines, both “not given”)"
    )
    [pledged] = category_totals(client.get("/donors/alibaba-foundation/"))
    assert pledged[("Masks", "pieces", "Pledged")] == "at least 2,000,000 (“over 2 million”)"

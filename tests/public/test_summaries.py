"""Totals arranged for the pages: arithmetic, unknown quantities, mixed units, statuses apart."""

from decimal import Decimal

import pytest

from shipments.models import Shipment
from shipments.public import summaries
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    add_lines,
    category,
)

pytestmark = pytest.mark.django_db


def published():
    return Shipment.objects.published()


def test_selection_totals_add_known_quantities_and_count_unknown_lines():
    shipment = ShipmentFactory(status="delivered")
    ShipmentItemFactory(shipment=shipment, quantity=40_000)
    ShipmentItemFactory(shipment=shipment, quantity=None, quantity_note="dozens")
    ShipmentItemFactory(quantity=2_500, shipment=ShipmentFactory(status="delivered"))
    [row] = summaries.selection_totals(published()).by_category
    assert (row.quantity, row.lines, row.unknown_lines, row.shipments) == (42_500, 3, 1, 2)
    # A line with no number: the sum of the others is a lower bound.
    assert row.reading == ("at least", 42_500, None)


def test_selection_totals_with_only_unknown_quantities_are_unknown_not_zero():
    ShipmentItemFactory(quantity=None, quantity_note="dozens")
    [row] = summaries.selection_totals(published()).by_category
    assert row.quantity is None
    assert (row.lines, row.unknown_lines) == (1, 1)


@pytest.mark.parametrize(
    "lines, reading, bounds",
    [
        # Each line: (kind, figure, min, max, note); reading; (min, max, estimated, bounded).
        ([("exact", 40_000, None, None, "")], ("", 40_000, None), (40_000, 40_000, 0, 0)),
        (
            [("exact", 2_000_000, None, None, ""), ("at_least", None, 2_000_000, None, "over")],
            ("at least", 4_000_000, None),
            (4_000_000, None, 1, 1),
        ),
        (
            [("approximate", 20, None, None, "about 20"), ("exact", 5, None, None, "")],
            ("about", 25, None),
            (5, None, 1, 0),
        ),
        (
            [("range", None, 100, 200, "one to two hundred"), ("exact", 40, None, None, "")],
            ("", 140, 240),
            (140, 240, 1, 1),
        ),
        (
            [("unknown", None, 24, None, "dozens"), ("unknown", None, None, None, "not given")],
            ("at least", 24, None),
            (24, None, 2, 1),
        ),
        ([("unknown", None, None, None, "not given")], (None, None, None), (None, None, 1, 0)),
        # An approximate figure beside a bound is no estimate of the whole: only the bound.
        (
            [("approximate", 20, None, None, "about 20"), ("at_least", None, 2_000_000, None, "")],
            ("at least", 2_000_000, None),
            (2_000_000, None, 2, 1),
        ),
        ([("at_most", None, None, 500, "up to 500")], ("at most", 500, None), (None, 500, 1, 1)),
    ],
)
def test_a_total_says_only_what_its_lines_allow(lines, reading, bounds):
    add_lines(ShipmentFactory(status="pledged"), lines)
    [row] = summaries.selection_totals(published()).by_category
    assert row.reading == reading
    assert (row.quantity_min, row.quantity_max, row.lines_estimated, row.lines_bounded) == bounds


def test_selection_totals_never_add_different_units():
    shipment = ShipmentFactory()
    gloves = category("gloves")
    ShipmentItemFactory(shipment=shipment, category=gloves, quantity=250_000, unit="pairs")
    ShipmentItemFactory(shipment=shipment, category=gloves, quantity=40, unit="boxes")
    rows = summaries.selection_totals(published()).by_category
    assert [(row.unit, row.quantity) for row in rows] == [("boxes", 40), ("pairs", 250_000)]


def test_selection_totals_keep_statuses_apart_in_lifecycle_order():
    for status, quantity in [("delivered", 300_000), ("pledged", 2_000_000), ("dispatched", 5)]:
        ShipmentItemFactory(shipment=ShipmentFactory(status=status), quantity=quantity)
    totals = summaries.selection_totals(published())
    assert [(row.status, row.quantity) for row in totals.by_category] == [
        ("pledged", 2_000_000),
        ("dispatched", 5),
        ("delivered", 300_000),
    ]
    assert [row.status for row in totals.by_status] == ["pledged", "dispatched", "delivered"]


def test_status_totals_sum_weight_and_value_and_say_how_many_lack_one():
    ShipmentFactory(status="delivered", weight_kg=Decimal("31000"), value_usd=Decimal("100.50"))
    ShipmentFactory(status="delivered", weight_kg=Decimal("4000.5"), value_usd=None)
    ShipmentFactory(status="delivered", weight_kg=None, value_usd=None)
    [row] = summaries.selection_totals(published()).by_status
    assert (row.shipments, row.weight_kg, row.unweighed) == (3, Decimal("35000.5"), 1)
    assert (row.value_usd, row.unvalued) == (Decimal("100.50"), 2)


def test_selection_totals_leave_out_drafts_and_cancelled_supplies():
    ShipmentItemFactory(shipment=ShipmentFactory(is_published=False), quantity=9)
    ShipmentItemFactory(shipment=ShipmentFactory(status="cancelled"), quantity=7)
    totals = summaries.selection_totals(published())
    assert totals.by_category == []
    assert [(row.status, row.shipments) for row in totals.by_status] == [("cancelled", 1)]


def test_selection_totals_limited_to_categories_count_only_their_lines():
    shipment = ShipmentFactory()
    ShipmentItemFactory(shipment=shipment, category=category("masks"), quantity=10)
    ShipmentItemFactory(shipment=shipment, category=category("ventilators"), quantity=2)
    totals = summaries.selection_totals(published(), categories=["ventilators"])
    assert [(row.slug, row.quantity) for row in totals.by_category] == [("ventilators", 2)]
    assert totals.shipments == 1


def test_selection_totals_follow_the_selection():
    kept = ShipmentFactory(recipient=RecipientFactory(country="BE"))
    ShipmentItemFactory(shipment=kept, quantity=3)
    ShipmentItemFactory(shipment=ShipmentFactory(recipient=RecipientFactory(country="IT")))
    totals = summaries.selection_totals(published().filter(recipient__country="BE"))
    assert [row.quantity for row in totals.by_category] == [3]
    assert totals.shipments == 1


def test_country_index_counts_given_and_received_with_main_categories():
    china, europe = DonorFactory(country="CN"), DonorFactory(country="EU")
    italy = RecipientFactory(country="IT")
    for slug in ["masks", "masks", "gloves"]:
        ShipmentItemFactory(
            category=category(slug), shipment=ShipmentFactory(donors=[china], recipient=italy)
        )
    joint = ShipmentFactory(
        donors=[china, europe], recipient=RecipientFactory(country="CN"), origin_country="EU"
    )
    ShipmentItemFactory(shipment=joint, category=category("ventilators"))
    ShipmentFactory(donors=[DonorFactory(country="FR")], is_published=False)
    rows = {row.code: row for row in summaries.country_index()}
    assert set(rows) == {"CN", "EU", "IT"}
    assert (rows["CN"].given, rows["CN"].received, rows["CN"].total) == (4, 1, 5)
    assert rows["CN"].main_given == ["Masks", "Ventilators", "Gloves"]
    assert rows["CN"].main_received == ["Ventilators"]
    assert (rows["IT"].given, rows["IT"].received, rows["IT"].main_received) == (
        0,
        3,
        ["Masks", "Gloves"],
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Belgium", "China", "Italy"]),
        ("received", ["Italy", "Belgium", "China"]),
        ("given", ["China", "Belgium", "Italy"]),
        ("total", ["China", "Italy", "Belgium"]),
    ],
)
def test_country_index_sorts(sort, expected):
    china = DonorFactory(country="CN")
    for _ in range(2):
        ShipmentFactory(donors=[china], recipient=RecipientFactory(country="IT"))
    ShipmentFactory(donors=[china], recipient=RecipientFactory(country="BE"))
    assert [row.name for row in summaries.country_index(sort)] == expected


def test_country_profile_splits_received_and_given_by_partner():
    italy = RecipientFactory(country="IT")
    ShipmentFactory.create_batch(2, donors=[DonorFactory(country="CN")], recipient=italy)
    ShipmentFactory(donors=[DonorFactory(country="EU")], recipient=italy)
    ShipmentFactory(donors=[DonorFactory(country="IT")], recipient=RecipientFactory(country="ES"))
    profile = summaries.country_profile("IT")
    received, given = profile["received"], profile["given"]
    assert received.count == 3
    assert [(p.code, p.shipments) for p in received.partners] == [("CN", 2), ("EU", 1)]
    assert received.partners[0].url == "/shipments/?recipient_country=IT&donor_country=CN"
    assert received.url == "/shipments/?recipient_country=IT"
    assert (given.count, [p.code for p in given.partners]) == (1, ["ES"])


def test_category_totals_of_a_country_link_to_that_category_and_status_in_the_list():
    item = ShipmentItemFactory(shipment=ShipmentFactory(recipient=RecipientFactory(country="IT")))
    [row] = summaries.country_profile("IT")["received"].by_category
    assert row.url == (
        f"/shipments/?recipient_country=IT&category=masks&status={item.shipment.status}"
    )


def test_weights_add_up_along_one_route_only(client):
    """China to Italy plus EU countries to China is no total of anything."""
    ShipmentFactory(status="delivered", origin_country="CN", weight_kg=31_000)
    ShipmentFactory(status="delivered", origin_country="CN", weight_kg=2_000)
    china = RecipientFactory(country="CN")
    ShipmentFactory(
        status="delivered",
        origin_country="FR",
        recipient=china,
        destination_country="CN",
        weight_kg=56_000,
    )
    [everything] = summaries.totals_by_status(published())
    assert (everything.routes, everything.adds_up) == (2, False)
    page = " ".join(client.get("/").content.decode().split())
    assert 'not added</span><span class="partial">across 2 routes' in page
    assert "89,000" not in page
    [one_route] = summaries.totals_by_status(published().filter(origin_country="CN"))
    assert (one_route.adds_up, one_route.weight_kg) == (True, 33_000)
    listed = " ".join(client.get("/shipments/?recipient_country=CN").content.decode().split())
    assert "56,000" in listed

"""The share of a pledge delivered: never more than the figures' kinds and bounds allow."""

from fractions import Fraction

import pytest

from shipments.models import Shipment
from shipments.public import summaries
from shipments.public.pledges import Bounds, Share
from tests.factories import ShipmentFactory, ShipmentItemFactory, category

# A supply line of each kind, as the form takes it: (kind, figure, min, max, note).
PLEDGED_LINES = {
    "exact": ("exact", 2_000_000, None, None, ""),
    "approximate": ("approximate", 2_000_000, None, None, "about 2 million"),
    "at_least": ("at_least", None, 2_000_000, None, "over 2 million"),
    "at_most": ("at_most", None, None, 2_000_000, "up to 2 million"),
    "range": ("range", None, 1_000_000, 2_000_000, "one to two million"),
    "unknown, a lower bound": ("unknown", None, 1_000_000, None, "millions"),
    "unknown": ("unknown", None, None, None, "not given"),
}
DELIVERED_LINES = {
    "exact": ("exact", 300_000, None, None, ""),
    "approximate": ("approximate", 300_000, None, None, "about 300,000"),
    "at_least": ("at_least", None, 300_000, None, "over 300,000"),
    "at_most": ("at_most", None, None, 300_000, "up to 300,000"),
    "range": ("range", None, 200_000, 300_000, "200,000 to 300,000"),
    "unknown, a lower bound": ("unknown", None, 240_000, None, "hundreds of thousands"),
    "unknown": ("unknown", None, None, None, "not given"),
}
# What each line allows, as Bounds.
PLEDGED = {
    "exact": Bounds(2_000_000, 2_000_000),
    "approximate": Bounds(2_000_000, 2_000_000, approximate=True),
    "at_least": Bounds(2_000_000, None),
    "at_most": Bounds(None, 2_000_000),
    "range": Bounds(1_000_000, 2_000_000),
    "unknown, a lower bound": Bounds(1_000_000, None),
    "unknown": Bounds(None, None),
}
DELIVERED = {
    "exact": Bounds(300_000, 300_000),
    "approximate": Bounds(300_000, 300_000, approximate=True),
    "at_least": Bounds(300_000, None),
    "at_most": Bounds(None, 300_000),
    "range": Bounds(200_000, 300_000),
    "unknown, a lower bound": Bounds(240_000, None),
    "unknown": Bounds(None, None),
}

# The share stated for each pledged kind (rows) and delivered kind (columns, in the
# order of DELIVERED); None: nothing can be said ("share unknown").
EXPECTED = {
    "exact": [
        "15 %",
        "about 15 %",
        "at least 15 %",
        "at most 15 %",
        "10 % to 15 %",
        "at least 12 %",
        None,
    ],
    "approximate": [
        "about 15 %",
        "about 15 %",
        "at least about 15 %",
        "at most about 15 %",
        "about 10 % to 15 %",
        "at least about 12 %",
        None,
    ],
    # "Over 2 million": no upper bound, so no lower bound on the share.
    "at_least": [
        "at most 15 %",
        "at most about 15 %",
        None,
        "at most 15 %",
        "at most 15 %",
        None,
        None,
    ],
    # "Up to 2 million": no lower bound, so no upper bound on the share.
    "at_most": [
        "at least 15 %",
        "at least about 15 %",
        "at least 15 %",
        None,
        "at least 10 %",
        "at least 12 %",
        None,
    ],
    "range": [
        "15 % to 30 %",
        "about 15 % to 30 %",
        "at least 15 %",
        "at most 30 %",
        "10 % to 30 %",
        "at least 12 %",
        None,
    ],
    "unknown, a lower bound": [
        "at most 30 %",
        "at most about 30 %",
        None,
        "at most 30 %",
        "at most 30 %",
        None,
        None,
    ],
    "unknown": [None] * 7,
}

COMBINATIONS = [
    (pledged, delivered, words)
    for pledged, row in EXPECTED.items()
    for delivered, words in zip(DELIVERED, row, strict=True)
]


@pytest.mark.parametrize(("pledged", "delivered", "words"), COMBINATIONS)
def test_the_share_of_every_combination_of_kinds(pledged, delivered, words):
    assert Share.of(DELIVERED[delivered], PLEDGED[pledged]).words == words


def total_of(*lines):
    """The CategoryTotal of supply lines of the kinds `lines` give, on one shipment."""
    shipment = ShipmentFactory()
    for position, (kind, quantity, low, high, note) in enumerate(lines):
        item = ShipmentItemFactory.build(
            shipment=shipment,
            position=position,
            category=category("masks"),
            quantity_kind=kind,
            quantity=quantity,
            quantity_min=low,
            quantity_max=high,
            quantity_note=note,
        )
        item.full_clean()
        item.save()
    [total] = summaries.totals_by_category(Shipment.objects.published().totals_by_category())
    return total


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "bounds"),
    [
        *[(PLEDGED_LINES[kind], PLEDGED[kind]) for kind in PLEDGED],
        *[(DELIVERED_LINES[kind], DELIVERED[kind]) for kind in DELIVERED],
    ],
)
def test_a_line_of_each_kind_allows_its_bounds(line, bounds):
    assert Bounds.of(total_of(line)) == bounds


@pytest.mark.django_db
def test_lines_added_up_keep_only_the_bounds_they_share():
    """Beside an exact line and a range, an approximate line leaves only the lower bound."""
    total = total_of(
        ("exact", 40, None, None, ""),
        ("range", None, 100, 200, "one to two hundred"),
        ("approximate", 20, None, None, "about 20"),
    )
    assert Bounds.of(total) == Bounds(140, None)


@pytest.mark.parametrize(
    ("delivered", "pledged", "words"),
    [
        # One figure: to the nearest percent, half up.
        (Bounds(145, 145), Bounds(1000, 1000), "15 %"),
        (Bounds(144, 144), Bounds(1000, 1000), "14 %"),
        (Bounds(1, 1), Bounds(3, 3), "33 %"),
        (Bounds(0, 0), Bounds(1000, 1000), "0 %"),
        (Bounds(3, 3), Bounds(1000, 1000), "under 1 %"),
        (Bounds(3, 3), Bounds(1000, 1000, approximate=True), "under about 1 %"),
        (Bounds(3000, 3000), Bounds(1000, 1000), "300 %"),
        # Bounds: outwards, the lower down and the upper up.
        (Bounds(146, 152), Bounds(1000, 1000), "14 % to 16 %"),
        (Bounds(152, None), Bounds(1000, 1000), "at least 15 %"),
        (Bounds(None, 146), Bounds(1000, 1000), "at most 15 %"),
        (Bounds(None, 141), Bounds(1000, 1000), "at most 15 %"),
        (Bounds(None, 3), Bounds(1000, 1000), "under 1 %"),
        (Bounds(2, 3), Bounds(1000, 1000), "under 1 %"),
        # A lower bound under 1 % says nothing but that something arrived.
        (Bounds(5, 300), Bounds(1000, 1000), "at most 30 %"),
        (Bounds(5, None), Bounds(1000, 1000), "over 0 %"),
        # A pledge of none gives no share.
        (Bounds(5, 5), Bounds(0, 0), None),
        (Bounds(5, 5), Bounds(0, 10), "at least 50 %"),
    ],
)
def test_shares_are_rounded_never_to_claim_more(delivered, pledged, words):
    assert Share.of(delivered, pledged).words == words


def test_a_share_is_computed_exactly():
    share = Share.of(Bounds(1, 1), Bounds(3, 3))
    assert share.least == share.most == Fraction(100, 3)

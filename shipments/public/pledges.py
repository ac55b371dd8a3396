"""A pledge against its deliveries: what was pledged, what its published deliveries
brought, and the share delivered, each stated no more precisely than the reports allow.

A delivery linked to a pledge is part of it, never added to it: the pledge's
figure is its supply lines as they stand now (a revision replaces the figure;
the change history keeps the earlier one), and the deliveries' figures are
set beside it, category by category and unit by unit.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Q

from shipments.models import Shipment
from shipments.public.summaries import CategoryTotal, totals_by_category

# The share counts what a report says arrived. Dispatched deliveries are shown
# beside it, not counted in it; a linked shipment still pledged, or cancelled,
# is neither.
DELIVERED = Shipment.Status.DELIVERED
DISPATCHED = Shipment.Status.DISPATCHED


@dataclass(frozen=True)
class Bounds:
    """What a total allows: the least and the most it may be (None: no such bound).

    An approximate figure ("about 20") has no bounds of its own: it stands for
    both, and `approximate` says so.
    """

    least: int | None
    most: int | None
    approximate: bool = False

    @classmethod
    def of(cls, total: CategoryTotal):
        """The bounds a total's `reading` states, no more."""
        qualifier, figure, upper = total.reading
        if figure is None:
            return cls(None, None)
        if qualifier == "about":
            return cls(figure, figure, approximate=True)
        if qualifier == "at least":
            return cls(figure, None)
        if qualifier == "at most":
            return cls(None, figure)
        return cls(figure, figure if upper is None else upper)


def _percent(part, whole):
    """`part` as a percentage of `whole`; None when either is unknown or `whole` is zero."""
    if part is None or not whole:
        return None
    return Fraction(100 * part, whole)


@dataclass(frozen=True)
class Share:
    """The share of a pledge delivered, in percent, between `least` and `most` (None: no
    such bound), approximate when a figure behind it is."""

    least: Fraction | None
    most: Fraction | None
    approximate: bool = False

    @classmethod
    def of(cls, delivered: Bounds, pledged: Bounds):
        """At least the least delivered of the most pledged, at most the most delivered of
        the least pledged: 300,000 of "over 2 million" is at most 15 %, and nothing more
        can be said."""
        return cls(
            least=_percent(delivered.least, pledged.most),
            most=_percent(delivered.most, pledged.least),
            approximate=delivered.approximate or pledged.approximate,
        )

    @property
    def words(self):
        """The share in whole percent as it may honestly be stated, or None when nothing can
        be said: "15 %", "about 15 %", "at most 15 %", "at least 60 %", "15 % to 30 %",
        "under 1 %".

        A single figure is rounded to the nearest percent; bounds are rounded outwards
        (a lower one down, an upper one up), so a rounded bound never claims more than the
        figures allow.
        """
        about = "about " if self.approximate else ""
        under_one = f"under {about}1 %"
        least, most = self.least, self.most
        if least is not None and least == most:
            if 0 < least < 1:
                return under_one
            return f"{about}{math.floor(least + Fraction(1, 2))} %"
        low = math.floor(least) if least is not None else 0
        if most is None:
            if low:
                return f"at least {about}{low} %"
            # Something arrived, of a pledge with no upper bound to measure it against.
            return "over 0 %" if least else None
        if most < 1:
            return under_one
        high = math.ceil(most)
        if not low:
            return f"at most {about}{high} %"
        return f"{about}{low} % to {high} %"


@dataclass(frozen=True)
class PledgeLine:
    """One category in one unit: what the pledge says, and what its deliveries brought.

    Each of `pledged`, `delivered` and `dispatched` is the total of those lines, or None
    where there are none.
    """

    name: str
    unit_label: str
    pledged: CategoryTotal | None = None
    delivered: CategoryTotal | None = None
    dispatched: CategoryTotal | None = None

    @property
    def share(self):
        """The share delivered (a Share), or None without both a pledge and a delivery."""
        if self.pledged is None or self.delivered is None:
            return None
        return Share.of(Bounds.of(self.delivered), Bounds.of(self.pledged))


@dataclass(frozen=True)
class Fulfilment:
    """A pledge's lines beside its published deliveries', by category and unit."""

    lines: list[PledgeLine]

    @property
    def has_deliveries(self):
        """Whether any published delivery counts, delivered or dispatched."""
        return any(line.delivered or line.dispatched for line in self.lines)

    @property
    def has_dispatched(self):
        return any(line.dispatched for line in self.lines)


def fulfilment(pledge):
    """What the published `pledge` says beside what its published deliveries brought.

    One query: the pledge's own lines are the rows of the status pledged (the
    deliveries read are only those delivered or dispatched), the deliveries'
    the rows of their status; `totals_by_category` keeps statuses and units
    apart, so nothing is added across them.
    """
    shipments = Shipment.objects.published().filter(
        Q(pk=pledge.pk) | Q(pledge=pledge, status__in=[DELIVERED, DISPATCHED])
    )
    sides = {Shipment.Status.PLEDGED: "pledged", DELIVERED: "delivered", DISPATCHED: "dispatched"}
    found = {}
    for total in totals_by_category(shipments.totals_by_category()):
        key = (total.slug, total.unit)
        found.setdefault(key, {"name": total.name, "unit_label": total.unit_label})
        found[key][sides[total.status]] = total
    return Fulfilment([PledgeLine(**values) for values in found.values()])

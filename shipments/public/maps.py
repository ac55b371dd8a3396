"""The world map of the home and country pages, drawn on the server as inline SVG.

Countries are shaded by the published shipments they received, or gave
(`?map=received|given`); the heaviest flows are drawn from donor country to
recipient country. The map counts shipments, of any status, because the
quantities cannot be added across categories and units (masks, ventilator
sets and kilograms of medicines make no one total); each joint donation
counts once for each of its donors' countries, as the country pages count.

The shapes are Natural Earth's, simplified and projected once by
`geodata/build_shapes.py` into `geodata/world.json`; this module only picks
the shading, the flows and the text alternative, and
`templates/public/charts/map.html` draws them, its numbers as a table beneath.
"""

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.formats import number_format

from shipments.models import Shipment
from shipments.public.cache import cached
from shipments.public.summaries import country_name

WORLD = Path(__file__).resolve().parent / "geodata" / "world.json"

MODE_PARAM = "map"
RECEIVED, GIVEN = "received", "given"
MODES = (RECEIVED, GIVEN)
DEFAULT_MODE = RECEIVED
# Shading classes, on a logarithmic scale: a few countries take most shipments.
CLASSES = 5
# Flows drawn: the heaviest, so that the map stays legible.
TOP_FLOWS = 12
FLOW_WEIGHTS = 5
# How far a flow bends away from the straight line, as a share of its length.
BEND = 0.2


class MapModeError(ValueError):
    """A `map` parameter the map cannot show."""


def mode_of(params):
    """The map's mode from a page's query parameters (one of MODES), or None when they name
    none, for the page to choose; MapModeError for any other value, empty included."""
    if MODE_PARAM not in params:
        return None
    value = params[MODE_PARAM]
    if value not in MODES:
        raise MapModeError(
            f"The map shows what countries received or what they gave: use "
            f"?{MODE_PARAM}={RECEIVED} or ?{MODE_PARAM}={GIVEN}, not “{value}”."
        )
    return value


@cache
def world():
    """The shapes, points and markers of `geodata/world.json`, read once per process."""
    return json.loads(WORLD.read_text())


def route_counts():
    """Shipments per (donor countries, recipient country) of every published shipment, kept in
    the cache until the data changes: every page's map reads them."""
    return cached("map:routes", lambda: Shipment.objects.published().count_by_route())


def flow_counts(routes):
    """Counter of (donor country, recipient country) pairs: a shipment counts once for each
    of its donors' countries."""
    flows = Counter()
    for row in routes:
        for donor in row["donor_countries"]:
            flows[donor, row["recipient_country"]] += row["shipments"]
    return flows


def country_counts(routes, mode):
    """Counter of shipments received, or given, by each country."""
    counts = Counter()
    for row in routes:
        if mode == RECEIVED:
            counts[row["recipient_country"]] += row["shipments"]
        else:
            for donor in row["donor_countries"]:
                counts[donor] += row["shipments"]
    return counts


def _count(value):
    return f"{number_format(value, force_grouping=True)} shipment{pluralize(value)}"


@dataclass(frozen=True)
class Shade:
    """One class of the legend: the counts from `low` to `high` take `shade`."""

    shade: int
    low: int
    high: int

    @property
    def label(self):
        if self.low == self.high:
            return _count(self.low)
        low = number_format(self.low, force_grouping=True)
        return f"{low} to {_count(self.high)}"


def shades(largest, classes=CLASSES):
    """The legend for counts from 1 to `largest`: classes whose upper ends grow geometrically,
    those left empty by rounding dropped (their shade numbers kept, so colours stay apart)."""
    legend, low = [], 1
    for shade in range(1, classes + 1):
        high = max(1, math.ceil(largest ** (shade / classes) - 1e-9))
        if high >= low:
            legend.append(Shade(shade, low, high))
            low = high + 1
    return legend


def shade_of(count, legend):
    """The shade of a count: 0 for none."""
    for row in legend:
        if count <= row.high:
            return row.shade if count else 0
    return 0


@dataclass(frozen=True)
class Place:
    """A country on the map: a shape, a dot for a small country, or the EU's marker."""

    code: str
    name: str
    url: str
    count: int
    shade: int
    # "focus" for the country whose page this is, "partner" for the countries
    # at the other end of its shipments, else "".
    role: str = ""
    d: str = ""
    x: float = 0
    y: float = 0

    @property
    def tooltip(self):
        return f"{self.name}: {_count(self.count)}" if self.count else self.name


@dataclass(frozen=True)
class Flow:
    """A curve from a donor country to a recipient country, as wide as its weight (1 to 5)."""

    donor: str
    recipient: str
    count: int
    weight: int
    d: str

    @property
    def tooltip(self):
        return f"{self.donor} to {self.recipient}: {_count(self.count)}"


def curve(start, end, bend=BEND):
    """SVG path data of a curve from `start` to `end`, bending to its left, so that the flows
    either way between two countries stay apart."""
    (x0, y0), (x1, y1) = start, end
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    cx, cy = mx + (y1 - y0) * bend, my - (x1 - x0) * bend
    return f"M{x0:g} {y0:g}Q{cx:.1f} {cy:.1f} {x1:g} {y1:g}"


@dataclass(frozen=True)
class Row:
    """A row of the table beneath the map."""

    code: str
    label: str
    url: str
    count: int

    @property
    def value_text(self):
        return number_format(self.count, force_grouping=True)


@dataclass(frozen=True)
class Switch:
    mode: str
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class WorldMap:
    """What `templates/public/charts/map.html` draws."""

    mode: str
    title: str
    description: str
    measure: str
    width: int
    height: int
    places: list[Place]
    dots: list[Place]
    markers: list[Place]
    unassigned: list[dict]
    flows: list[Flow]
    legend: list[Shade]
    rows: list[Row]
    row_heading: str
    switches: list[Switch]
    focus: str = ""

    @property
    def focus_name(self):
        return country_name(self.focus) if self.focus else ""

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"


def _places(counts, roles):
    """Shapes, dots and markers, shaded by `counts`; dots and markers only where counted."""
    geo = world()
    legend = shades(max(counts.values(), default=0))

    def place(code, **where):
        count = counts.get(code, 0)
        return Place(
            code=code,
            name=country_name(code),
            url=reverse("country-detail", args=[code]),
            count=count,
            shade=shade_of(count, legend),
            role=roles.get(code, ""),
            **where,
        )

    shapes = [place(shape["code"], d=shape["d"]) for shape in geo["shapes"]]
    dots = [
        place(point["code"], x=point["x"], y=point["y"])
        for point in geo["points"]
        if counts.get(point["code"]) or point["code"] in roles
    ]
    markers = [
        place(code, x=point["x"], y=point["y"])
        for code, point in sorted(geo["markers"].items())
        if counts.get(code) or code in roles
    ]
    return shapes, dots, markers, legend


def anchors():
    """Where flows start and end, by country code: a shape's centre, a dot or a marker."""
    geo = world()
    found = {row["code"]: (row["x"], row["y"]) for row in [*geo["shapes"], *geo["points"]]}
    found.update({code: (point["x"], point["y"]) for code, point in geo["markers"].items()})
    return found


def _flows(pairs):
    """The TOP_FLOWS heaviest of (donor, recipient) -> count that can be drawn, heaviest last
    (drawn on top), and how many could be drawn in all."""
    where = anchors()
    drawable = [
        (pair, count)
        for pair, count in pairs.items()
        if pair[0] != pair[1] and pair[0] in where and pair[1] in where
    ]
    drawable.sort(key=lambda item: (-item[1], item[0]))
    heaviest = drawable[:TOP_FLOWS]
    largest = max((count for _, count in heaviest), default=0)
    flows = [
        Flow(
            donor=country_name(donor),
            recipient=country_name(recipient),
            count=count,
            weight=max(1, math.ceil(count / largest * FLOW_WEIGHTS)),
            d=curve(where[donor], where[recipient]),
        )
        for (donor, recipient), count in reversed(heaviest)
    ]
    return flows, len(drawable)


def _rows(counts):
    return sorted(
        (
            Row(code, country_name(code), reverse("country-detail", args=[code]), count)
            for code, count in counts.items()
            if count
        ),
        key=lambda row: (-row.count, row.label),
    )


def _switches(url, mode, labels):
    return [
        Switch(choice, labels[choice], f"{url}?{MODE_PARAM}={choice}#map", choice == mode)
        for choice in MODES
    ]


def _summary(rows, flows, routes, undrawn):
    """The text alternative's figures: the largest count, the flows drawn, what is not drawn."""
    parts = []
    if rows:
        parts.append(f"Most: {rows[0].label}, with {_count(rows[0].count)}.")
    if flows:
        heaviest = flows[-1].tooltip
        if len(flows) == 1:
            parts.append(f"One flow from donor country to recipient country: {heaviest}.")
        elif len(flows) == routes:
            parts.append(
                f"All {len(flows)} flows from donor country to recipient country drawn; "
                f"the heaviest: {heaviest}."
            )
        else:
            parts.append(
                f"The {len(flows)} heaviest of {routes} flows from donor country to recipient "
                f"country drawn; the heaviest: {heaviest}."
            )
    if undrawn:
        parts.append(f"Not drawn, too small for the map: {', '.join(undrawn)}.")
    if rows:
        parts.append("The table beneath gives every figure.")
    return " ".join(parts)


MEASURE = (
    "Published shipments of any status; a joint donation counts once for each of its "
    "donors' countries. Shipments, not quantities: masks, ventilators and tests do not add up."
)


def _undrawn(rows):
    where = anchors()
    return [row.label for row in rows if row.code not in where]


def _draw(mode, counts, pairs, *, title, lead, row_heading, switches, focus=""):
    """A WorldMap shading `counts` and drawing the heaviest of `pairs` (see `_flows`); with
    `focus`, that country highlighted and the countries counted as its partners."""
    roles = (dict.fromkeys(counts, "partner") | {focus: "focus"}) if focus else {}
    shapes, dots, markers, legend = _places(counts, roles)
    flows, drawable = _flows(pairs)
    rows = _rows(counts)
    geo = world()
    return WorldMap(
        mode=mode,
        title=title,
        description=" ".join([lead, _summary(rows, flows, drawable, _undrawn(rows))]).strip(),
        measure=MEASURE,
        width=geo["width"],
        height=geo["height"],
        places=shapes,
        dots=dots,
        markers=markers,
        unassigned=geo["unassigned"],
        flows=flows,
        legend=legend,
        rows=rows,
        row_heading=row_heading,
        switches=switches,
        focus=focus,
    )


def world_map(mode):
    """The home page's map: every country shaded by the shipments it received, or gave."""
    routes = route_counts()
    counts = country_counts(routes, mode)
    verb = "received" if mode == RECEIVED else "gave"
    return _draw(
        mode,
        counts,
        flow_counts(routes),
        title=f"Shipments {mode} by country",
        lead=f"World map: each country shaded by the published shipments it {verb}."
        if counts
        else "World map: no published shipments yet.",
        row_heading="Recipient country" if mode == RECEIVED else "Donor country",
        switches=_switches(
            reverse("home"), mode, {RECEIVED: "What countries received", GIVEN: "What they gave"}
        ),
    )


def default_country_mode(received, given):
    """A country page's map shows what the country received, unless it only gave."""
    return GIVEN if given and not received else RECEIVED


def country_map(code, mode):
    """A country page's map: the country highlighted, its partners shaded by the shipments
    exchanged with it (from them when `mode` is RECEIVED, to them when GIVEN), and only its
    flows drawn."""
    routes = route_counts()
    pairs = flow_counts(routes)
    if mode == RECEIVED:
        counts = Counter({donor: n for (donor, recipient), n in pairs.items() if recipient == code})
        flows = {(donor, code): n for donor, n in counts.items()}
    else:
        counts = Counter({to: n for (donor, to), n in pairs.items() if donor == code})
        flows = {(code, recipient): n for recipient, n in counts.items()}
    # The country's own total, counted as its page counts it.
    own = country_counts(routes, mode).get(code, 0)
    counts.pop(code, None)
    name = country_name(code)
    if mode == RECEIVED:
        words = {
            "title": f"Shipments {name} received, by donor country",
            "row_heading": "Donor country",
            "lead": f"World map: {name} highlighted, {_count(own)} received; each donor "
            f"country shaded by the published shipments it gave to {name}.",
        }
    else:
        words = {
            "title": f"Shipments {name} gave, by recipient country",
            "row_heading": "Recipient country",
            "lead": f"World map: {name} highlighted, {_count(own)} given; each recipient "
            f"country shaded by the published shipments it received from {name}.",
        }
    url = reverse("country-detail", args=[code])
    return _draw(
        mode,
        counts,
        flows,
        **words,
        switches=_switches(url, mode, {RECEIVED: f"What {name} received", GIVEN: "What it gave"}),
        focus=code,
    )

"""Charts drawn on the server as inline SVG: no script, no chart library, no inline style.

A chart is a title, a text alternative and its numbers; the geometry is
computed here and drawn by `templates/public/charts/chart.html`, which also shows
the numbers as a table. Sizes are in the SVG's own units (its viewBox), so
the drawing scales to any screen; colours come from `static/css/site.css`.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.template.defaultfilters import pluralize
from django.utils.formats import number_format

WIDTH = 360

# Horizontal bars: a label line above each bar, the value after it.
ROW_HEIGHT = 34
LABEL_BASELINE = 13
BAR_TOP = 17
BAR_HEIGHT = 12
VALUE_SPACE = 56

# Columns over time: room for the value axis on the left, dates below.
COLUMNS_HEIGHT = 180
AXIS_LEFT = 34
AXIS_BOTTOM = 22
TOP_MARGIN = 8
# A single period is drawn as a column, not as a block across the chart.
MAX_COLUMN_WIDTH = 40


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    url: str = ""
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0

    @property
    def value_text(self):
        return number_format(self.value, force_grouping=True)

    @property
    def label_y(self):
        return self.y - BAR_TOP + LABEL_BASELINE

    @property
    def value_x(self):
        return round(self.x + self.width + 4, 1)

    @property
    def value_y(self):
        return self.y + BAR_HEIGHT - 2


@dataclass(frozen=True)
class Chart:
    """A drawn chart: `kind` is "bars" (horizontal, by label) or "columns" (over time)."""

    slug: str
    title: str
    description: str
    label_heading: str
    value_heading: str
    kind: str
    bars: list[Bar]
    height: float
    width: float = WIDTH
    axis: dict = field(default_factory=dict)
    # What a value counts, in the singular.
    noun: str = "shipment"

    @property
    def view_box(self):
        return f"0 0 {self.width:g} {self.height:g}"


def _count(value, noun):
    return f"{number_format(value, force_grouping=True)} {noun}{pluralize(value)}"


def bar_chart(slug, title, rows, label_heading, noun="shipment", intro=""):
    """Horizontal bars for (label, value, url) rows, in the order given.

    The text alternative names the largest bar and says the table holds
    every figure, so a screen reader need not read each bar.
    """
    rows = list(rows)
    largest = max((value for _, value, _ in rows), default=0)
    scale = (WIDTH - VALUE_SPACE) / largest if largest else 0
    bars = [
        Bar(
            label=label,
            value=value,
            url=url,
            x=0,
            y=index * ROW_HEIGHT + BAR_TOP,
            width=round(value * scale, 1),
            height=BAR_HEIGHT,
        )
        for index, (label, value, url) in enumerate(rows)
    ]
    if bars:
        top = max(bars, key=lambda bar: bar.value)
        summary = f"Most: {top.label}, with {_count(top.value, noun)}."
    else:
        summary = "Nothing to show yet."
    return Chart(
        slug=slug,
        title=title,
        description=" ".join(part for part in [intro, summary] if part),
        label_heading=label_heading,
        value_heading=f"{noun.capitalize()}s",
        kind="bars",
        bars=bars,
        height=max(len(bars), 1) * ROW_HEIGHT,
        noun=noun,
    )


# The timeline.

# The timeline's periods, each used when the dates span at most so many days:
# at most 32 days, 27 weeks or 73 months: columns a reader can tell apart, never thousands.
TIMELINE_PERIODS = [("day", 31), ("week", 26 * 7), ("month", 6 * 366), ("year", None)]
BEST_DATE_WORDS = "best-known date (arrived, else shipped, else announced)"


def timeline_period(first, last):
    """The period ("day", "week", "month" or "year") to count shipments dated `first` to `last`
    by."""
    span = (last - first).days if first and last else 0
    for period, longest in TIMELINE_PERIODS:
        if longest is None or span <= longest:
            return period
    raise AssertionError("the last period has no limit")


def period_after(period, start):
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(weeks=1)
    if period == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def period_label(period, start):
    """How a period is named in the table and on the axis: "2020-03-12", "Week of 2020-03-09",
    "March 2020", "2020"."""
    if period == "day":
        return f"{start:%Y-%m-%d}"
    if period == "week":
        return f"Week of {start:%Y-%m-%d}"
    if period == "month":
        return f"{start:%B %Y}"
    return f"{start:%Y}"


def _period_phrase(period, start):
    """A period as a sentence names it: "2020-03-12", "the week of 2020-03-09", "March 2020"."""
    return f"the week of {start:%Y-%m-%d}" if period == "week" else period_label(period, start)


def timeline_chart(slug, title, rows, period, undated=0):
    """Columns for shipments per `period` of their best-known date, from (period start, count)
    rows in date order.

    Periods without shipments between the first and the last are drawn as
    gaps, never skipped, so the time axis is even. A single period is one
    column labelled by itself. `undated` counts shipments with no date at all,
    which are not drawn and are said so.
    """
    counts = dict(rows)
    span = []
    if counts:
        start, last = min(counts), max(counts)
        while start <= last:
            span.append(start)
            start = period_after(period, start)
    series = [(start, counts.get(start, 0)) for start in span]
    largest = max((count for _, count in series), default=0)
    plot_width = WIDTH - AXIS_LEFT
    plot_height = COLUMNS_HEIGHT - AXIS_BOTTOM - TOP_MARGIN
    step = plot_width / len(series) if series else 0
    gap = 1 if step > 3 else 0
    column = min(max(step - gap, 0.5), MAX_COLUMN_WIDTH)
    bars = []
    for index, (start, count) in enumerate(series):
        height = round(count / largest * plot_height, 1) if largest else 0
        bars.append(
            Bar(
                label=period_label(period, start),
                value=count,
                x=round(AXIS_LEFT + index * step + (step - column) / 2, 2),
                y=round(TOP_MARGIN + plot_height - height, 1),
                width=round(column, 2),
                height=height,
            )
        )
    if len(bars) == 1:
        ticks = [(round(bars[0].x + bars[0].width / 2, 2), "middle", bars[0].label)]
    elif bars:
        ticks = [(AXIS_LEFT, "start", bars[0].label), (WIDTH, "end", bars[-1].label)]
    else:
        ticks = []
    dated = sum(counts.values())
    if len(series) == 1:
        summary = (
            f"Shipments by {BEST_DATE_WORDS}: all {_count(dated, 'dated shipment')} "
            f"{'on' if period == 'day' else 'in'} {_period_phrase(period, span[0])}."
        )
    elif series:
        busiest, most = max(series, key=lambda pair: pair[1])
        summary = (
            f"Shipments per {period} by {BEST_DATE_WORDS}, from "
            f"{_period_phrase(period, span[0])} to {_period_phrase(period, span[-1])}. "
            f"The busiest {period}, {_period_phrase(period, busiest)}, had "
            f"{_count(most, 'shipment')}."
        )
    else:
        summary = "No published shipment has a date yet."
    notes = [f"{_count(undated, 'shipment')} with no date reported not drawn."] if undated else []
    return Chart(
        slug=slug,
        title=title,
        description=" ".join([summary, *notes]),
        label_heading=period.capitalize(),
        value_heading="Shipments",
        kind="columns",
        bars=bars,
        height=COLUMNS_HEIGHT,
        axis={
            "largest": number_format(largest, force_grouping=True),
            "left": AXIS_LEFT,
            "top": TOP_MARGIN,
            "bottom": COLUMNS_HEIGHT - AXIS_BOTTOM,
            "right": WIDTH,
            "ticks": ticks,
            "label_y": COLUMNS_HEIGHT - 6,
        },
    )


# Quantities by category and status.

# One panel per category and unit, a bar per status: a label line (the
# status and the quantity in words) above each bar.
QUANTITY_ROW_HEIGHT = 32
# Panels sit side by side: narrower than the other charts, so their text reads
# at the same size.
QUANTITY_WIDTH = 240
# Room after the longest bar for the arrow of an "at least".
OPEN_END = 14


@dataclass(frozen=True)
class QuantityBar:
    """One total drawn as its reading allows: `solid` wide for what the sources state, then
    `bound` wide for the rest of a range or an "at most", and an arrow when `open` ("at
    least": it may be more). `total` is the CategoryTotal it draws."""

    total: object
    y: float
    solid: float
    bound: float
    open: bool
    approximate: bool

    @property
    def label_y(self):
        return self.y - BAR_TOP + LABEL_BASELINE

    @property
    def bound_x(self):
        return self.solid

    @property
    def open_points(self):
        """The arrow after an "at least" bar: a small triangle pointing on."""
        x, top, bottom = self.solid + 3, self.y, self.y + BAR_HEIGHT
        return f"{x:g},{top:g} {x + 8:g},{top + BAR_HEIGHT / 2:g} {x:g},{bottom:g}"


@dataclass(frozen=True)
class QuantityPanel:
    """One category in one unit: its totals by status, drawn to one scale."""

    name: str
    unit_label: str
    bars: list[QuantityBar]

    @property
    def view_box(self):
        return f"0 0 {QUANTITY_WIDTH} {len(self.bars) * QUANTITY_ROW_HEIGHT}"


@dataclass(frozen=True)
class QuantityChart:
    """Quantities of a selection of supplies: a title, the panels that draw them, and the
    totals they draw (CategoryTotal rows) for the table beside them."""

    slug: str
    title: str
    panels: list[QuantityPanel]
    totals: list


# The narrowest bar drawn for a figure above zero: a hundred masks beside
# millions are still seen to be there.
MIN_BAR_WIDTH = 1


def _visible(width):
    return max(round(width, 1), MIN_BAR_WIDTH) if width > 0 else 0


def quantity_chart(slug, title, totals):
    """Panels of quantities from CategoryTotal rows (in category, unit, then status order).

    Units are never added across, so each category and unit is a panel of
    its own, scaled to its largest figure; statuses are bars side by side,
    never stacked, as pledged and delivered supplies are never added. A bar
    claims no more than its total's reading: an exact or "about" figure is
    solid, a range solid to its lower end and pale to its upper one, "at
    most" pale, "at least" solid with an arrow, and a total with no figure
    has no bar.
    """
    groups = {}
    for total in totals:
        groups.setdefault((total.slug, total.unit), []).append(total)
    panels = []
    for rows in groups.values():
        largest = max(
            (
                max(f for f in total.reading[1:] if f is not None)
                for total in rows
                if total.reading[1] is not None
            ),
            default=0,
        )
        scale = (QUANTITY_WIDTH - OPEN_END) / largest if largest else 0
        bars = []
        for index, total in enumerate(rows):
            qualifier, figure, upper = total.reading
            solid, bound = 0, 0
            if figure is not None:
                if qualifier == "at most":
                    bound = figure * scale
                else:
                    solid = figure * scale
                    if upper is not None:
                        bound = (upper - figure) * scale
            bars.append(
                QuantityBar(
                    total=total,
                    y=index * QUANTITY_ROW_HEIGHT + BAR_TOP,
                    solid=_visible(solid),
                    bound=_visible(bound),
                    open=qualifier == "at least",
                    approximate=qualifier == "about",
                )
            )
        panels.append(QuantityPanel(name=rows[0].name, unit_label=rows[0].unit_label, bars=bars))
    return QuantityChart(slug=slug, title=title, panels=panels, totals=list(totals))

"""Charts drawn on the server as inline SVG: no script, no chart library, no inline style.

A chart is a title, a text alternative and its numbers; the geometry is
computed here and drawn by `templates/public/charts/chart.html`, which also shows
the numbers as a table. Sizes are in the SVG's own units (its viewBox), so
the drawing scales to any screen; colours come from `static/css/site.css`.
"""

from dataclasses import dataclass, field
from datetime import timedelta

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
MAX_WEEKS = 156


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
    )


def weekly_chart(slug, title, weeks, undated=0):
    """Columns for shipments per week, from (week start date, count) rows in date order.

    Weeks without shipments between the first and the last are drawn as
    gaps, never skipped, so the time axis is even; at most MAX_WEEKS, the
    latest, are drawn. `undated` counts shipments with no shipping date.
    """
    counts = dict(weeks)
    notes = []
    if counts:
        last = max(counts)
        first = max(min(counts), last - timedelta(weeks=MAX_WEEKS - 1))
        earlier = sum(count for week, count in counts.items() if week < first)
        if earlier:
            notes.append(f"{_count(earlier, 'shipment')} from before {first:%Y-%m-%d} not drawn.")
        span = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    else:
        span = []
    series = [(week, counts.get(week, 0)) for week in span]
    largest = max((count for _, count in series), default=0)
    plot_width = WIDTH - AXIS_LEFT
    plot_height = COLUMNS_HEIGHT - AXIS_BOTTOM - TOP_MARGIN
    step = plot_width / len(series) if series else 0
    gap = 1 if step > 3 else 0
    bars = []
    for index, (week, count) in enumerate(series):
        height = round(count / largest * plot_height, 1) if largest else 0
        bars.append(
            Bar(
                label=f"Week of {week:%Y-%m-%d}",
                value=count,
                x=round(AXIS_LEFT + index * step, 2),
                y=round(TOP_MARGIN + plot_height - height, 1),
                width=round(max(step - gap, 0.5), 2),
                height=height,
            )
        )
    if undated:
        notes.append(f"{_count(undated, 'shipment')} with no shipping date not drawn.")
    if series:
        busiest_week, busiest = max(series, key=lambda pair: pair[1])
        summary = (
            f"Shipments per week from {span[0]:%Y-%m-%d} to {span[-1]:%Y-%m-%d}. "
            f"The busiest week, starting {busiest_week:%Y-%m-%d}, had "
            f"{_count(busiest, 'shipment')}."
        )
    else:
        summary = "No shipment has a shipping date yet."
    return Chart(
        slug=slug,
        title=title,
        description=" ".join([summary, *notes]),
        label_heading="Week",
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
            "first": f"{span[0]:%Y-%m-%d}" if span else "",
            "last": f"{span[-1]:%Y-%m-%d}" if span else "",
            "label_y": COLUMNS_HEIGHT - 6,
        },
    )

"""Server-side SVG charts: geometry, text alternatives, and the numbers behind them."""

from datetime import date

import pytest
from django.template.loader import render_to_string

from shipments.public.charts import (
    MAX_COLUMN_WIDTH,
    WIDTH,
    bar_chart,
    timeline_chart,
    timeline_period,
)


def test_bar_chart_scales_bars_to_the_largest_value():
    chart = bar_chart("c", "Title", [("Masks", 8, ""), ("Gloves", 2, ""), ("None", 0, "")], "Kind")
    widths = [bar.width for bar in chart.bars]
    assert widths[0] > 0
    assert widths[0] <= WIDTH
    assert widths[1] == widths[0] / 4
    assert widths[2] == 0
    assert "Masks, with 8 shipments" in chart.description


def test_bar_chart_of_nothing_says_so():
    chart = bar_chart("c", "Title", [], "Kind")
    assert chart.bars == []
    assert "Nothing to show" in chart.description


def test_timeline_draws_empty_weeks_as_gaps():
    weeks = [(date(2020, 3, 2), 3), (date(2020, 3, 23), 1)]
    chart = timeline_chart("t", "Timeline", weeks, "week", undated=2)
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("Week of 2020-03-02", 3),
        ("Week of 2020-03-09", 0),
        ("Week of 2020-03-16", 0),
        ("Week of 2020-03-23", 1),
    ]
    assert chart.bars[1].height == 0
    assert chart.bars[0].height == 3 * chart.bars[3].height
    assert "2 shipments with no date reported not drawn" in chart.description
    assert "from the week of 2020-03-02 to the week of 2020-03-23" in chart.description
    assert "The busiest week, the week of 2020-03-02, had 3 shipments" in chart.description
    assert [text for _, _, text in chart.axis["ticks"]] == [
        "Week of 2020-03-02",
        "Week of 2020-03-23",
    ]


def test_timeline_of_a_single_day_is_one_narrow_column_labelled_once():
    chart = timeline_chart("t", "Timeline", [(date(2020, 3, 9), 2)], "day")
    [bar] = chart.bars
    assert bar.label == "2020-03-09"
    assert bar.width == MAX_COLUMN_WIDTH
    # centred in the plot, not a block from edge to edge
    assert bar.x > chart.axis["left"]
    assert bar.x + bar.width < WIDTH
    assert chart.axis["ticks"] == [(round(bar.x + bar.width / 2, 2), "middle", "2020-03-09")]
    assert "2020-03-09 … 2020-03-09" not in chart.description
    assert "all 2 dated shipments on 2020-03-09" in chart.description
    assert "best-known date (arrived, else shipped, else announced)" in chart.description


def test_timeline_months_run_across_a_year_end():
    rows = [(date(2020, 11, 1), 1), (date(2021, 2, 1), 4)]
    chart = timeline_chart("t", "Timeline", rows, "month")
    assert [bar.label for bar in chart.bars] == [
        "November 2020",
        "December 2020",
        "January 2021",
        "February 2021",
    ]


@pytest.mark.parametrize(
    "first, last, period",
    [
        (date(2020, 3, 9), date(2020, 3, 9), "day"),
        (date(2020, 3, 1), date(2020, 3, 31), "day"),
        (date(2020, 3, 1), date(2020, 4, 2), "week"),
        (date(2020, 1, 1), date(2020, 6, 30), "week"),
        (date(2020, 1, 1), date(2020, 12, 31), "month"),
        (date(2020, 1, 1), date(2025, 12, 31), "month"),
        (date(2020, 1, 1), date(2026, 2, 1), "year"),
        (date(2000, 1, 1), date(2020, 3, 9), "year"),
        (None, None, "day"),
    ],
)
def test_the_timeline_period_keeps_the_columns_few(first, last, period):
    assert timeline_period(first, last) == period


def test_timeline_of_nothing_says_so():
    chart = timeline_chart("t", "Timeline", [], "day", undated=3)
    assert chart.bars == []
    assert "No published shipment has a date yet." in chart.description
    assert "3 shipments with no date reported not drawn." in chart.description


def test_chart_renders_as_a_figure_with_a_text_alternative_and_a_table():
    chart = bar_chart(
        "cats", "By category", [("Masks & gowns", 1234, "/shipments/?category=masks")], "Category"
    )
    html = render_to_string("public/charts/chart.html", {"chart": chart})
    assert "<figure" in html
    assert 'role="img"' in html
    assert 'aria-labelledby="chart-cats-title chart-cats-desc"' in html
    assert '<title id="chart-cats-title">By category</title>' in html
    assert "Masks &amp; gowns" in html
    assert '<th scope="row"><a href="/shipments/?category=masks">Masks &amp; gowns</a></th>' in html
    assert '<td class="num">1,234</td>' in html
    assert "style=" not in html
    assert "<script" not in html

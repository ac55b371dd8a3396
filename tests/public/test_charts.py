"""Server-side SVG charts: geometry, text alternatives, and the numbers behind them."""

from datetime import date

from django.template.loader import render_to_string

from shipments.public.charts import MAX_WEEKS, WIDTH, bar_chart, weekly_chart


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


def test_weekly_chart_draws_empty_weeks_as_gaps():
    weeks = [(date(2020, 3, 2), 3), (date(2020, 3, 23), 1)]
    chart = weekly_chart("t", "Timeline", weeks, undated=2)
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("Week of 2020-03-02", 3),
        ("Week of 2020-03-09", 0),
        ("Week of 2020-03-16", 0),
        ("Week of 2020-03-23", 1),
    ]
    assert chart.bars[1].height == 0
    assert chart.bars[0].height == 3 * chart.bars[3].height
    assert "2 shipments with no shipping date not drawn" in chart.description
    assert "starting 2020-03-02, had 3 shipments" in chart.description


def test_weekly_chart_draws_at_most_the_latest_weeks_and_says_what_it_left_out():
    weeks = [(date(2000, 1, 3), 5), (date(2020, 3, 2), 1)]
    chart = weekly_chart("t", "Timeline", weeks)
    assert len(chart.bars) == MAX_WEEKS
    assert chart.bars[-1].label == "Week of 2020-03-02"
    assert "5 shipments from before" in chart.description


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

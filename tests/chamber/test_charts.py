"""Server-side SVG charts (chamber/charts.py): named and described for screen readers, one bar
or point per value, axis labels, escaped text, readable colours, no script."""

import re
from decimal import Decimal

from bs4 import BeautifulSoup

from chamber.charts import PALETTE, TEXT, Series, bar_chart, line_chart

MONTHS = ["Jan 2025", "Feb 2025", "Mar 2025"]


def parse(svg) -> BeautifulSoup:
    return BeautifulSoup(str(svg), "html.parser").svg


def chart(kind=bar_chart, **overrides):
    values = {
        "title": "New and lapsed members",
        "description": "Members who joined and lapsed each month.",
        "categories": MONTHS,
        "series": [Series("New", [3, 0, 5]), Series("Lapsed", [1, 2, 0])],
        "x_label": "Month",
        "y_label": "Members",
    }
    return parse(kind(**{**values, **overrides}))


def test_a_chart_is_an_image_named_by_its_title_and_described():
    svg = chart()
    assert svg["role"] == "img"
    title_id, desc_id = svg["aria-labelledby"].split()
    assert svg.find(id=title_id).name == "title"
    assert svg.find(id=title_id).string == "New and lapsed members"
    assert svg.find(id=desc_id).string == "Members who joined and lapsed each month."
    assert svg.find("script") is None and "http" not in str(svg).replace(svg["xmlns"], "")


def test_a_bar_chart_has_one_bar_per_value_each_with_its_value():
    svg = chart()
    bars = svg.find_all("rect", class_="bar")
    assert len(bars) == 6
    assert [bar.title.string for bar in bars[:3]] == [
        "New, Jan 2025: 3",
        "New, Feb 2025: 0",
        "New, Mar 2025: 5",
    ]
    heights = [float(bar["height"]) for bar in bars[:3]]
    assert heights[1] == 0 and heights[2] > heights[0] > 0


def test_axes_are_labelled_with_every_category():
    svg = chart()
    assert svg.find("text", class_="x-label").string == "Month"
    assert svg.find("text", class_="y-label").string == "Members"
    texts = [text.string for text in svg.find_all("text")]
    assert all(month in texts for month in MONTHS)
    assert "0" in texts and "5" in texts  # the y axis runs from zero to a round number


def test_a_legend_names_each_series_when_there_are_several():
    texts = [text.string for text in chart().find_all("text")]
    assert "New" in texts and "Lapsed" in texts
    one = chart(series=[Series("New", [1, 2, 3])])
    assert not one.find_all("g", class_="legend-item")


def test_a_line_chart_has_one_point_per_value_and_a_dash_per_series():
    svg = chart(line_chart)
    assert len(svg.find_all("circle", class_="point")) == 6
    dashes = [line["stroke-dasharray"] for line in svg.find_all("polyline")]
    assert len(set(dashes)) == 2  # told apart without colour


def test_negative_amounts_hang_below_the_zero_line():
    svg = chart(series=[Series("Dues", [Decimal("100.00"), Decimal("-40.00"), 0])])
    bars = svg.find_all("rect", class_="bar")
    zero = float(svg.find("g", class_="axes").find_all("line")[-1]["y1"])
    assert float(bars[0]["y"]) + float(bars[0]["height"]) == zero
    assert float(bars[1]["y"]) == zero and float(bars[1]["height"]) > 0


def test_text_typed_by_people_is_escaped():
    svg = str(
        bar_chart(
            title="<script>alert(1)</script>",
            description="Tom & Jerry's",
            categories=["<b>x</b>"],
            series=[Series("<img src=x>", [1])],
            x_label="Month",
            y_label="Count",
        )
    )
    assert "<script>" not in svg and "<b>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_colours_contrast_with_the_white_ground():
    svg = str(chart())
    assert re.search(r'class="chart-ground"[^>]*fill="#fff"', svg)
    for colour in (*PALETTE, TEXT):
        assert (1.05) / (_luminance(colour) + 0.05) >= 4.5, colour


def test_many_months_label_every_other_one_so_labels_never_overlap():
    months = [f"M{n}" for n in range(24)]
    svg = chart(categories=months, series=[Series("Views", list(range(24)))])
    texts = {text.string for text in svg.find_all("text")}
    assert "M0" in texts and "M2" in texts and "M1" not in texts
    assert len(svg.find_all("rect", class_="bar")) == 24

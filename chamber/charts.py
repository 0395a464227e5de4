"""Charts drawn on the server as accessible SVG: no JavaScript, no third-party script, no CDN.

A chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>`
(`aria-labelledby`), so a screen reader announces what it shows; the numbers themselves are
always in a table beside it (the reports' templates), which is where a screen reader user or
a keyboard user reads them. Each bar and point also carries a `<title>` with its value, which
browsers show on hover.

Colours are dark enough against white for graphical objects (WCAG 1.4.11, 3:1 and more) and
text is near-black (over 15:1); the series of a line chart also differ by dash and marker
shape, not only by colour (WCAG 1.4.1). Everything member-typed (a listing's or level's name)
is escaped by `format_html`.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

Number = int | float | Decimal

# Each at least 4.5:1 against white (#fff), so also usable for text in the legend.
PALETTE = ("#1f4e79", "#a04000", "#2e6b30", "#6a1b9a", "#b71c1c", "#37474f")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")
TEXT = "#1a1a1a"
GRID = "#d0d0d0"

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 64
LEGEND_ROW = 20


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Number]


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _scale(series: Sequence[Series]) -> tuple[float, float, float]:
    """(low, high, step): a y range from 0 (or below, for negative values) to a round number."""
    values = [float(value) for one in series for value in one.values] or [0.0]
    low, high = min(0.0, *values), max(0.0, *values)
    if high == low:
        high = low + 1
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _format_tick(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


class _Frame:
    """The plotting area and its axes, shared by both kinds of chart."""

    def __init__(self, *, categories, series, x_label, y_label):
        self.categories = list(categories)
        self.series = list(series)
        self.x_label, self.y_label = x_label, y_label
        self.legend_rows = len(self.series) if len(self.series) > 1 else 0
        self.height = HEIGHT + self.legend_rows * LEGEND_ROW
        self.plot_width = WIDTH - LEFT - RIGHT
        self.plot_height = HEIGHT - TOP - BOTTOM
        self.low, self.high, self.step = _scale(self.series)

    def y(self, value: Number) -> float:
        share = (float(value) - self.low) / (self.high - self.low)
        return round(TOP + self.plot_height * (1 - share), 1)

    def slot(self) -> float:
        return self.plot_width / max(len(self.categories), 1)

    def axes(self) -> SafeString:
        ticks = []
        value = self.low
        while value <= self.high + self.step / 2:
            y = self.y(value)
            ticks.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                    '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
                    LEFT,
                    WIDTH - RIGHT,
                    y,
                    y,
                    GRID,
                    LEFT - 6,
                    y,
                    _format_tick(value),
                )
            )
            value += self.step
        # Every label when they fit; else every nth, so they never overlap.
        every = max(1, math.ceil(len(self.categories) / 12))
        labels = format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle">{}</text>',
            (
                (round(LEFT + self.slot() * (index + 0.5), 1), TOP + self.plot_height + 18, label)
                for index, label in enumerate(self.categories)
                if index % every == 0
            ),
        )
        return format_html(
            '<g class="axes" fill="{text}" font-size="12">{ticks}'
            '<line x1="{left}" x2="{right}" y1="{zero}" y2="{zero}" stroke="{text}"/>'
            "{labels}"
            '<text class="x-label" x="{middle}" y="{x_label_y}" text-anchor="middle">'
            "{x_label}</text>"
            '<text class="y-label" transform="translate(16 {y_middle}) rotate(-90)" '
            'text-anchor="middle">{y_label}</text></g>',
            text=TEXT,
            ticks=mark_safe("".join(ticks)),  # noqa: S308 (each built by format_html)
            left=LEFT,
            right=WIDTH - RIGHT,
            zero=self.y(0),
            labels=labels,
            middle=LEFT + self.plot_width / 2,
            x_label_y=TOP + self.plot_height + 40,
            x_label=self.x_label,
            y_middle=TOP + self.plot_height / 2,
            y_label=self.y_label,
        )

    def legend(self, swatch: Callable[[int], SafeString]) -> SafeString:
        if not self.legend_rows:
            return mark_safe("")
        return format_html_join(
            "",
            '<g class="legend-item" transform="translate({} {})">{}'
            '<text x="28" y="5" dominant-baseline="middle" fill="{}" font-size="12">{}</text></g>',
            (
                (LEFT, HEIGHT - 8 + index * LEGEND_ROW, swatch(index), TEXT, one.label)
                for index, one in enumerate(self.series)
            ),
        )

    def svg(self, *, title, description, id_prefix, body) -> SafeString:
        id_prefix = id_prefix or slugify(title) or "chart"
        return format_html(
            '<svg class="chamber-chart" role="img" aria-labelledby="{p}-title {p}-desc" '
            'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
            'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">'
            '<title id="{p}-title">{title}</title><desc id="{p}-desc">{desc}</desc>'
            # Its own white ground: the colours keep their contrast on a dark admin theme.
            '<rect class="chart-ground" width="{w}" height="{h}" fill="#fff"/>'
            "{body}</svg>",
            p=id_prefix,
            w=WIDTH,
            h=self.height,
            title=title,
            desc=description,
            body=body,
        )


def _value_text(one: Series, category: str, value: Number, value_format) -> str:
    return f"{one.label}, {category}: {value_format(value)}"


def bar_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    x_label: str,
    y_label: str,
    value_format: Callable[[Number], str] = str,
    id_prefix: str = "",
) -> SafeString:
    """Bars for each category (x), one per series side by side: one `rect.bar` per value."""
    frame = _Frame(categories=categories, series=series, x_label=x_label, y_label=y_label)
    slot = frame.slot()
    group = slot * 0.8
    width = group / max(len(frame.series), 1)
    zero = frame.y(0)
    bars = []
    for index, one in enumerate(frame.series):
        colour = PALETTE[index % len(PALETTE)]
        pairs = zip(frame.categories, one.values, strict=True)
        for position, (category, value) in enumerate(pairs):
            top = frame.y(value)
            bars.append(
                format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}</title></rect>",
                    round(LEFT + slot * position + slot * 0.1 + width * index, 1),
                    min(top, zero),
                    round(max(width - 1, 1), 1),
                    round(abs(zero - top), 1),
                    colour,
                    _value_text(one, category, value, value_format),
                )
            )
    legend = frame.legend(
        lambda index: format_html(
            '<rect width="20" height="10" fill="{}"/>', PALETTE[index % len(PALETTE)]
        )
    )
    body = format_html(
        '{}<g class="bars">{}</g>{}',
        frame.axes(),
        mark_safe("".join(bars)),  # noqa: S308 (each built by format_html)
        legend,
    )
    return frame.svg(title=title, description=description, id_prefix=id_prefix, body=body)


def line_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    x_label: str,
    y_label: str,
    value_format: Callable[[Number], str] = str,
    id_prefix: str = "",
) -> SafeString:
    """A line per series across the categories (x), with a `.point` marker per value."""
    frame = _Frame(categories=categories, series=series, x_label=x_label, y_label=y_label)
    slot = frame.slot()
    lines = []
    for index, one in enumerate(frame.series):
        colour = PALETTE[index % len(PALETTE)]
        pairs = zip(frame.categories, one.values, strict=True)
        points = [
            (round(LEFT + slot * (position + 0.5), 1), frame.y(value), category, value)
            for position, (category, value) in enumerate(pairs)
        ]
        markers = format_html_join(
            "",
            '<circle class="point" cx="{}" cy="{}" r="{}" fill="{}"><title>{}</title></circle>',
            (
                (x, y, 3 + index % 3, colour, _value_text(one, category, value, value_format))
                for x, y, category, value in points
            ),
        )
        lines.append(
            format_html(
                '<g class="series"><polyline fill="none" stroke="{}" stroke-width="2" '
                'stroke-dasharray="{}" points="{}"/>{}</g>',
                colour,
                DASHES[index % len(DASHES)],
                " ".join(f"{x},{y}" for x, y, _category, _value in points),
                markers,
            )
        )
    legend = frame.legend(
        lambda index: format_html(
            '<line x1="0" x2="20" y1="5" y2="5" stroke="{}" stroke-width="2" '
            'stroke-dasharray="{}"/>',
            PALETTE[index % len(PALETTE)],
            DASHES[index % len(DASHES)],
        )
    )
    body = format_html(
        "{}{}{}",
        frame.axes(),
        mark_safe("".join(lines)),  # noqa: S308 (each built by format_html)
        legend,
    )
    return frame.svg(title=title, description=description, id_prefix=id_prefix, body=body)

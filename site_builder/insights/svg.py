"""Chart primitives: horizontal bar charts as inline SVG, built at build time.

Each chart is ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>``, with the name and
the value of every bar written as text beside it, so it reads without colour and prints. Coordinates
are integers or fixed one-decimal numbers, so the output is byte-identical on every machine. There
are no links inside: the data table next to each chart holds them (axe rejects interactive content
inside ``role="img"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 480  # narrow, so that text stays readable when a phone shrinks the chart
CHAR_WIDTH = 9  # a generous width of one character of the value text, to leave room after the longest bar
ROW = 46
BAR_HEIGHT = 16
LEGEND_ROW = 24
LEGEND_COLUMNS = 3
MAX_LABEL = 56
INK = "#0b0c0c"
BAR = "#1d70b8"
# Stacked parts: dark to light, told apart by the legend's order as well as by shade.
PALETTE = ("#0b0c0c", "#1d70b8", "#5694ca", "#00703c", "#85994b", "#b1b4b6", "#f47738", "#d4351c")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str  # the value as shown, e.g. "12" or "£1,200,000 (3 projects)"
    parts: tuple[int, ...] = ()  # stacked: the value split into parts, in legend order


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _num(value: float) -> str:
    """A coordinate: an integer when whole, otherwise one decimal place."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar],
              legend: Sequence[str] = ()) -> Markup:
    """A horizontal bar chart; with ``legend``, each bar is stacked from its ``parts``."""
    top = -(-len(legend) // LEGEND_COLUMNS) * LEGEND_ROW + (8 if legend else 0)
    height = top + max(1, len(bars)) * ROW + 4
    largest = max((b.value for b in bars), default=0) or 1
    space = WIDTH - 8 - CHAR_WIDTH * max((len(b.text) for b in bars), default=0)  # the longest bar
    out = [f'<svg class="app-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
           f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg" font-family="Arial, sans-serif" font-size="15">',
           f'<title id="{chart_id}-title">{escape(title)}</title>',
           f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    for i, name in enumerate(legend):
        lx, y = (i % LEGEND_COLUMNS) * (WIDTH // LEGEND_COLUMNS), (i // LEGEND_COLUMNS) * LEGEND_ROW
        out.append(f'<rect x="{lx}" y="{y + 4}" width="14" height="14" fill="{PALETTE[i % len(PALETTE)]}"/>'
                   f'<text x="{lx + 20}" y="{y + 16}" fill="{INK}">{escape(name)}</text>')
    if not bars:
        out.append(f'<text x="0" y="{top + 20}" fill="{INK}">Nothing recorded yet.</text>')
    for row, bar in enumerate(bars):
        y = top + row * ROW
        out.append(f'<text x="0" y="{y + 15}" fill="{INK}">{escape(_short(bar.label))}</text>')
        length = space * bar.value / largest
        if legend:
            x = 0.0
            for i, part in enumerate(bar.parts):
                if part:
                    w = space * part / largest
                    out.append(f'<rect x="{_num(x)}" y="{y + 21}" width="{_num(w)}" height="{BAR_HEIGHT}" '
                               f'fill="{PALETTE[i % len(PALETTE)]}"/>')
                    x += w
        elif bar.value:
            out.append(f'<rect x="0" y="{y + 21}" width="{_num(length)}" height="{BAR_HEIGHT}" fill="{BAR}"/>')
        out.append(f'<text x="{_num(length + (6 if bar.value else 0))}" y="{y + 34}" fill="{INK}" font-weight="bold">'
                   f'{escape(bar.text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))

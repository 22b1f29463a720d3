"""Charts as inline SVG drawn on the server: no script, no third-party request.

Each chart has a <title> and role="img", and the page shows the same numbers in a
table beside it, so nothing is only visible as a picture. Colours are presentation
attributes (not style attributes), which the staff pages' strict CSP allows.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Sequence

from markupsafe import Markup

BAR = "#1d70b8"  # GOV.UK blue: 4.5:1 or better against white
TEXT = "#0b0c0c"
GRID = "#b1b4b6"


def horizontal_bars(title: str, rows: Sequence[tuple[str, int]], width: int = 640) -> Markup:
    """One bar per row, labelled, with its count at the end of the bar."""
    label_width, bar_height, gap = 220, 22, 10
    plot = width - label_width - 50
    top = max([value for _, value in rows] + [1])
    height = len(rows) * (bar_height + gap) + gap
    parts = [_open(title, width, height)]
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = round(plot * value / top)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" fill="{TEXT}" '
            f'font-size="14">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{BAR}"></rect>'
            f'<text x="{label_width + length + 6}" y="{y + 16}" fill="{TEXT}" '
            f'font-size="14">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_trend(title: str, weeks: Sequence[tuple[date, int]], width: int = 640) -> Markup:
    """One column per week, oldest on the left, each labelled with its Monday."""
    height, base, left = 220, 180, 30
    top = max([count for _, count in weeks] + [1])
    step = (width - left) / max(len(weeks), 1)
    column = max(step - 8, 4)
    parts = [
        _open(title, width, height),
        f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="{GRID}"></line>',
    ]
    for index, (monday, count) in enumerate(weeks):
        x = left + index * step + 4
        tall = round((base - 30) * count / top)
        parts.append(
            f'<rect x="{x:.1f}" y="{base - tall}" width="{column:.1f}" height="{tall}" '
            f'fill="{BAR}"></rect>'
            f'<text x="{x + column / 2:.1f}" y="{base - tall - 6}" text-anchor="middle" '
            f'fill="{TEXT}" font-size="12">{count}</text>'
            f'<text x="{x + column / 2:.1f}" y="{base + 18}" text-anchor="middle" '
            f'fill="{TEXT}" font-size="11">{monday.day} {monday:%b}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(title: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" focusable="false">'
        f"<title>{escape(title)}</title>"
    )

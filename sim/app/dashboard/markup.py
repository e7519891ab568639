"""The panels' text as HTML strings: each panel is one widget whose text changes, which Solara
updates far faster than a tree of hundreds of small widgets (one per table cell).

Every value is escaped here, so model text (names from scenario files) never becomes markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

Cell = Any | tuple[Any, str]
"""A table cell: a value, or (value, note) shown as the value over a small grey note."""


def text(value: Any) -> str:
    return html.escape(str(value))


def line(label: str, body: str) -> str:
    """A 'Label: text' paragraph (``body`` is plain text)."""
    return f'<p class="my-1"><b>{text(label)}:</b> {text(body)}</p>'


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], nowrap: Sequence[int] = (),
          row_classes: Sequence[str] = (), numeric: Sequence[int] = (), css_class: str = "") -> str:
    """A dense table styled as Vuetify's simple table; ``numeric`` columns are right-aligned."""
    def cell(k: int, value: Cell) -> str:
        shown, note = value if isinstance(value, tuple) else (value, "")
        styles = ["white-space: nowrap"] if k in nowrap else []
        styles += ["text-align: right"] if k in numeric else []
        style = f' style="{"; ".join(styles)}"' if styles else ""
        extra = f'<div class="caption grey--text text--darken-1">{text(note)}</div>' if note else ""
        return f"<td{style}>{text(shown)}{extra}</td>"

    right = ' style="text-align: right"'
    head = "".join(f"<th{right if k in numeric else ''}>{text(h)}</th>" for k, h in enumerate(headers))
    body = "".join(
        f'<tr class="{text(row_classes[i]) if i < len(row_classes) else ""}">'
        + "".join(cell(k, value) for k, value in enumerate(row)) + "</tr>"
        for i, row in enumerate(rows))
    return (f'<div class="v-data-table v-data-table--dense theme--light {text(css_class)}">'
            f'<div class="v-data-table__wrapper"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            "</table></div></div>")


SHAPES = {
    "circle": '<circle cx="7" cy="7" r="5"/>',
    "triangle-up": '<path d="M7 1.5 L12.5 12 L1.5 12 Z"/>',
    "triangle-down": '<path d="M1.5 2 L12.5 2 L7 12.5 Z"/>',
    "diamond": '<path d="M7 1 L13 7 L7 13 L1 7 Z"/>',
    "square": '<rect x="2" y="2" width="10" height="10"/>',
    "cross": '<path d="M2 2 L12 12 M12 2 L2 12" stroke-width="3"/>',
}


def symbol(shape: str, fill: str = "white", stroke: str = "#333333", stroke_width: float = 1.0) -> str:
    """A 14-pixel inline SVG of a map marker, for legends."""
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"'
    if shape == "cross":
        paint = f'fill="none" stroke="{fill}"'
    return (f'<svg width="14" height="14" viewBox="0 0 14 14" style="vertical-align: -2px">'
            f"<g {paint}>{SHAPES[shape]}</g></svg>")


def stroke(colour: str, width: float = 2.0, dash: str = "") -> str:
    """A 22-pixel inline SVG of a line, for legends."""
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg width="22" height="10" style="vertical-align: 0"><line x1="1" y1="5" x2="21" y2="5" '
            f'stroke="{colour}" stroke-width="{width}"{dashes}/></svg>')


def legend_item(swatch: str, label: str) -> str:
    """A swatch (trusted SVG from ``symbol`` or ``stroke``) and its escaped label, kept together."""
    return f'<span class="allysim-legend-item">{swatch}&nbsp;{text(label)}</span>'

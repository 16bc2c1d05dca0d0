"""Bar charts as inline SVG, drawn at build time: no script, no request, the same bytes
for the same numbers.

Why a module of our own (tried for issue 19): pygal writes a random id into every chart
and a <script> with it (not deterministic, not script-free); leather and vl-convert-python
are deterministic, but both draw with a fixed viewBox that shrinks the text to ~8 px on a
390 px phone, write colours into attributes (dark mode and print would fight them), know
no CLDR number formats (Indonesian "1.234") and have no links or accessible names;
vl-convert also adds a ~40 MB native dependency. Horizontal bars need very little code.

The layout needs no viewBox: the SVG is as wide as its column and its text keeps the
page's size at any width. Labels sit on a line of their own above their bar, so a long
Indonesian label never squeezes the bar; bar widths are percentages of the width; the
count follows the bar's end (x="p%" dx="6"). Colours come from CSS classes and
currentColor (templates/static/site.css: dark mode and print), never from attributes.

The picture is a <g role="img"> named by the chart's <title> and described by its <desc>
(which the template fills with every number). A picture's parts are hidden from screen
readers and may hold no links (axe: nested-interactive), so the links lie in a layer of
their own underneath it: one <a> per row, named by aria-label ("Active: 23"), a rectangle
as wide as the chart and as tall as the row, which shows on hover and on keyboard focus
behind the row's text (the drawing lets the pointer through, site.css). The whole <svg>
is a group named by the title. The template also puts the numbers in a table.
"""
from __future__ import annotations

import re
import unicodedata
from html import escape
from typing import Callable, Iterable, Mapping

FONT = 15  # px: the label's size (site.css .chart text says the same)
LINE = 19  # px between the lines of a label that had to wrap
LABEL_BASELINE = 16  # from the top of a row
BAR_TOP = 23  # below the label's (last) line
BAR_HEIGHT = 15
BAR_GAP = 4
ROW_END = 10
CAPTION_HEIGHT = 30  # a group's caption (the ends beside the lifecycle)
NARROWEST = 340  # px: a label wraps when it would not fit this width (a 390 px phone's column is 358)
FLOW_INDENT = 22  # px: room for the arrows of a lifecycle
MAX_WIDTH = 78  # % of the width the longest bar takes; the rest is for its count


def width_of(text: str) -> float:
    """Roughly how wide a text is at FONT px: wide (CJK, full-width) characters take a whole
    em, others about half. Enough to decide where to wrap; the browser lays the text out."""
    return sum(FONT if unicodedata.east_asian_width(c) in "WF" else FONT * 0.56 for c in text)


def wrap(text: str, room: float = NARROWEST) -> list[str]:
    """The label in lines that fit `room`: broken at spaces, or anywhere in a text without them
    (Japanese), after a "・" or "、" where there is one."""
    lines, current = [], ""
    joiner = " " if " " in text else ""
    words = text.split(" ") if joiner else [w for w in re.split(r"(?<=[・、])", text) if w]
    if not joiner and max(map(width_of, words)) > room:
        words = list(text)
    for word in words:
        trial = current + joiner + word if current else word
        if current and width_of(trial) > room:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    return lines


def _pct(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def bar_chart(rows: Iterable[Mapping], *, ident: str, title: str, desc: str, number: Callable[[int], str],
              scale: int | None = None, flow: bool = False) -> str:
    """An SVG bar chart. rows: mappings with
    label   the row's label (plain text; escaped here)
    bars    [(value, series)]: one bar per item, series naming its CSS class (chart-bar-<series>)
    href    optional: the list the row counts
    name    with href: the link's accessible name (the label and its numbers, as the page words them)
    lang    optional: the label's language, when it fell back from the page's
    caption optional: a group caption drawn above this row (a gap comes before it)
    step    optional: true when, in a flow chart, this row is a step of the flow (an arrow joins consecutive steps;
            the label carries the step's number)
    scale: the value of a full-length bar (default: the largest value)."""
    rows = list(rows)
    e = lambda s: escape(str(s), quote=True)  # noqa: E731
    largest = scale or max((v for row in rows for v, _ in row["bars"]), default=0) or 1
    indent = FLOW_INDENT if flow else 0
    parts: list[str] = []
    links: list[str] = []
    y = 0
    previous_step = False
    for row in rows:
        if row.get("caption"):
            y += 8
            caption = wrap(row["caption"], NARROWEST)
            parts.append(f'<text class="chart-caption" x="0" y="{y + 20}">{_lines(caption, 0, e)}</text>')
            y += CAPTION_HEIGHT + (len(caption) - 1) * LINE
            previous_step = False
        bars = row["bars"]
        label = wrap(row["label"], NARROWEST - indent)
        below = (len(label) - 1) * LINE  # the extra lines of a wrapped label
        height = BAR_TOP + below + len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + ROW_END
        step = flow and bool(row.get("step"))
        inner = []
        if step and previous_step:  # an arrow from the step above to this one
            inner.append(f'<path class="chart-flow" d="M7 {y - ROW_END + 2}V{y + 10}m-4-5 4 5 4-5"/>')
        lang = f' lang="{e(row["lang"])}"' if row.get("lang") else ""
        inner.append(f'<text class="chart-label" x="{indent}" y="{y + LABEL_BASELINE}"{lang}>{_lines(label, indent, e)}</text>')
        for i, (value, series) in enumerate(bars):
            top = y + BAR_TOP + below + i * (BAR_HEIGHT + BAR_GAP)
            width = _pct(value / largest * MAX_WIDTH)
            kind = f"chart-bar chart-bar-{e(series)}" if series else "chart-bar"
            if value:
                inner.append(f'<rect class="{kind}" x="{indent}" y="{top}" width="{width}%" height="{BAR_HEIGHT}"/>')
            inner.append(f'<text class="chart-value" x="{width}%" dx="{indent + (6 if value else 0)}" '
                         f'y="{top + BAR_HEIGHT - 3}">{e(number(value))}</text>')
        parts += inner
        if row.get("href"):
            name = row.get("name") or row["label"]
            links.append(f'<a href="{e(row["href"])}" aria-label="{e(name)}"><rect class="chart-hit" x="0" y="{y + 1}" '
                         f'width="100%" height="{height - 2}"/></a>')
        previous_step = step
        y += height
    layer = f'<g class="chart-links">{"".join(links)}</g>' if links else ""
    return (f'<svg class="chart" width="100%" height="{y}" role="group" aria-labelledby="{e(ident)}-t" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="{e(ident)}-t">{e(title)}</title>{layer}'
            f'<g class="chart-drawing" role="img" aria-labelledby="{e(ident)}-t" aria-describedby="{e(ident)}-d">'
            f'<desc id="{e(ident)}-d">{e(desc)}</desc>' + "".join(parts) + "</g></svg>")


def _lines(lines: list[str], x: int, e) -> str:
    """A text's lines: the first as it is, the next ones as <tspan>s a line below."""
    return e(lines[0]) + "".join(f'<tspan x="{x}" dy="{LINE}">{e(line)}</tspan>' for line in lines[1:])


def swatch(series: str) -> str:
    """A legend's sample of a bar (decorative: the legend's text names it)."""
    kind = f"chart-bar chart-bar-{escape(series, quote=True)}" if series else "chart-bar"
    return (f'<svg class="chart-swatch" width="28" height="16" aria-hidden="true" focusable="false" '
            f'xmlns="http://www.w3.org/2000/svg"><rect class="{kind}" x="1" y="1" width="26" height="14"/></svg>')

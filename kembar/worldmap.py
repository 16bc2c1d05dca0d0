"""Partnership maps drawn at build time as inline SVG (no tiles, no JavaScript).

    render_map(points, lines, *, title, desc, highlight=None, ident=None) -> str
    status_sample_svg(status) -> str
    legend_items(statuses=None) -> [(status, sample_svg), ...]
    STATUSES  # status term -> dash pattern, in legend order

points: dicts {key, lat, lon, label, href}; lines: dicts {from, to, status,
label, href} where "from" is the key of the Indonesian party and "to" its
partner.  label is the accessible name (and tooltip) of the dot or line.
Labels and hrefs come from content and are always escaped.  Styles are in
templates/static/map.css.

Country outlines come from kembar/data/world.json (see tools/world_atlas.py):
a topology of arcs in 1/20 degree, equirectangular with the seam at 30°W so
that every line from Indonesia to its partners stays on one side of it.

The viewBox is always VIEW_W units wide whatever the crop, so the stroke
widths and dash patterns look the same on every map.  Arcs are simplified to
about TOLERANCE viewBox units and rounded to whole units, which keeps a map
small; simplifying arcs (not rings) keeps shared borders identical on both
sides.  Output is deterministic: inputs are sorted and numbers have a fixed
format.
"""

import functools
import hashlib
import html
import json
import math
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "world.json"
VIEW_W = 800  # viewBox width; about one unit per CSS pixel in a typical content column
WORLD = (0.0, -84.0, 360.0, 57.0)  # x0, y0, x1, y1 in degrees (y = -lat): no Antarctica
WORLD_SPAN = 150.0  # crops wider than this (degrees) show the whole world
MIN_W = 28.0  # degrees: even two neighbouring towns get a view with some context
ASPECT = (1.0, 2.4)  # width/height limits: no towers, no slivers
TOLERANCE = 2.0  # viewBox units: outlines are simplified to about this much
SPECK = 12.0  # square viewBox units: islands smaller than this are left out
BEND = 0.15  # curve offset as a share of the line length
DOT_R = 6
HERE_R = 8

# Dash pattern per status, so colour is never the only cue (WCAG 1.4.1);
# map.css holds the colours and draws past partnerships thinner.  Lengths are
# viewBox units.  Order: the vocabulary's, from first contact to the end.
STATUSES = {
    "exploring": "3 4",
    "loi-signed": "9 5",
    "in-approval": "16 4 3 4",
    "mou-signed": "16 5",
    "active": "",
    "expired": "7 7",
    "dormant": "9 4 3 4 3 4",
    "ended": "2 6",
}


@functools.lru_cache(maxsize=1)
def _world():
    """Arcs (absolute stored units), countries as rings of arc references, border arcs."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    arcs = [_undelta(a) for a in data["arcs"]]
    boxes = [_bbox(a) for a in arcs]
    countries = []
    for c in data["countries"]:
        rings = c["rings"]
        used = [boxes[r if r >= 0 else ~r] for ring in rings for r in ring]
        box = (min(b[0] for b in used), min(b[1] for b in used), max(b[2] for b in used), max(b[3] for b in used))
        countries.append((box, rings))
    return data["projection"], arcs, boxes, countries, data["borders"]


def _undelta(flat):
    pts, x, y = [], 0, 0
    for i in range(0, len(flat), 2):
        x += flat[i]
        y += flat[i + 1]
        pts.append((x, y))
    return pts


def _bbox(pts):
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _simplify(pts, tol):
    """Douglas-Peucker keeping both ends (closed arcs included)."""
    if len(pts) < 3:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = pts[i], pts[j]
        dx, dy = bx - ax, by - ay
        dd = dx * dx + dy * dy
        best, idx = tol, -1
        for k in range(i + 1, j):
            px, py = pts[k]
            t = 0.0 if dd == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / dd))
            d = math.hypot(px - ax - t * dx, py - ay - t * dy)
            if d > best:
                best, idx = d, k
        if idx >= 0:
            keep[idx] = True
            stack += [(i, idx), (idx, j)]
    return [p for p, k in zip(pts, keep) if k]


@functools.lru_cache(maxsize=8)
def _arcs_at(step):
    """Arcs simplified for one tolerance step, filled in lazily.

    Simplifying arcs rather than rings keeps shared borders identical on both
    sides; the cache makes a site build simplify each arc once per step.
    """
    return [None] * len(_world()[1])


def _arc(step, i):
    cache = _arcs_at(step)
    if cache[i] is None:
        cache[i] = _simplify(_world()[1][i], 2 ** (step / 2))
    return cache[i]


def project(lat, lon):
    """(x, y) in degrees: x east of the seam (0..360), y = -lat."""
    meridian = _world()[0]["central_meridian"]
    return (float(lon) - meridian + 180.0) % 360.0, -float(lat)


def _num(v):
    """Fixed one-decimal formatting without noise ("12", "-3.5", never "-0")."""
    s = f"{v:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s == "-0" else s


def _join(nums):
    """SVG number list: a minus sign separates as well as a space does."""
    out = ""
    for n in nums:
        s = str(n)
        out += s if (not out or s[0] == "-") else " " + s
    return out


def _curve(a, b):
    """Control point of a gentle quadratic bend, always towards the top."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    nx, ny = -dy, dx
    if ny > 0 or (ny == 0 and nx < 0):
        nx, ny = -nx, -ny
    return (ax + bx) / 2 + BEND * nx, (ay + by) / 2 + BEND * ny


def _view(xy):
    """Crop (x0, y0, w, h) in degrees around the given points."""
    xs = [p[0] for p in xy]
    ys = [p[1] for p in xy]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    if w > WORLD_SPAN:
        return WORLD[0], WORLD[1], WORLD[2] - WORLD[0], WORLD[3] - WORLD[1]
    pad = max(0.1 * max(w, h), 3.0)
    w, h = max(w + 2 * pad, MIN_W), h + 2 * pad
    w = max(w, h * ASPECT[0])
    h = max(h, w / ASPECT[1])
    full_w, full_h = WORLD[2] - WORLD[0], WORLD[3] - WORLD[1]
    w, h = min(w, full_w), min(h, full_h)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    x0 = min(max(cx - w / 2, WORLD[0]), WORLD[2] - w)
    y0 = min(max(cy - h / 2, WORLD[1]), WORLD[3] - h)
    return x0, y0, w, h


def _clip_ring(pts, lo_x, lo_y, hi_x, hi_y):
    """Sutherland-Hodgman against a rectangle; the cut lies outside the visible area."""
    edges = (
        (lambda p: p[0] >= lo_x, 0, lo_x),
        (lambda p: p[0] <= hi_x, 0, hi_x),
        (lambda p: p[1] >= lo_y, 1, lo_y),
        (lambda p: p[1] <= hi_y, 1, hi_y),
    )
    for inside, axis, v in edges:
        if not pts:
            return pts
        res = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside(cur):
                if not inside(prev):
                    res.append(_cut(prev, cur, axis, v))
                res.append(cur)
            elif inside(prev):
                res.append(_cut(prev, cur, axis, v))
        pts = res
    return pts


def _cut(a, b, axis, v):
    t = (v - a[axis]) / (b[axis] - a[axis])
    other = round(a[1 - axis] + t * (b[1 - axis] - a[1 - axis]))
    return (v, other) if axis == 0 else (other, v)


def _tidy(pts, closed):
    """Drop repeated points and points lying straight between their neighbours.

    Only points strictly inside a straight segment go, so the drawn shape is
    unchanged and shared borders still match their neighbour exactly.
    """
    out = []
    for p in pts:
        if out and out[-1] == p:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (bx - ax) * (p[1] - by) == (by - ay) * (p[0] - bx) and (bx - ax) * (p[0] - bx) + (by - ay) * (p[1] - by) > 0:
                out[-1] = p
                continue
        out.append(p)
    if closed:
        while len(out) > 1 and out[0] == out[-1]:
            out.pop()
    return out


def _path(runs, closed):
    """Compact path data: absolute move, then relative lines."""
    parts = []
    for pts in runs:
        (x, y), rest = pts[0], pts[1:]
        nums = []
        for px, py in rest:
            nums += [px - x, py - y]
            x, y = px, py
        parts.append("M" + _join([pts[0][0], pts[0][1]]) + ("l" + _join(nums) if nums else "") + ("z" if closed else ""))
    return "".join(parts)


def _outlines(x0, y0, w, h, scale, height):
    """Land and border path data for the view, rounded to viewBox units."""
    proj, _, boxes, countries, borders = _world()
    unit = proj["units_per_degree"]
    k = scale / unit  # viewBox units per stored unit
    # Simplify to about TOLERANCE viewBox units, in half-octave steps so that
    # maps of similar scale share the cached work.
    step = round(2 * math.log2(TOLERANCE / k))
    ox, oy = x0 * unit, y0 * unit
    m = 3  # clip a little outside the view so no cut edge is visible
    lo_x, lo_y, hi_x, hi_y = -m, -m, VIEW_W + m, height + m
    view = (ox - m / k, oy - m / k, (x0 + w) * unit + m / k, (y0 + h) * unit + m / k)

    def seen(b):
        return not (b[2] < view[0] or b[0] > view[2] or b[3] < view[1] or b[1] > view[3])

    def tr(p):
        return round((p[0] - ox) * k), round((p[1] - oy) * k)

    land = []
    for box, rings in countries:
        if not seen(box):
            continue
        for refs in rings:
            if not any(seen(boxes[r if r >= 0 else ~r]) for r in refs):
                continue
            ring = []
            for r in refs:
                arc = _arc(step, r) if r >= 0 else _arc(step, ~r)[::-1]
                ring.extend(arc if not ring else arc[1:])
            pts = _tidy([tr(p) for p in ring], closed=True)
            if len(pts) < 3 or _area(pts) < SPECK:
                continue
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            if min(xs) < lo_x or max(xs) > hi_x or min(ys) < lo_y or max(ys) > hi_y:
                pts = _tidy(_clip_ring(pts, lo_x, lo_y, hi_x, hi_y), closed=True)
            if len(pts) >= 3:
                land.append(pts)

    lines = []
    for i in borders:
        if not seen(boxes[i]):
            continue
        pts = [tr(p) for p in _arc(step, i)]
        run = []
        for a, b in zip(pts, pts[1:]):
            if max(a[0], b[0]) >= lo_x and min(a[0], b[0]) <= hi_x and max(a[1], b[1]) >= lo_y and min(a[1], b[1]) <= hi_y:
                run = run or [a]
                run.append(b)
            elif run:
                lines.append(run)
                run = []
        if run:
            lines.append(run)
    lines = [r for r in (_tidy(r, closed=False) for r in lines) if len(r) >= 2]
    return _path(land, True), _path(lines, False)


def _area(pts):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]))) / 2


def _status(term):
    """A safe class suffix: statuses come from content vocabularies."""
    return "".join(c for c in str(term).lower() if c.isalnum() or c == "-") or "unknown"


def _link(href, label, body):
    """A link named by aria-label; the <title> is the tooltip for mouse users."""
    e = html.escape
    label = str(label)
    if not href:  # nothing to link to: still named, as an image
        return f'<g role="img" aria-label="{e(label)}"><title>{e(label)}</title>{body}</g>'
    return f'<a href="{e(str(href))}" aria-label="{e(label)}"><title>{e(label)}</title>{body}</a>'


def render_map(points, lines, *, title, desc, highlight=None, ident=None):
    """Inline SVG map of the given places and partnership lines.

    highlight: a point key (or iterable of keys) drawn larger, e.g. the place
    whose page this is.  ident: id prefix for <title>/<desc>; by default it is
    derived from the title so that two maps on one page get different ids.
    Raises ValueError for a line whose end is not among the points.
    """
    e = html.escape
    if isinstance(highlight, str):
        highlight = {highlight}
    highlight = set(highlight or ())
    # Highlighted dots last, so they are drawn on top.
    pts = sorted(points, key=lambda p: (str(p["key"]) in highlight, str(p["key"])))
    where = {str(p["key"]): project(p["lat"], p["lon"]) for p in pts}
    segs = []
    for ln in sorted(lines, key=lambda l: (str(l["from"]), str(l["to"]), str(l.get("status", "")), str(l.get("href", "")))):
        try:
            a, b = where[str(ln["from"])], where[str(ln["to"])]
        except KeyError as exc:
            raise ValueError(f"map line {ln.get('label')!r} refers to unknown point {exc.args[0]!r}") from None
        segs.append((ln, a, b, _curve(a, b)))
    # The crop holds every dot and the top of every curve.
    xy = list(where.values()) + [((a[0] + 2 * c[0] + b[0]) / 4, (a[1] + 2 * c[1] + b[1]) / 4) for _, a, b, c in segs]
    x0, y0, w, h = _view(xy or [project(-2.5, 118.0)])  # no points: show Indonesia
    scale = VIEW_W / w
    height = round(h * scale)

    def at(p):
        return _num((p[0] - x0) * scale), _num((p[1] - y0) * scale)

    land, borders = _outlines(x0, y0, w, h, scale, height)
    ident = ident or "wm-" + hashlib.sha1(str(title).encode("utf-8")).hexdigest()[:6]
    described = f' aria-describedby="{e(ident)}-d"' if desc else ""
    # width/height give the aspect ratio before CSS loads; the plain colours
    # are a fallback for readers that drop the stylesheet (map.css wins).
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wm" viewBox="0 0 {VIEW_W} {height}" '
        f'width="{VIEW_W}" height="{height}" role="group" aria-labelledby="{e(ident)}-t"{described}>',
        f'<title id="{e(ident)}-t">{e(str(title))}</title>',
        f'<desc id="{e(ident)}-d">{e(str(desc))}</desc>' if desc else "",
        f'<g aria-hidden="true"><path class="wm-land" fill="#ddd" d="{land}"/>'
        f'<path class="wm-border" fill="none" stroke="#999" d="{borders}"/></g>',
    ]
    if segs:
        out.append('<g class="wm-lines" fill="none" stroke="#444" stroke-width="2.5">')
        for ln, a, b, c in segs:
            (ax, ay), (cx, cy), (bx, by) = at(a), at(c), at(b)
            term = _status(ln.get("status", ""))
            dash = STATUSES.get(term, "")
            dash = f' stroke-dasharray="{dash}"' if dash else ""
            body = f'<path class="wm-line status-{term}"{dash} d="M{ax} {ay}Q{cx} {cy} {bx} {by}"/>'
            out.append(_link(ln.get("href"), ln.get("label", ""), body))
        out.append("</g>")
    if pts:
        out.append('<g class="wm-dots">')
        for p in pts:
            key = str(p["key"])
            cx, cy = at(where[key])
            here = key in highlight
            body = f'<circle class="wm-dot{" wm-here" if here else ""}" cx="{cx}" cy="{cy}" r="{HERE_R if here else DOT_R}"/>'
            out.append(_link(p.get("href"), p.get("label", key), body))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def status_sample_svg(status):
    """A small line in the status's colour and dash pattern, for the legend.

    Decorative (aria-hidden): the legend text next to it names the status.
    """
    term = _status(status)
    dash = STATUSES.get(term, "")
    dash = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wm-sample" viewBox="0 0 48 12" width="48" height="12" '
        f'aria-hidden="true" focusable="false"><path class="wm-line status-{term}" fill="none" stroke="#444" '
        f'stroke-width="2.5"{dash} d="M2 6H46"/></svg>'
    )


def legend_items(statuses=None):
    """(status, sample svg) pairs in legend order; the template adds the words."""
    return [(s, status_sample_svg(s)) for s in (STATUSES if statuses is None else statuses)]

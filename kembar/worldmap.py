"""Partnership maps drawn at build time as inline SVG (no tiles, no JavaScript).

    render_map(points, lines, *, title, desc, highlight=None, ident=None, land_href=None) -> str
    status_sample_svg(status) -> str
    legend_items(statuses=None) -> [(status, sample_svg), ...]
    land_svg() -> str  # the text of templates/static/world.svg
    STATUSES  # status term -> dash pattern, in legend order

points: dicts {key, lat, lon, label, href}; lines: dicts {from, to, status,
label, href} where "from" is the key of the Indonesian party and "to" its
partner.  label is the accessible name (and tooltip) of the dot or line.
Labels and hrefs come from content and are always escaped.  Styles are in
templates/static/map.css.

The land is drawn once for the whole site: templates/static/world.svg (made
by land_svg(), written by tools/world_atlas.py, committed) holds every country
outline as <g id="land"> and <g id="borders"> in world units (1/LAND_UNIT
degree, equirectangular, the seam at 30°W so that every line from Indonesia to
its partners stays on one side of it).  A map shows it with two <use> elements
scaled and moved into its own view, so a map costs a few hundred bytes and no
geometry work; browsers fetch world.svg once and clip it to each map's view.
The file has no colours: fill and stroke on the <use> elements (map.css)
reach the outlines by inheritance, dark mode included.  Without land_href a
map embeds the outlines near its view instead (a standalone SVG, larger).

The viewBox is always VIEW_W units wide whatever the crop, so the stroke
widths and dash patterns look the same on every map.  The outlines keep the
detail the closest crop (MIN_W degrees wide) needs, about LAND_TOLERANCE;
simplifying arcs (not rings) keeps shared borders identical on both sides.
Output is deterministic: inputs are sorted and numbers have a fixed format.
"""

import functools
import hashlib
import html
import json
import math
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "world.json"
CENTRAL_MERIDIAN = 150.0  # degrees east, as in world.json (a test checks): the seam is at 30°W
VIEW_W = 800  # viewBox width; about one unit per CSS pixel in a typical content column
WORLD = (0.0, -84.0, 360.0, 57.0)  # x0, y0, x1, y1 in degrees (y = -lat): no Antarctica
WORLD_SPAN = 150.0  # crops wider than this (degrees) show the whole world
MIN_W = 28.0  # degrees: even two neighbouring towns get a view with some context
ASPECT = (1.0, 2.4)  # width/height limits: no towers, no slivers
BEND = 0.15  # curve offset as a share of the line length
DOT_R = 6
HERE_R = 8
# A phone's closer view of a world map (render_map(focus=True)): the crop around the
# Indonesian parties and the nearest partners of this share of the lines, where most
# partnerships are; lines to partners further away run off its edge.
FOCUS_SHARE = 2 / 3
# The land layer, in world units (LAND_UNIT per degree, the unit of world.json).
# At the closest crop (MIN_W) one unit is VIEW_W / MIN_W / LAND_UNIT ≈ 1.4
# viewBox units, so these keep what a zoomed-in map shows (Bali, Lombok).
LAND_UNIT = 20
LAND_TOLERANCE = 1.0  # world units: Douglas-Peucker tolerance of the outlines
LAND_SPECK = 6.0  # square world units: islands (and holes) smaller than this go

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


@functools.lru_cache(maxsize=2)
def _world(path=DATA):
    """Arcs (absolute world units), each country's rings as arc references, border arcs."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [_undelta(a) for a in data["arcs"]], [c["rings"] for c in data["countries"]], data["borders"]


@functools.lru_cache(maxsize=2)
def _land(path=DATA):
    """The land layer: (bbox, path data) per ring and per border arc, in world units.

    Computed once per process, and only for land_svg() and maps without
    land_href; a site's maps use the committed world.svg instead.
    """
    arcs, countries, borders = _world(path)
    simple = [_simplify(a, LAND_TOLERANCE) for a in arcs]
    rings, used = [], set()
    for refs in (refs for country in countries for refs in country):
        pts = []
        for r in refs:
            arc = simple[r] if r >= 0 else simple[~r][::-1]
            pts.extend(arc if not pts else arc[1:])
        pts = _tidy(pts, closed=True)
        if len(pts) >= 3 and _area(pts) >= LAND_SPECK:
            rings.append((_bbox(pts), _path([pts], True)))
            used.update(r if r >= 0 else ~r for r in refs)
    lines = []
    for i in borders:
        pts = _tidy(simple[i], closed=False)
        if i in used and len(pts) >= 2:  # no border round an island too small to draw
            lines.append((_bbox(pts), _path([pts], False)))
    return rings, lines


def land_svg(path=DATA):
    """The text of templates/static/world.svg (from world.json at path): every outline, no colours.

    One path for all land (no hairline seams between neighbours) and one for
    all borders; non-scaling strokes keep borders thin in zoomed-in maps.
    """
    rings, lines = _land(path)
    x0, y0, x1, y1 = (v * LAND_UNIT for v in WORLD)
    box = " ".join(_num(v) for v in (x0, y0, x1 - x0, y1 - y0))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}">\n'
        f"<!-- Natural Earth 1:50m admin-0 countries (public domain) in 1/{LAND_UNIT} degree, "
        f"equirectangular, central meridian {_num(CENTRAL_MERIDIAN)}E, y = -latitude. "
        "Made by kembar/worldmap.py land_svg() from kembar/data/world.json; "
        "regenerate with tools/world_atlas.py, do not edit. -->\n"
        '<g id="land"><path vector-effect="non-scaling-stroke" d="' + "".join(d for _, d in rings) + '"/></g>\n'
        '<g id="borders"><path vector-effect="non-scaling-stroke" d="' + "".join(d for _, d in lines) + '"/></g>\n'
        "</svg>\n"
    )


@functools.lru_cache(maxsize=512)  # only for maps without land_href
def _land_near(x0, y0, w, h):
    """Land and border path data of the rings and arcs that reach into the view (degrees)."""
    rings, lines = _land()
    lo_x, lo_y, hi_x, hi_y = x0 * LAND_UNIT, y0 * LAND_UNIT, (x0 + w) * LAND_UNIT, (y0 + h) * LAND_UNIT

    def seen(b):
        return not (b[2] < lo_x or b[0] > hi_x or b[3] < lo_y or b[1] > hi_y)

    return "".join(d for b, d in rings if seen(b)), "".join(d for b, d in lines if seen(b))


def _land_layer(x0, y0, w, h, scale, land_href):
    """The outlines moved and scaled from world units into the map's viewBox.

    The colours on the <use> elements (or paths) are a fallback for readers
    that drop the stylesheet; map.css wins, and the outlines inherit them.
    """
    k = f"{scale / LAND_UNIT:.6g}"
    head = f'<g aria-hidden="true" transform="matrix({k} 0 0 {k} {_num(-x0 * scale)} {_num(-y0 * scale)})">'
    if land_href:
        href = html.escape(str(land_href))
        return (f'{head}<use class="wm-land" fill="#ddd" href="{href}#land"/>'
                f'<use class="wm-border" fill="none" stroke="#999" href="{href}#borders"/></g>')
    land, borders = _land_near(x0, y0, w, h)
    return (f'{head}<path class="wm-land" fill="#ddd" vector-effect="non-scaling-stroke" d="{land}"/>'
            f'<path class="wm-border" fill="none" stroke="#999" vector-effect="non-scaling-stroke" d="{borders}"/></g>')


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


def project(lat, lon):
    """(x, y) in degrees: x east of the seam (0..360), y = -lat."""
    return (float(lon) - CENTRAL_MERIDIAN + 180.0) % 360.0, -float(lat)


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


def _area(pts):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]))) / 2


def _status(term):
    """A safe class suffix: statuses come from content vocabularies."""
    return "".join(c for c in str(term).lower() if c.isalnum() or c == "-") or "unknown"


def _link(href, label, body):
    """A link named by aria-label; the <title> is the tooltip for mouse users."""
    label = html.escape(str(label))  # once: big maps have thousands of links
    if not href:  # nothing to link to: still named, as an image
        return f'<g role="img" aria-label="{label}"><title>{label}</title>{body}</g>'
    return f'<a href="{html.escape(str(href))}" aria-label="{label}"><title>{label}</title>{body}</a>'


def _focus(where, segs):
    """Crop (degrees) around the Indonesian ends of the lines and the partners of the
    FOCUS_SHARE of lines whose partner is nearest to them (ties by key: deterministic)."""
    home = [where[str(ln["from"])] for ln, *_ in segs]
    cx, cy = sum(p[0] for p in home) / len(home), sum(p[1] for p in home) / len(home)
    near = sorted(segs, key=lambda s: (math.hypot(s[2][0] - cx, s[2][1] - cy), str(s[0]["to"]), str(s[0]["from"])))
    kept = near[:max(1, math.ceil(len(near) * FOCUS_SHARE))]
    return _view(home + [b for _, _, b, _ in kept] + [((a[0] + 2 * c[0] + b[0]) / 4, (a[1] + 2 * c[1] + b[1]) / 4)
                                                         for _, a, b, c in kept])


def render_map(points, lines, *, title, desc, highlight=None, ident=None, land_href=None, focus=False):
    """Inline SVG map of the given places and partnership lines.

    highlight: a point key (or iterable of keys) drawn larger, e.g. the place
    whose page this is.  ident: id prefix for <title>/<desc>; by default it is
    derived from the title so that two maps on one page get different ids.
    land_href: URL of world.svg (a site passes asset("world.svg")): the map
    then <use>s its outlines and stays small; without it the map embeds them.
    focus: the closer view a phone shows instead of a map of the whole world
    (_focus: where most lines are); "" when the map is not of the whole world.
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
    if focus:
        if w < WORLD[2] - WORLD[0] or not segs:
            return ""  # already as close as it gets
        x0, y0, w, h = _focus(where, segs)
    scale = VIEW_W / w
    height = round(h * scale)

    def at(p):
        return _num((p[0] - x0) * scale), _num((p[1] - y0) * scale)

    ident = ident or "wm-" + hashlib.sha1(str(title).encode("utf-8")).hexdigest()[:6] + ("f" if focus else "")
    described = f' aria-describedby="{e(ident)}-d"' if desc else ""
    # width/height give the aspect ratio before CSS loads; the plain colours
    # are a fallback for readers that drop the stylesheet (map.css wins).
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wm" viewBox="0 0 {VIEW_W} {height}" '
        f'width="{VIEW_W}" height="{height}" role="group" aria-labelledby="{e(ident)}-t"{described}>',
        f'<title id="{e(ident)}-t">{e(str(title))}</title>',
        f'<desc id="{e(ident)}-d">{e(str(desc))}</desc>' if desc else "",
        _land_layer(x0, y0, w, h, scale, land_href),
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

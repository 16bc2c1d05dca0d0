"""Convert Natural Earth country outlines (TopoJSON) into kembar/data/world.json
and the land layer every map shows, templates/static/world.svg.

Run once by a maintainer; the output is committed, so builds never need the
network or npm.  The source is the `world-atlas` npm package (Natural Earth
4.1.0, public domain; package licence ISC):

    tmp=$(mktemp -d) && (cd "$tmp" && npm install world-atlas@2) && \
    python tools/world_atlas.py "$tmp/node_modules/world-atlas/countries-50m.json"

The 50m file is used because 110m has no Bali, Lombok or most of the smaller
Indonesian and Japanese islands that partnership maps zoom in on.

What it does, in plain Python (no dependencies beyond kembar itself):
  * decodes the TopoJSON arcs (delta-encoded, quantized by `transform`);
  * simplifies every *arc* with Douglas-Peucker (TOLERANCE), so two countries
    sharing a border keep exactly the same points; kembar/worldmap.py later
    simplifies the same arcs once more for world.svg (see below);
  * projects equirectangularly with the central meridian at 150°E, which puts
    the seam at 30°W in the Atlantic: Europe and Africa on the left, Indonesia
    in the middle, the Americas on the right, so lines from Indonesia to
    Europe, the Middle East, Japan, Korea, Australia and the USA never cross
    the seam; the only rings that do cross it (Greenland's) are cut there and
    become arcs of their own;
  * drops Antarctica and islands (and holes) under MIN_AREA;
  * stores integers in 1/UNIT degree (x east of the seam, 0..360 degrees;
    y = -latitude), each arc delta-encoded as a flat list [x0, y0, dx1, dy1, ...].

Output: {"projection": {...}, "arcs": [...], "countries": [{"id": ISO 3166
numeric (or "x-<name>" for the few without one), "name", "rings": [[arc refs,
~i meaning arc i reversed, as in TopoJSON], ...]}], "borders": [arc indices]}.
Borders are the arcs shared by two countries, so maps fill the land without
stroking coasts and draw only real borders (the ±180° cuts through Russia and
Fiji are not borders and stay invisible).  An optional second argument writes
somewhere else than kembar/data/world.json, an optional third one writes
world.svg somewhere else than templates/static/world.svg.  The output is
deterministic.

world.svg is made from world.json by kembar.worldmap.land_svg(), which
simplifies the arcs once more for the closest map crop and writes all land as
one path and all borders as another (see that module).  After changing
land_svg() or its LAND_* settings, regenerate world.svg alone, without the
npm package:

    python tools/world_atlas.py --svg
"""

import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from kembar import worldmap  # noqa: E402  (the project root, beside this folder)

CENTRAL_MERIDIAN = 150.0  # degrees east; the seam is at CENTRAL_MERIDIAN - 180 = 30°W
UNIT = 20  # stored integers per degree (0.05° steps)
DROP_IDS = {"010"}  # Antarctica: irrelevant here and it dominates a world view
TOLERANCE = 0.04  # degrees; maps simplify further for their own scale
MIN_AREA = 0.01  # square degrees (~100 km² near the equator): smaller islands go
OUT = Path(__file__).resolve().parent.parent / "kembar" / "data" / "world.json"
SVG_OUT = Path(__file__).resolve().parent.parent / "templates" / "static" / "world.svg"


def decode_arcs(topo):
    """Absolute lon/lat points of every arc (TopoJSON quantized delta encoding)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def _seg_dist(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(pts, tol):
    """Douglas-Peucker keeping both end points (iterative: arcs can be long)."""
    if len(pts) < 3:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = 0.0, -1
        for k in range(i + 1, j):
            d = _seg_dist(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(pts, keep) if k]


def arc_points(arcs, index):
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def ring_points(arcs, refs):
    pts = []
    for r in refs:
        a = arc_points(arcs, r)
        pts.extend(a if not pts else a[1:])
    return pts


def ring_area(pts):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]))) / 2


def unwrap(pts):
    """Projected x in degrees east of the seam, continuous along the line (may leave 0..360)."""
    out = []
    for lon, lat in pts:
        x = (lon - CENTRAL_MERIDIAN + 180.0) % 360.0
        if out:
            while x - out[-1][0] > 180:
                x -= 360
            while out[-1][0] - x > 180:
                x += 360
        out.append((x, -lat))
    return out


def _clip_ring_x(pts, lo, hi):
    """Sutherland-Hodgman against lo <= x <= hi (vertical half-planes only)."""
    for inside, xcut in ((lambda p: p[0] >= lo, lo), (lambda p: p[0] <= hi, hi)):
        if not pts:
            break
        res = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside(cur):
                if not inside(prev):
                    res.append(_cross_x(prev, cur, xcut))
                res.append(cur)
            elif inside(prev):
                res.append(_cross_x(prev, cur, xcut))
        pts = res
    return pts


def _cross_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def split_ring(pts):
    """Pieces of an unwrapped ring inside 0..360, shifted back into range."""
    if all(0 <= x <= 360 for x, _ in pts):
        return [pts]
    pieces = []
    for shift in (0, 360, -360):
        moved = [(x + shift, y) for x, y in pts]
        piece = _clip_ring_x(moved, 0, 360)
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces


def quantize(pts):
    out = []
    for x, y in pts:
        q = (round(x * UNIT), round(y * UNIT))
        if not out or out[-1] != q:
            out.append(q)
    return out


def delta(pts):
    flat, px, py = [], 0, 0
    for x, y in pts:
        flat += [x - px, y - py]
        px, py = x, y
    return flat


def country_id(geom):
    if geom.get("id"):
        return geom["id"]
    # A few disputed areas have no ISO code; a stable slug is enough to tell them apart.
    return "x-" + "".join(c if c.isalnum() else "-" for c in geom["properties"]["name"].lower()).strip("-")


def build(topo, arcs):
    """Projected, simplified topology: arcs shared by countries, rings as arc references."""
    simple = [simplify(a, TOLERANCE) for a in arcs]
    projected = [unwrap(a) for a in simple]
    crosses = [not all(0 <= x <= 360 for x, _ in a) for a in projected]
    geoms = sorted(
        (g for g in topo["objects"]["countries"]["geometries"] if country_id(g) not in DROP_IDS),
        key=country_id,
    )
    out_arcs, remap, users, countries = [], {}, {}, []

    def ref(r):
        i = r if r >= 0 else ~r
        if i not in remap:
            remap[i] = len(out_arcs)
            out_arcs.append(quantize(projected[i]))
        return remap[i] if r >= 0 else ~remap[i]

    for g in geoms:
        cid = country_id(g)
        polys = {"MultiPolygon": g["arcs"], "Polygon": [g["arcs"]]}.get(g["type"], [])
        rings = []
        for poly in polys:
            for refs in poly:
                pts = ring_points(simple, refs)
                # Exterior rings and holes alike go when they are too small to matter.
                if len(pts) < 4 or ring_area(pts) < MIN_AREA:
                    continue
                if not any(crosses[r if r >= 0 else ~r] for r in refs):
                    rings.append([ref(r) for r in refs])
                    for r in refs:
                        users.setdefault(r if r >= 0 else ~r, set()).add(cid)
                    continue
                # Cut at the seam (only Greenland, which has no land border):
                # each piece becomes an arc of its own.
                for piece in split_ring(unwrap(pts)):
                    q = quantize(piece + piece[:1])
                    if len(q) >= 4:
                        rings.append([len(out_arcs)])
                        out_arcs.append(q)
        if rings:
            countries.append({"id": cid, "name": g["properties"]["name"], "rings": rings})
    borders = sorted(remap[i] for i, who in users.items() if len(who) > 1)
    return [delta(a) for a in out_arcs], countries, borders


def write_svg(data, out):
    text = worldmap.land_svg(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(text.encode()) // 1024} KB)")


def main(argv):
    if argv[1:] == ["--svg"]:
        write_svg(OUT, SVG_OUT)
        return
    if len(argv) not in (2, 3, 4):
        sys.exit(__doc__)
    topo = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    out = Path(argv[2]) if len(argv) >= 3 else OUT
    arcs, countries, borders = build(topo, decode_arcs(topo))
    data = {
        "source": "Natural Earth 4.1.0 admin-0 countries 1:50m (public domain), via the world-atlas npm package",
        "generator": "tools/world_atlas.py",
        "projection": {
            "type": "equirectangular",
            "central_meridian": CENTRAL_MERIDIAN,
            "units_per_degree": UNIT,
            "x": "degrees east of the seam (central meridian - 180), 0..360",
            "y": "-latitude",
        },
        "tolerance_deg": TOLERANCE,
        "min_area_deg2": MIN_AREA,
        "arcs": arcs,
        "countries": countries,
        "borders": borders,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n"
    out.write_text(text, encoding="utf-8")
    npts = sum(len(a) // 2 for a in arcs)
    print(f"{len(countries)} countries, {len(arcs)} arcs, {npts} points, {len(borders)} border arcs")
    print(f"wrote {out} ({len(text.encode()) // 1024} KB)")
    write_svg(out, Path(argv[3]) if len(argv) == 4 else SVG_OUT)


if __name__ == "__main__":
    main(sys.argv)

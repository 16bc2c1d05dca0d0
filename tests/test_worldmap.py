"""The partnership map: deterministic, escaped, linked, cropped, small, seam-free,
with the land drawn once for the whole site (templates/static/world.svg)."""
from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import http.server
import json
import random
import re
import threading
import time
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

from kembar import worldmap as wm

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent
CSS = ROOT / "templates" / "static" / "map.css"
LAND_FILE = ROOT / "templates" / "static" / "world.svg"
LAND = "/kota-kembar/static/world.svg?v=0123456789"  # what asset("world.svg") gives a site

# Size budgets (bytes).  Measured when written: maps using world.svg: world
# 15.8 KB (3.1 KB gzip), Badung-Fujisawa 1.1 KB; world.svg itself 132 KB
# (49 KB gzip), fetched once and cached for every page.
WORLD_BUDGET = 20_000
WORLD_GZIP_BUDGET = 4_000
PAIR_BUDGET = 1_500
LAND_BUDGET = 160_000
LAND_GZIP_BUDGET = 64_000

INDONESIA = [
    ("badung", -8.58, 115.18), ("bandung", -6.91, 107.61), ("surabaya", -7.25, 112.75),
    ("medan", 3.59, 98.67), ("makassar", -5.15, 119.43), ("jakarta", -6.2, 106.85),
    ("yogyakarta", -7.8, 110.36), ("denpasar", -8.65, 115.22), ("padang", -0.95, 100.35),
    ("manado", 1.47, 124.84), ("ambon", -3.7, 128.18), ("jayapura", -2.53, 140.72),
    ("pontianak", -0.03, 109.33), ("balikpapan", -1.27, 116.83), ("semarang", -6.97, 110.42),
    ("banda-aceh", 5.55, 95.32), ("timor", -9.86, 124.28), ("palembang", -2.98, 104.75),
    ("malang", -7.98, 112.63), ("bogor", -6.6, 106.8),
]
PARTNERS = [
    ("fujisawa", 35.34, 139.49), ("st-louis", 38.63, -90.2), ("braunschweig", 52.27, 10.52),
    ("fort-worth", 32.75, -97.33), ("suwon", 37.26, 127.03), ("busan", 35.18, 129.08),
    ("rotterdam", 51.92, 4.48), ("perth", -31.95, 115.86), ("darwin", -12.46, 130.84),
    ("istanbul", 41.01, 28.98), ("mashhad", 36.3, 59.6), ("kunming", 25.04, 102.71),
    ("penang", 5.41, 100.33), ("kyoto", 35.01, 135.77), ("hamburg", 53.55, 9.99),
    ("chicago", 41.88, -87.63), ("seattle", 47.6, -122.33), ("vancouver", 49.28, -123.12),
    ("sao-paulo", -23.55, -46.63), ("cairo", 30.04, 31.24), ("dubai", 25.2, 55.27),
    ("jeddah", 21.49, 39.19), ("moscow", 55.75, 37.62), ("paris", 48.86, 2.35),
    ("lyon", 45.76, 4.84), ("brisbane", -27.47, 153.03), ("auckland", -36.85, 174.76),
    ("guangzhou", 23.13, 113.26), ("xiamen", 24.48, 118.09), ("manila", 14.6, 120.98),
    ("hue", 16.46, 107.59), ("kobe", 34.69, 135.2), ("nagoya", 35.18, 136.9),
    ("incheon", 37.46, 126.7), ("sydney", -33.87, 151.21), ("melbourne", -37.81, 144.96),
    ("osaka", 34.69, 135.5), ("lisbon", 38.72, -9.14), ("los-angeles", 34.05, -118.24),
    ("mexico-city", 19.43, -99.13),
]
ALL = dict((k, (lat, lon)) for k, lat, lon in INDONESIA + PARTNERS)


def point(key, label=None):
    lat, lon = ALL[key]
    return {"key": key, "lat": lat, "lon": lon, "label": label or key.title(), "href": f"/en/places/{key}/"}


def line(a, b, status="active", label=None):
    return {"from": a, "to": b, "status": status, "label": label or f"{a} – {b} ({status})",
            "href": f"/en/partnerships/{a}-{b}/"}


def pair(a, b, status="active", land_href=LAND, **kw):
    return wm.render_map([point(a), point(b)], [line(a, b, status)], title=f"{a} and {b}", desc="Map.",
                         land_href=land_href, **kw)


def world():
    statuses = list(wm.STATUSES)
    points = [point(k) for k, _, _ in INDONESIA + PARTNERS]
    lines = [line(INDONESIA[i % len(INDONESIA)][0], p[0], statuses[i % len(statuses)])
             for i, p in enumerate(PARTNERS[:32])]
    return points, lines


def parse(svg):
    return ET.fromstring(svg)


def view_box(root):
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    return x, y, w, h


def curve(path):
    """(x0, y0), (cx, cy), (x1, y1) of a line's quadratic path."""
    nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
    assert len(nums) == 6, path.get("d")
    return (nums[0], nums[1]), (nums[2], nums[3]), (nums[4], nums[5])


@pytest.mark.parametrize("land_href", [LAND, None], ids=["use", "inline"])
def test_same_input_same_bytes_whatever_the_order(land_href):
    points, lines = world()
    first = wm.render_map(points, lines, title="All", desc="All partnerships.", land_href=land_href)
    assert wm.render_map(points, lines, title="All", desc="All partnerships.", land_href=land_href) == first
    rng = random.Random(7)
    points2, lines2 = points[:], lines[:]
    rng.shuffle(points2)
    rng.shuffle(lines2)
    assert wm.render_map(points2, lines2, title="All", desc="All partnerships.", land_href=land_href) == first


def test_content_is_escaped_and_the_svg_is_well_formed():
    nasty = '<script>alert("x")</script> & "quotes"'
    svg = wm.render_map(
        [dict(point("badung"), label=nasty, href='/a?b=1&c="2"'), dict(point("fujisawa"), label=nasty)],
        [line("badung", "fujisawa", "active", label=nasty)],
        title=nasty, desc=nasty, land_href='/s/world.svg?a=1&b="<x>"',
    )
    assert "<script>" not in svg and "<x>" not in svg
    assert '"quotes"' not in svg
    root = parse(svg)  # raises if an unescaped character broke the markup
    assert root.find(f"{SVG}title").text == nasty
    assert {u.get("href") for u in root.iter(f"{SVG}use")} == {
        '/s/world.svg?a=1&b="<x>"#land', '/s/world.svg?a=1&b="<x>"#borders'}
    labels = [a.get("aria-label") for a in root.iter(f"{SVG}a")]
    assert labels == [nasty] * 3
    assert root.find(f".//{SVG}a").get("href") in ('/a?b=1&c="2"', "/en/partnerships/badung-fujisawa/")


def test_every_line_and_dot_is_a_named_link():
    points, lines = world()
    root = parse(wm.render_map(points, lines, title="All", desc="All partnerships.", land_href=LAND))
    links = list(root.iter(f"{SVG}a"))
    assert len(links) == len(points) + len(lines)
    for a in links:
        assert a.get("href")
        assert a.get("aria-label", "").strip()
        assert a.find(f"{SVG}title").text == a.get("aria-label")
        shapes = [c for c in a if c.tag != f"{SVG}title"]
        assert len(shapes) == 1 and shapes[0].tag in (f"{SVG}path", f"{SVG}circle")
    # Nothing interactive or drawn for the data sits outside a link.
    for el in root.iter():
        if el.tag == f"{SVG}circle" or "wm-line" in (el.get("class") or "").split():
            assert any(el in list(a) for a in links)
    # Named by its own title and described by its desc, without role="img"
    # (which would hide the links from assistive technology).
    assert root.get("role") != "img"
    title_id, desc_id = root.get("aria-labelledby"), root.get("aria-describedby")
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id


def test_ids_differ_between_maps_on_one_page():
    a, b = parse(pair("badung", "fujisawa")), parse(pair("bandung", "braunschweig"))
    assert a.get("aria-labelledby") != b.get("aria-labelledby")


def test_status_is_a_class_and_a_dash_pattern():
    root = parse(wm.render_map(
        [point("badung")] + [point(k) for k, _, _ in PARTNERS[:8]],
        [line("badung", k, s) for (k, _, _), s in zip(PARTNERS, wm.STATUSES)],
        title="t", desc="d", land_href=LAND))
    dashes = {}
    for path in root.iter(f"{SVG}path"):
        cls = path.get("class", "")
        if "wm-line" in cls:
            term = re.search(r"status-([a-z-]+)", cls).group(1)
            dashes[term] = path.get("stroke-dasharray")
    assert set(dashes) == set(wm.STATUSES)
    # Each status looks different without colour: one solid, the rest distinct dashes.
    assert len(set(dashes.values())) == len(dashes)
    assert dashes["active"] is None


def test_status_from_content_cannot_break_out_of_the_class():
    svg = pair("badung", "fujisawa", status='act"ive <x>')
    assert 'class="wm-line status-activex"' in svg


def test_unknown_point_in_a_line_is_an_error():
    with pytest.raises(ValueError, match="nowhere"):
        wm.render_map([point("badung")], [line("badung", "nowhere")], title="t", desc="d")


def test_highlighted_place_is_drawn_larger_and_on_top():
    root = parse(pair("badung", "fujisawa", highlight="badung"))
    circles = list(root.iter(f"{SVG}circle"))
    assert "wm-here" in circles[-1].get("class")
    assert float(circles[-1].get("r")) > float(circles[0].get("r"))


@pytest.mark.parametrize("a,b", [
    ("badung", "fujisawa"), ("medan", "penang"), ("surabaya", "perth"),
    ("bandung", "braunschweig"), ("jakarta", "busan"), ("makassar", "mashhad"),
])
def test_crop_holds_both_parties_and_the_whole_curve(a, b):
    root = parse(pair(a, b))
    _, _, w, h = view_box(root)
    assert w == wm.VIEW_W and 0 < h <= w  # never taller than wide
    for c in root.iter(f"{SVG}circle"):
        x, y, r = float(c.get("cx")), float(c.get("cy")), float(c.get("r"))
        assert r <= x <= w - r and r <= y <= h - r
    (x0, y0), (cx, cy), (x1, y1) = curve(next(p for p in root.iter(f"{SVG}path") if "wm-line" in p.get("class").split()))
    mid = ((x0 + 2 * cx + x1) / 4, (y0 + 2 * cy + y1) / 4)
    assert 0 <= mid[0] <= w and 0 <= mid[1] <= h


def test_neighbours_still_get_some_context():
    # Medan and Penang are 2.5 degrees apart; the view is at least MIN_W degrees wide.
    x0, y0, w, h = wm._view([wm.project(*ALL["medan"]), wm.project(*ALL["penang"])])
    assert w >= wm.MIN_W and h > 0


def test_world_map_size_budget():
    points, lines = world()
    svg = wm.render_map(points, lines, title="All partnerships", desc="All partnerships on a map.", land_href=LAND)
    raw = len(svg.encode())
    assert raw < WORLD_BUDGET, raw
    assert len(gzip.compress(svg.encode())) < WORLD_GZIP_BUDGET
    # Points spanning the world give the whole world, Europe to the Americas.
    _, _, w, h = view_box(parse(svg))
    assert w / h > 2


def test_partnership_map_size_budget():
    svg = pair("badung", "fujisawa", highlight="badung")
    assert len(svg.encode()) < PAIR_BUDGET, len(svg.encode())


def test_numbers_are_compact():
    root = parse(pair("badung", "fujisawa"))
    for p in root.iter(f"{SVG}path"):
        for n in re.findall(r"\d+\.\d+", p.get("d")):
            assert len(n.split(".")[1]) == 1  # at most one decimal


# -- the land layer: templates/static/world.svg, drawn once for the whole site -----------

def land_rings(d):
    """Rings of land path data (absolute move, relative lines, close) as world-unit points."""
    rings = []
    for start, rest in re.findall(r"M(-?\d+ ?-?\d+)l([^Mz]*)z", d):
        x, y = (int(n) for n in re.findall(r"-?\d+", start))
        ring = [(x, y)]
        steps = [int(n) for n in re.findall(r"-?\d+", rest)]
        for dx, dy in zip(steps[0::2], steps[1::2]):
            x, y = x + dx, y + dy
            ring.append((x, y))
        rings.append(ring)
    return rings


def winding(ring, x, y):
    """Winding number of the ring around (x, y): land is where it is not zero (SVG nonzero)."""
    n = 0
    for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
        side = (bx - ax) * (y - ay) - (x - ax) * (by - ay)
        if ay <= y < by and side > 0:
            n += 1
        elif by <= y < ay and side < 0:
            n -= 1
    return n


def world_units(key):
    x, y = wm.project(*ALL[key])
    return x * wm.LAND_UNIT, y * wm.LAND_UNIT


def land_file():
    root = parse(LAND_FILE.read_text(encoding="utf-8"))
    land, borders = (root.find(f"{SVG}g[@id='{i}']/{SVG}path").get("d") for i in ("land", "borders"))
    return root, land, borders


def test_world_svg_is_what_land_svg_makes():
    assert LAND_FILE.read_text(encoding="utf-8") == wm.land_svg(), \
        "templates/static/world.svg is stale: run python tools/world_atlas.py --svg"


def test_world_svg_is_small_plain_and_colourless():
    raw = LAND_FILE.read_bytes()
    assert len(raw) < LAND_BUDGET, len(raw)
    assert len(gzip.compress(raw)) < LAND_GZIP_BUDGET, len(gzip.compress(raw))
    root, land, borders = land_file()
    x0, y0, x1, y1 = (v * wm.LAND_UNIT for v in wm.WORLD)
    assert [float(v) for v in root.get("viewBox").split()] == [x0, y0, x1 - x0, y1 - y0]
    assert [g.get("id") for g in root] == ["land", "borders"]
    for el in root.iter():
        # Colours come from the page's CSS on the <use> elements, by inheritance.
        assert not {"fill", "stroke", "style", "class", "stroke-width"} & set(el.attrib), el.attrib
        if el.tag == f"{SVG}path":
            assert el.get("vector-effect") == "non-scaling-stroke"  # thin borders when zoomed in
    assert re.fullmatch(r"(M-?\d+ ?-?\d+l(-?\d+ ?)+z)+", land)
    assert re.fullmatch(r"(M-?\d+ ?-?\d+l(-?\d+ ?)+)+", borders)
    assert len(land_rings(land)) == land.count("M")


@pytest.mark.parametrize("key,lat,lon", [
    ("denpasar", -8.65, 115.22), ("mataram", -8.58, 116.12), ("bandung", -6.91, 107.61),
    ("malang", -7.98, 112.63), ("timor", -9.86, 124.28), ("ambon", -3.7, 128.18),
    ("fujisawa", 35.34, 139.49), ("medan", 3.59, 98.67), ("braunschweig", 52.27, 10.52),
])
def test_land_keeps_the_islands_a_close_crop_shows(key, lat, lon):
    _, land, _ = land_file()
    x, y = wm.project(lat, lon)
    assert any(winding(r, x * wm.LAND_UNIT, y * wm.LAND_UNIT) for r in land_rings(land)), key


def test_sea_stays_sea_and_bali_is_not_java():
    rings = land_rings(land_file()[1])
    for lat, lon in [(-5.0, 111.0), (-7.6, 115.4), (-8.7, 115.75), (20.0, 135.0)]:  # Java Sea, Bali Sea, Lombok Strait
        x, y = wm.project(lat, lon)
        assert not any(winding(r, x * wm.LAND_UNIT, y * wm.LAND_UNIT) for r in rings), (lat, lon)
    bali = [r for r in rings if winding(r, *world_units("denpasar"))]
    assert bali and not any(winding(r, *world_units("bandung")) for r in bali)


def _transform(root):
    """(k, tx, ty) of the land layer: viewBox = k * world units + t."""
    g = next(g for g in root.iter(f"{SVG}g") if g.get("transform"))
    k, b, c, k2, tx, ty = (float(v) for v in re.fullmatch(r"matrix\((.*)\)", g.get("transform")).group(1).split())
    assert (b, c) == (0, 0) and k == k2
    return g, k, tx, ty


@pytest.mark.parametrize("a,b", [("badung", "fujisawa"), ("medan", "penang"), ("bandung", "braunschweig")])
def test_a_map_uses_the_land_layer_moved_into_its_view(a, b):
    root = parse(pair(a, b))
    g, k, tx, ty = _transform(root)
    assert g.get("aria-hidden") == "true"
    assert [(u.get("class"), u.get("href")) for u in g] == [("wm-land", LAND + "#land"), ("wm-border", LAND + "#borders")]
    assert not any(p.get("class") in ("wm-land", "wm-border") for p in root.iter(f"{SVG}path"))  # nothing inline
    # The land lies under the dots: a dot's place in world units lands on its circle.
    for c, key in zip(root.iter(f"{SVG}circle"), sorted([a, b])):
        x, y = world_units(key)
        assert abs(k * x + tx - float(c.get("cx"))) < 0.15 and abs(k * y + ty - float(c.get("cy"))) < 0.15


def test_a_thousand_crops_do_no_land_work(monkeypatch):
    """Per map, no outline is loaded, simplified, clipped or selected: the cost of a map
    is its lines and dots, whatever the crop (counted, not timed)."""
    calls = {}
    for name in ("_world", "_land", "_land_near", "_simplify", "_tidy", "_path", "_area", "land_svg"):
        real = getattr(wm, name)

        def counted(*args, _name=name, _real=real, **kw):
            calls[_name] = calls.get(_name, 0) + 1
            return _real(*args, **kw)
        monkeypatch.setattr(wm, name, counted)
    rng = random.Random(1000)
    views, elements = set(), set()
    for i in range(1000):
        a = {"key": "a", "lat": rng.uniform(-10, 5), "lon": rng.uniform(95, 141), "label": "A", "href": "/a/"}
        b = {"key": "b", "lat": rng.uniform(-45, 60), "lon": rng.uniform(60, 175), "label": "B", "href": "/b/"}
        svg = wm.render_map([a, b], [{"from": "a", "to": "b", "status": "active", "label": "A – B", "href": f"/p/{i}/"}],
                            title=f"Map {i}", desc="d", highlight="a", land_href=LAND)
        assert len(svg.encode()) < PAIR_BUDGET
        root = parse(svg)
        views.add((root.get("viewBox"), _transform(root)[1:]))
        elements.add(sum(1 for _ in root.iter()))
    assert len(views) == 1000  # distinct crops, so no cache could have stood in for the work
    # svg title desc, g use use, g a title path, g a title circle a title circle: whatever the crop
    assert elements == {17}
    assert calls == {}


def test_without_land_href_the_map_embeds_the_outlines_near_its_view():
    root = parse(pair("badung", "fujisawa", land_href=None))
    assert not list(root.iter(f"{SVG}use"))
    _, k, tx, ty = _transform(root)
    paths = {p.get("class"): p for p in root.iter(f"{SVG}path")}
    assert paths["wm-border"].get("vector-effect") == "non-scaling-stroke"
    inline = land_rings(paths["wm-land"].get("d"))
    shared = land_rings(land_file()[1])
    assert inline and all(r in shared for r in inline)  # the same outlines as world.svg
    assert any(winding(r, *world_units("denpasar")) for r in inline)
    assert not any(winding(r, *world_units("sao-paulo")) for r in inline)  # only what reaches the view
    assert len(inline) < len(shared) / 2


@pytest.mark.parametrize("indonesian,partner", [
    ("badung", "st-louis"), ("bandung", "braunschweig"), ("jakarta", "seattle"),
    ("surabaya", "fort-worth"), ("medan", "istanbul"), ("makassar", "jeddah"),
    ("yogyakarta", "kyoto"), ("jakarta", "busan"), ("surabaya", "perth"),
    ("ambon", "vancouver"), ("padang", "lisbon"), ("jayapura", "auckland"),
])
def test_lines_go_the_short_way_without_crossing_the_seam(indonesian, partner):
    """Drawn east-west direction equals the shorter way round the globe."""
    points, lines = world()
    root = parse(wm.render_map([point(indonesian), point(partner)] + points,
                               [line(indonesian, partner)], title="t", desc="d", land_href=LAND))
    _, _, w, _ = view_box(root)
    (x0, _), _, (x1, _) = curve(next(p for p in root.iter(f"{SVG}path") if "wm-line" in p.get("class").split()))
    east = (ALL[partner][1] - ALL[indonesian][1]) % 360  # degrees going east
    if east < 180:
        assert x1 > x0
    else:
        assert x1 < x0
    assert 0 <= x0 <= w and 0 <= x1 <= w
    # A seam-crossing line would span (nearly) the whole map.
    assert abs(x1 - x0) < 0.6 * w


def test_status_samples_for_the_legend():
    items = wm.legend_items()
    assert [s for s, _ in items] == list(wm.STATUSES)
    for status, svg in items:
        root = parse(svg)
        assert root.get("aria-hidden") == "true"
        path = root.find(f"{SVG}path")
        assert f"status-{status}" in path.get("class")
        assert path.get("stroke-dasharray") == (wm.STATUSES[status] or None)


def test_world_data():
    path = ROOT / "kembar" / "data" / "world.json"
    assert path.stat().st_size < 200_000
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["projection"]["central_meridian"] == wm.CENTRAL_MERIDIAN == 150
    assert data["projection"]["units_per_degree"] == wm.LAND_UNIT
    ids = {c["id"] for c in data["countries"]}
    assert {"360", "392", "410", "276", "840", "036", "124", "076"} <= ids  # ID JP KR DE US AU CA BR
    assert "010" not in ids  # no Antarctica
    n = len(data["arcs"])
    for c in data["countries"]:
        for ring in c["rings"]:
            assert all(-n <= r < n for r in ring)
    top = 360 * data["projection"]["units_per_degree"]
    for arc in data["arcs"]:
        x = 0
        for dx in arc[0::2]:
            x += dx
            assert 0 <= x <= top


def _rgb(hex_):
    hex_ = hex_.lstrip("#")
    if len(hex_) == 3:
        hex_ = "".join(c * 2 for c in hex_)
    return [int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4)]


def _luminance(hex_):
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(hex_)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _schemes():
    css = CSS.read_text(encoding="utf-8")
    light, dark = css.split("@media (prefers-color-scheme: dark)")
    return [dict(re.findall(r"--wm-([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", part)) for part in (light, dark)]


def test_css_has_a_rule_per_status():
    css = CSS.read_text(encoding="utf-8")
    for term in wm.STATUSES:
        assert re.search(rf"\.status-{term}\s*{{\s*stroke:\s*var\(--wm-{term}\)", css), term


def test_land_styles_are_ones_world_svg_inherits():
    """The land and border rules style <use> elements: only inherited properties reach
    the outlines inside world.svg."""
    inherited = {"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
                 "stroke-linejoin", "stroke-linecap", "stroke-miterlimit", "stroke-dasharray"}
    css = CSS.read_text(encoding="utf-8")
    for cls in ("wm-land", "wm-border"):
        rules = re.findall(rf"\.{cls}\s*{{([^}}]*)}}", css)
        assert rules, cls
        for body in rules:
            assert {d.split(":")[0].strip() for d in body.split(";") if d.strip()} <= inherited, body


@pytest.mark.parametrize("scheme", [0, 1], ids=["light", "dark"])
def test_map_graphics_contrast_with_land_and_sea(scheme):
    """WCAG 1.4.11: lines, dots and the focus ring at least 3:1 against both backgrounds."""
    colours = _schemes()[scheme]
    for name in list(wm.STATUSES) + ["unknown", "dot", "here", "focus"]:
        for ground in ("land", "sea"):
            ratio = _contrast(colours[name], colours[ground])
            assert ratio >= 3, (name, ground, round(ratio, 2))


# -- in a browser: world.svg fetched by <use> over HTTP, coloured by the page's CSS -------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served_map(tmp_path_factory):
    """A page under /base/ with one map whose land is static/world.svg?v=<hash>, as a site has it."""
    root = tmp_path_factory.mktemp("worldmap-http")
    static = root / "base" / "static"
    static.mkdir(parents=True)
    (static / "world.svg").write_bytes(LAND_FILE.read_bytes())
    (static / "map.css").write_bytes(CSS.read_bytes())
    href = "/base/static/world.svg?v=" + hashlib.sha256(LAND_FILE.read_bytes()).hexdigest()[:10]
    svg = pair("badung", "fujisawa", land_href=href)
    (root / "base" / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Map</title>'
        '<link rel="stylesheet" href="/base/static/map.css"><style>body { margin: 0 } .wm { width: 800px }</style>'
        f"</head><body>{svg}</body></html>", encoding="utf-8")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/base/", svg
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--window-size=1000,1000",
                "--force-device-scale-factor=1", f"--user-data-dir={tmp_path_factory.mktemp('chromium-worldmap')}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    yield driver
    driver.quit()


def _pixel(driver, x, y):
    """#rrggbb of one CSS pixel of the page, from a 1x1 screenshot (its PNG filters all
    reduce to the raw bytes: a single pixel has no neighbours)."""
    png = base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "clip": {"x": x, "y": y, "width": 1, "height": 1, "scale": 1}})["data"])
    idat, pos = b"", 8
    while pos < len(png):
        size = int.from_bytes(png[pos:pos + 4], "big")
        if png[pos + 4:pos + 8] == b"IDAT":
            idat += png[pos + 8:pos + 8 + size]
        pos += 12 + size
    return "#" + zlib.decompress(idat)[1:4].hex()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chromium_draws_the_shared_land_in_the_page_colours(served_map, chromium, scheme):
    url, svg = served_map
    chromium.execute_cdp_cmd("Emulation.setEmulatedMedia",
                             {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    chromium.get(url)
    colours = _schemes()[["light", "dark"].index(scheme)]
    _, k, tx, ty = _transform(parse(svg))
    left, top, width = chromium.execute_script(
        "const r = document.querySelector('svg.wm').getBoundingClientRect(); return [r.left, r.top, r.width];")

    def at(lat, lon):  # page pixel of a place, through the map's own transform
        x, y = wm.project(lat, lon)
        f = width / wm.VIEW_W
        return round(left + (k * x * wm.LAND_UNIT + tx) * f), round(top + (k * y * wm.LAND_UNIT + ty) * f)

    inland, sea = at(30.0, 110.0), at(10.0, 135.0)  # Chongqing, the Philippine Sea
    deadline = time.monotonic() + 10  # world.svg arrives after the page
    while _pixel(chromium, *inland) != colours["land"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _pixel(chromium, *inland) == colours["land"]
    assert _pixel(chromium, *sea) == colours["sea"]
    # Keyboard focus still shows on the map's links (the first is the line).
    chromium.find_element("tag name", "body").send_keys("\ue004")  # Tab
    focus = chromium.execute_script(
        "const a = document.activeElement, s = getComputedStyle(a), p = getComputedStyle(a.querySelector('path'));"
        "return [a.closest('svg.wm') !== null, s.outlineStyle, s.outlineColor, p.strokeWidth];")
    assert focus[:2] == [True, "solid"] and focus[3] == "5px"
    assert focus[2] == "rgb({}, {}, {})".format(*(int(colours["focus"][i:i + 2], 16) for i in (1, 3, 5)))

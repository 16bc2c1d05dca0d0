"""The partnership map: deterministic, escaped, linked, cropped, small, seam-free."""
from __future__ import annotations

import gzip
import json
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kembar import worldmap as wm

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent
CSS = ROOT / "templates" / "static" / "map.css"

# Size budgets (bytes, raw SVG).  Measured when written: world 31.8 KB
# (9.3 KB gzip), Badung-Fujisawa 7.3 KB (3.2 KB gzip).
WORLD_BUDGET = 40_000
WORLD_GZIP_BUDGET = 12_000
PAIR_BUDGET = 8_192

INDONESIA = [
    ("badung", -8.58, 115.18), ("bandung", -6.91, 107.61), ("surabaya", -7.25, 112.75),
    ("medan", 3.59, 98.67), ("makassar", -5.15, 119.43), ("jakarta", -6.2, 106.85),
    ("yogyakarta", -7.8, 110.36), ("denpasar", -8.65, 115.22), ("padang", -0.95, 100.35),
    ("manado", 1.47, 124.84), ("ambon", -3.7, 128.18), ("jayapura", -2.53, 140.72),
    ("pontianak", -0.03, 109.33), ("balikpapan", -1.27, 116.83), ("semarang", -6.97, 110.42),
    ("banda-aceh", 5.55, 95.32), ("kupang", -10.17, 123.6), ("palembang", -2.98, 104.75),
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


def pair(a, b, status="active", **kw):
    return wm.render_map([point(a), point(b)], [line(a, b, status)], title=f"{a} and {b}", desc="Map.", **kw)


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


def test_same_input_same_bytes_whatever_the_order():
    points, lines = world()
    first = wm.render_map(points, lines, title="All", desc="All partnerships.")
    assert wm.render_map(points, lines, title="All", desc="All partnerships.") == first
    rng = random.Random(7)
    points2, lines2 = points[:], lines[:]
    rng.shuffle(points2)
    rng.shuffle(lines2)
    assert wm.render_map(points2, lines2, title="All", desc="All partnerships.") == first


def test_content_is_escaped_and_the_svg_is_well_formed():
    nasty = '<script>alert("x")</script> & "quotes"'
    svg = wm.render_map(
        [dict(point("badung"), label=nasty, href='/a?b=1&c="2"'), dict(point("fujisawa"), label=nasty)],
        [line("badung", "fujisawa", "active", label=nasty)],
        title=nasty, desc=nasty,
    )
    assert "<script>" not in svg
    assert '"quotes"' not in svg
    root = parse(svg)  # raises if an unescaped character broke the markup
    assert root.find(f"{SVG}title").text == nasty
    labels = [a.get("aria-label") for a in root.iter(f"{SVG}a")]
    assert labels == [nasty] * 3
    assert root.find(f".//{SVG}a").get("href") in ('/a?b=1&c="2"', "/en/partnerships/badung-fujisawa/")


def test_every_line_and_dot_is_a_named_link():
    points, lines = world()
    root = parse(wm.render_map(points, lines, title="All", desc="All partnerships."))
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
        title="t", desc="d"))
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
    svg = wm.render_map(points, lines, title="All partnerships", desc="All partnerships on a map.")
    raw = len(svg.encode())
    assert raw < WORLD_BUDGET, raw
    assert len(gzip.compress(svg.encode())) < WORLD_GZIP_BUDGET
    # Points spanning the world give the whole world, Europe to the Americas.
    _, _, w, h = view_box(parse(svg))
    assert w / h > 2


def test_partnership_map_size_budget():
    svg = pair("badung", "fujisawa", highlight="badung")
    assert len(svg.encode()) < PAIR_BUDGET, len(svg.encode())


def test_outline_coordinates_are_compact():
    svg = pair("badung", "fujisawa")
    root = parse(svg)
    land = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "wm-land").get("d")
    assert re.fullmatch(r"(M-?\d+[ -]-?\d+(l(-?\d+[ -]?)+)?z)+", land.replace(" -", "-"))
    for p in root.iter(f"{SVG}path"):
        for n in re.findall(r"\d+\.\d+", p.get("d")):
            assert len(n.split(".")[1]) == 1  # at most one decimal


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
                               [line(indonesian, partner)], title="t", desc="d"))
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
    assert data["projection"]["central_meridian"] == 150
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


@pytest.mark.parametrize("scheme", [0, 1], ids=["light", "dark"])
def test_map_graphics_contrast_with_land_and_sea(scheme):
    """WCAG 1.4.11: lines, dots and the focus ring at least 3:1 against both backgrounds."""
    colours = _schemes()[scheme]
    for name in list(wm.STATUSES) + ["unknown", "dot", "here", "focus"]:
        for ground in ("land", "sea"):
            ratio = _contrast(colours[name], colours[ground])
            assert ratio >= 3, (name, ground, round(ratio, 2))

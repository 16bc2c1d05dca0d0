"""The benchmark's tools: the synthetic corpus is valid content and deterministic; the
runner's parsing, edits and report work. (No timings are asserted: speed is shown by
bench/run.py, not by tests.)"""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def load_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = load_module("corpus")
run = load_module("run")


@pytest.fixture(scope="module")
def corpus100(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "corpus"
    corpus.generate(100, out, seed=1)
    return out


def test_corpus_of_100_passes_check(corpus100, tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(corpus100)],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ok: no errors" in result.stdout


def test_corpus_has_the_content_model(corpus100):
    partnerships = sorted((corpus100 / "partnerships").glob("*.yaml"))
    places = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (corpus100 / "places").glob("*.yaml")}
    assert len(partnerships) == 100
    assert 100 // 4 <= len(places) <= 100 // 4 + 40
    assert (corpus100 / "site.yaml").read_bytes() == (ROOT / "content" / "site.yaml").read_bytes()
    assert (corpus100 / "vocabulary.yaml").read_bytes() == (ROOT / "content" / "vocabulary.yaml").read_bytes()
    countries = {p["country"] for p in places.values()}
    assert len(countries) >= 6  # partners spread over the world
    lats = [p["location"][0] for p in places.values()]
    assert min(lats) < -5 and max(lats) > 30
    for path in partnerships:
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        first, second = record["parties"]
        assert places[first]["country"] == "ID" and path.stem == f"{first}-{second}"
        assert record["timeline"] and record["sources"]
        for lang in ("id", "en", "ja"):
            assert (corpus100 / "partnerships" / f"{path.stem}.{lang}.md").is_file()
    assert len(list((corpus100 / "explainers").glob("*.md"))) == 5 * 3


def test_narratives_are_about_300_words_and_japanese_is_japanese(corpus100):
    slug = sorted((corpus100 / "partnerships").glob("*.yaml"))[10].stem
    read = lambda lang: (corpus100 / "partnerships" / f"{slug}.{lang}.md").read_text(encoding="utf-8")  # noqa: E731
    for lang in ("en", "id"):
        assert 220 <= len(read(lang).split()) <= 400
    ja = read("ja")
    kana_kanji = re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", ja)
    assert len(kana_kanji) > 500 and "ます。" in ja
    assert "(partnership:" in ja and "(status:" in ja  # links the build must resolve


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(corpus100, tmp_path):
    again, other = tmp_path / "again", tmp_path / "other"
    corpus.generate(100, again, seed=1)
    corpus.generate(100, other, seed=2)

    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    assert files(again) == files(corpus100)
    assert files(other) != files(corpus100)


def test_generate_replaces_only_an_earlier_corpus(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(SystemExit):
        corpus.generate(10, precious, force=True)
    assert (precious / "notes.txt").read_text() == "keep me"
    earlier = tmp_path / "earlier"
    corpus.generate(10, earlier)
    with pytest.raises(SystemExit):
        corpus.generate(10, earlier)
    corpus.generate(12, earlier, force=True)
    assert len(list((earlier / "partnerships").glob("*.yaml"))) == 12


def test_summary_and_cells():
    s = run.summary([3.0, 1.0, 2.0])
    assert (s["median"], s["min"], s["max"]) == (2.0, 1.0, 3.0)
    assert run.fmt_cell(s) == "2.00 s (1.00 s–3.00 s)"
    assert run.fmt_cell(run.summary([0.1234])) == "123 ms"
    assert run.fmt_cell({**run.summary([]), "note": "n/a: no serve command yet"}) == "n/a: no serve command yet"


def test_edits_change_what_they_should(corpus100, tmp_path):
    engine = tmp_path / "engine"
    (engine / "templates").mkdir(parents=True)
    (engine / "templates" / "partnership.html").write_text('{% extends "base.html" %}\n{% block main %}\n<h1>x</h1>\n{% endblock %}\n')
    po = engine / "locales" / "ja" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: ja\\n"\n\nmsgid "Home"\nmsgstr "ホーム"\n\n'
                  'msgid "Partnerships"\nmsgstr "提携一覧"\n', encoding="utf-8")
    edits = {e.kind: e for e in run.make_edits(engine, corpus100, "partnership.html")}
    assert set(edits) == set(run.EDIT_KINDS)
    for edit in edits.values():
        edit.apply(True)
        assert edit.path.read_text(encoding="utf-8") != edit.original
        edit.restore()
        assert edit.path.read_text(encoding="utf-8") == edit.original
    assert yaml.safe_load(edits["partnership"].changed)["summary"]["en"].endswith(" Edited.")
    assert yaml.safe_load(edits["place"].changed)["names"]["en"].endswith(" (edited)")
    assert 'msgstr "提携一覧（編集）"' in edits["catalog"].changed  # the menu: on every page
    slug = edits["partnership"].path.stem  # the open page: the edited partnership's
    assert {edit.page for edit in edits.values()} == {f"{lang}/partnerships/{slug}/" for lang in ("en", "ja")}
    assert all(edit.mark in edit.changed for edit in edits.values())


def test_run_build_reads_pages_exit_status_and_memory(tmp_path):
    engine = tmp_path / "engine"
    engine.mkdir()
    (engine / "build.py").write_text("import sys\nblock = bytearray(30 * 1024 * 1024)\n"
                                     "print('built 7 pages (9 files) into x in 0.01 s')\nsys.exit(0)\n")
    result = run.run_build(engine, ["build"])
    assert (result["exit"], result["pages"], result["files"]) == (0, 7, 9)
    assert result["maxrss_mb"] >= 30
    (engine / "build.py").write_text("import sys\nprint('content/x.yaml:1:1: bad', file=sys.stderr)\nsys.exit(1)\n")
    result = run.run_build(engine, ["build"])
    assert result["exit"] == 1 and result["tail"] == ["content/x.yaml:1:1: bad"]


def test_serve_without_a_serve_command_is_not_available(tmp_path):
    engine = tmp_path / "engine"
    (engine / "kembar").mkdir(parents=True)
    result = run.measure_serve(engine, tmp_path, tmp_path / "out", 1, 5, "partnership.html", lambda _: None)
    assert result == {"note": "n/a: no serve command yet"}


def test_markdown_report_has_a_row_per_size(tmp_path):
    stat = run.summary([1.5, 1.0, 2.0])
    entry = {"runs": 3, "measured": "2025-01-01T00:00:00", "load_before": 0.1, "load_after": 0.2,
             "engine": {"commit": "abc1234", "uncommitted_engine_files": 0},
             "corpus": {"files": 462, "megabytes": 0.9, "seed": 1},
             "builds": {"pages": 623, "files": 636, "cold": stat, "warm": stat, "cold_cpu": stat, "warm_cpu": stat,
                        "cold_no_search": run.summary([0.5, 0.25]), "cold_no_search_cpu": run.summary([0.75]),
                        "peak_rss_no_search_mb": run.summary([200.0]),
                        "peak_rss_mb": run.summary([300.0]), "peak_tree_rss_mb": run.summary([400.0]),
                        "cold_command": "python build.py build --content DIR --out DIR", "no_cache_flag": False},
             "serve": {"note": "n/a: no serve command yet"}}
    machine = run.machine(calibrate=False)  # the real machine's facts, without half a minute of CPU calibration
    assert "parallel_speedup" not in machine and machine["usable_cpus"] >= 1
    results = {"machine": {**machine, "parallel_speedup": 1.8}, "sizes": {"100": entry, "1000": entry}}
    path = tmp_path / "results.md"
    run.write_markdown(results, path)
    text = path.read_text(encoding="utf-8")
    assert "All CPUs busy at once do 1.8× the work of one" in text
    assert "| 100 | 623 (636) | 1.50 s (1.00 s–2.00 s) | 375 ms (250 ms–500 ms) | 1.50 s (1.00 s–2.00 s) |" in text
    assert "without the search index: CPU 750 ms, peak RSS 200 MB" in text and "| 1.50 s (1.00 s–2.00 s) | 1.50 s (1.00 s–2.00 s) | 1.50 s (1.00 s–2.00 s) | n/a" in text
    assert "| 1,000 |" in text and "n/a: no serve command yet" in text and "300 MB" in text
    json.dumps(results)  # what results.json holds is plain JSON


# -- the dev server's reload stream (a stand-in server: the real one speaks the same protocol) --

def test_event_stream_is_read_as_a_browser_reads_it():
    lines = [b": keep-alive\n", b"\n", b"event: reload\r\n", b'data: {"changed":\r\n', b'data: ["en/index.html"]}\r\n',
             b"\r\n", b"data:plain text\n", b"\n", b"event: reload\n", b"\n", b"event: reload\n", b"data: {}\n", b"\n"]
    assert list(run.parse_event_stream(lines)) == [("reload", {"changed": ["en/index.html"]}),
                                                    ("message", "plain text"), ("reload", {})]


class FakeServe:
    """A stand-in for `build.py serve`: serves one page showing a file's text, and on
    `<base>__kembar/events` sends `event: reload` each time the file changes (after an event
    of another name, which the client must pass over)."""

    def __init__(self, watched: Path, base: str = "/kota-kembar/"):
        import http.server
        import threading
        self.watched, self.base, self.stop = watched, base, threading.Event()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == fake.base + "__kembar/events":
                    return self.stream()
                if self.path == fake.base + "en/page/":
                    body = f"<p>{fake.watched.read_text(encoding='utf-8')}</p>".encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_error(404)

            def stream(self):
                seen = fake.watched.read_text(encoding="utf-8")  # before the client learns it is connected
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b": hello\n\n")
                self.wfile.flush()
                while not fake.stop.wait(0.01):
                    now = fake.watched.read_text(encoding="utf-8")
                    if now != seen:
                        seen = now
                        self.wfile.write(b"event: rebuilding\ndata: {}\n\n"
                                         b'event: reload\ndata: {"changed": ["en/page/index.html"]}\n\n')
                        self.wfile.flush()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def test_reload_client_reads_a_reload_event_and_times_a_save(tmp_path):
    watched = tmp_path / "record.yaml"
    watched.write_text("summary: Twinned.", encoding="utf-8")
    with FakeServe(watched) as server:
        client = run.Events(server.port, "/kota-kembar/")
        try:
            watched.write_text("summary: Twinned. Edited.", encoding="utf-8")
            assert client.wait_reload(5) == {"changed": ["en/page/index.html"]}
            assert client.wait_reload(0.1) is None  # nothing more, and the `rebuilding` event was passed over
            watched.write_text("summary: Twinned.", encoding="utf-8")
            assert client.wait_reload(5) is not None
            edit = run.Edit("partnership", watched, lambda text: text + " Edited.", "en/page/", " Edited.")
            for edited in (True, False):
                seconds, note = run.time_save(client, server.port, "/kota-kembar/", edit, edited, 5)
                assert note is None and 0 < seconds < 5
                assert (" Edited." in run.fetch(server.port, "/kota-kembar/en/page/")) == edited
        finally:
            client.close()
        assert not client.reader.is_alive()


def test_a_server_without_the_reload_stream_is_reported(tmp_path):
    watched = tmp_path / "record.yaml"
    watched.write_text("x", encoding="utf-8")

    class Running:
        returncode = None

        def poll(self):
            return None

    with FakeServe(watched) as server:
        client, problem = run.wait_for_server(Running(), server.port, 0.5, "/elsewhere/")
    assert client is None and "/elsewhere/__kembar/events" in problem and "404" in problem


# -- side by side with Hugo (stand-ins for Kembar, Hugo and Pagefind: no real timings) ----------

def test_ratios_are_taken_round_by_round():
    assert run.pair_ratios([4.0, 9.0, None, 8.0], [2.0, 3.0, 1.0, None]) == [2.0, 3.0]
    assert run.summary(run.pair_ratios([4.0, 9.0], [2.0, 3.0]))["median"] == 2.5


def test_hugo_pages_and_page_kinds():
    table = ("                 │ ID  │ EN  │ JA  \n─────────────────┼─────┼─────┼─────\n"
             " Pages           │ 154 │ 152 │ 152 \n Paginator pages │   0 │   0 │   0 \n")
    assert run.hugo_pages(table) == 458 and run.hugo_pages("nothing") is None
    assert run.page_kind("en/partnerships/jakarta-x/index.html") == "partnerships/*/index.html"
    assert run.page_kind("ja/index.html") == "index.html" and run.page_kind("sitemap.xml") == "sitemap.xml"
    assert run.page_kind("id/partnerships/index.html") == "partnerships/index.html"


STAND_IN_SITE = """import gzip, pathlib, sys
args = sys.argv[1:]
out = pathlib.Path(args[args.index({flag!r}) + 1])
for lang in ("id", "en", "ja"):
    for name in {pages!r}:
        page = out / lang / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("<html>" + "x" * {size} + "</html>")
print({report!r})
"""


def stand_in(path: Path, text: str) -> str:
    path.write_text(f"#!{sys.executable}\n" + text)
    path.chmod(0o755)
    return str(path)


def test_side_by_side_alternates_the_four_builds_and_surveys_their_output(tmp_path):
    engine = tmp_path / "engine"
    engine.mkdir()
    (engine / "build.py").write_text(
        STAND_IN_SITE.format(flag="--out", pages=["index.html", "partnerships/a/index.html", "types/t/index.html",
                                                    "partnerships/index.html"],
                               size=50_000, report="built 12 pages (12 files) into x in 0.01 s"))
    hugo = stand_in(tmp_path / "hugo", STAND_IN_SITE.format(
        flag="--destination", pages=["index.html", "partnerships/a/index.html", "index.xml"], size=10,
        report=" Pages           │ 3 │ 3 │ 3 "))
    pagefind = stand_in(tmp_path / "pagefind", "import pathlib, sys\n"
                        "site = pathlib.Path(sys.argv[sys.argv.index('--site') + 1])\n"
                        "(site / 'pagefind').mkdir(exist_ok=True)\n(site / 'pagefind' / sys.argv[-1].replace('/', '_')).write_text('x')\n")
    hugo_site = tmp_path / "hugo-site"
    hugo_site.mkdir()
    logged = []
    result = run.measure_against_hugo(engine, tmp_path / "content", hugo_site, tmp_path / "work" / "vs-10", 2,
                                      logged.append, hugo, pagefind)
    assert [line.split()[0] for line in logged] == list(run.VARIANTS) * 2
    assert not result["failures"]
    assert len(result["ratio_no_search"]["runs"]) == len(result["ratio_search"]["runs"]) == 2
    assert len(result["pagefind_globs"]) == 3  # one run per language, as kembar/search.py does
    assert len(result["commands"]["hugo_pagefind"]) == 4 and "--silent" in result["commands"]["hugo_pagefind"][1]
    assert str(tmp_path) not in json.dumps(result["commands"])  # no machine paths in the results
    assert result["kembar"]["reported_pages"] == 12 and result["hugo"]["reported_pages"] == 9
    kembar = result["kembar"]["output"]
    assert kembar["html_pages"] == 12 and kembar["largest_html"]["bytes"] == 50_013
    assert kembar["largest_html"]["gzip_bytes"] < 1_000
    assert result["kinds"]["only_kembar"] == {"partnerships/index.html": 3, "types/*/index.html": 3}
    assert result["kinds"]["only_hugo"] == {"index.xml": 3} and result["kinds"]["different_counts"] == {}
    assert (tmp_path / "work" / "vs-10" / "out-hugo_pagefind" / "pagefind").is_dir()

    entry = {**result, "measured": "2026-12-05T00:00:00", "engine": {"commit": "abc1234"}, "seed": 1,
             "tools": {"hugo": "hugo v0.168.0"}, "load_before": 0.1, "load_after": 0.2}
    text = "\n".join(run.against_hugo_markdown({"10": entry}))
    assert "### N=10 (2 runs, engine abc1234" in text and "| Hugo + Pagefind |" in text
    assert "Kembar / Hugo (no search) = **" in text and "`types/*/index.html` (3)" in text
    assert "50 KB raw" in text


def test_the_side_by_side_section_keeps_the_main_table(tmp_path):
    results = json.loads((ROOT / "bench" / "results.json").read_text(encoding="utf-8"))
    results["against_hugo"] = {"1000": {"runs": 1, "measured": "2026-12-05T00:00:00", "engine": {"commit": "abc1234"},
                                        "ratio_no_search": run.summary([2.0]), "ratio_search": run.summary([1.5]),
                                        "kembar": {"wall": run.summary([4.0])}, "hugo": {"wall": run.summary([2.0])}}}
    path = tmp_path / "results.md"
    run.write_markdown(results, path)
    text = path.read_text(encoding="utf-8")
    assert text.index("| N | pages (files) | cold build |") < text.index("## Side by side with Hugo")
    assert "Kembar / Hugo (no search) = **2.00**" in text and "| Hugo | 2.00 s |" in text

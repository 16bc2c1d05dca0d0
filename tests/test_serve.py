"""The dev server: the real `python build.py serve` driven over HTTP and the livereload
websocket, and the incremental rebuild compared with a full build after every edit."""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import websocket

from kembar import pipeline
from kembar.cli import main
from kembar.errors import ContentError
from kembar.render import Project
from kembar.load import load
from kembar.serve import LATER_FROM, App, Preview, error_page, snapshot, template_closure
from kembar.write import digest

ROOT = Path(__file__).resolve().parent.parent
RECORD = "content/partnerships/badung-fujisawa.yaml"
PAGE = "/kota-kembar/en/partnerships/badung-fujisawa/"


def digests(outputs: dict[str, bytes]) -> dict[str, bytes]:
    """What the dev server keeps of the files it wrote."""
    return {name: digest(data) for name, data in outputs.items()}


def on_disk(folder: Path) -> dict[str, bytes]:
    """Every file of an output folder: path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def corpus_of_100(folder: Path) -> None:
    """The benchmark's corpus of 100 partnerships (623 pages): big enough for edits left for later."""
    subprocess.run([sys.executable, str(ROOT / "bench/corpus.py"), "--records", "100", "--seed", "1",
                    "--out", str(folder)], check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running `python build.py serve` and the requests a browser would make."""

    def __init__(self, root: Path, port: int, *options: str, build: Path = ROOT / "build.py"):
        self.root, self.port = root, port
        self.content, self.out, self.log = root / "content", root / "out", root / "serve.log"
        self.process = subprocess.Popen(
            [sys.executable, str(build), "serve", "--port", str(port),
             "--content", str(self.content), "--out", str(self.out), *options],
            cwd=root, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("the server did not start:\n" + self.log.read_text())
                time.sleep(0.1)

    def get(self, path: str) -> tuple[int, dict, str]:
        """GET with the path sent exactly as written (no client-side normalising)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def livereload(self) -> websocket.WebSocket:
        """Connect as livereload.js does: hello, then info with the page's URL."""
        ws = websocket.create_connection(f"ws://127.0.0.1:{self.port}/livereload", timeout=30)
        ws.send(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        assert json.loads(ws.recv())["command"] == "hello"
        ws.send(json.dumps({"command": "info", "url": f"http://127.0.0.1:{self.port}{PAGE}", "plugins": {}}))
        return ws

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_for_reload(ws: websocket.WebSocket) -> dict:
    while True:
        message = json.loads(ws.recv())  # the socket's timeout bounds the wait
        if message.get("command") == "reload":
            return message


@pytest.fixture
def server(make_site, tmp_path):
    make_site()
    running = Server(tmp_path, free_port())
    yield running
    running.stop()


@pytest.fixture(params=["inotify", "polling"])
def watched_server(request, make_site, tmp_path):
    """The server as it watches by default (inotify, on Linux), and with --poll."""
    make_site()
    running = Server(tmp_path, free_port(), *(["--poll"] if request.param == "polling" else []))
    assert f"(watched by {request.param};" in running.log.read_text()
    yield running
    running.stop()


def test_serves_every_language_under_the_base_path(server):
    status, headers, _ = server.get("/")
    assert status == 302 and headers["Location"] == "/kota-kembar/"
    status, headers, body = server.get("/kota-kembar/")
    assert status == 200 and 'hreflang="ja"' in body
    for lang in ("id", "en", "ja"):
        status, headers, body = server.get(f"/kota-kembar/{lang}/")
        assert status == 200
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert f'<html lang="{lang}"' in body
        assert "livereload.js" in body  # livereload's script, injected before </head>
    status, headers, _ = server.get("/kota-kembar/en")
    assert status == 301 and headers["Location"] == "/kota-kembar/en/"
    assert server.get("/kota-kembar/static/site.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    assert server.get("/kota-kembar/static/favicon.svg")[1]["Content-Type"] == "image/svg+xml"
    status, _, body = server.get("/kota-kembar/en/no-such-page/")
    assert status == 404  # with the site's own 404 page
    assert re.search(r"<title>.*?</title>", (server.out / "404.html").read_text(encoding="utf-8")).group(0) in body
    assert server.get("/elsewhere/")[0] == 404


def test_binds_to_loopback_by_default(server):
    """Every listening socket on the server's port is on 127.0.0.1 (from the kernel's table)."""
    port = f"{server.port:04X}"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, local_port = local.partition(":")
            if local_port == port and state == "0A":  # 0A: LISTEN
                listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, little-endian hex; nothing on 0.0.0.0 or ::
    assert f"serving http://127.0.0.1:{server.port}/kota-kembar/" in server.log.read_text()


def test_a_save_reloads_the_browser_with_the_new_text_and_rewrites_only_what_changed(watched_server):
    server = watched_server
    unrelated = server.out / "en/places/badung/index.html"
    before = unrelated.stat().st_mtime_ns
    ws = server.livereload()
    server.edit(RECORD, "en: Badung is exploring a partnership with Fujisawa.",
                "en: Badung and Fujisawa are talking about a partnership.")
    assert wait_for_reload(ws)["command"] == "reload"
    status, _, body = server.get(PAGE)
    assert status == 200 and "Badung and Fujisawa are talking about a partnership." in body
    assert unrelated.stat().st_mtime_ns == before  # its bytes did not change, so it was not written
    ws.close()
    # The open data follows by itself a moment later (made on a thread of its own).
    csv = server.out / "data/partnerships.csv"
    deadline = time.monotonic() + 30
    while "Badung and Fujisawa are talking" not in csv.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.1)
    assert "remade the sitemap and open data" in server.log.read_text()


def test_errors_replace_every_page_until_the_next_good_save(server):
    ws = server.livereload()
    server.edit(RECORD, "status: loi-signed", "status: signed")
    wait_for_reload(ws)
    for path, title in (("/kota-kembar/ja/", "コンテンツのエラー"), ("/kota-kembar/id/", "Kesalahan konten"),
                        (PAGE, "Content errors"), ("/kota-kembar/en/no-such-page/", "Content errors")):
        status, headers, body = server.get(path)
        assert status == 500 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert f"<title>{title}</title>" in body  # in the page's language
        assert f"{RECORD}:3:9: unknown status &#39;signed&#39;" in body
        assert "\n    status: signed\n            ^" in body  # the source line and a caret under the column
        assert "livereload.js" in body  # so the next good save brings the page back
    assert server.get("/kota-kembar/static/site.css")[0] == 200  # assets are still served
    assert server.get("/favicon.ico")[0] == 404  # not a page: no error page for it
    assert "unknown status 'signed'" in server.log.read_text()  # and the terminal says it too

    server.edit(RECORD, "status: signed", "status: active")
    wait_for_reload(ws)
    status, _, body = server.get(PAGE)
    assert status == 200 and "Content errors" not in body
    ws.close()


def test_the_open_browser_tab_reloads_after_each_save(server, tmp_path):
    """Headless Chromium on a page: livereload.js (injected by the server) reloads the tab
    after a save, shows the errors after a bad one and the page again after the fix."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    try:
        wait = WebDriverWait(driver, 30)
        driver.get(f"http://127.0.0.1:{server.port}{PAGE}")
        wait.until(lambda d: "Browser Connected" in server.log.read_text())
        driver.execute_script("window.kembarMarker = 1")  # gone once the tab reloads
        server.edit(RECORD, "en: Badung is exploring a partnership with Fujisawa.",
                    "en: Badung and Fujisawa are talking about a partnership.")
        wait.until(lambda d: "Badung and Fujisawa are talking about a partnership." in d.page_source)
        assert driver.execute_script("return window.kembarMarker") is None

        server.edit(RECORD, "status: loi-signed", "status: signed")
        wait.until(lambda d: d.title == "Content errors")
        assert "unknown status 'signed'" in driver.find_element("css selector", "ol.errors").text
        server.edit(RECORD, "status: signed", "status: loi-signed")
        wait.until(lambda d: "Badung and Fujisawa are talking about a partnership." in d.page_source)
        assert driver.execute_script("return document.documentElement.lang") == "en"
    finally:
        driver.quit()


def test_an_edit_to_every_page_reloads_the_open_page_first_and_the_rest_follow(tmp_path):
    """A big site (the benchmark's corpus of 100 partnerships: 623 pages) and a save that
    changes every page: the page the browser shows is rendered before the reload, the others
    a chunk at a time after it, and the output folder ends up as a full build's."""
    corpus_of_100(tmp_path / "content")
    server = Server(tmp_path, free_port())
    try:
        slug = sorted(p.stem for p in (tmp_path / "content/partnerships").glob("*.yaml"))[0]
        page = f"/kota-kembar/en/partnerships/{slug}/"
        assert server.get(page)[0] == 200  # the page the browser shows
        ws = server.livereload()
        server.edit("content/site.yaml", "en: Indonesia's Sister Cities", "en: Indonesia's Twin Towns")
        wait_for_reload(ws)
        assert "Indonesia&#39;s Twin Towns" in server.get(page)[2]
        assert re.search(r"rebuilt: rendered 1 pages, .*; \d+ more after the reload", server.log.read_text())
        assert "Indonesia&#39;s Twin Towns" in server.get("/kota-kembar/en/")[2]  # at once, asked for or not
        deadline = time.monotonic() + 60
        while "after the reload: rendered" not in server.log.read_text():
            assert time.monotonic() < deadline, server.log.read_text()
            time.sleep(0.1)
        _, full, errors = pipeline.build(tmp_path / "content", pipeline.PROJECT)
        assert errors == []
        assert on_disk(server.out) == full
    finally:
        server.stop()


def test_open_data_follows_the_pages_left_for_after_the_reload(tmp_path):
    """A copy of the project, so its templates can be edited: one save of base.html (all 623
    pages of the 100-partnership corpus: most wait for after the reload) and of a place's
    name (the open data changes). After the pages, the sitemap and open data are remade, and
    the folder ends up as a full build's."""
    project = tmp_path / "project"
    for name in ("kembar", "templates", "locales"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "build.py", project / "build.py")
    corpus_of_100(tmp_path / "content")
    server = Server(tmp_path, free_port(), build=project / "build.py")
    try:
        slug = sorted(p.stem for p in (tmp_path / "content/partnerships").glob("*.yaml"))[0]
        assert server.get(f"/kota-kembar/en/partnerships/{slug}/")[0] == 200
        ws = server.livereload()
        place = next(tmp_path.glob("content/places/*.yaml"))
        name = re.search(r'^  en: "(.+)"$', place.read_text(encoding="utf-8"), re.M).group(1)
        server.edit("project/templates/base.html", "<body>", "<body><!-- edited -->")
        server.edit(place.relative_to(tmp_path).as_posix(), f'  en: "{name}"', f'  en: "{name} (renamed)"')
        wait_for_reload(ws)
        deadline = time.monotonic() + 60
        while "remade the sitemap and open data" not in server.log.read_text():
            assert time.monotonic() < deadline, server.log.read_text()
            time.sleep(0.1)
        log = server.log.read_text()
        assert re.search(r"more after the reload", log) and "after the reload: rendered" in log
        _, full, errors = pipeline.build(tmp_path / "content", Project(project / "templates", project / "locales"))
        assert errors == [] and f"{name} (renamed)".encode() in full["data/partnerships.json"]
        assert on_disk(server.out) == full
    finally:
        server.stop()


def test_never_serves_a_file_outside_the_output_folder(server):
    secret = server.root / "secret.txt"
    secret.write_text("not for the browser", encoding="utf-8")
    (server.out / "leak.txt").symlink_to(secret)
    (server.out / "leakdir").symlink_to(server.root, target_is_directory=True)
    (server.out / "inside.txt").symlink_to(server.out / "index.html")  # a link that stays inside is fine
    for path in ("/kota-kembar/../secret.txt", "/kota-kembar/%2e%2e/secret.txt", "/kota-kembar/%2E%2E/secret.txt",
                 "/kota-kembar/en/../../secret.txt", "/kota-kembar/en/%2e%2e/%2e%2e/secret.txt",
                 "/kota-kembar/..%2fsecret.txt", "/kota-kembar/leak.txt", "/kota-kembar/leakdir/secret.txt",
                 "/kota-kembar//etc/passwd", "/kota-kembar/%00", "/../../etc/passwd"):
        status, _, body = server.get(path)
        assert status == 404, path
        assert "not for the browser" not in body and "root:" not in body
    assert server.get("/kota-kembar/inside.txt")[0] == 200


def test_the_output_folder_may_not_be_the_content(make_site, capsys):
    content = make_site()
    assert main(["serve", "--content", str(content), "--out", str(content)]) == 2
    assert main(["serve", "--content", str(content), "--out", str(content.parent)]) == 2
    assert "choose another --out" in capsys.readouterr().err


# -- the incremental rebuild, in process ------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Project:
    """Copies of the templates and catalogs, so a test can edit them."""
    shutil.copytree(ROOT / "templates", tmp_path / "project/templates")
    shutil.copytree(ROOT / "locales", tmp_path / "project/locales")
    return Project(tmp_path / "project/templates", tmp_path / "project/locales")


@pytest.mark.parametrize("processes, told, later", [(1, False, False), (1, True, False), (2, True, False),
                                                   (1, False, True), (2, True, True)],
                         ids=["one process, looking at every file", "told the saved files", "forked, told the saved files",
                              "the rest after the reload", "forked, told, the rest after the reload"])
def test_every_rebuild_equals_a_full_build(make_site, tmp_path, project, monkeypatch, processes, told, later):
    """`told`: rebuild() is given the files saved, as the watcher gives them, so an edit to a
    partnership's text is patched in (Preview.patch) instead of going over the whole site.
    `later`: every edit renders only the pages the browser showed lately before the reload
    (as a big edit on a big site does), the rest after it."""
    if later:
        monkeypatch.setattr("kembar.serve.LATER_FROM", 0)
        monkeypatch.setattr("kembar.serve.LATER_CHUNK", 3)
    if processes > 1:  # render every rebuild's pages in forked processes, however few
        monkeypatch.setattr("kembar.serve.PARALLEL_FROM", 1)
        monkeypatch.setattr("os.cpu_count", lambda: processes)
    content = make_site()
    out = tmp_path / "out"
    card = project.templates / "_card.html"  # lists that show each summary: a text edit reaches them too
    card.write_text(card.read_text(encoding="utf-8").replace("  </li>", "    <p>{{ t(p.summary) }}</p>\n  </li>"),
                    encoding="utf-8")
    preview = Preview(content, out, project)
    first = preview.rebuild()
    assert first.errors == []
    shown = ["en/partnerships/badung-fujisawa/index.html", "ja/index.html", "id/sectors/culture/index.html"]
    for file in shown:
        App(preview).shown(file)

    saved: set[str] = set()

    def write(path: Path, text: str):
        path.write_text(text, encoding="utf-8")
        saved.add(str(path))

    def edit(path: Path, old: str, new: str):
        text = path.read_text(encoding="utf-8")
        assert old in text
        write(path, text.replace(old, new, 1))

    def unlink(path: Path):
        path.unlink()
        saved.add(str(path))

    def rebuild(patched: bool = False) -> list[str]:
        result = preview.rebuild(set(saved) if told else None)
        saved.clear()
        assert result.errors == []
        assert result.patched == (patched and told)
        _, full, errors = pipeline.build(content, project)
        assert errors == []
        # Every page is up to date at once, or left for after the reload (unless the browser
        # showed it lately); the sitemap and open data follow in tidy_up().
        stale = {name for name, body in full.items() if preview.good.outputs.get(name) != digest(body)}
        assert stale <= set(preview.good.data) | set(preview.later)
        if later:
            assert set(result.rendered) <= set(shown)  # the rest waits for after the reload
        else:
            assert not preview.later
        assert all(preview.good.outputs[file] is None for file in preview.later)
        assert not set(shown) & set(preview.later)
        rendered = result.rendered
        while preview.later:
            chunk = preview.render_later()
            assert chunk.errors == [] and chunk.rendered
            rendered = rendered + chunk.rendered
        preview.tidy_up()
        assert preview.good.outputs == digests(full)
        assert on_disk(out) == full
        return rendered

    record = content / "partnerships/badung-fujisawa.yaml"
    edit(record, "en: Badung is exploring", "en: Badung is still exploring")
    rendered = rebuild(patched=True)
    assert {"id/partnerships/badung-fujisawa/index.html", "en/partnerships/badung-fujisawa/index.html",
            "ja/partnerships/badung-fujisawa/index.html", "en/partnerships/index.html"} <= set(rendered)
    assert "en/explainers/what-is-a-sister-city/index.html" not in rendered
    assert len(rendered) < len(first.rendered)

    assert rebuild() == []  # nothing changed, nothing rendered
    # Texts only: patched in when told, with the feed, the translations page and the alternates.
    edit(content / "partnerships/badung-fujisawa.id.md", "Cerita **Badung**", "Kisah **Badung**")
    assert "id/partnerships/badung-fujisawa/index.html" in rebuild(patched=True)
    edit(record, "en: Talks began.", "en: Talks started.")  # an event in the feed
    assert "en/feed.xml" in rebuild(patched=True)
    edit(record, "  ja: バドゥン県は藤沢市との提携を模索しています。\n", "")  # no Japanese summary
    assert "ja/translations/index.html" in rebuild(patched=True)
    edit(record, "  en: Badung is still exploring", "  ja: バドゥン県は藤沢市との提携を模索しています。\n"
                                                   "  en: Badung is still exploring")
    rebuild(patched=True)
    english = "  en: Badung is still exploring a partnership with Fujisawa.\n"
    edit(record, english, "")  # no English summary: the other versions stop naming it as an alternate
    rebuild(patched=True)
    edit(record, "  ja: バドゥン県は", english + "  ja: バドゥン県は")
    rebuild(patched=True)
    edit(record, "parties:", "# checked with the regency's site\nparties:")  # the same record
    rebuild(patched=True)
    (content / "partnerships/.badung-fujisawa.yaml.swp").write_text("x")  # an editor's swap file
    saved.add(str(content / "partnerships/.badung-fujisawa.yaml.swp"))
    assert rebuild(patched=True) == []
    edit(record, '"2025-06-12"', '"2025-06-13"')  # a new as-of date: the home page's order may change
    rebuild()

    edit(record, "status: loi-signed", "status: active")
    edit(record, "sectors: [culture, tourism]", "sectors: [culture]")
    rebuild()
    edit(content / "places/fujisawa.yaml", "en: Fujisawa City", "en: City of Fujisawa")
    rebuild()
    write(content / "places/kochi.yaml", "names: {id: Kota Kochi, en: Kochi City, ja: 高知市}\nkind: city\ncountry: JP\n")
    write(content / "partnerships/badung-kochi.yaml", record.read_text(encoding="utf-8").replace(
        "parties: [badung, fujisawa]", "parties: [badung, kochi]"))
    rendered = rebuild()
    assert "ja/partnerships/badung-kochi/index.html" in rendered
    edit(content / "places/kochi.yaml", "en: Kochi City", "en: City of Kochi")
    rendered = rebuild()  # its pages and the lists that show it; not a list without it
    assert "en/places/kochi/index.html" in rendered and "en/places/fujisawa/index.html" not in rendered
    unlink(content / "partnerships/badung-kochi.yaml")
    rebuild()
    assert not (out / "ja/partnerships/badung-kochi").exists()
    explainer = content / "explainers/what-is-a-sister-city.en.md"
    edit(explainer, "title: What is a sister city?", "title: What is a twin town?")
    rebuild()
    unlink(explainer)
    rebuild()

    # A template: only the pages that use it (directly or through what it extends) are rendered;
    # told that only templates and catalogs changed, the content is not even looked at.
    loads = []
    monkeypatch.setattr("kembar.serve.load", lambda *a, **k: loads.append(1) or load(*a, **k))
    edit(project.templates / "term.html", "{% block main %}", "{% block main %}<!-- edited -->")
    rendered = rebuild()
    assert rendered and all(f.split("/")[1] in ("sectors", "status", "types") for f in rendered)
    # A card is rendered once and reused by every list: its reads still count for each list page.
    edit(project.templates / "_card.html", '<p class="card-meta">', '<p class="card-meta" data-edited>')
    rendered = rebuild()
    assert "en/partnerships/index.html" in rendered and "ja/sectors/culture/index.html" in rendered
    assert "en/partnerships/badung-fujisawa/index.html" not in rendered
    edit(project.templates / "base.html", "<body>", "<body><!-- edited -->")
    uses_base = template_closure(snapshot(project.templates))
    assert sorted(rebuild()) == sorted(f for f, page in preview.good.pages.items() if "base.html" in uses_base[page.template])

    # A catalog: only that language's pages.
    po = project.locales / "ja/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    home = re.search(r'msgid "Home"\nmsgstr "([^"]+)"', text)
    write(po, text.replace(home.group(0), 'msgid "Home"\nmsgstr "ホームページ"'))
    rendered = rebuild()
    assert "ja/index.html" in rendered
    assert {f for f in rendered if not f.startswith("ja/")} <= {"404.html"}  # the root 404 shows every language
    assert "ホームページ" in (out / "ja/index.html").read_text(encoding="utf-8")
    write(po, po.read_text(encoding="utf-8").replace('msgstr "ホームページ"', 'msgstr ""'))  # untranslated now
    assert "ja/translations/index.html" in rebuild()  # which counts the UI strings
    # A string only partnership pages show: only they are rendered.
    write(po, po.read_text(encoding="utf-8").replace('msgstr "到達した段階"', 'msgstr "到達段階"'))
    assert rebuild() == ["ja/partnerships/badung-fujisawa/index.html"]
    write(po, po.read_text(encoding="utf-8").replace('msgid "Stage reached"', '#, fuzzy\nmsgid "Stage reached"'))
    assert sorted(rebuild()) == ["en/translations/index.html", "id/translations/index.html",  # their counts
                                 "ja/partnerships/badung-fujisawa/index.html",  # fuzzy: in English meanwhile
                                 "ja/translations/index.html"]
    assert bool(loads) != told

    # The base URL: every link changes, also those inside converted Markdown kept from before.
    edit(content / "site.yaml", "github.io/kota-kembar/", "github.io/kembar-preview/")
    rebuild()
    assert 'href="/kembar-preview/en/places/fujisawa/"' in (out / "en/partnerships/badung-fujisawa/index.html").read_text(encoding="utf-8")


def test_a_page_left_for_after_the_reload_is_rendered_when_asked_for(make_site, tmp_path, project, monkeypatch):
    """A big edit renders the pages the browser showed lately, reloads, then renders the rest
    (as Hugo's server does); a page of the rest asked for meanwhile is rendered at once, and a
    template error that only the rest meets is shown as soon as it is met."""
    monkeypatch.setattr("kembar.serve.LATER_FROM", 0)
    content = make_site()
    preview = Preview(content, tmp_path / "out", project)
    assert preview.rebuild().errors == []
    app = App(preview)
    page = "en/partnerships/badung-fujisawa/index.html"

    def get(path):
        return app.respond({"REQUEST_METHOD": "GET", "PATH_INFO": "/kota-kembar/" + path})

    template = project.templates / "partnership.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}<!-- edited -->"),
                        encoding="utf-8")
    result = preview.rebuild({str(template)})
    assert result.rendered == [] and page in preview.later and result.later == len(preview.later)
    status, _, body = get("en/partnerships/badung-fujisawa/")
    assert status == "200 OK" and b"<!-- edited -->" in body
    assert page not in preview.later and preview.good.outputs[page] is not None

    template.write_text(template.read_text(encoding="utf-8").replace("<!-- edited -->", "<!-- edited again -->"),
                        encoding="utf-8")
    assert preview.rebuild({str(template)}).rendered == [page]  # shown lately: before the reload
    assert b"<!-- edited again -->" in get("en/partnerships/badung-fujisawa/")[2]

    term = project.templates / "term.html"
    term.write_text(term.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ 1 // 0 }}"),
                    encoding="utf-8")
    assert preview.rebuild({str(term)}).errors == []  # no term page was shown
    while preview.later and not preview.errors:
        preview.render_later()
    assert "ZeroDivisionError" in preview.errors[0].message and preview.errors[0].path == "templates/term.html"
    status, _, body = get("en/partnerships/badung-fujisawa/")
    assert status.startswith("500") and b"ZeroDivisionError" in body
    term.write_text(term.read_text(encoding="utf-8").replace("{{ 1 // 0 }}", ""), encoding="utf-8")
    assert preview.rebuild({str(term)}).errors == []
    while preview.later:
        assert preview.render_later().errors == []
    _, full, _ = pipeline.build(content, project)
    assert preview.good.outputs == digests(full)


def test_heavy_pages_wait_for_after_the_reload_too(make_site, tmp_path, project, monkeypatch):
    """A few pages can weigh more than many (at N=10,000 the directory is 15 MB a language):
    past LATER_BYTES of pages to render, those the browser did not show wait as well."""
    monkeypatch.setattr("kembar.serve.LATER_BYTES", 30_000)
    content = make_site()
    out = tmp_path / "out"
    preview = Preview(content, out, project)
    assert preview.rebuild().errors == []
    shown = "en/partnerships/badung-fujisawa/index.html"
    App(preview).shown(shown)
    place = content / "places/fujisawa.yaml"
    place.write_text(place.read_text(encoding="utf-8").replace("en: Fujisawa City", "en: City of Fujisawa"),
                     encoding="utf-8")
    result = preview.rebuild({str(place)})
    assert result.errors == [] and result.rendered == [shown]
    assert "en/partnerships/index.html" in preview.later and len(preview.later) < LATER_FROM
    assert "City of Fujisawa" in (out / shown).read_text(encoding="utf-8")
    while preview.later:
        assert preview.render_later().errors == []
    preview.tidy_up()
    _, full, _ = pipeline.build(content, project)
    assert on_disk(out) == full


@pytest.mark.parametrize("told", [False, True], ids=["looking at every file", "told the saved files"])
def test_a_broken_edit_keeps_the_last_good_site_and_the_fix_catches_up(make_site, tmp_path, project, told):
    content = make_site()
    out = tmp_path / "out"
    preview = Preview(content, out, project)
    preview.rebuild()
    record = content / "partnerships/badung-fujisawa.yaml"
    place = content / "places/badung.yaml"
    saved = [record, place]  # the files the watcher reports
    preview_rebuild = preview.rebuild
    preview.rebuild = lambda: preview_rebuild({str(path) for path in saved} if told else None)
    good = (out / "en/partnerships/badung-fujisawa/index.html").read_bytes()
    original = record.read_text(encoding="utf-8")
    record.write_text(original.replace("parties: [badung, fujisawa]", "parties: [badung, fujisawa"), encoding="utf-8")
    result = preview.rebuild()
    assert [str(e) for e in result.errors][0].startswith(f"{RECORD}:")
    assert (out / "en/partnerships/badung-fujisawa/index.html").read_bytes() == good  # nothing written
    # Two edits while broken (one in another file): the fix brings both in.
    place.write_text(place.read_text(encoding="utf-8").replace("en: Badung Regency", "en: Regency of Badung"),
                     encoding="utf-8")
    preview.rebuild()
    record.write_text(original, encoding="utf-8")
    assert preview.rebuild().errors == []
    preview.tidy_up()
    _, full, _ = pipeline.build(content, project)
    assert preview.good.outputs == digests(full)
    assert "Regency of Badung" in (out / "en/partnerships/badung-fujisawa/index.html").read_text(encoding="utf-8")
    # A mistake only the checks find (the file reads fine): reported, then fixed.
    narrative = content / "partnerships/badung-fujisawa.id.md"
    story = narrative.read_text(encoding="utf-8")
    narrative.write_text(story.replace("place:fujisawa", "place:fujisawaa"), encoding="utf-8")
    saved[:] = [narrative]
    errors = [str(e) for e in preview.rebuild().errors]
    assert len(errors) == 1 and "link to place 'fujisawaa', which does not exist" in errors[0]
    narrative.write_text(story, encoding="utf-8")
    assert preview.rebuild().errors == []


def test_pages_written_before_a_render_failed_are_made_again_after_the_fix(make_site, tmp_path, project):
    """Pages are written as they are rendered: a template that fails on one page leaves the
    pages rendered before it on disk, and the next good build must not trust them."""
    content = make_site()
    out = tmp_path / "out"
    preview = Preview(content, out, project)
    assert preview.rebuild().errors == []
    template = project.templates / "partnership.html"
    original = template.read_text(encoding="utf-8")
    template.write_text(original.replace("{% block main %}", "{% block main %}<!-- new -->"
                                         "{% if lang == 'ja' %}{{ nothing.here }}{% endif %}", 1), encoding="utf-8")
    assert preview.rebuild().errors  # the Japanese page cannot be rendered
    assert "<!-- new -->" in (out / "id/partnerships/badung-fujisawa/index.html").read_text(encoding="utf-8")
    template.write_text(original, encoding="utf-8")  # back to what the last good build used
    assert preview.rebuild().errors == []
    preview.tidy_up()
    _, full, _ = pipeline.build(content, project)
    assert on_disk(out) == full


def test_a_remembered_record_is_checked_again_when_what_it_was_checked_against_changes(make_site, tmp_path):
    content = make_site()
    for path in content.rglob("*"):  # old files: the dev server trusts their stat and keeps their documents
        os.utime(path, (time.time() - 60, time.time() - 60))
    preview = Preview(content, tmp_path / "out", pipeline.PROJECT)
    assert preview.rebuild().errors == []

    def edit(path, old, new):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

    # Its place: the record's own file did not change, its parties' places did.
    edit(content / "places/badung.yaml", "country: ID", "country: JP")
    assert any("the Indonesian party comes first" in str(e) for e in preview.rebuild().errors)
    edit(content / "places/badung.yaml", "country: JP", "country: ID")
    assert preview.rebuild().errors == []
    # The vocabulary: a sector the record names goes away.
    edit(content / "vocabulary.yaml", "  tourism:", "  travel:")
    assert any(f"{RECORD}:" in str(e) and "tourism" in str(e) for e in preview.rebuild().errors)
    edit(content / "vocabulary.yaml", "  travel:", "  tourism:")
    assert preview.rebuild().errors == []
    edit(content / "vocabulary.yaml", "  city:", "  municipality:")  # a place's kind
    assert any("fujisawa.yaml:" in str(e) and "city" in str(e) for e in preview.rebuild().errors)
    edit(content / "vocabulary.yaml", "  municipality:", "  city:")
    assert preview.rebuild().errors == []
    preview.tidy_up()
    _, full, _ = pipeline.build(content, pipeline.PROJECT)
    assert preview.good.outputs == digests(full)


# -- the HTTP side, in process ---------------------------------------------------------------------

def test_open_data_asked_for_before_it_was_remade_is_remade_first(make_site, tmp_path):
    content = make_site()
    preview = Preview(content, tmp_path / "out", pipeline.PROJECT)
    assert preview.rebuild().errors == []
    record = content / "places/fujisawa.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("en: Fujisawa City", "en: City of Fujisawa"),
                      encoding="utf-8")
    assert preview.rebuild().errors == []
    assert b"City of Fujisawa" not in (tmp_path / "out/data/partnerships.csv").read_bytes()  # waits for tidy_up()
    status, _, body = App(preview).respond({"REQUEST_METHOD": "GET", "PATH_INFO": "/kota-kembar/data/partnerships.csv"})
    assert status == "200 OK" and b"City of Fujisawa" in body


def test_open_data_remade_for_an_edit_that_another_edit_overtook_is_not_trusted(make_site, tmp_path):
    """The server remakes the data files aside (on a thread), which writes them; when an
    edit comes meanwhile, what it wrote is out of date and must be made again,
    even when the newer edit brings the data back to what the server last knew."""
    content = make_site()
    out = tmp_path / "out"
    preview = Preview(content, out, pipeline.PROJECT)
    assert preview.rebuild().errors == []
    record = content / "places/fujisawa.yaml"
    original = record.read_text(encoding="utf-8")
    record.write_text(original.replace("en: Fujisawa City", "en: City of Fujisawa"), encoding="utf-8")
    assert preview.rebuild().errors == []
    first = preview.data_due
    made = preview.remake_data(first)  # as the server does aside: it writes the files
    assert b"City of Fujisawa" in (out / "data/partnerships.csv").read_bytes()
    record.write_text(original, encoding="utf-8")  # the next edit undoes it before the result is back
    assert preview.rebuild().errors == []
    preview.took_data(first, *made)
    preview.tidy_up()
    _, full, _ = pipeline.build(content, pipeline.PROJECT)
    assert on_disk(out) == full
    assert preview.good.outputs == digests(full)


def test_a_remake_of_the_data_files_gives_way_to_a_save(make_site, tmp_path):
    """Remade aside, the data files stop after the sitemap when a save is waiting (the two
    would share the interpreter); the open data stays due, and the next remake makes it."""
    content = make_site()
    out = tmp_path / "out"
    preview = Preview(content, out, pipeline.PROJECT)
    assert preview.rebuild().errors == []
    record = content / "places/fujisawa.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("en: Fujisawa City", "en: City of Fujisawa"),
                      encoding="utf-8")
    assert preview.rebuild().errors == []
    due = preview.data_due
    made, written, done = preview.remake_data(due, give_way=lambda: True)
    assert not done and set(made) == {"sitemap.xml", "robots.txt"}
    preview.took_data(due, made, written, done)
    assert preview.data_due is due
    assert b"City of Fujisawa" not in (out / "data/partnerships.csv").read_bytes()
    preview.tidy_up()
    _, full, _ = pipeline.build(content, pipeline.PROJECT)
    assert on_disk(out) == full
    assert preview.good.outputs == digests(full)


def test_open_data_is_remade_only_for_the_records_an_edit_touched(tmp_path):
    """The open data keeps a line per partnership and place between remakes (seconds at
    N=10,000 when every line is made again); a place edit remakes the lines of that place
    and of its partnerships, and the files are those of a full build."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    preview = Preview(content, tmp_path / "out", pipeline.PROJECT)
    assert preview.rebuild().errors == []
    lines = {key: text for key, (_, text) in preview.data_kept.items()}
    assert {key[0] for key in lines} == {"json", "csv", "geojson"} and len(lines) > 60
    record = content / "places/fujisawa.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("en: Fujisawa City", "en: City of Fujisawa"),
                      encoding="utf-8")
    assert preview.rebuild().errors == []
    preview.tidy_up()
    again = {key[:2] for key, (_, text) in preview.data_kept.items() if text is not lines[key]}
    assert {("json", "badung-fujisawa"), ("csv", "badung-fujisawa"), ("geojson", "fujisawa")} <= again
    assert again <= {("json", "badung-fujisawa"), ("csv", "badung-fujisawa"), ("geojson", "fujisawa"),
                     ("geojson", "badung")}  # Badung's point lists the partnership
    _, full, _ = pipeline.build(content, pipeline.PROJECT)
    assert on_disk(tmp_path / "out") == full


def test_content_types(make_site, tmp_path):
    preview = Preview(make_site(), tmp_path / "out", pipeline.PROJECT)
    assert preview.rebuild().errors == []
    files = {"a.js": b"1", "a.json": b"{}", "sitemap-x.xml": b"<urlset/>", "feed.xml": b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"/>',
             "a.geojson": b"{}", "a.csv": b"a", "robots.txt": b"", "a.png": b"", "a.woff2": b""}
    for name, data in files.items():
        (tmp_path / "out" / name).write_bytes(data)
    app = App(preview)
    expected = {"a.js": "application/javascript; charset=utf-8", "a.json": "application/json",
                "sitemap-x.xml": "application/xml", "feed.xml": "application/atom+xml",
                "a.geojson": "application/geo+json", "a.csv": "text/csv; charset=utf-8",
                "robots.txt": "text/plain; charset=utf-8", "a.png": "image/png", "a.woff2": "font/woff2"}
    for name, content_type in expected.items():
        status, headers, _ = app.respond({"REQUEST_METHOD": "GET", "PATH_INFO": f"/kota-kembar/{name}"})
        assert status == "200 OK" and dict(headers)["Content-Type"] == content_type, name
    assert app.respond({"REQUEST_METHOD": "POST", "PATH_INFO": "/kota-kembar/"})[0] == "405 Method Not Allowed"


def test_the_error_page_is_in_the_pages_language_and_escapes_what_it_shows():
    error = ContentError("content/places/x.yaml", 2, 7, "unknown key '<b>'", "names: <b>")
    en = error_page([error], "en", pipeline.PROJECT).decode()
    ja = error_page([error], "ja", pipeline.PROJECT).decode()
    assert '<html lang="en">' in en and "<title>Content errors</title>" in en
    assert '<html lang="ja">' in ja and "<title>コンテンツのエラー</title>" in ja
    assert "content/places/x.yaml:2:7: unknown key &#39;&lt;b&gt;&#39;" in en and "<b>" not in en

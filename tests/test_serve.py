"""The dev server: the real `python build.py serve` driven over HTTP and its reload stream,
and the incremental rebuild compared with a full build after every kind of edit."""
from __future__ import annotations

import http.client
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kembar import pipeline
from kembar.cli import main
from kembar.errors import ContentError
from kembar.project import Project
from kembar.render import error_page, template_closure
from kembar.serve import Preview, snapshot
from kembar.write import digest

ROOT = Path(__file__).resolve().parent.parent
RECORD = "content/partnerships/badung-fujisawa.yaml"
PAGE = "/kota-kembar/en/partnerships/badung-fujisawa/"


def on_disk(folder: Path) -> dict[str, bytes]:
    """Every file of an output folder (but the search index): path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running `python build.py serve` and the requests a browser would make."""

    def __init__(self, root: Path, port: int, *options: str):
        self.root, self.port = root, port
        self.content, self.out, self.log = root / "content", root / "out", root / "serve.log"
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port),
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

    def events(self) -> "Events":
        return Events(self.port)

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def wait_for_log(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log.read_text():
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Events:
    """The reload stream, read as a browser's EventSource reads it."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", "/kota-kembar/__kembar/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"
        assert self.response.readline() == b": connected\n"

    def wait_for_reload(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout  # the stream says it is still there every 15 s
        while time.monotonic() < deadline:
            line = self.response.readline().decode()
            if line == "event: reload\n":
                return self.response.readline().decode()
        pytest.fail("no reload within the time")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def server(make_site, tmp_path):
    make_site()
    running = Server(tmp_path, free_port())
    yield running
    running.stop()


@pytest.fixture(params=["the system", "polling"])
def watched_server(request, make_site, tmp_path):
    """The server as it watches by default (the system's notifications), and with --poll."""
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
        assert 'new EventSource("/kota-kembar/__kembar/events")' in body  # added before </body>
    status, headers, _ = server.get("/kota-kembar/en")
    assert status == 301 and headers["Location"] == "/kota-kembar/en/"
    status, headers, _ = server.get("/kota-kembar/en/partnerships?sector=culture")
    assert status == 301 and headers["Location"] == "/kota-kembar/en/partnerships/?sector=culture"
    assert server.get("/kota-kembar/static/site.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    assert server.get("/kota-kembar/static/favicon.svg")[1]["Content-Type"] == "image/svg+xml"
    assert server.get("/kota-kembar/en/feed.xml")[1]["Content-Type"] == "application/atom+xml"
    assert server.get("/kota-kembar/data/partnerships.csv")[1]["Content-Type"] == "text/csv; charset=utf-8"
    status, _, body = server.get("/kota-kembar/en/no-such-page/")
    assert status == 404  # with the site's own 404 page
    assert re.search(r"<title>.*?</title>", (server.out / "404.html").read_text(encoding="utf-8")).group(0) in body
    assert server.get("/elsewhere/")[0] == 404


def test_a_big_first_build_serves_every_page(make_site, tmp_path):
    """More pages than LATER_FROM and no page shown yet: the first build renders them all."""
    make_site()
    for n in range(100):  # 100 places: 300 place pages, with the rest well over LATER_FROM (300)
        (tmp_path / f"content/places/town-{n}.yaml").write_text(
            f"names: {{id: Kota {n}, en: Town {n}, ja: 町{n}}}\nkind: city\ncountry: JP\n", encoding="utf-8")
    running = Server(tmp_path, free_port())
    try:
        assert re.search(r"^built (\d+) pages", running.log.read_text(), re.M)[1] == str(
            sum(1 for p in running.out.rglob("*.html")))
        assert int(re.search(r"^built (\d+) pages", running.log.read_text(), re.M)[1]) > 300
        for lang in ("id", "en", "ja"):
            assert running.get(f"/kota-kembar/{lang}/places/town-7/")[0] == 200
    finally:
        running.stop()


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
    events = server.events()
    server.edit(RECORD, "en: Badung is exploring a partnership with Fujisawa.",
                "en: Badung and Fujisawa are talking about a partnership.")
    assert events.wait_for_reload().startswith("data: {")
    status, _, body = server.get(PAGE)
    assert status == 200 and "Badung and Fujisawa are talking about a partnership." in body
    assert unrelated.stat().st_mtime_ns == before  # its bytes did not change, so it was not written
    events.close()
    # The open data follows right after the reload.
    server.wait_for_log("rebuilt")
    csv = server.out / "data/partnerships.csv"
    deadline = time.monotonic() + 30
    while "Badung and Fujisawa are talking" not in csv.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.1)
    # Quiet: one line per build, none per request.
    log = server.log.read_text()
    assert "GET /" not in log and "HTTP/1.1" not in log
    assert re.search(r"^rebuilt \d+ pages, wrote \d+ files into .* in \d+\.\d\d s$", log, re.M), log


def test_raw_html_that_a_save_adds_is_a_warning_in_the_terminal(server):
    events = server.events()
    story = "content/partnerships/badung-fujisawa.id.md"
    text = (server.root / story).read_text(encoding="utf-8")
    (server.root / story).write_text(text + "\n<iframe src=\"https://x.org\"></iframe>\n", encoding="utf-8")
    events.wait_for_reload()
    server.wait_for_log(f"warning: {story}:")
    assert "<iframe> is removed from the page" in server.log.read_text()
    events.close()


def test_errors_replace_every_page_until_the_next_good_save(server):
    events = server.events()
    server.edit(RECORD, "status: loi-signed", "status: signed")
    events.wait_for_reload()
    for path, title in (("/kota-kembar/ja/", "コンテンツのエラー"), ("/kota-kembar/id/", "Kesalahan konten"),
                        (PAGE, "Content errors"), ("/kota-kembar/en/no-such-page/", "Content errors")):
        status, headers, body = server.get(path)
        assert status == 500 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert f"<title>{title}</title>" in body  # in the page's language
        assert f"{RECORD}:3:9: unknown status &#39;signed&#39;" in body
        assert "\n    status: signed\n            ^" in body  # the source line and a caret under the column
        assert "__kembar/events" in body  # so the next good save brings the page back
    assert server.get("/kota-kembar/static/site.css")[0] == 200  # assets are still served
    assert server.get("/favicon.ico")[0] == 404  # not a page: no error page for it
    assert "unknown status 'signed'" in server.log.read_text()  # and the terminal says it too

    server.edit(RECORD, "status: signed", "status: active")
    events.wait_for_reload()
    status, _, body = server.get(PAGE)
    assert status == 200 and "Content errors" not in body
    events.close()


def test_a_new_skeleton_shows_its_errors_on_its_own_pages_and_leaves_the_rest_working(server):
    """`new partnership` while serve runs: the record's TODOs are errors on its own pages and
    in the terminal (each said once); every other page keeps working and follows edits."""
    events = server.events()
    assert main(["new", "partnership", "test-x", "--parties", "badung,fujisawa",
                 "--content", str(server.content)]) == 0
    events.wait_for_reload()
    status, _, body = server.get("/kota-kembar/en/partnerships/test-x/")
    assert status == 500 and "content/partnerships/test-x.yaml:" in body and "still says TODO" in body
    status, _, body = server.get(PAGE)
    assert status == 200 and "Content errors" not in body
    server.edit(RECORD, "en: Badung is exploring a partnership with Fujisawa.", "en: Edited beside a skeleton.")
    events.wait_for_reload()
    assert "Edited beside a skeleton." in server.get(PAGE)[2]
    log = server.log.read_text()
    assert "the browser shows these errors on the pages of those records" in log
    assert "summary has no text" not in log  # each language's TODO says it already
    assert main(["check", "--content", str(server.content)]) == 1  # check still fails on it
    events.close()


def test_the_content_folder_replaced_whole_is_watched_again(server):
    """A tool that deletes the content folder and writes it anew: the server says so, waits,
    and rebuilds from the new folder; later saves are seen as before."""
    backup = server.root / "backup"
    shutil.copytree(server.content, backup)
    shutil.rmtree(server.content)
    server.wait_for_log("is gone: waiting for it to come back")
    shutil.copytree(backup, server.content)
    server.wait_for_log("is back: rebuilding everything")
    events = server.events()
    server.edit(RECORD, "en: Badung is exploring a partnership with Fujisawa.", "en: Saved after the restore.")
    events.wait_for_reload()
    assert "Saved after the restore." in server.get(PAGE)[2]
    events.close()


def chromium(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(arg)
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def search_results(driver, url: str, timeout: float = 20) -> list[str]:
    """The result links the search page shows for the query in its URL (Pagefind's UI)."""
    driver.get(url)
    deadline, links = time.monotonic() + timeout, []
    while time.monotonic() < deadline and not links:
        links = [a.get_attribute("href") for a in driver.find_elements("css selector", ".pagefind-ui__result-link")]
        time.sleep(0.2)
    return links


def test_search_works_in_the_preview_and_follows_edits(server, tmp_path):
    """The index is made in the background after the first build, and again once edits
    settle; queries in Indonesian and Japanese find the partnership, then the edited text."""
    server.wait_for_log("search index updated")
    status, headers, _ = server.get("/kota-kembar/pagefind/pagefind-ui.js")
    assert status == 200 and headers["Content-Type"] == "application/javascript; charset=utf-8"
    driver = chromium(tmp_path)
    try:
        base = f"http://127.0.0.1:{server.port}/kota-kembar"
        assert f"{base}/id/partnerships/badung-fujisawa/" in search_results(driver, f"{base}/id/search/?q=Fujisawa")
        assert f"{base}/ja/partnerships/badung-fujisawa/" in search_results(driver, f"{base}/ja/search/?q=藤沢市")
        server.edit(RECORD, "ja: バドゥン県は藤沢市との提携を模索しています。", "ja: バドゥン県は藤沢市と鎌倉彫の交流を始めました。")
        deadline = time.monotonic() + 60
        while server.log.read_text().count("search index updated") < 2:
            assert time.monotonic() < deadline, server.log.read_text()
            time.sleep(0.2)
        assert f"{base}/ja/partnerships/badung-fujisawa/" in search_results(driver, f"{base}/ja/search/?q=鎌倉彫")
    finally:
        driver.quit()


def test_the_open_browser_tab_reloads_after_each_save(server, tmp_path):
    """Headless Chromium on a page: the script the server adds reloads the tab after a
    save, shows the errors after a bad one and the page again after the fix."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium(tmp_path)
    try:
        wait = WebDriverWait(driver, 30)
        driver.get(f"http://127.0.0.1:{server.port}{PAGE}")
        time.sleep(0.5)  # the page's EventSource connects
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
                                                   (2, True, True)],
                         ids=["one process, looking at every file", "told the saved files", "forked, told the saved files",
                              "forked, told, the rest after the reload"])
def test_every_rebuild_equals_a_full_build(make_site, tmp_path, project, monkeypatch, processes, told, later):
    """After every kind of edit, the output folder is byte for byte what a full build makes,
    and only the pages whose declared inputs changed were rendered. `later`: every edit
    renders the pages the browser showed lately first, the rest after the reload."""
    if processes > 1:  # render every rebuild's pages in forked processes, however few
        monkeypatch.setattr("kembar.render.PARALLEL_FROM", 1)
    if later:
        monkeypatch.setattr("kembar.serve.LATER_FROM", 0)
        monkeypatch.setattr("kembar.serve.LATER_CHUNK", 3)
    content = make_site()
    out = tmp_path / "out"
    card = project.templates / "_card.html"  # lists that show each summary: a text edit reaches them too
    card.write_text(card.read_text(encoding="utf-8").replace("  </li>", "    <p>{{ t(p.summary) }}</p>\n  </li>"),
                    encoding="utf-8")
    preview = Preview(content, out, project, jobs=processes)
    shown = ["en/partnerships/badung-fujisawa/index.html", "ja/index.html"]
    preview.shown = dict.fromkeys(shown)
    first = preview.rebuild()
    assert first.errors == []
    while preview.later:
        first.rendered += preview.render_later().rendered
    preview.remake_data()
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

    def rebuild() -> list[str]:
        result = preview.rebuild(set(saved) if told else None)
        saved.clear()
        assert result.errors == []
        if later:  # only the pages shown lately before the reload, the rest after it
            assert set(result.rendered) <= set(shown)
        while preview.later:
            result.rendered += preview.render_later().rendered
        preview.remake_data()
        _, full, errors = pipeline.in_memory(content, project)
        assert errors == []
        assert on_disk(out) == full
        assert preview.digests == {name: digest(data) for name, data in full.items()}
        return result.rendered

    record = content / "partnerships/badung-fujisawa.yaml"
    edit(record, "en: Badung is exploring", "en: Badung is still exploring")
    rendered = rebuild()
    assert {"id/partnerships/badung-fujisawa/index.html", "en/partnerships/badung-fujisawa/index.html",
            "ja/partnerships/badung-fujisawa/index.html", "en/partnerships/index.html"} <= set(rendered)
    assert "en/explainers/what-is-a-sister-city/index.html" not in rendered
    assert len(rendered) < len(first.rendered)

    assert rebuild() == []  # nothing changed, nothing rendered
    edit(content / "partnerships/badung-fujisawa.id.md", "Cerita **Badung**", "Kisah **Badung**")
    assert "id/partnerships/badung-fujisawa/index.html" in rebuild()
    edit(record, "en: Talks began.", "en: Talks started.")  # an event in the feed
    assert "en/feed.xml" in rebuild()
    edit(record, "  ja: バドゥン県は藤沢市との提携を模索しています。\n", "")  # no Japanese summary
    assert "ja/translations/index.html" in rebuild()
    edit(record, "  en: Badung is still exploring", "  ja: バドゥン県は藤沢市との提携を模索しています。\n"
                                                   "  en: Badung is still exploring")
    rebuild()
    english = "  en: Badung is still exploring a partnership with Fujisawa.\n"
    edit(record, english, "")  # no English summary: the other versions stop naming it as an alternate
    rebuild()
    edit(record, "  ja: バドゥン県は", english + "  ja: バドゥン県は")
    rebuild()
    edit(record, "parties:", "# checked with the regency's site\nparties:")  # the same record
    rebuild()
    (content / "partnerships/.badung-fujisawa.yaml.swp").write_text("x")  # an editor's swap file
    saved.add(str(content / "partnerships/.badung-fujisawa.yaml.swp"))
    rebuild()
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

    # A template: only the pages that use it (directly or through what it extends).
    edit(project.templates / "term.html", "{% block main %}", "{% block main %}<!-- edited -->")
    rendered = rebuild()
    assert rendered and all(f.split("/")[1] in ("sectors", "status", "types") for f in rendered)
    edit(project.templates / "_card.html", '<p class="card-meta">', '<p class="card-meta" data-edited>')
    assert "ja/sectors/culture/index.html" in rebuild()
    edit(project.templates / "base.html", "<body>", "<body><!-- edited -->")
    uses = template_closure(snapshot(project.templates))
    assert sorted(rebuild()) == sorted(f for f, page in preview.pages.items() if "base.html" in uses[page.template])

    # A catalog: that language's pages, the pages in every language (the root 404), and the
    # translations pages, which count the UI strings.
    po = project.locales / "ja/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    home = re.search(r'msgid "Home"\nmsgstr "([^"]+)"', text)
    write(po, text.replace(home.group(0), 'msgid "Home"\nmsgstr "ホームページ"'))
    rendered = rebuild()
    assert "ja/index.html" in rendered
    assert {f for f in rendered if not f.startswith("ja/")} <= {"404.html", "index.html"}
    assert "ホームページ" in (out / "ja/index.html").read_text(encoding="utf-8")
    write(po, po.read_text(encoding="utf-8").replace('msgstr "ホームページ"', 'msgstr ""'))  # untranslated now
    assert "en/translations/index.html" in rebuild()

    # A static file: every page names it with its hash.
    edit(project.templates / "static/site.css", "body", "body ")
    assert len(rebuild()) == len(preview.pages)
    # The base URL: every link changes, also those inside converted Markdown kept from before.
    edit(content / "site.yaml", "github.io/kota-kembar/", "github.io/kembar-preview/")
    rebuild()
    assert 'href="/kembar-preview/en/places/fujisawa/"' in (out / "en/partnerships/badung-fujisawa/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("told", [False, True])
def test_a_broken_edit_keeps_the_last_good_site_and_the_fix_catches_up(make_site, tmp_path, project, told):
    content = make_site()
    out = tmp_path / "out"
    preview = Preview(content, out, project)
    preview.rebuild()
    record = content / "partnerships/badung-fujisawa.yaml"
    place = content / "places/badung.yaml"
    saved = {str(record), str(place)} if told else None  # the files the watcher reports
    good = (out / "en/partnerships/badung-fujisawa/index.html").read_bytes()
    original = record.read_text(encoding="utf-8")
    record.write_text(original.replace("parties: [badung, fujisawa]", "parties: [badung, fujisawa"), encoding="utf-8")
    result = preview.rebuild(saved)
    assert [str(e) for e in result.errors][0].startswith(f"{RECORD}:")
    assert (out / "en/partnerships/badung-fujisawa/index.html").read_bytes() == good  # nothing written
    # Two edits while broken (one in another file): the fix brings both in.
    place.write_text(place.read_text(encoding="utf-8").replace("en: Badung Regency", "en: Regency of Badung"),
                     encoding="utf-8")
    preview.rebuild(saved)
    record.write_text(original, encoding="utf-8")
    assert preview.rebuild(saved).errors == []
    preview.remake_data()
    _, full, _ = pipeline.in_memory(content, project)
    assert on_disk(out) == full
    assert "Regency of Badung" in (out / "en/partnerships/badung-fujisawa/index.html").read_text(encoding="utf-8")
    # A mistake only the checks find (the file reads fine): reported, then fixed.
    narrative = content / "partnerships/badung-fujisawa.id.md"
    story = narrative.read_text(encoding="utf-8")
    narrative.write_text(story.replace("place:fujisawa", "place:fujisawaa"), encoding="utf-8")
    errors = [str(e) for e in preview.rebuild({str(narrative)} if told else None).errors]
    assert len(errors) == 1 and "link to place 'fujisawaa', which does not exist" in errors[0]
    narrative.write_text(story, encoding="utf-8")
    assert preview.rebuild({str(narrative)} if told else None).errors == []


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
    preview.remake_data()
    _, full, _ = pipeline.in_memory(content, project)
    assert on_disk(out) == full


def test_a_remembered_record_is_checked_again_when_what_it_was_checked_against_changes(make_site, tmp_path):
    content = make_site()
    preview = Preview(content, tmp_path / "out", pipeline.PROJECT)
    assert preview.rebuild().errors == []

    def edit(path, old, new):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        return {str(path)}  # what the watcher reports

    # Its place: the record's own file did not change, its parties' places did.
    saved = edit(content / "places/badung.yaml", "country: ID", "country: JP")
    assert any("the Indonesian party comes first" in str(e) for e in preview.rebuild(saved).errors)
    assert preview.rebuild(edit(content / "places/badung.yaml", "country: JP", "country: ID")).errors == []
    # The vocabulary: a sector the record names goes away.
    saved = edit(content / "vocabulary.yaml", "  tourism:", "  travel:")
    assert any(f"{RECORD}:" in str(e) and "tourism" in str(e) for e in preview.rebuild(saved).errors)
    assert preview.rebuild(edit(content / "vocabulary.yaml", "  travel:", "  tourism:")).errors == []
    saved = edit(content / "vocabulary.yaml", "  city:", "  municipality:")  # a place's kind
    assert any("fujisawa.yaml:" in str(e) and "city" in str(e) for e in preview.rebuild(saved).errors)
    assert preview.rebuild(edit(content / "vocabulary.yaml", "  municipality:", "  city:")).errors == []
    preview.remake_data()
    _, full, _ = pipeline.in_memory(content, pipeline.PROJECT)
    assert on_disk(tmp_path / "out") == full


def test_the_error_page_is_in_the_pages_language_and_escapes_what_it_shows():
    error = ContentError("content/places/x.yaml", 2, 7, "unknown key '<b>'", "names: <b>")
    en = error_page([error], "en", pipeline.PROJECT).decode()
    ja = error_page([error], "ja", pipeline.PROJECT).decode()
    assert '<html lang="en">' in en and "<title>Content errors</title>" in en
    assert '<html lang="ja">' in ja and "<title>コンテンツのエラー</title>" in ja
    assert "content/places/x.yaml:2:7: unknown key &#39;&lt;b&gt;&#39;" in en and "<b>" not in en

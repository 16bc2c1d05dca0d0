"""Helpers of the publishing tests: the fixture site, the build as CI runs it, and an HTTP
server that serves a built site under /kota-kembar/ the way GitHub Pages does."""
from __future__ import annotations

import mimetypes
import subprocess
import textwrap
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kembar import pipeline
from kembar.cli import main
from kembar.model import Site

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = "https://example.github.io/kota-kembar/"
BASE_PATH = "/kota-kembar/"


def vocabulary(sections: dict[str, dict[str, tuple[str, str, str]]]) -> str:
    lines = []
    for section, terms in sections.items():
        lines.append(f"{section}:")
        for key, (id_, en, ja) in terms.items():
            lines += [f"  {key}:", f"    label: {{id: {id_}, en: {en}, ja: {ja}}}",
                      f"    definition: {{id: Definisi {id_}., en: Definition of {en}., ja: {ja}の定義です。}}"]
    return "\n".join(lines) + "\n"


# Words chosen for the search tests: only badung-fujisawa says "belajar" (Indonesian stem
# "ajar", as in the query "pembelajaran"), "cooperate" and 友好提携; only surabaya-kochi
# says 高知県.
# jepara-cambodia has no en/ja text: its en and ja pages are noindex fallbacks.
FIXTURE = {
    "site.yaml": """\
        title: {id: Kota Kembar Uji, en: Test Sister Cities, ja: テスト姉妹都市}
        description: {id: Situs uji penerbitan., en: A publishing test site., ja: 公開機能のテスト用サイトです。}
        languages: [id, en, ja]
        base_url: https://example.github.io/kota-kembar/
        """,
    "vocabulary.yaml": vocabulary({
        "types": {"sister-city": ("Kota kembar", "Sister city", "姉妹都市"),
                  "friendship": ("Persahabatan", "Friendship", "友好都市")},
        "statuses": {"exploring": ("Penjajakan", "Exploring", "協議中"),
                     "loi-signed": ("LoI ditandatangani", "Letter of intent signed", "意向書締結"),
                     "active": ("Berjalan", "Active", "提携中")},
        "sectors": {"culture": ("Budaya", "Culture", "文化"), "tourism": ("Pariwisata", "Tourism", "観光"),
                    "education": ("Pendidikan", "Education", "教育")},
        "place_kinds": {"regency": ("Kabupaten", "Regency", "郡"), "city": ("Kota", "City", "市"),
                        "prefecture": ("Prefektur", "Prefecture", "県"), "country": ("Negara", "Country", "国")},
    }),
    "places/badung.yaml": """\
        names: {id: Kabupaten Badung, en: Badung Regency, ja: バドゥン県}
        kind: regency
        country: ID
        region: {id: Bali, en: Bali, ja: バリ州}
        location: [-8.58, 115.18]
        """,
    "places/fujisawa.yaml": """\
        names: {id: Kota Fujisawa, en: Fujisawa City, ja: 藤沢市}
        kind: city
        country: JP
        location: [35.34, 139.49]
        """,
    "places/surabaya.yaml": """\
        names: {id: Kota Surabaya, en: Surabaya City, ja: スラバヤ市}
        kind: city
        country: ID
        location: [-7.25, 112.75]
        """,
    "places/kochi.yaml": """\
        names: {id: Prefektur Kochi, en: Kochi Prefecture, ja: 高知県}
        kind: prefecture
        country: JP
        location: [33.56, 133.53]
        """,
    "places/jepara.yaml": """\
        names: {id: Kabupaten Jepara}
        kind: regency
        country: ID
        location: [-6.59, 110.67]
        """,
    "places/cambodia.yaml": """\
        names: {id: Kamboja, en: Cambodia, ja: カンボジア}
        kind: country
        country: KH
        """,
    "partnerships/badung-fujisawa.yaml": """\
        parties: [badung, fujisawa]
        type: friendship
        status: loi-signed
        sectors: [culture, tourism]
        summary:
          id: Pelajar Badung belajar budaya di Fujisawa.
          en: Badung wants to cooperate with Fujisawa in culture.
          ja: バドゥン県と藤沢市は友好提携の締結に向けて協議しています。
        timeline:
          - date: "2024-10"
            stage: exploring
            text: {id: Penjajakan dimulai., en: Talks began., ja: 協議が始まりました。}
          - date: "2025-06-12"
            stage: loi-signed
            text: {id: Surat minat dikirim., en: A letter of interest was sent., ja: 意向書が送られました。}
          - date: "2025-06-12"
            text: {id: Kedua kepala daerah bertemu daring., en: The two heads met online., ja: 両首長がオンラインで会談しました。}
        sources:
          - {title: Pemkab Badung jajaki kerja sama, publisher: ANTARA Bali, url: "https://bali.antaranews.com/berita/359749/x", date: "2024-10", lang: id}
        """,
    "partnerships/surabaya-kochi.yaml": """\
        parties: [surabaya, kochi]
        type: sister-city
        status: active
        sectors: [education]
        summary:
          id: Surabaya dan Kochi menjadi kota kembar pada 1997.
          en: Surabaya and Kochi became sister cities in 1997.
          ja: スラバヤ市と高知県は1997年に姉妹都市になりました。
        timeline:
          - date: "1997"
            stage: active
            text: {id: Perjanjian ditandatangani., en: The agreement was signed., ja: 協定が結ばれました。}
        sources:
          - {title: Sister cities, publisher: Kochi Prefecture, url: "https://www.pref.kochi.lg.jp/x", lang: ja}
        """,
    "partnerships/jepara-cambodia.yaml": """\
        parties: [jepara, cambodia]
        type: friendship
        status: exploring
        summary: {id: Jepara menjajaki kerja sama dengan Kamboja.}
        timeline:
          - date: "2019-12"
            stage: exploring
            text: {id: Kunjungan pertama.}
        sources:
          - {title: Jepara dan Kamboja, publisher: ANTARA, url: "https://www.antaranews.com/x"}
        """,
    "explainers/what-is-a-sister-city.id.md": """\
        ---
        title: Apa itu kota kembar?
        summary: Penjelasan singkat.
        order: 1
        ---
        ## Pengertian

        Lihat [Badung–Fujisawa](partnership:badung-fujisawa).
        """,
    "explainers/what-is-a-sister-city.en.md": """\
        ---
        title: What is a sister city?
        ---
        ## Meaning

        See [Surabaya–Kochi](partnership:surabaya-kochi).
        """,
}


def write_fixture(content: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return content


@dataclass(frozen=True)
class Built:
    name: str
    content: Path
    out: Path
    site: Site

    def url(self, path: str) -> str:
        return BASE_URL + path

    def html_pages(self) -> list[Path]:
        return sorted(p for p in self.out.rglob("*.html") if "pagefind" not in p.relative_to(self.out).parts)


def build(content: Path, out: Path, *extra: str) -> Built:
    """The real command line, as CI runs it (Pagefind included unless --no-search)."""
    status = main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE_URL, *extra])
    assert status == 0, f"build of {content} failed"
    site, _, errors = pipeline.in_memory(content, base_url=BASE_URL)
    assert errors == []
    return Built(content.parent.name, content, out, site)


# -- serving -------------------------------------------------------------------------------
class PagesHandler(BaseHTTPRequestHandler):
    """Serves folder under /kota-kembar/ like GitHub Pages: index.html for folders, a
    redirect for a folder without its slash, and the root 404.html for anything missing."""

    folder: Path

    def do_GET(self):
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(BASE_PATH):
            return self.not_found()
        target = (self.folder / path[len(BASE_PATH):]).resolve()
        if not target.is_relative_to(self.folder):
            return self.not_found()
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            target = target / "index.html"
        if not target.is_file():
            return self.not_found()
        return self.send(200, target)

    def not_found(self):
        return self.send(404, self.folder / "404.html")

    def send(self, status: int, file: Path):
        body = file.read_bytes() if file.is_file() else b"not found"
        kind = {".wasm": "application/wasm", ".js": "text/javascript", ".xml": "application/xml",
                ".geojson": "application/geo+json"}.get(file.suffix) or mimetypes.guess_type(file.name)[0]
        self.send_response(status)
        self.send_header("Content-Type", kind or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output quiet
        pass


@dataclass
class Server:
    origin: str
    httpd: ThreadingHTTPServer

    def url(self, path: str = "") -> str:
        return self.origin + BASE_PATH + path


def serve(folder: Path) -> Server:
    handler = type("Handler", (PagesHandler,), {"folder": folder.resolve()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return Server(f"http://127.0.0.1:{httpd.server_address[1]}", httpd)


def node_tool(name: str) -> Path:
    """A tool from package.json's devDependencies (installed by npm ci)."""
    path = ROOT / "node_modules" / name
    assert path.exists(), f"{path} is missing: run npm ci at the repository root"
    return path


def run(*argv, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kw)

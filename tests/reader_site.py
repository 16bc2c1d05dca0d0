"""The reader's fixture site and browser, shared by tests/test_reader.py and tests/test_a11y.py
(tests/conftest.py imports the fixtures): one build per session under /kota-kembar/, served
by a local HTTP server thread, and one headless Chromium.

The site is small but covers every case a reader page has to handle: every status (an
expired partnership with its earlier stages), every type, a province party and a city
in a province that has no page, a partner country without a location, a Japanese page
that falls back to Indonesian, a sector named only in Indonesian, a long narrative and
a caution.
"""
from __future__ import annotations

import functools
import http.server
import json
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from kembar.cli import main

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://example.github.io/kota-kembar/"
BASE_PATH = "/kota-kembar/"
LANGS = ("id", "en", "ja")


def _term(id_, en, ja):
    return (f"label: {{id: \"{id_}\", en: \"{en}\", ja: \"{ja}\"}}\n"
            f"    definition: {{id: \"Definisi {id_}.\", en: \"Definition of {en}.\", ja: \"{ja}の定義です。\"}}")


def _terms(rows):
    return "\n".join(f"  {key}:\n    {_term(*labels)}" for key, *labels in rows)


VOCABULARY = "types:\n" + _terms([
    ("sister-city", "Kota kembar", "Sister city", "姉妹都市"),
    ("sister-province", "Provinsi kembar", "Sister province", "姉妹県州"),
    ("friendship", "Kota/provinsi sahabat", "Friendship city or province", "友好都市・友好提携"),
    ("thematic-cooperation", "Kerja sama bidang tertentu", "Thematic cooperation", "分野別協力"),
]) + "\nstatuses:\n" + _terms([
    ("exploring", "Penjajakan", "Exploring", "提携の模索・協議中"),
    ("loi-signed", "Pernyataan Kehendak (LoI) ditandatangani", "Letter of intent signed", "意向書締結"),
    ("in-approval", "Proses persetujuan", "Under approval", "承認手続中"),
    ("mou-signed", "Nota Kesepahaman (MoU) ditandatangani", "MoU signed", "覚書（MOU）締結"),
    ("active", "Berjalan", "Active", "提携中"),
    ("expired", "Berakhir masa berlakunya", "Expired", "期間満了"),
    ("dormant", "Tidak aktif", "Dormant", "休止中"),
    ("ended", "Diakhiri", "Ended", "解消"),
]) + "\nsectors:\n" + _terms([
    ("culture", "Budaya", "Culture", "文化"), ("arts", "Kesenian", "Arts", "芸術"),
    ("heritage", "Pelestarian warisan budaya", "Heritage conservation", "文化財保護"),
    ("tourism", "Pariwisata", "Tourism", "観光"), ("education", "Pendidikan", "Education", "教育"),
    ("labour", "Ketenagakerjaan", "Labour", "労働"),
    ("vocational-training", "Pelatihan vokasi", "Vocational training", "職業訓練"),
    ("labour-placement", "Penempatan tenaga kerja", "Labour placement", "人材送り出し"),
    ("infrastructure", "Infrastruktur", "Infrastructure", "インフラ"),
    ("environment", "Lingkungan hidup", "Environment", "環境"),
    ("waste", "Pengelolaan sampah", "Waste management", "廃棄物処理"),
    ("transport", "Transportasi", "Transport", "交通"), ("trade", "Perdagangan", "Trade", "貿易"),
    ("disaster", "Penanggulangan bencana", "Disaster management", "防災"),
]) + """
  msme:
    label: {id: UMKM}
    definition: {id: "Usaha mikro, kecil, dan menengah."}
""" + "place_kinds:\n" + _terms([
    ("village", "Desa", "Village", "村"), ("city", "Kota", "City", "市"),
    ("regency", "Kabupaten", "Regency", "県（カブパテン）"), ("province", "Provinsi", "Province", "州"),
    ("special-region", "Daerah istimewa", "Special region", "特別州"),
    ("prefecture", "Prefektur", "Prefecture", "県"), ("state", "Negara bagian", "State", "州"),
    ("country", "Negara", "Country", "国"),
]) + "\n"


def _place(names, kind, country, location=None, region=None):
    lines = [f"names: {json.dumps(names, ensure_ascii=False)}", f"kind: {kind}", f"country: {country}"]
    if region:
        lines.append(f"region: {json.dumps(region, ensure_ascii=False)}")
    if location:
        lines.append(f"location: {list(location)}")
    return "\n".join(lines) + "\n"


NARRATIVE = {
    "id": "Pemerintah Kabupaten Badung menjajaki kerja sama kota kembar dengan Kota Fujisawa di Prefektur Kanagawa, Jepang.",
    "en": "The Badung Regency government said it was exploring a sister-city partnership with the city of Fujisawa in Kanagawa Prefecture, Japan.",
    "ja": "バドゥン県は、神奈川県藤沢市との姉妹都市提携を検討していると発表しました。",
}


def _narrative(lang):
    heads = {"id": ("Penjajakan (Oktober 2024)", "Surat minat (Juni 2025)"),
             "en": ("Exploratory talks (October 2024)", "Letter of interest (June 2025)"),
             "ja": ("協議の開始（2024年10月）", "意向書（2025年6月）")}[lang]
    para = " ".join([NARRATIVE[lang]] * 4)
    return (f"## {heads[0]}\n\n{para}\n\n- {NARRATIVE[lang]}\n- {NARRATIVE[lang]}\n\n{para}\n\n"
            f"## {heads[1]}\n\n{para}\n\n{para} [Bali](place:bali)\n")


FILES = {
    "site.yaml": """\
        title: {id: Kota Kembar Indonesia, en: Indonesia's Sister Cities, ja: インドネシアの姉妹都市}
        description:
          id: Informasi publik tentang kemitraan kota kembar daerah di Indonesia.
          en: Public information on the sister-city partnerships of Indonesian regions.
          ja: インドネシアの自治体の姉妹都市提携についての公開情報です。
        languages: [id, en, ja]
        base_url: https://example.github.io/kota-kembar/
        contact: https://github.com/example/kota-kembar/issues
        repository: https://github.com/example/kota-kembar
        """,
    "vocabulary.yaml": VOCABULARY,
    "places/badung.yaml": _place({"id": "Kabupaten Badung", "en": "Badung Regency", "ja": "バドゥン県"}, "regency", "ID",
                                 (-8.58, 115.18), {"id": "Bali", "en": "Bali", "ja": "バリ州"}),
    "places/bali.yaml": _place({"id": "Provinsi Bali", "en": "Bali Province", "ja": "バリ州"}, "province", "ID", (-8.65, 115.22)),
    "places/bandung.yaml": _place({"id": "Kota Bandung", "en": "Bandung City", "ja": "バンドン市"}, "city", "ID",
                                  (-6.91, 107.61), {"id": "Jawa Barat", "en": "West Java", "ja": "西ジャワ州"}),
    "places/jawa-barat.yaml": _place({"id": "Provinsi Jawa Barat", "en": "West Java Province", "ja": "西ジャワ州"},
                                     "province", "ID", (-6.92, 107.6)) + "reading: {ja: にしじゃわしゅう}\n",
    "places/yogyakarta.yaml": _place({"id": "Daerah Istimewa Yogyakarta", "en": "Special Region of Yogyakarta",
                                      "ja": "ジョクジャカルタ特別州"}, "special-region", "ID", (-7.8, 110.36)),
    "places/makassar.yaml": _place({"id": "Kota Makassar", "en": "Makassar City", "ja": "マカッサル市"}, "city", "ID",
                                   (-5.15, 119.43), {"id": "Sulawesi Selatan", "en": "South Sulawesi", "ja": "南スラウェシ州"}),
    "places/jepara.yaml": _place({"id": "Kabupaten Jepara"}, "regency", "ID", (-6.59, 110.67),
                                 {"id": "Jawa Tengah", "en": "Central Java", "ja": "中部ジャワ州"}),
    "places/fujisawa.yaml": _place({"id": "Kota Fujisawa", "en": "Fujisawa City", "ja": "藤沢市"}, "city", "JP", (35.34, 139.49)),
    "places/kumamoto.yaml": _place({"id": "Prefektur Kumamoto", "en": "Kumamoto Prefecture", "ja": "熊本県"},
                                   "prefecture", "JP", (32.79, 130.74)),
    "places/kyoto.yaml": _place({"id": "Prefektur Kyoto", "en": "Kyoto Prefecture", "ja": "京都府"}, "prefecture", "JP", (35.02, 135.76)),
    "places/braunschweig.yaml": _place({"id": "Braunschweig", "en": "Braunschweig", "ja": "ブラウンシュヴァイク"}, "city", "DE",
                                       (52.27, 10.52)),
    "places/south-australia.yaml": _place({"id": "Australia Selatan", "en": "South Australia", "ja": "南オーストラリア州"},
                                          "state", "AU", (-34.93, 138.6)),
    "places/yokohama.yaml": _place({"id": "Kota Yokohama", "en": "Yokohama City", "ja": "横浜市"}, "city", "JP", (35.44, 139.64)),
    "places/cambodia.yaml": _place({"id": "Kerajaan Kamboja", "en": "Kingdom of Cambodia", "ja": "カンボジア王国"}, "country", "KH"),
    "partnerships/badung-fujisawa.yaml": """\
        parties: [badung, fujisawa]
        type: sister-city
        status: loi-signed
        sectors: [culture, arts, heritage, tourism, education, labour, vocational-training, labour-placement, msme, infrastructure, environment, waste, transport]
        summary:
          id: "Pemerintah Kabupaten Badung dan Pemerintah Kota Fujisawa menjajaki kerja sama kota kembar sejak Oktober 2024. Pada Juni 2025 Pemkab Badung telah mengirimkan surat pernyataan minat untuk menjalin Nota Kesepahaman (MoU)."
          en: "Badung Regency and Fujisawa City have been exploring a sister-city partnership since October 2024. By June 2025 Badung had sent Fujisawa a letter stating its interest in a memorandum of understanding (MoU)."
          ja: "バドゥン県と藤沢市は、2024年10月から姉妹都市提携に向けた協議を進めています。2025年6月までに、バドゥン県は藤沢市に覚書（MOU）締結への意向を示す書簡を送付しました。"
        caution:
          id: "Sumber-sumber belum menyebut tanggal penandatanganan surat pernyataan minat."
          en: "The sources do not give the date on which the letter of interest was signed."
          ja: "意向書に署名した日付は、いずれの情報源にも書かれていません。"
        timeline:
          - date: "2024-10"
            stage: exploring
            text:
              id: "Delegasi Kota Fujisawa berkunjung ke Badung; Pemkab Badung menjajaki kerja sama di bidang budaya, pariwisata, ketenagakerjaan, dan pendidikan."
              en: "A Fujisawa delegation visited Badung, and the regency began exploring a partnership in culture, tourism, labour and education."
              ja: "藤沢市の訪問団がバドゥン県を訪れ、同県は文化・観光・労働・教育の分野での提携の検討を始めました。"
          - date: "2025-06-12"
            stage: loi-signed
            text:
              id: "Bupati Badung dan Wali Kota Fujisawa bertemu secara daring; Pemkab Badung telah mengirimkan surat pernyataan minat."
              en: "The Regent of Badung and the Mayor of Fujisawa met online; Badung had sent a letter stating its interest in an MoU."
              ja: "バドゥン県知事と藤沢市長がオンラインで会談し、バドゥン県は意向書を送付済みであると明らかにしました。"
        sources:
          - title: "Pemkab Badung jajaki kerja sama dengan Pemerintah Kota Fujisawa Jepang"
            publisher: ANTARA Bali
            url: https://bali.antaranews.com/berita/359749/pemkab-badung-jajaki-kerja-sama-dengan-pemerintah-kota-fujisawa-jepang
            date: "2024-10"
            lang: id
          - title: "Pemkab Badung Bali jajaki kerja sama dengan Pemerintah Fujisawa Jepang"
            publisher: ANTARA Bali
            url: https://bali.antaranews.com/berita/380217/pemkab-badung-bali-jajaki-kerja-sama-dengan-pemerintah-fujisawa-jepang
            date: "2025-06"
            lang: id
          - title: "Badung Jajaki Kerja Sama Internasional dengan Kota Fujisawa Jepang"
            publisher: Menitini.com
            url: https://www.menitini.com/badung-jajaki-kerja-sama-internasional-dengan-kota-fujisawa-jepang/
            date: "2025-06"
            lang: id
        """,
    "partnerships/badung-fujisawa.id.md": _narrative("id"),
    "partnerships/badung-fujisawa.en.md": _narrative("en"),
    "partnerships/badung-fujisawa.ja.md": _narrative("ja"),
    "partnerships/bali-kumamoto.yaml": """\
        parties: [bali, kumamoto]
        type: thematic-cooperation
        status: expired
        sectors: [tourism, environment, education]
        summary: {id: Kerja sama Bali dan Kumamoto berakhir pada 2021., en: The Bali-Kumamoto cooperation expired in 2021., ja: バリ州と熊本県の協力は2021年に期間満了となりました。}
        timeline:
          - date: "2015"
            stage: exploring
            text: {id: Penjajakan dimulai., en: Talks began., ja: 協議が始まりました。}
          - date: "2016-02-08"
            stage: mou-signed
            text: {id: MoU ditandatangani., en: An MoU was signed., ja: 覚書が結ばれました。}
          - date: "2021-02-08"
            stage: expired
            text: {id: MoU berakhir., en: The MoU expired., ja: 覚書の期間が満了しました。}
        sources:
          - {title: Kumamoto and Bali, publisher: Kumamoto Prefecture, url: "https://www.pref.kumamoto.jp/x", date: "2016-02", lang: ja}
        """,
    "partnerships/bandung-braunschweig.yaml": """\
        parties: [bandung, braunschweig]
        type: sister-city
        status: active
        sectors: [trade, education, culture]
        summary: {id: Bandung dan Braunschweig adalah kota kembar sejak 1960., en: Bandung and Braunschweig have been sister cities since 1960., ja: バンドン市とブラウンシュヴァイクは1960年から姉妹都市です。}
        timeline:
          - date: "1960"
            stage: active
            text: {id: Hubungan kota kembar dimulai., en: The sister-city tie began., ja: 姉妹都市提携が始まりました。}
        sources:
          - {title: Städtepartnerschaften, publisher: Stadt Braunschweig, url: "https://www.braunschweig.de/x", lang: de}
        """,
    "partnerships/jawa-barat-south-australia.yaml": """\
        parties: [jawa-barat, south-australia]
        type: sister-province
        status: in-approval
        sectors: [education, trade]
        summary: {id: Jawa Barat dan Australia Selatan sedang menunggu persetujuan., en: West Java and South Australia await approval., ja: 西ジャワ州と南オーストラリア州は承認手続中です。}
        timeline:
          - date: "2023-05"
            stage: loi-signed
            text: {id: LoI ditandatangani., en: A letter of intent was signed., ja: 意向書が結ばれました。}
          - date: "2024-03"
            stage: in-approval
            text: {id: DPRD membahas rencana kerja sama., en: The DPRD discussed the plan., ja: 州議会が計画を審議しました。}
        sources:
          - {title: West Java and South Australia, publisher: Government of South Australia, url: "https://www.sa.gov.au/x", date: "2024-03", lang: en}
        """,
    "partnerships/yogyakarta-kyoto.yaml": """\
        parties: [yogyakarta, kyoto]
        type: friendship
        status: active
        sectors: [culture, heritage, tourism]
        summary: {id: DIY dan Kyoto bersahabat sejak 1985., en: Yogyakarta and Kyoto have been friendship regions since 1985., ja: ジョクジャカルタ特別州と京都府は1985年から友好提携を結んでいます。}
        timeline:
          - date: "1985-07-16"
            stage: active
            text: {id: Perjanjian persahabatan ditandatangani., en: The friendship agreement was signed., ja: 友好提携が結ばれました。}
        sources:
          - {title: 京都府の国際交流, publisher: 京都府, url: "https://www.pref.kyoto.jp/x", lang: ja}
        """,
    "partnerships/makassar-yokohama.yaml": """\
        parties: [makassar, yokohama]
        type: thematic-cooperation
        status: dormant
        sectors: [waste, disaster]
        summary: {id: Kerja sama Makassar dan Yokohama tidak aktif., en: The Makassar-Yokohama cooperation is dormant., ja: マカッサル市と横浜市の協力は休止しています。}
        timeline:
          - date: "2018-11"
            stage: mou-signed
            text: {id: MoU ditandatangani., en: An MoU was signed., ja: 覚書が結ばれました。}
          - date: "2022"
            stage: dormant
            text: {id: Tidak ada kegiatan sejak 2020., en: No activity since 2020 is reported., ja: 2020年以降の活動は報告されていません。}
        sources:
          - {title: Y-PORT, publisher: City of Yokohama, url: "https://www.city.yokohama.lg.jp/x", date: "2022", lang: ja}
        """,
    "partnerships/jepara-cambodia.yaml": """\
        parties: [jepara, cambodia]
        type: friendship
        status: mou-signed
        sectors: [culture, trade]
        summary: {id: Jepara dan Kerajaan Kamboja menandatangani MoU.}
        timeline:
          - date: "2019-12"
            stage: mou-signed
            text: {id: MoU ditandatangani di Phnom Penh.}
        sources:
          - {title: Jepara dan Kamboja, publisher: ANTARA, url: "https://www.antaranews.com/x", date: "2019-12", lang: id}
        """,
    "partnerships/bandung-yokohama.yaml": """\
        parties: [bandung, yokohama]
        type: sister-city
        status: ended
        sectors: [infrastructure]
        summary: {id: Kerja sama ini diakhiri., en: This cooperation was ended., ja: この提携は解消されました。}
        timeline:
          - date: "2010"
            stage: exploring
            text: {id: Penjajakan., en: Talks., ja: 協議。}
          - date: "2012"
            stage: ended
            text: {id: Diakhiri., en: Ended., ja: 解消されました。}
        sources:
          - {title: Bandung, publisher: Pemkot Bandung, url: "https://bandung.go.id/x", lang: id}
        """,
    "explainers/what-is-a-sister-city.id.md": """\
        ---
        title: Apa itu kota kembar?
        summary: Penjelasan singkat.
        order: 1
        ---
        ## Pengertian

        Lihat [Badung–Fujisawa](partnership:badung-fujisawa) dan [budaya](sector:culture).

        | Tahap | Dokumen |
        |---|---|
        | Penjajakan | Tidak ada |
        | LoI | Surat |
        """,
    "explainers/what-is-a-sister-city.en.md": """\
        ---
        title: What is a sister city?
        summary: A short explanation.
        ---
        ## Meaning

        See [Badung–Fujisawa](partnership:badung-fujisawa) and [Japan](country:JP).
        """,
    "explainers/how-to-read-this-site.id.md": """\
        ---
        title: Cara membaca situs ini
        order: 2
        ---
        ## Status

        Setiap status diberi tanggal.
        """,
}


def write_content(folder: Path) -> Path:
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@dataclass(frozen=True)
class Served:
    out: Path  # the built site
    origin: str  # http://127.0.0.1:port

    def url(self, path: str = "") -> str:
        return self.origin + BASE_PATH + path

    def page(self, path: str) -> str:
        return (self.out / (path + "index.html" if path.endswith("/") or not path else path)).read_text(encoding="utf-8")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def reader_site(tmp_path_factory):
    """The fixture site built once with the real command line (Pagefind included), served
    from a folder whose kota-kembar/ is the built site."""
    root = tmp_path_factory.mktemp("reader")
    content = write_content(root / "content")
    out = root / "www" / "kota-kembar"
    out.parent.mkdir()
    assert main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE_URL]) == 0
    handler = functools.partial(_Quiet, directory=str(root / "www"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield Served(out, f"http://127.0.0.1:{httpd.server_address[1]}")
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def reader_bundled(tmp_path_factory):
    """The content of this repository (read in place, never written), built in memory
    without the search index and served the same way: real names are longer than any fixture's."""
    from kembar import pipeline
    from kembar.write import write

    _, outputs, errors = pipeline.in_memory(ROOT / "content", base_url=BASE_URL)
    assert errors == [], errors
    www = tmp_path_factory.mktemp("reader-bundled") / "www"
    write(outputs, www / "kota-kembar")
    handler = functools.partial(_Quiet, directory=str(www))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield Served(www / "kota-kembar", f"http://127.0.0.1:{httpd.server_address[1]}")
    httpd.shutdown()
    httpd.server_close()


class Browser:
    """One headless Chromium with the switches the tests need: width, dark mode, JavaScript."""

    def __init__(self, driver):
        self.driver = driver
        self.axe_source = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
        self.width = self.dark = self.js = None
        self.set(width=1280, dark=False, js=True)

    def set(self, width=None, dark=None, js=None):
        d = self.driver
        if width is not None and width != self.width:
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600})
            self.width = width
        if dark is not None and dark != self.dark:
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
                {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
            self.dark = dark
        if js is not None and js != self.js:
            d.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not js})
            self.js = js
        return self

    def get(self, url: str):
        self.driver.get(url)
        return self.driver

    def axe(self) -> list[dict]:
        """axe-core's violations on the current page: WCAG 2.0-2.2 A and AA plus best practices."""
        d = self.driver
        d.execute_script(self.axe_source)
        return d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
                               resultTypes: ['violations']})
              .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))))
              .catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));
        """)


@pytest.fixture(scope="session")
def reader_browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    assert axe.is_file(), f"{axe} is missing: run npm ci at the repository root"
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--hide-scrollbars",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-reader')}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_script_timeout(30)
    yield Browser(driver)
    driver.quit()

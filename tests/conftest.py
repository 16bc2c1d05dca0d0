"""Shared fixtures: tiny inline sites written into tmp_path from dedented strings."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest


def _term(id_, en, ja):
    return f"label: {{id: {id_}, en: {en}, ja: {ja}}}\n    definition: {{id: Definisi {id_}., en: Definition of {en}., ja: {ja}の定義。}}"


VOCABULARY = f"""\
types:
  sister-city:
    {_term("Kota kembar", "Sister city", "姉妹都市")}
  friendship:
    {_term("Persahabatan", "Friendship", "友好提携")}
statuses:
  exploring:
    {_term("Penjajakan", "Exploring", "協議中")}
  loi-signed:
    {_term("LoI ditandatangani", "Letter of intent signed", "意向書締結")}
  active:
    {_term("Berjalan", "Active", "提携中")}
sectors:
  culture:
    {_term("Budaya", "Culture", "文化")}
  tourism:
    {_term("Pariwisata", "Tourism", "観光")}
place_kinds:
  regency:
    {_term("Kabupaten", "Regency", "県")}
  city:
    {_term("Kota", "City", "市")}
  country:
    {_term("Negara", "Country", "国")}
"""

SITE = {
    "content/site.yaml": """\
        title: {id: Kota Kembar Uji, en: Test Sister Cities, ja: テスト姉妹都市}
        description: {id: Situs uji., en: A test site., ja: テスト用のサイトです。}
        languages: [id, en, ja]
        base_url: https://example.github.io/kota-kembar/
        """,
    "content/vocabulary.yaml": VOCABULARY,
    "content/places/badung.yaml": """\
        names: {id: Kabupaten Badung, en: Badung Regency, ja: バドゥン県}
        kind: regency
        country: ID
        region: {id: Bali, en: Bali, ja: バリ州}
        location: [-8.58, 115.18]
        """,
    "content/places/fujisawa.yaml": """\
        names: {id: Kota Fujisawa, en: Fujisawa City, ja: 藤沢市}
        kind: city
        country: JP
        location: [35.34, 139.49]
        """,
    "content/partnerships/badung-fujisawa.yaml": """\
        parties: [badung, fujisawa]
        type: sister-city
        status: loi-signed
        sectors: [culture, tourism]
        summary:
          id: Badung menjajaki kerja sama dengan Fujisawa.
          en: Badung is exploring a partnership with Fujisawa.
          ja: バドゥン県は藤沢市との提携を模索しています。
        timeline:
          - date: "2024-10"
            stage: exploring
            text: {id: Penjajakan dimulai., en: Talks began., ja: 協議が始まりました。}
          - date: "2025-06-12"
            stage: loi-signed
            text: {id: Surat minat dikirim., en: A letter of interest was sent., ja: 意向書が送られました。}
        sources:
          - title: Pemkab Badung jajaki kerja sama
            publisher: ANTARA Bali
            url: https://bali.antaranews.com/berita/359749/x
            date: "2024-10"
            lang: id
        """,
    "content/partnerships/badung-fujisawa.id.md": """\
        Cerita **Badung** dan [Fujisawa](place:fujisawa).
        """,
    "content/explainers/what-is-a-sister-city.id.md": """\
        ---
        title: Apa itu kota kembar?
        summary: Penjelasan singkat.
        order: 1
        ---
        ## Pengertian

        Lihat [Badung–Fujisawa](partnership:badung-fujisawa) dan [budaya](sector:culture).
        """,
    "content/explainers/what-is-a-sister-city.en.md": """\
        ---
        title: What is a sister city?
        summary: A short explanation.
        ---
        ## Meaning

        See [Badung–Fujisawa](partnership:badung-fujisawa) and [Japan](country:JP).
        """,
}


def write_site(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write files (dedented; None deletes) under root; return the content folder."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root / "content"


@pytest.fixture(scope="session", autouse=True)
def outside_github_actions():
    """The suite runs in GitHub Actions too, where Kembar would add workflow commands
    (::error …) to what it prints: tests that want them set GITHUB_ACTIONS themselves."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("GITHUB_ACTIONS", raising=False)
        yield


@pytest.fixture
def make_site(tmp_path):
    """make_site(overrides) -> content folder of the small valid site with overrides applied."""
    def make(overrides: dict | None = None, root: Path | None = None) -> Path:
        return write_site(root or tmp_path, {**SITE, **(overrides or {})})
    return make


# The reader's fixture site, built and served once per session, and its headless Chromium
# (tests/test_reader.py and tests/test_a11y.py).
from reader_site import reader_browser, reader_bundled, reader_site  # noqa: E402,F401

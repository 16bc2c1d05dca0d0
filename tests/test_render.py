"""Stages 3-5: every page in three languages, with the right lang, title, links and dates."""
import re

import pytest

from kembar import pipeline
from kembar.model import PartialDate
from kembar.render import format_partial_date


@pytest.fixture
def outputs(make_site):
    site, outputs, errors = pipeline.in_memory(make_site())
    assert errors == []
    return {name: data.decode("utf-8") for name, data in outputs.items() if not name.startswith("static/")}


@pytest.mark.parametrize("date, lang, expected", [
    (PartialDate(1989, 10, 23), "id", "23 Oktober 1989"),
    (PartialDate(1989, 10, 23), "en", "October 23, 1989"),
    (PartialDate(1989, 10, 23), "ja", "1989年10月23日"),
    (PartialDate(1989, 11), "id", "November 1989"),
    (PartialDate(1989, 11), "en", "November 1989"),
    (PartialDate(1989, 11), "ja", "1989年11月"),
    (PartialDate(1960), "en", "1960"),
    (PartialDate(1960), "ja", "1960年"),
])
def test_dates_follow_cldr_and_never_add_precision(date, lang, expected):
    assert format_partial_date(date, lang) == expected


def test_every_page_type_exists_in_every_language(outputs):
    for lang in ("id", "en", "ja"):
        for path in ("", "partnerships/", "partnerships/badung-fujisawa/", "places/badung/", "places/fujisawa/",
                     "sectors/culture/", "status/loi-signed/", "types/sister-city/", "countries/jp/",
                     "explainers/", "explainers/what-is-a-sister-city/"):
            assert f"{lang}/{path}index.html" in outputs
    assert "index.html" in outputs  # the language chooser


def test_html_lang_title_and_canonical(outputs):
    page = outputs["ja/partnerships/badung-fujisawa/index.html"]
    assert '<html lang="ja"' in page
    assert "<title>バドゥン県 – 藤沢市 · テスト姉妹都市</title>" in page
    assert '<link rel="canonical" href="https://example.github.io/kota-kembar/ja/partnerships/badung-fujisawa/">' in page


def test_alternates_and_language_switch_lead_to_the_same_page(outputs):
    page = outputs["en/places/badung/index.html"]
    for lang in ("id", "en", "ja"):
        assert f'<link rel="alternate" hreflang="{lang}" href="https://example.github.io/kota-kembar/{lang}/places/badung/">' in page
    assert '<link rel="alternate" hreflang="x-default" href="https://example.github.io/kota-kembar/id/places/badung/">' in page
    switch = re.search(r'<nav class="lang-switch".*?</nav>', page, re.S).group(0)
    assert 'href="/kota-kembar/ja/places/badung/" lang="ja" hreflang="ja">日本語</a>' in switch
    assert 'href="/kota-kembar/id/places/badung/" lang="id" hreflang="id">Bahasa Indonesia</a>' in switch


def test_dates_render_in_the_page_language(outputs):
    assert "12 Juni 2025" in outputs["id/partnerships/badung-fujisawa/index.html"]
    assert "June 12, 2025" in outputs["en/partnerships/badung-fujisawa/index.html"]
    assert "2025年6月12日" in outputs["ja/partnerships/badung-fujisawa/index.html"]
    assert "2024年10月" in outputs["ja/partnerships/badung-fujisawa/index.html"]


def test_ui_strings_come_from_the_catalogs(outputs):
    assert ">Kronologi</h2>" in outputs["id/partnerships/badung-fujisawa/index.html"]
    assert ">Timeline</h2>" in outputs["en/partnerships/badung-fujisawa/index.html"]
    assert ">経緯</h2>" in outputs["ja/partnerships/badung-fujisawa/index.html"]


def test_missing_translation_falls_back_marked_with_its_language(outputs):
    # The narrative exists only in Indonesian; the explainer has no Japanese version.
    page = outputs["ja/partnerships/badung-fujisawa/index.html"]
    assert '<div class="prose" lang="id"><p>Cerita <strong>Badung</strong>' in page
    assert "このページの一部はまだ翻訳されていないため" in page
    explainer = outputs["ja/explainers/what-is-a-sister-city/index.html"]
    assert '<article lang="id">' in explainer and "Apa itu kota kembar?" in explainer
    assert '<meta name="robots" content="noindex">' in explainer
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)"', explainer)
    assert alternates == ["id", "en", "x-default"]  # not ja: its text is not in Japanese
    # A fully translated page says nothing about fallbacks.
    assert "このページの一部" not in outputs["ja/places/badung/index.html"]


def test_a_list_showing_an_untranslated_card_says_so_in_the_one_process_and_the_forked_build(make_site, tmp_path):
    """A card is rendered once and reused, so the texts it shows in another language must
    reach every list page that shows it (and no page that does not)."""
    from kembar.cli import main
    content = make_site({"content/places/fujisawa.yaml": """\
        names: {id: Kota Fujisawa, en: Fujisawa City}
        kind: city
        country: JP
        """})
    for jobs in ("1", "2"):
        out = tmp_path / f"site-{jobs}"
        assert main(["build", "--content", str(content), "--out", str(out), "--no-search", "--jobs", jobs]) == 0
        directory = (out / "ja/partnerships/index.html").read_text(encoding="utf-8")
        assert '<span lang="id">Kota Fujisawa</span>' in directory
        assert "このページの一部はまだ翻訳されていないため" in directory
        assert "このページの一部" not in (out / "ja/explainers/index.html").read_text(encoding="utf-8")


def test_markdown_links_to_records_resolve_per_language(outputs):
    page = outputs["en/explainers/what-is-a-sister-city/index.html"]
    assert '<a href="/kota-kembar/en/partnerships/badung-fujisawa/">Badung–Fujisawa</a>' in page
    assert '<a href="/kota-kembar/en/countries/jp/">Japan</a>' in page


def test_text_is_escaped(make_site):
    content = make_site({"content/places/fujisawa.yaml": """\
        names: {id: "<b>Fujisawa</b>", en: "Fujisawa & Co", ja: 藤沢市}
        kind: city
        country: JP
        """})
    _, outputs, errors = pipeline.in_memory(content)
    page = outputs["en/places/fujisawa/index.html"].decode()
    assert "Fujisawa &amp; Co" in page
    assert "<b>Fujisawa</b>" not in outputs["id/places/fujisawa/index.html"].decode()


def test_template_error_is_reported_at_the_template_line(make_site, tmp_path):
    import shutil
    from kembar.project import Project
    templates = tmp_path / "project" / "templates"
    shutil.copytree(pipeline.PROJECT.templates, templates)
    (templates / "term.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{{ nonexistent.field }}\n{% endblock %}\n")
    _, outputs, errors = pipeline.in_memory(make_site(), Project(templates, pipeline.PROJECT.locales))
    assert outputs is None
    assert [str(e) for e in errors] == [
        "templates/term.html:3:1: template error: UndefinedError: 'nonexistent' is undefined"]


def stock_markdown():
    import markdown

    from kembar.render import MARKDOWN_OPTIONS
    return markdown.Markdown(**MARKDOWN_OPTIONS)


# Every inline pattern of Python-Markdown, alone and mixed: what QuickInline must convert as the stock pass does.
INLINE_SAMPLES = [
    "plain words only", "`code` and ``a ` tick``", "\\*not em\\* and \\\\", "a [link](https://x.org/ \"t\") here",
    "![image](a.png) and ![ref][r]\n\n[r]: /u", "[ref][r] and [r]\n\n[r]: /u \"T\"", "<https://x.org/a?b=1&c>",
    "<someone@example.org>", "line  \nbreak", "<b>raw</b> <!-- c --> <br/>", "&amp; &#39; &#x41; & a&b",
    "*em* **strong** ***both*** 2 * 3", "_u_ __uu__ a_b_c", "**[bold link](partnership:a-b)** `*x*`",
    "[TOC]\n\n## A\n\n### B *c*", "| a | *b* |\n|---|---|\n| `c` | [d](e) |", "1. one\n2. *two*\n\n- [x](y)\n- z",
    "姉妹都市の**交流**と[記事](https://x.org/)もご覧ください。", "> quote with `code`\n\n    indented *code*",
]
PIECES = ["word", " ", "交流", "\n", "\n\n", "  \n", "`", "``", "\\", "[", "]", "(", ")", "![", "<", ">", "&", ";", "*",
          "**", "_", "__", "#", "## ", "- ", "1. ", "|", "---", "&amp;", "<b>", "</b>", "<!--", "-->", "http://x.org",
          "a@b.co", "[r]: /u", "(partnership:a-b)", '"', "[TOC]", "    "]



@pytest.mark.parametrize("text", INLINE_SAMPLES)
def test_the_quicker_inline_pass_converts_as_python_markdown_does(text):
    from kembar.render import Markdowner
    assert Markdowner().convert(text) == stock_markdown().reset().convert(text)


def test_the_quicker_inline_pass_converts_any_text_as_python_markdown_does():
    from hypothesis import given, settings, strategies as st

    from kembar.render import Markdowner
    quick, stock = Markdowner(), stock_markdown()

    @settings(max_examples=400, deadline=None, database=None)
    @given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
    def same(text):
        assert quick.convert(text) == stock.reset().convert(text)

    same()


def test_the_quicker_inline_pass_tries_only_the_patterns_a_text_could_match(monkeypatch):
    from markdown.treeprocessors import InlineProcessor

    from kembar.render import Markdowner
    tried = []
    apply = InlineProcessor._InlineProcessor__applyPattern
    monkeypatch.setattr(InlineProcessor, "_InlineProcessor__applyPattern",
                        lambda self, pattern, *args: tried.append(type(pattern).__name__) or apply(self, pattern, *args))
    converter = Markdowner()
    assert converter.convert("A paragraph, two; and a heading:\n\n## 交流") == "<p>A paragraph, two; and a heading:</p>\n<h2 id=\"交流\">交流</h2>"
    assert tried == []  # the stock pass tries all 14 patterns on each of the two texts
    converter.convert("a [link](x) & *em*")
    emphasis = type(converter.md.inlinePatterns["em_strong"]).__name__
    assert "BacktickInlineProcessor" not in tried and "LinkInlineProcessor" in tried and emphasis in tried


def test_every_id_a_template_gives_is_kept_from_markdown_headings():
    """render.TEMPLATE_IDS names every id written in templates/ (and in their scripts), so
    that a Markdown heading never takes one: a new id in a template must be added there."""
    import re

    from kembar.render import TEMPLATE_ID_PREFIXES, TEMPLATE_IDS, heading_id

    found = set()
    for path in sorted(pipeline.PROJECT.templates.rglob("*")):
        if path.suffix in (".html", ".js"):
            text = path.read_text(encoding="utf-8")
            found |= set(re.findall(r'\bid="([^"{]+)[{"]', text))
            found |= set(re.findall(r'\.id = "([^"]+)"|getElementById\("([^"]+)"\)', text) and
                         [a or b for a, b in re.findall(r'\.id = "([^"]+)"|getElementById\("([^"]+)"\)', text)])
    assert found and all(i in TEMPLATE_IDS or i.startswith(TEMPLATE_ID_PREFIXES) for i in found), found
    assert heading_id("Background", "-") == "s-background" and heading_id("Sejarah", "-") == "sejarah"
    assert heading_id("Filter sort", "-") == "s-filter-sort"


def test_the_quick_inline_pass_is_used_on_the_pinned_markdown():
    """QuickInline overrides a private method: on the Python-Markdown that pyproject allows it
    must be the pass in use (else the speed is silently lost); elsewhere the stock one runs."""
    import markdown

    from kembar.render import Markdowner, QuickInline, quick_inline_fits

    assert quick_inline_fits(), markdown.__version__
    assert isinstance(Markdowner().md.treeprocessors["inline"], QuickInline)

"""Translation status for translators, the strict gate, the public translations page and
the gettext round trip with Babel's own tools (on copies of the catalogs)."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from kembar import i18n, pipeline
from kembar.cli import main
from kembar.load import load
from kembar.catalogs import translations as catalog_translations
from kembar.project import Project
from kembar.validate import validate

ROOT = Path(__file__).resolve().parent.parent

POT = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

#: templates/base.html:3
msgid "Home"
msgstr ""

#: templates/base.html:4
msgid "Search"
msgstr ""

#: templates/base.html:5
msgid "Partnerships"
msgstr ""

#: templates/base.html:6
msgid "%(num)s partnership"
msgid_plural "%(num)s partnerships"
msgstr[0] ""
msgstr[1] ""
"""

ID_PO = """\
msgid ""
msgstr ""
"Language: id\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

#: templates/base.html:3
msgid "Home"
msgstr "Beranda"

#: templates/base.html:4
msgid "Search"
msgstr ""

#: templates/base.html:5
msgid "Partnerships"
msgstr "Kerja sama"

#: templates/base.html:6
msgid "%(num)s partnership"
msgid_plural "%(num)s partnerships"
msgstr[0] "%(num)s kerja sama"
msgstr[1] ""
"""

JA_PO = """\
msgid ""
msgstr ""
"Language: ja\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"Content-Type: text/plain; charset=utf-8\\n"

#: templates/base.html:3
msgid "Home"
msgstr "ホーム"

#: templates/base.html:4
#, fuzzy
#| msgid "Search the site"
msgid "Search"
msgstr "サイト内検索"

#: templates/base.html:5
msgid "Partnerships"
msgstr "提携"

#: templates/base.html:6
msgid "%(num)s partnership"
msgid_plural "%(num)s partnerships"
msgstr[0] "%(num)s件の提携"

#~ msgid "Old string"
#~ msgstr "古い文字列"
"""


@pytest.fixture
def catalogs(tmp_path) -> Project:
    """A project whose catalogs are small and known: id lacks two strings, ja has a fuzzy
    one and an obsolete one."""
    locales = tmp_path / "project/locales"
    (tmp_path / "project/templates").mkdir(parents=True)
    for lang, text in (("id", ID_PO), ("ja", JA_PO)):
        (locales / lang / "LC_MESSAGES").mkdir(parents=True)
        (locales / lang / "LC_MESSAGES/messages.po").write_text(text, encoding="utf-8")
    (locales / "messages.pot").write_text(POT, encoding="utf-8")
    return Project(tmp_path / "project/templates", locales)


UNTRANSLATED = {
    # the English summary is missing; the place Fujisawa has no Japanese name; no narrative
    "content/partnerships/badung-fujisawa.id.md": None,
    "content/partnerships/badung-fujisawa.yaml": """\
        parties: [badung, fujisawa]
        type: sister-city
        status: loi-signed
        summary:
          id: Badung menjajaki kerja sama dengan Fujisawa.
          ja: バドゥン県は藤沢市との提携を模索しています。
        timeline:
          - date: "2024-10"
            text: {id: Penjajakan dimulai., en: Talks began., ja: 協議が始まりました。}
        sources:
          - {title: Pemkab Badung jajaki kerja sama, publisher: ANTARA Bali, url: "https://bali.antaranews.com/berita/359749/x"}
        """,
    "content/places/fujisawa.yaml": """\
        names: {id: Kota Fujisawa, en: Fujisawa City}
        kind: city
        country: JP
        """,
}


def site_of(content):
    docs, errors = load(content)
    site, more = validate(docs)
    assert errors + more == []
    return site


def test_status_counts_content_and_ui_apart_and_names_every_gap(make_site, catalogs):
    site = site_of(make_site(UNTRANSLATED))
    result = i18n.status(site, catalogs)
    units = i18n.content_units(site)
    en, ja, id_ = result["en"], result["ja"], result["id"]

    assert en["content"]["total"] == units
    assert en["content"]["missing"] == [{"path": "content/partnerships/badung-fujisawa.yaml", "line": 5, "field": "summary"}]
    assert en["content"]["translated"] == units - 1
    assert en["ui"] == {"total": 4, "translated": 4, "percent": 100.0, "catalog": "locales/en/LC_MESSAGES/messages.po",
                        "source_language": True, "missing": [], "fuzzy": [], "obsolete": []}

    assert {"path": "content/places/fujisawa.yaml", "line": 1, "field": "names"} in ja["content"]["missing"]
    # The explainer has no ja version.
    fields = [m["field"] for m in ja["content"]["missing"]]
    assert fields == ["explainer 'what-is-a-sister-city' (write what-is-a-sister-city.ja.md)", "names"]
    assert ja["ui"]["fuzzy"] == [{"path": "locales/ja/LC_MESSAGES/messages.po", "line": 14, "msgid": "Search",
                                  "previous_msgid": "Search the site"}]
    assert ja["ui"]["obsolete"] == [{"path": "locales/ja/LC_MESSAGES/messages.po", "line": 26, "msgid": "Old string"}]
    assert (ja["ui"]["translated"], ja["ui"]["total"], ja["ui"]["percent"]) == (3, 4, 75.0)

    # id: an empty msgstr, and a plural with its second form empty (gettext would show English for 2+).
    assert [m["msgid"] for m in id_["ui"]["missing"]] == ["Search", "%(num)s partnership"]
    assert [m["line"] for m in id_["ui"]["missing"]] == [12, 20]
    assert (id_["ui"]["translated"], id_["ui"]["percent"]) == (2, 50.0)
    assert id_["content"]["missing"] == [] and id_["content"]["percent"] == 100.0


def test_status_text_is_what_a_translator_needs(make_site, catalogs):
    text = i18n.format_status(i18n.status(site_of(make_site(UNTRANSLATED)), catalogs))
    units = i18n.content_units(site_of(make_site(UNTRANSLATED)))
    assert "en  English\n" in text
    assert f"  content texts {100 * (units - 1) / units:6.1f}%  ({units - 1} of {units})\n" in text
    assert "  UI strings     100.0%  (4 of 4; msgids are English)\n" in text
    assert "    content/partnerships/badung-fujisawa.yaml:5: summary\n" in text
    assert "  UI strings      50.0%  (2 of 4)\n" in text
    assert '    locales/id/LC_MESSAGES/messages.po:12: "Search"\n' in text
    assert '    locales/ja/LC_MESSAGES/messages.po:14: "Search" (was "Search the site")\n' in text
    assert '    locales/ja/LC_MESSAGES/messages.po:26: "Old string"\n' in text
    assert "check --strict" in text


def test_status_never_rounds_a_gap_away():
    assert i18n.percent(999, 1000) == 99.9
    assert i18n.percent(9999, 10000) == 99.9
    assert i18n.percent(0, 0) == 100.0


def test_missing_is_what_strict_fails_on(make_site, catalogs):
    site = site_of(make_site(UNTRANSLATED))
    kinds = {(m.lang, m.kind) for m in i18n.missing(site, catalogs)}
    assert ("ja", "fuzzy") in kinds and ("id", "ui") in kinds and ("en", "content") in kinds
    assert not any(kind == "obsolete" for _, kind in kinds)  # obsolete entries translate nothing
    error = next(m for m in i18n.missing(site, catalogs) if m.kind == "content" and m.lang == "en").error()
    assert str(error) == "content/partnerships/badung-fujisawa.yaml:5:1: no en translation: summary"


def test_the_status_command_prints_text_and_json(make_site, capsys):
    content = make_site(UNTRANSLATED)
    assert main(["i18n", "status", "--content", str(content)]) == 0
    assert "content/partnerships/badung-fujisawa.yaml:5: summary" in capsys.readouterr().out
    assert main(["i18n", "status", "--format", "json", "--content", str(content)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"id", "en", "ja"}
    assert result["en"]["content"]["missing"][0] == {"path": "content/partnerships/badung-fujisawa.yaml", "line": 5,
                                                     "field": "summary"}
    assert set(result["ja"]["ui"]) >= {"total", "translated", "percent", "missing", "fuzzy", "obsolete"}


@pytest.mark.parametrize("command", ["check", "build"])
def test_strict_fails_on_an_untranslated_field_and_plain_only_warns(make_site, tmp_path, command, capsys):
    content = make_site(UNTRANSLATED)
    out = ["--out", str(tmp_path / "site"), "--no-search"] if command == "build" else []
    assert main([command, "--content", str(content), *out]) == 0
    assert "translations are missing" in capsys.readouterr().err
    assert main([command, "--strict", "--content", str(content), *out]) == 1
    err = capsys.readouterr().err
    assert "content/partnerships/badung-fujisawa.yaml:5:1: no en translation: summary" in err
    assert "content/places/fujisawa.yaml:1:1: no ja translation: names" in err


def test_the_translations_page_lists_what_each_language_lacks(make_site, catalogs):
    site, outputs, errors = pipeline.in_memory(make_site(UNTRANSLATED), Project(ROOT / "templates", catalogs.locales))
    assert errors == []
    for lang in ("id", "en", "ja"):
        assert f"{lang}/translations/index.html" in outputs
    page = outputs["en/translations/index.html"].decode("utf-8")
    en = page[page.index('id="todo-en"'):page.index('id="todo-ja"')]
    assert 'href="/kota-kembar/en/partnerships/badung-fujisawa/" hreflang="en"' in en
    assert "<code>summary</code>" in en
    ja = page[page.index('id="todo-ja"'):]
    assert 'href="/kota-kembar/ja/places/fujisawa/" hreflang="ja"' in ja and "<code>names</code>" in ja
    assert 'href="/kota-kembar/ja/explainers/what-is-a-sister-city/" hreflang="ja"' in ja
    assert "messages.po" not in page and ".yaml" not in page  # no file positions on the public page
    # Counts per language, content and UI apart: ja has 3 of 4 UI strings (one is fuzzy).
    assert "75% (3 of 4)" in page
    # The footer of every page links here.
    assert 'href="/kota-kembar/ja/translations/"' in outputs["ja/index.html"].decode("utf-8")


# -- the gettext round trip ----------------------------------------------------------------------------

@pytest.fixture
def babel_project(tmp_path) -> Project:
    """A copy of the project's catalogs and Babel config with one small template."""
    root = tmp_path / "project"
    (root / "templates").mkdir(parents=True)
    shutil.copy(ROOT / "babel.cfg", root / "babel.cfg")
    (root / "templates/page.html").write_text(textwrap.dedent("""\
        <h1>{{ _("Partnerships") }}</h1>
        <p>{{ _("Home") }}</p>
        """), encoding="utf-8")
    for lang, text in (("id", ID_PO), ("ja", JA_PO)):
        (root / "locales" / lang / "LC_MESSAGES").mkdir(parents=True)
        (root / "locales" / lang / "LC_MESSAGES/messages.po").write_text(text, encoding="utf-8")
    return Project(root / "templates", root / "locales")


def test_extract_and_update_mark_new_and_changed_strings_for_translators(babel_project):
    project = babel_project
    po = project.locales / "id/LC_MESSAGES/messages.po"
    assert i18n.pybabel("extract", project) == 0 and i18n.pybabel("update", project) == 0
    assert 'msgid "Partnerships"\nmsgstr "Kerja sama"' in po.read_text(encoding="utf-8")

    # The template changes: a string is reworded, one is new, one goes away.
    (project.templates / "page.html").write_text(textwrap.dedent("""\
        <h1>{{ _("All partnerships") }}</h1>
        <p>{{ _("Help translate") }}</p>
        """), encoding="utf-8")
    assert i18n.pybabel("extract", project) == 0 and i18n.pybabel("update", project) == 0
    text = po.read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid "Partnerships"\nmsgid "All partnerships"\nmsgstr "Kerja sama"' in text
    assert 'msgid "Help translate"\nmsgstr ""' in text
    assert '#~ msgid "Home"\n#~ msgstr "Beranda"' in text

    # The build reads the .po directly and, like gettext, ignores the fuzzy translation.
    translations = catalog_translations(project, "id")
    assert translations.gettext("All partnerships") == "All partnerships"
    assert not list(project.locales.rglob("*.mo"))

    # Status names all three for the translator.
    problems = i18n.catalog_problems(project, "id")
    assert [(m.kind, m.what, m.previous) for m in problems if m.kind == "fuzzy"] == [
        ("fuzzy", "All partnerships", "Partnerships")]
    assert {m.what for m in problems if m.kind == "obsolete"} == {"Home", "Search", "%(num)s partnership"}
    assert ("ui", "Help translate") in {(m.kind, m.what) for m in problems}

    # A second update keeps the previous msgid as '#|' on the fuzzy entry (Babel alone would
    # turn it into a '# |' translator comment), and drops it once the translator clears the flag.
    assert i18n.pybabel("update", project) == 0
    text = po.read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid "Partnerships"\nmsgid "All partnerships"' in text and "# | msgid" not in text
    po.write_text(text.replace('#, fuzzy\n#| msgid "Partnerships"\n', '#, fuzzy\n# | msgid "Partnerships"\n', 1)
                  .replace("#, fuzzy\n", "", 1), encoding="utf-8")
    assert i18n.pybabel("update", project) == 0
    text = po.read_text(encoding="utf-8")
    assert '#| msgid "Partnerships"' not in text and '# | msgid "Partnerships"' not in text
    assert 'msgid "All partnerships"\nmsgstr "Kerja sama"' in text
    assert catalog_translations(project, "id").gettext("All partnerships") == "Kerja sama"


def test_compiled_catalogs_are_never_committed():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "*.mo" in ignored

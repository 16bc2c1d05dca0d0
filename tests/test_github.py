"""Issue 20: the check of a pull request on GitHub. Errors and warnings as workflow commands
(so GitHub shows them on the lines of the diff), the translation summary of the run, and
the publishing policy: content errors and dead links always fail, a missing translation only
warns unless site.yaml asks for strict mode."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from kembar import github, pipeline
from kembar.cli import main
from kembar.render import Project
from test_invalid import apply_case

ROOT = Path(__file__).resolve().parent.parent
POT = '#: templates/base.html:3\nmsgid "Home"\nmsgstr ""\n\n#: templates/base.html:4\nmsgid "Search"\nmsgstr ""\n'


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    """The real templates with small catalogs (id complete, ja lacking "Search"), so what
    is untranslated does not change when the project's own catalogs do."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "locales").mkdir(parents=True)
    (root / "locales/messages.pot").write_text(POT, encoding="utf-8")
    for lang, home, search in (("id", "Beranda", "Cari"), ("ja", "ホーム", "")):
        po = root / "locales" / lang / "LC_MESSAGES/messages.po"
        po.parent.mkdir(parents=True)
        po.write_text(f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                      f'msgid "Home"\nmsgstr "{home}"\n\nmsgid "Search"\nmsgstr "{search}"\n', encoding="utf-8")
    project = Project(root / "templates", root / "locales")
    monkeypatch.setattr(pipeline, "PROJECT", project)
    return project


def commands(stderr: str) -> list[str]:
    return [line for line in stderr.split("\n") if line.startswith("::")]


# -- workflow commands ------------------------------------------------------------------------

def test_commands_escape_what_github_would_read_as_their_syntax():
    assert github.command("error", "50% done\r\nnext: a, b", "content/a,b:c.yaml", 3, 7, "content error") == (
        "::error file=content/a%2Cb%3Ac.yaml,line=3,col=7,title=content error::50%25 done%0D%0Anext: a, b")
    assert github.command("warning", "no position") == "::warning::no position"
    assert github.command("notice", "x", "f.yaml", 2) == "::notice file=f.yaml,line=2::x"


def test_check_under_github_actions_puts_each_error_on_its_line(tmp_path, capsys, monkeypatch):
    content = apply_case("ten-mistakes", tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--content", "content"]) == 1
    err = capsys.readouterr().err
    assert commands(err) == [
        "::error file=content/explainers/what-is-a-sister-city.en.md,line=1,col=1,title=content error::"
        "front matter opened with '---' is never closed",
        "::error file=content/partnerships/badung-fujisawa.yaml,line=1,col=19,title=content error::"
        "party 'fujisava' names no place: there is no places/fujisava.yaml (did you mean 'fujisawa'?)",
        "::error file=content/partnerships/badung-fujisawa.yaml,line=3,col=9,title=content error::"
        "unknown status 'signed' (did you mean 'mou-signed'?); see content/vocabulary.yaml",
        "::error file=content/partnerships/bali-kumamoto.en.md,line=1,col=1,title=content error::"
        "narrative without its record: there is no partnerships/bali-kumamoto.yaml",
        "::error file=content/partnerships/jepara-cambodia.yaml,line=10,col=11,title=content error::"
        "impossible date '2019-02-30'",
        "::error file=content/partnerships/jepara-cambodia.yaml,line=14,col=5,title=content error::"
        "a source is missing the required key 'url'",
        "::error file=content/places/Kyoto.yaml,line=1,col=1,title=content error::"
        "file name 'Kyoto' is not a slug: use lowercase ASCII letters, digits and hyphens (e.g. badung-fujisawa)",
        "::error file=content/places/badung.yaml,line=8,col=1,title=content error::"
        "tab character: YAML is indented with spaces, not tabs",
        "::error file=content/places/fujisawa.yaml,line=1,col=1,title=content error::"
        "unknown key 'nmes' in a place (did you mean 'names'?)",
        "::error file=content/places/fujisawa.yaml,line=4,col=12,title=content error::"
        "latitude 95.5 is out of range (-90 to 90)",
    ]
    # Each command says what the terminal line above it says, at the same place.
    for command in commands(err):
        file, line, col = re.match(r"::error file=([^,]+),line=(\d+),col=(\d+),", command).groups()
        assert f"{file}:{line}:{col}: {command.split('::')[2]}" in err

    # Outside GitHub Actions: the same output, without the commands.
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert main(["check", "--content", str(content)]) == 1
    plain = capsys.readouterr().err
    assert commands(plain) == []
    assert plain == "".join(line + "\n" for line in err.split("\n")[:-1] if not line.startswith("::"))


UNTRANSLATED = {
    # no English summary; the new place Kochi has no Japanese name
    "content/partnerships/badung-fujisawa.yaml": """\
        parties: [badung, fujisawa]
        type: sister-city
        status: loi-signed
        summary:
          id: Badung menjajaki kerja sama dengan Fujisawa.
          ja: バドゥン県は藤沢市との提携を模索しています。
        sectors: [culture, tourism]
        timeline:
          - date: "2024-10"
            stage: exploring
            text: {id: Penjajakan dimulai., en: Talks began., ja: 協議が始まりました。}
          - date: "2025-06-12"
            stage: loi-signed
            text: {id: Surat minat dikirim., en: A letter of interest was sent., ja: 意向書が送られました。}
        sources:
          - {title: Pemkab Badung jajaki kerja sama, publisher: ANTARA Bali, url: "https://bali.antaranews.com/berita/359749/x"}
        """,
    "content/places/kochi.yaml": """\
        names: {id: Kota Kochi, en: Kochi City}
        kind: city
        country: JP
        """,
}


def test_each_missing_translation_is_a_warning_on_its_line(make_site, project, capsys, monkeypatch):
    content = make_site(UNTRANSLATED)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--content", str(content)]) == 0
    out, err = capsys.readouterr()
    assert out == "ok: no errors\n"
    assert commands(err) == [
        "::warning file=content/explainers/what-is-a-sister-city.id.md,line=1,col=1,title=missing translation::"
        "no ja translation: explainer 'what-is-a-sister-city' (write what-is-a-sister-city.ja.md)",
        "::warning file=content/partnerships/badung-fujisawa.id.md,line=1,col=1,title=missing translation::"
        "no en translation: narrative (write badung-fujisawa.en.md)",
        "::warning file=content/partnerships/badung-fujisawa.id.md,line=1,col=1,title=missing translation::"
        "no ja translation: narrative (write badung-fujisawa.ja.md)",
        "::warning file=content/partnerships/badung-fujisawa.yaml,line=5,col=1,title=missing translation::"
        "no en translation: summary",
        "::warning file=content/places/kochi.yaml,line=1,col=1,title=missing translation::"
        "no ja translation: names",
        "::warning file=locales/ja/LC_MESSAGES/messages.po,line=9,col=1,title=missing translation::"
        "no ja translation of the UI string 'Search'",
    ]
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert main(["check", "--content", str(content)]) == 0
    assert capsys.readouterr().err == ("warning: 6 translations are missing (pages fall back to id); "
                                       "see: python build.py i18n status\n")


def test_strict_mode_turns_the_warnings_into_errors_on_their_lines(make_site, project, capsys, monkeypatch):
    content = make_site(UNTRANSLATED)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--strict", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert ("::error file=content/places/kochi.yaml,line=1,col=1,title=missing translation::"
            "no ja translation: names") in commands(err)
    assert not any(c.startswith("::warning") for c in commands(err))


# -- the step summary ---------------------------------------------------------------------------

def status_json(content: Path, capsys) -> str:
    assert main(["i18n", "status", "--format", "json", "--content", str(content)]) == 0
    return capsys.readouterr().out


def test_the_summary_shows_what_the_change_leaves_untranslated(make_site, project, tmp_path, capsys, monkeypatch):
    """As the workflow makes it: `i18n status --format json` of the base branch and of the
    pull request, then `python -m kembar.github summary`."""
    (tmp_path / "before.json").write_text(status_json(make_site(root=tmp_path / "base"), capsys), encoding="utf-8")
    (tmp_path / "after.json").write_text(status_json(make_site(UNTRANSLATED, root=tmp_path / "head"), capsys),
                                         encoding="utf-8")
    for name, value in (("GITHUB_SERVER_URL", "https://github.com"), ("GITHUB_REPOSITORY", "example/kota-kembar"),
                        ("GITHUB_SHA", "0f1e2d3c"), ("GITHUB_HEAD_REF", "kochi")):
        monkeypatch.setenv(name, value)
    assert github.main(["summary", "--before", str(tmp_path / "before.json"), "--after", str(tmp_path / "after.json"),
                        "--preview", "site-preview", "--preview-url", "http://localhost:8000/kota-kembar/"]) == 0
    blob = "https://github.com/example/kota-kembar/blob/0f1e2d3c/content"
    # Before: 29 of 30 content texts in en (no narrative), 28 in ja (nor the explainer); after,
    # 31 texts (Kochi's names), en lacks the summary too and ja Kochi's name. The UI strings
    # did not change; ja lacked "Search" before, so it is not listed as left by this change.
    assert capsys.readouterr().out == f"""\
## Translation status

Share of the site translated, before this change (its base branch) → after it.

| language | content texts | UI strings |
|---|---|---|
| id | 100.0% → 100.0% | 100.0% → 100.0% |
| en | 96.7% → 93.5% | 100.0% → 100.0% |
| ja | 93.3% → 90.3% | 50.0% → 50.0% |

### Left untranslated by this change

**en** (1)

- `summary` in [`content/partnerships/badung-fujisawa.yaml:5`]({blob}/partnerships/badung-fujisawa.yaml#L5)

**ja** (1)

- `names` in [`content/places/kochi.yaml:1`]({blob}/places/kochi.yaml#L1)

A missing translation does not stop publishing: the page shows the id text, marked as such, unless `content/site.yaml` says `strict: true`.

### Preview

The built site, with its search, is the artifact **site-preview** of this run (on the run's Summary page, under Artifacts). Download it, then in the folder it was saved to:

```sh
python3 -m zipfile -e site-preview.zip site-preview/kota-kembar && python3 -m http.server -d site-preview 8000
```

and open http://localhost:8000/kota-kembar/

"""


def test_the_summary_without_a_base_or_with_errors(make_site, project, tmp_path, capsys):
    after = json.loads(status_json(make_site(UNTRANSLATED), capsys))
    text = github.summary(None, after, {})
    assert "| en | – → 93.5% | – → 100.0% |" in text
    assert "### Untranslated\n" in text  # everything lacking, since there is nothing to compare with
    assert "- `summary` in `content/partnerships/badung-fujisawa.yaml:5`\n" in text  # no link without a repository
    assert "- UI string `Search` in `locales/ja/LC_MESSAGES/messages.po:9`\n" in text
    assert "### Preview" not in text

    (tmp_path / "before.json").write_text('{"id": {"content": {"missing": [{"line": 1}]}}}', encoding="utf-8")
    (tmp_path / "after.json").write_text(json.dumps(after), encoding="utf-8")
    assert github.main(["summary", "--before", str(tmp_path / "before.json"), "--after", str(tmp_path / "after.json")]) == 0
    assert "| en | – → 93.5% |" in capsys.readouterr().out  # a base it cannot read counts as none

    (tmp_path / "after.json").write_text("", encoding="utf-8")  # the content had errors
    assert github.main(["summary", "--before", str(tmp_path / "missing.json"), "--after", str(tmp_path / "after.json")]) == 0
    assert capsys.readouterr().out.startswith(
        "## Translation status\n\nThe translation status could not be computed: the content has errors.")


def test_a_long_list_is_cut_and_odd_names_stay_code():
    status = {"ja": {"content": {"percent": 50.0, "missing": [
        {"path": f"content/places/p{i}.yaml", "line": 1, "field": "names"} for i in range(30)]},
        "ui": {"percent": 100.0, "missing": [{"path": "locales/ja/x.po", "line": 3, "msgid": "`a`\nb"}], "fuzzy": []}}}
    text = github.summary({"ja": {"content": {"percent": 100.0, "missing": []}, "ui": {"percent": 100.0}}}, status, {})
    assert "**ja** (31)" in text
    assert "- … and 6 more: `python build.py i18n status` lists them all" in text
    assert github.code("`a`\nb") == "`` `a` b ``"


# -- the policy ---------------------------------------------------------------------------------

STRICT_SITE = """\
    title: {id: Kota Kembar Uji, en: Test Sister Cities, ja: テスト姉妹都市}
    description: {id: Situs uji., en: A test site., ja: テスト用のサイトです。}
    languages: [id, en, ja]
    base_url: https://example.github.io/kota-kembar/
    strict: %s
    """


@pytest.mark.parametrize("command", ["check", "build"])
def test_strict_true_in_site_yaml_fails_on_a_missing_translation(make_site, project, tmp_path, command, capsys):
    out = ["--out", str(tmp_path / "site"), "--no-search"] if command == "build" else []
    content = make_site({**UNTRANSLATED, "content/site.yaml": STRICT_SITE % "true"})
    assert main([command, "--content", str(content), *out]) == 1
    assert "content/places/kochi.yaml:1:1: no ja translation: names\n" in capsys.readouterr().err
    content = make_site({**UNTRANSLATED, "content/site.yaml": STRICT_SITE % "false"})
    assert main([command, "--content", str(content), *out]) == 0
    assert main([command, "--strict", "--content", str(content), *out]) == 1  # the command line still forces it


@pytest.mark.parametrize("value, message", [
    ("yes", "strict must be true or false, not 'yes'"),
    ('"true"', "strict must be true or false, not 'true' (write it without quotes)"),
    ("[true]", "strict must be true or false, not a list"),
])
def test_strict_in_site_yaml_is_true_or_false(make_site, capsys, value, message):
    assert main(["check", "--content", str(make_site({"content/site.yaml": STRICT_SITE % value}))]) == 1
    assert f"content/site.yaml:5:9: {message}\n" in capsys.readouterr().err


DEAD_LINK = {"content/explainers/what-is-a-sister-city.en.md": """\
    ---
    title: What is a sister city?
    summary: A short explanation.
    ---
    ## Meaning

    See [nowhere](/kota-kembar/en/places/nowhere/).
    """}


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_dead_link_fails_the_check_and_the_deployment_without_strict(make_site, tmp_path, command, capsys):
    """As the workflows run them: `check --check-links`, `build --check-links`."""
    content = make_site(DEAD_LINK)
    out = ["--no-search", "--out", str(tmp_path / "site")] if command == "build" else []
    assert main([command, "--check-links", "--content", str(content), *out]) == 1
    assert ("content/explainers/what-is-a-sister-city.en.md:7:15: dead link /kota-kembar/en/places/nowhere/"
            in capsys.readouterr().err)
    assert main([command, "--content", str(content), *out]) == 0  # a local run stays quick

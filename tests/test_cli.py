"""The command line: subcommands, help, exit statuses, scaffolding."""
import subprocess
import sys
from pathlib import Path

import pytest

from kembar.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["serve"], ["new"], ["i18n"]])
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit:
        main(command + ["--help"])
    assert exit.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["build", "--no-such-option"])
    assert exit.value.code == 2


@pytest.mark.parametrize("url, message", [
    ("example.org/kota-kembar/", "must be an http:// or https:// address"),
    ("https://example.org/kota-kembar/?v=1", "is where the site lives: no '?…' or '#…' part"),
    ("https://editor:secret@example.org/", "must not hold a user name or password"),
    ('https://example.org/"><script>', "must be an http:// or https:// address"),
])
def test_a_base_url_given_on_the_command_line_is_checked_like_site_yaml(make_site, tmp_path, capsys, url, message):
    content = make_site()
    with pytest.raises(SystemExit) as exit:
        main(["build", "--content", str(content), "--out", str(tmp_path / "out"), "--base-url", url])
    assert exit.value.code == 2
    assert f"argument --base-url: the base URL {message}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_check_writes_nothing_and_reports_ok(make_site, tmp_path, capsys):
    content = make_site()
    assert main(["check", "--content", str(content)]) == 0
    assert "ok" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


def test_content_errors_exit_1_without_traceback(make_site, tmp_path):
    content = make_site({"content/places/badung.yaml": "names: [\n"})
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.startswith("content/places/badung.yaml:2:1: YAML syntax error")
    assert "Traceback" not in run.stderr


def test_build_is_the_default_command(make_site, tmp_path):
    make_site()
    run = subprocess.run([sys.executable, str(ROOT / "build.py")], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "site/id/index.html").is_file()


def test_console_script_is_installed(tmp_path):
    run = subprocess.run(["kembar", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0 and "check" in run.stdout


def test_strict_fails_on_missing_translations(make_site, capsys):
    content = make_site()  # the explainer has no Japanese version and the narrative is Indonesian only
    assert main(["check", "--content", str(content)]) == 0
    assert "translations are missing" in capsys.readouterr().err
    assert main(["check", "--strict", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert "content/explainers/what-is-a-sister-city.id.md:1:1: no ja translation: explainer 'what-is-a-sister-city'" in err


@pytest.mark.parametrize("kind, slug, path", [
    ("partnership", "badung-tokyo", "partnerships/badung-tokyo.yaml"),
    ("place", "tokyo", "places/tokyo.yaml"),
    ("explainer", "how-it-works", "explainers/how-it-works.id.md"),
])
def test_new_writes_a_skeleton_and_refuses_to_overwrite(make_site, kind, slug, path, capsys):
    content = make_site()
    assert main(["new", kind, slug, "--content", str(content)]) == 0
    assert "TODO" in (content / path).read_text(encoding="utf-8")
    assert main(["new", kind, slug, "--content", str(content)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["check", "--content", str(content)]) == 1  # until the TODOs are filled in


def test_paths_in_messages_open_from_where_the_command_was_typed(make_site, tmp_path, monkeypatch, capsys):
    """`check --content ../drafts/cc` names files as ../drafts/cc/..., which a terminal or an
    editor opens from the working folder (not cc/..., which exists nowhere)."""
    import shutil

    from kembar.cli import main

    content = make_site()
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    shutil.move(str(content), drafts / "cc")
    record = drafts / "cc/partnerships/badung-fujisawa.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("status: loi-signed", "status: signed"),
                      encoding="utf-8")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    assert main(["check", "--content", "../drafts/cc"]) == 1
    err = capsys.readouterr().err
    assert "../drafts/cc/partnerships/badung-fujisawa.yaml:3:9: unknown status 'signed'" in err
    assert Path("../drafts/cc/partnerships/badung-fujisawa.yaml").is_file()

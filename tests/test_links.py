"""Issue 7: link integrity (kembar/links.py, run by build --strict).

Every internal link, asset, #fragment and hreflang target of the built site resolves
under the base path; a dead link is an error at the file that made it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kembar import cli, links, pipeline
from kembar.project import Project

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BASE = HERE / "invalid" / "_base" / "content"
EXPLAINER = "content/explainers/what-is-a-sister-city.en.md"


def site_with(tmp_path: Path, explainer_extra: str = "") -> Path:
    shutil.copytree(BASE, tmp_path / "content")
    if explainer_extra:
        path = tmp_path / EXPLAINER
        path.write_text(path.read_text(encoding="utf-8") + explainer_extra, encoding="utf-8")
    return tmp_path / "content"


def dead_links(content: Path, base_url=None, project=pipeline.PROJECT, tamper=None):
    site, outputs, errors = pipeline.in_memory(content, project, base_url)
    assert errors == []
    if tamper:
        tamper(outputs)
    return [str(e) for e in links.check(site, outputs, base_url, content.resolve().parent)]


@pytest.mark.parametrize("base_url", [None, "https://example.org", "https://org.github.io/a/b/"])
def test_the_base_site_has_no_dead_link(tmp_path, base_url):
    assert dead_links(site_with(tmp_path), base_url) == []


def test_the_check_follows_every_kind_of_link():
    """Links, assets, feeds, hreflang, sitemap, open data and robots.txt are all read."""
    site, outputs, _ = pipeline.in_memory(BASE)
    target = links.Target(outputs, site.config.base_url)
    page = links.parse_html(outputs["en/partnerships/badung-fujisawa/index.html"])
    urls = [url for url, _, _ in page.links]
    assert "https://example.github.io/kota-kembar/ja/partnerships/badung-fujisawa/" in urls  # hreflang
    assert any(url.startswith("/kota-kembar/static/site.css?v=") for url in urls)
    assert all(target.problem(url, "en/partnerships/badung-fujisawa/index.html") is None for url in urls)
    assert len(urls) > 30
    assert links.xml_links(outputs["sitemap.xml"]) and links.xml_links(outputs["en/feed.xml"])
    assert links.json_links(outputs["data/partnerships.json"], site.config.base_url)


def test_a_dead_link_in_markdown_points_at_its_line(tmp_path):
    content = site_with(tmp_path, "\nSee [nowhere](/kota-kembar/en/places/nowhere/) and [a guide](../nothing-here/).\n")
    assert dead_links(content) == [
        f"{EXPLAINER}:9:15: dead link /kota-kembar/en/places/nowhere/ on en/explainers/what-is-a-sister-city/: "
        "leads to no page or file of the site",
        f"{EXPLAINER}:9:62: dead link ../nothing-here/ on en/explainers/what-is-a-sister-city/: "
        "leads to no page or file of the site"]


def test_a_missing_anchor_is_dead_and_a_heading_anchor_is_not(tmp_path):
    content = site_with(tmp_path, "\n[ok](#meaning) [top](#) [bad](#no-such-heading) "
                                  "[other](/kota-kembar/en/partnerships/badung-fujisawa/#culture) "
                                  "[gone](/kota-kembar/en/partnerships/badung-fujisawa/#nope)\n")
    assert dead_links(content) == [
        f"{EXPLAINER}:9:31: dead link #no-such-heading on en/explainers/what-is-a-sister-city/: "
        "#no-such-heading is no id on en/explainers/what-is-a-sister-city/index.html",
        f"{EXPLAINER}:9:119: dead link /kota-kembar/en/partnerships/badung-fujisawa/#nope on "
        "en/explainers/what-is-a-sister-city/: #nope is no id on en/partnerships/badung-fujisawa/index.html"]


def test_a_link_outside_the_base_path_is_dead(tmp_path):
    content = site_with(tmp_path, "\n[elsewhere](/other-project/en/)\n")
    assert dead_links(content) == [
        f"{EXPLAINER}:9:13: dead link /other-project/en/ on en/explainers/what-is-a-sister-city/: "
        "outside the base path /kota-kembar/"]


def test_a_dead_link_made_by_a_template_points_at_the_template(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    home = templates / "home.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "{% block main %}", "{% block main %}<a href=\"{{ href(lang ~ '/no-such-page/') }}\">x</a>", 1), encoding="utf-8")
    project = Project(templates, REPO / "locales")
    assert dead_links(site_with(tmp_path), project=project) == [
        f"templates/home.html:1:1: dead link /kota-kembar/{lang}/no-such-page/ on {lang}/: "
        "leads to no page or file of the site" for lang in ("en", "id", "ja")]


def test_missing_pages_and_assets_are_found_from_every_side(tmp_path):
    """hreflang alternates, language switches, the sitemap and open data all lead to the
    Japanese Fujisawa page; the stylesheet is on every page."""
    def tamper(outputs):
        del outputs["ja/places/fujisawa/index.html"]
        del outputs["static/site.css"]

    dead = dead_links(site_with(tmp_path), tamper=tamper)
    gone = "https://example.github.io/kota-kembar/ja/places/fujisawa/"
    assert any(e.startswith("content/places/fujisawa.yaml:1:1: dead link " + gone + " on en/places/fujisawa/")
               for e in dead)  # the hreflang alternate of the English page
    assert any(e.startswith("sitemap.xml:") and gone in e for e in dead)
    assert any(e.startswith("data/partnerships.json:") and gone in e for e in dead)
    assert any("/kota-kembar/static/site.css?v=" in e and " more: " in e for e in dead)  # one line for many pages


def test_build_strict_refuses_dead_links_and_keeps_the_previous_site(tmp_path, capsys):
    content = site_with(tmp_path, "\n[nowhere](/kota-kembar/en/places/nowhere/)\n")
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous", encoding="utf-8")
    assert cli.main(["build", "--strict", "--no-search", "--content", str(content), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{EXPLAINER}:9:11: dead link /kota-kembar/en/places/nowhere/ on en/explainers/what-is-a-sister-city/" in err
    assert err.endswith("1 error\n")
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert cli.main(["check", "--strict", "--content", str(content)]) == 1
    assert cli.main(["build", "--no-search", "--content", str(content), "--out", str(out)]) == 0  # only --strict checks


def test_a_heading_named_like_a_part_of_the_page_keeps_its_own_id(tmp_path):
    """'## Main' would make id="main", which the layout's <main> (the skip link's target) has:
    it gets "s-main", and a link to it says so; #main is still the layout's."""
    content = site_with(tmp_path, "\n## Main\n\nText [up](#s-main) [skip](#main).\n")
    assert dead_links(content) == []
    _, outputs, _ = pipeline.in_memory(content)
    page = outputs["en/explainers/what-is-a-sister-city/index.html"].decode()
    assert '<h2 id="s-main">Main</h2>' in page and page.count('id="main"') == 1


def test_a_repeated_id_is_found(tmp_path, monkeypatch):
    """Should a template and Markdown ever agree on an id again, the check says so."""
    monkeypatch.setattr("kembar.render.TEMPLATE_IDS", frozenset())
    content = site_with(tmp_path, "\n## Main\n\nText.\n")
    assert dead_links(content) == [
        f"{EXPLAINER}:1:1: duplicate id 'main' on en/explainers/what-is-a-sister-city/: "
        "a link to #main cannot tell the two apart"]

"""The bundled content: every real partnership sourced, dated, located and translated."""
from pathlib import Path

import pytest

from kembar import i18n, pipeline
from kembar.load import load
from kembar.validate import validate

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(scope="module")
def site():
    docs, errors = load(CONTENT)
    site, more = validate(docs)
    assert errors + more == []
    return site


def test_all_32_researched_partnerships_are_there(site):
    assert len(site.partnerships) >= 32
    for slug in ("badung-fujisawa", "jepara-cambodia", "jakarta-tokyo", "bandung-braunschweig", "medan-gwangju"):
        assert slug in site.partnerships


def test_every_partnership_cites_a_source_with_a_url(site):
    for p in site.partnerships.values():
        assert p.sources, p.slug
        assert all(s.url.startswith(("https://", "http://")) for s in p.sources), p.slug


def test_every_status_has_an_as_of_date(site):
    for p in site.partnerships.values():
        assert p.as_of.year >= 1950, p.slug


def test_every_party_resolves_to_a_place_with_coordinates(site):
    for p in site.partnerships.values():
        for slug in p.parties:
            assert site.places[slug].location is not None, f"{p.slug}: {slug} has no location"
        assert site.places[p.parties[0]].country == "ID"


def test_every_explainer_exists_in_all_three_languages(site):
    assert len(site.explainers) >= 5
    for explainer in site.explainers.values():
        assert sorted(explainer.versions) == ["en", "id", "ja"], explainer.slug


def test_nothing_is_untranslated(site):
    assert i18n.missing(site, pipeline.PROJECT) == []


def test_the_seed_stories_say_what_the_sources_say(site):
    badung = site.partnerships["badung-fujisawa"]
    assert badung.status == "loi-signed" and badung.timeline[0].date.iso == "2024-10"
    jepara = site.partnerships["jepara-cambodia"]
    assert jepara.status == "exploring" and site.places[jepara.parties[1]].kind == "country"
    assert jepara.caution is not None
    text = (CONTENT / "partnerships/jepara-cambodia.yaml").read_text(encoding="utf-8") + \
        (CONTENT / "places/cambodia.yaml").read_text(encoding="utf-8")
    assert "hell on earth" not in text.lower()

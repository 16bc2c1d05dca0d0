"""Stage 2: raw documents become frozen dataclasses, or every error at once."""
import dataclasses

import pytest

from kembar.load import load
from kembar.model import PartialDate
from kembar.validate import validate


def check(content):
    docs, errors = load(content)
    site, more = validate(docs)
    return site, [str(e) for e in sorted(errors + more)]  # the order report() prints


def test_the_small_site_is_valid(make_site):
    site, errors = check(make_site())
    assert errors == []
    p = site.partnerships["badung-fujisawa"]
    assert p.parties == ("badung", "fujisawa")
    assert p.as_of == PartialDate(2025, 6, 12)
    assert p.narrative["id"].text.startswith("Cerita")
    assert site.places["fujisawa"].location == (35.34, 139.49)
    assert list(site.explainers["what-is-a-sister-city"].versions) == ["en", "id"]


def test_dataclasses_are_frozen(make_site):
    site, _ = check(make_site())
    with pytest.raises(dataclasses.FrozenInstanceError):
        site.partnerships["badung-fujisawa"].status = "active"


def test_ten_different_mistakes_are_all_reported_sorted(make_site):
    content = make_site({
        "content/places/badung.yaml": """\
            names: {id: Kabupaten Badung, en: Badung Regency, fr: Badung}
            kind: regncy
            country: XX
            location: [-98.5, 115.18]
            """,
        "content/partnerships/badung-fujisawa.yaml": """\
            parties: [badung, tokyo]
            type: sister-city
            status: activ
            stat_date: 2020
            summary: {id: Ringkasan., en: Summary., ja: 概要。}
            timeline:
              - date: "2019-02-30"
                text: {id: A., en: A., ja: A。}
            sources:
              - title: T
                publisher: P
                url: javascript:alert(1)
            """,
        "content/explainers/what-is-a-sister-city.fr.md": "---\ntitle: X\n---\nY\n",
    })
    site, errors = check(content)
    assert site is None
    assert errors == [
        "content/explainers/what-is-a-sister-city.fr.md:1:1: 'fr' is not a language of this site (id, en, ja); name the file what-is-a-sister-city.<language>.md",
        "content/partnerships/badung-fujisawa.yaml:1:19: party 'tokyo' names no place: there is no places/tokyo.yaml",
        "content/partnerships/badung-fujisawa.yaml:3:9: unknown status 'activ' (did you mean 'active'?); see content/vocabulary.yaml",
        "content/partnerships/badung-fujisawa.yaml:4:1: unknown key 'stat_date' in a partnership; expected one of: parties, type, status, sectors, summary, caution, timeline, sources",
        "content/partnerships/badung-fujisawa.yaml:7:11: impossible date '2019-02-30'",
        "content/partnerships/badung-fujisawa.yaml:12:10: url must be an http:// or https:// address, not 'javascript:alert(1)'",
        "content/places/badung.yaml:1:51: unknown key 'fr' in names; expected one of: id, en, ja",
        "content/places/badung.yaml:2:7: unknown place kind 'regncy' (did you mean 'regency'?); see content/vocabulary.yaml",
        "content/places/badung.yaml:3:10: country must be an ISO 3166-1 alpha-2 code such as ID or JP, not 'XX'",
        "content/places/badung.yaml:4:12: latitude -98.5 is out of range (-90 to 90)",
    ]

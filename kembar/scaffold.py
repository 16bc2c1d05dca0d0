"""`new`: commented skeletons that pass `check` once the TODO fields are filled in."""
from __future__ import annotations

from pathlib import Path

from .load import SLUG


class ScaffoldError(Exception):
    pass


PARTNERSHIP = """\
# A partnership between an Indonesian region and its partner. Every fact needs a source
# below. Dates are YYYY, YYYY-MM or YYYY-MM-DD: as precise as the source, never more.
parties: [{a}, {b}]          # place slugs (content/places/<slug>.yaml), the Indonesian party first
type: sister-city            # one of the types in content/vocabulary.yaml
status: exploring            # the current stage: a status in content/vocabulary.yaml
sectors: []                  # e.g. [culture, tourism]: only the sectors the sources name
summary:                     # one to three sentences in each language
  id: "TODO"
  en: "TODO"
  ja: "TODO"
timeline:                    # what happened, oldest first; the newest date is the status's "as of" date
  - date: "TODO"             # e.g. "2024-10"
    stage: exploring         # optional: the status this event moved the partnership to
    text:
      id: "TODO"
      en: "TODO"
      ja: "TODO"
sources:                     # at least one: where the facts above come from
  - title: "TODO"
    publisher: "TODO"
    url: https://example.org/TODO
    date: "TODO"             # publication date, or delete this line if unknown
    lang: id                 # the source's language
"""

PLACE = """\
# One municipality, region or country.
names:
  id: "TODO"                 # as written in Indonesian, e.g. Kabupaten Badung
  en: "TODO"                 # e.g. Badung Regency
  ja: "TODO"                 # e.g. バドゥン県
kind: city                   # a place kind in content/vocabulary.yaml
country: ID                  # ISO 3166-1 alpha-2 code, e.g. ID, JP, KH
region:                      # optional: the province, prefecture or state; delete if none
  id: "TODO"
  en: "TODO"
  ja: "TODO"
location: [TODO, TODO]       # [latitude, longitude] of the seat, decimal degrees, e.g. [-8.58, 115.18]
"""

EXPLAINER = """\
---
title: "TODO"
summary: "TODO: one sentence shown in lists"
order: 10
---
TODO: write the explainer in Markdown. Start headings at ##. Link to records like this:
[Badung–Fujisawa](partnership:badung-fujisawa), [Badung](place:badung), [tourism](sector:tourism).
"""


def new(content: Path, kind: str, slug: str, parties: str | None) -> Path:
    if not SLUG.fullmatch(slug):
        raise ScaffoldError(f"'{slug}' is not a slug: use lowercase ASCII letters, digits and hyphens")
    if kind == "partnership":
        a, b = (parties.split(",") + ["TODO", "TODO"])[:2] if parties else ("TODO", "TODO")
        path, text = content / "partnerships" / f"{slug}.yaml", PARTNERSHIP.format(a=a.strip(), b=b.strip())
    elif kind == "place":
        path, text = content / "places" / f"{slug}.yaml", PLACE
    else:
        path, text = content / "explainers" / f"{slug}.id.md", EXPLAINER
    if path.exists():
        raise ScaffoldError(f"{path} exists already; edit it instead")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path

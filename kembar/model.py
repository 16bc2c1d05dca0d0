"""The validated site: frozen dataclasses, built once by validate and never mutated."""
from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Pos:
    path: str
    line: int
    col: int


@dataclass(frozen=True)
class Text:
    """A translated text: language -> text, for the languages it was written in."""

    values: Mapping[str, str]
    pos: Pos

    def missing(self, languages) -> list[str]:
        return [lang for lang in languages if not self.values.get(lang)]


@dataclass(frozen=True, order=True)
class PartialDate:
    """YYYY, YYYY-MM or YYYY-MM-DD: as precise as the source, never more."""

    year: int
    month: int = 0  # 0 = unknown
    day: int = 0

    @functools.cached_property  # asked for ~10 times per date (pages, feeds, open data)
    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{v:02d}" for v in (self.month, self.day) if v]
        return "-".join(parts)

    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month or 1, self.day or 1)


@dataclass(frozen=True)
class Term:
    key: str
    label: Text
    definition: Text


@dataclass(frozen=True)
class Vocabulary:
    types: Mapping[str, Term]
    statuses: Mapping[str, Term]  # in lifecycle order
    sectors: Mapping[str, Term]
    place_kinds: Mapping[str, Term]


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    url: str
    date: PartialDate | None
    lang: str | None


@dataclass(frozen=True)
class Place:
    slug: str
    path: str
    names: Text
    kind: str
    country: str
    region: Text | None
    location: tuple[float, float] | None
    description: Text | None
    sources: tuple[Source, ...]
    # How a name is read, where lists must sort by it: {ja: ひがしまつしまし} puts 東松島市
    # among the は names in gojūon order (kembar/views.py sort_key). Not a translation.
    reading: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    date: PartialDate
    stage: str | None
    text: Text


@dataclass(frozen=True)
class Partnership:
    slug: str
    path: str
    parties: tuple[str, str]  # place slugs, the Indonesian party first
    type: str
    status: str
    sectors: tuple[str, ...]
    summary: Text
    caution: Text | None
    timeline: tuple[Event, ...]
    sources: tuple[Source, ...]
    narrative: Mapping[str, "Markdown"] = field(default_factory=dict)  # lang -> body

    @property
    def as_of(self) -> PartialDate:
        return self.timeline[-1].date


@dataclass(frozen=True)
class Markdown:
    """A Markdown body and where it starts, so link errors can point into it."""

    text: str
    path: str
    line: int


@dataclass(frozen=True)
class ExplainerVersion:
    lang: str
    title: str
    summary: str
    body: Markdown


@dataclass(frozen=True)
class Explainer:
    slug: str
    order: int
    versions: Mapping[str, ExplainerVersion]  # lang -> version; the default language always


DEFAULT_STALE_YEARS = 5


@dataclass(frozen=True)
class SiteConfig:
    title: Text
    description: Text
    languages: tuple[str, ...]  # the first is the default
    base_url: str  # always ends with '/'
    contact: str | None  # where readers write to the editors: an http(s) or mailto: address
    strict: bool = False  # untranslated text fails the build, as --strict does
    # The repository the content is kept in ("Suggest a correction" links to a record's file
    # there and to a new issue), and the path from it to the content folder's files, as
    # MkDocs' edit_uri: repository + "/" + edit_uri + "places/badung.yaml".
    repository: str | None = None
    edit_uri: str = "edit/main/content/"
    stale_after_years: int = DEFAULT_STALE_YEARS  # a status whose newest evidence is older is "not confirmed since"

    @property
    def default_lang(self) -> str:
        return self.languages[0]


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    vocabulary: Vocabulary
    places: Mapping[str, Place]
    partnerships: Mapping[str, Partnership]
    explainers: Mapping[str, Explainer]
    texts: Mapping[str, tuple[tuple[str, Text], ...]]  # file -> its translated texts with labels, for i18n status

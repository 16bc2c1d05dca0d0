"""Stage 3, resolve: the indexes every listing needs, computed once from the valid site."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .freshness import Freshness, freshness
from .model import Site


@dataclass(frozen=True)
class Index:
    by_place: Mapping[str, tuple[str, ...]]  # place slug -> partnership slugs
    by_sector: Mapping[str, tuple[str, ...]]
    by_status: Mapping[str, tuple[str, ...]]
    by_type: Mapping[str, tuple[str, ...]]
    by_country: Mapping[str, tuple[str, ...]]  # partner country (ISO alpha-2) -> partnership slugs
    newest_first: tuple[str, ...]  # partnership slugs by as-of date, newest first
    freshness: Freshness  # which statuses are "not confirmed since" (kembar/freshness.py)


def resolve(site: Site, environ: Mapping[str, str] | None = None) -> Index:
    """`environ`: where SOURCE_DATE_EPOCH is read ("now" for freshness); without it, the content's newest date."""
    by_place: dict[str, list[str]] = {slug: [] for slug in site.places}
    by_sector = {term: [] for term in site.vocabulary.sectors}
    by_status = {term: [] for term in site.vocabulary.statuses}
    by_type = {term: [] for term in site.vocabulary.types}
    by_country: dict[str, list[str]] = {}
    for slug, p in site.partnerships.items():  # sorted by slug, so every list is too
        for party in p.parties:
            by_place[party].append(slug)
        for sector in p.sectors:
            by_sector[sector].append(slug)
        by_status[p.status].append(slug)
        by_type[p.type].append(slug)
        by_country.setdefault(site.places[p.parties[1]].country, []).append(slug)
    newest = sorted(site.partnerships, key=lambda s: (site.partnerships[s].as_of, s), reverse=True)
    freeze = lambda d: {k: tuple(v) for k, v in sorted(d.items())}  # noqa: E731
    return Index(freeze(by_place), freeze(by_sector), freeze(by_status), freeze(by_type),
                 freeze(by_country), tuple(newest), freshness(site, environ))

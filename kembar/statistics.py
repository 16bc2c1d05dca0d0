"""The statistics page's numbers: the partnerships counted by stage, partner country,
Indonesian province, sector, type and the decade they began in, and how many statuses
are fresh or stale at each stage. Counted from the records only; the page's template
names and links each count, and kembar/charts.py draws them.
"""
from __future__ import annotations

from dataclasses import dataclass

from .freshness import Freshness
from .model import PartialDate, Site
from .resolve import Index
from .views import STAGES, Province


@dataclass(frozen=True)
class Count:
    key: str  # a term, a country code, a province key or a decade ("1990")
    count: int
    stale: int = 0  # how many of them are "not confirmed since" (kembar/freshness.py)
    province: Province | None = None  # for the provinces: its names and its place page


@dataclass(frozen=True)
class Statistics:
    total: int
    stages: tuple[Count, ...]  # the official stages in lifecycle order, each even when none is there
    ends: tuple[Count, ...]  # expired, dormant, ended: beside the lifecycle
    countries: tuple[Count, ...]  # most first; ties by code
    provinces: tuple[Count, ...]  # most first; ties by key
    no_province: int  # partnerships whose Indonesian party has no known province
    sectors: tuple[Count, ...]  # most first, ties in the vocabulary's order; only sectors that have some
    types: tuple[Count, ...]  # the vocabulary's order
    decades: tuple[Count, ...]  # every decade from the first to the last (empty ones too), oldest first
    now: PartialDate  # the day freshness is measured from
    from_epoch: bool  # now is the build's SOURCE_DATE_EPOCH (else: the newest date in the content)
    years: int  # the threshold, site.yaml's stale_after_years
    stale: int  # statuses not confirmed within the threshold

    @property
    def fresh(self) -> int:
        return self.total - self.stale

    @property
    def largest(self) -> int:
        """The longest bar of the stage charts, so both share one scale."""
        return max((c.count for c in self.stages + self.ends), default=0)


def most_first(counts: dict[str, int], order=None) -> tuple[tuple[str, int], ...]:
    rank = {key: i for i, key in enumerate(order)} if order is not None else None
    return tuple(sorted(((k, n) for k, n in counts.items() if n),
                        key=lambda kv: (-kv[1], rank[kv[0]] if rank else kv[0])))


def statistics(site: Site, index: Index, provinces: dict[str, Province | None], fresh: Freshness) -> Statistics:
    statuses = site.vocabulary.statuses
    status_count = lambda term: Count(term, len(index.by_status.get(term, ())),  # noqa: E731
                                      sum(slug in fresh.stale for slug in index.by_status.get(term, ())))
    by_province: dict[str, int] = {}
    named: dict[str, Province] = {}
    for province in provinces.values():
        if province:
            by_province[province.key] = by_province.get(province.key, 0) + 1
            named[province.key] = province
    begun: dict[int, int] = {}
    for p in site.partnerships.values():
        decade = p.timeline[0].date.year // 10 * 10
        begun[decade] = begun.get(decade, 0) + 1
    decades = range(min(begun), max(begun) + 1, 10) if begun else ()
    return Statistics(
        total=len(site.partnerships),
        stages=tuple(status_count(term) for term in statuses if term in STAGES),
        ends=tuple(status_count(term) for term in statuses if term not in STAGES),
        countries=tuple(Count(cc, n) for cc, n in most_first({cc: len(s) for cc, s in index.by_country.items()})),
        provinces=tuple(Count(key, n, province=named[key]) for key, n in most_first(by_province)),
        no_province=sum(1 for province in provinces.values() if province is None),
        sectors=tuple(Count(term, n) for term, n in most_first({t: len(s) for t, s in index.by_sector.items()},
                                                               site.vocabulary.sectors)),
        types=tuple(Count(term, len(index.by_type.get(term, ()))) for term in site.vocabulary.types),
        decades=tuple(Count(str(decade), begun.get(decade, 0)) for decade in decades),
        now=fresh.today, from_epoch=fresh.from_epoch, years=fresh.years, stale=len(fresh.stale),
    )

"""How fresh each status is: a status whose newest evidence (its as-of date, the newest
timeline event) is older than `stale_after_years` (content/site.yaml, default 5) is shown
as "not confirmed since <year>".

"Now" is never the wall clock, so a build is byte-identical for the same commit: it is
SOURCE_DATE_EPOCH when that is set (CI sets it to the commit's time), else the newest
date in the content (timeline events and dated sources). A partial date counts as the
last day of its period: "2017-03" is stale only when all of March 2017 lies before the
cutoff, so a status is never called stale on the strength of a guessed day.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Mapping

from .model import PartialDate, Site


@dataclass(frozen=True)
class Freshness:
    now: datetime.date
    years: int  # site.yaml's stale_after_years
    from_epoch: bool  # now came from SOURCE_DATE_EPOCH (else: the newest content date)
    stale: frozenset[str]  # slugs of the partnerships whose status is older than the cutoff

    @property
    def cutoff(self) -> datetime.date:
        return years_before(self.now, self.years)

    @property
    def today(self) -> PartialDate:
        """`now` as the templates' date helper takes it."""
        return PartialDate(self.now.year, self.now.month, self.now.day)

    def since(self, slug: str, as_of: PartialDate) -> PartialDate | None:
        """"Not confirmed since" this year, or None when the status is fresh."""
        return PartialDate(as_of.year) if slug in self.stale else None


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (29 February becomes the 28th in a common year)."""
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def last_day(date: PartialDate) -> datetime.date:
    """The last day of the period a partial date stands for."""
    month = date.month or 12
    return datetime.date(date.year, month, date.day or calendar.monthrange(date.year, month)[1])


def is_stale(as_of: PartialDate, cutoff: datetime.date) -> bool:
    return last_day(as_of) < cutoff


def newest_content_date(site: Site) -> datetime.date | None:
    dates = [e.date for p in site.partnerships.values() for e in p.timeline]
    dates += [s.date for p in site.partnerships.values() for s in p.sources if s.date]
    dates += [s.date for place in site.places.values() for s in place.sources if s.date]
    return max(dates).first_day() if dates else None


def epoch_date(value: str | None) -> datetime.date | None:
    """SOURCE_DATE_EPOCH (seconds since 1970, UTC) as a date; None when unset or empty."""
    if not value or not value.strip():
        return None
    try:
        seconds = int(value.strip())
    except ValueError:
        return None  # reproducible-builds.org: an unreadable value is as good as none
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).date()


def freshness(site: Site, environ: Mapping[str, str] | None = None) -> Freshness:
    """Which statuses are stale, as of SOURCE_DATE_EPOCH in `environ` or else the content's newest date."""
    epoch = epoch_date((environ or {}).get("SOURCE_DATE_EPOCH"))
    now = epoch or newest_content_date(site) or datetime.date(1970, 1, 1)
    years = site.config.stale_after_years
    cutoff = years_before(now, years)
    stale = frozenset(slug for slug, p in site.partnerships.items() if is_stale(p.as_of, cutoff))
    return Freshness(now, years, epoch is not None, stale)

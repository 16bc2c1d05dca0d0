"""The Atom feeds: one per language, of partnership updates (timeline events), newest first.

Dates come from the content, never from the clock. Atom needs a full timestamp, so a
partial date stands for the first day of its period ("2019-12" -> 2019-12-01T00:00:00Z,
"2019" -> 2019-01-01T00:00:00Z). Entry ids are the partnership page's URL plus a
fragment made from the event's date (and its rank among events of that date), so an
entry keeps its id when other events are added or texts are corrected.
"""
from __future__ import annotations

import datetime
import heapq
import os
from dataclasses import dataclass

from .model import Event, PartialDate, Partnership, Site, Text

MAX_ENTRIES = 100  # a feed reader needs the recent updates, not the whole history


@dataclass(frozen=True)
class Update:
    partnership: Partnership
    event: Event
    anchor: str  # 'event-2019-12-15', or 'event-2019-12-15-2' for a second event that day

    @property
    def updated(self) -> str:
        return atom_date(self.event.date)


def atom_date(date: PartialDate) -> str:
    return date.first_day().isoformat() + "T00:00:00Z"


def build_date() -> str:
    """For a site with no dated content: SOURCE_DATE_EPOCH if set, else the epoch (never now())."""
    seconds = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def updates(site: Site, limit: int = MAX_ENTRIES) -> tuple[Update, ...]:
    """Every timeline event as an update, newest first; ties by partnership slug, then the
    later event of the same partnership first."""
    found = []
    for p in site.partnerships.values():  # sorted by slug
        seen: dict[str, int] = {}
        mine = []
        for event in p.timeline:
            iso = event.date.iso
            rank = seen[iso] = seen.get(iso, 0) + 1
            mine.append((p, event, f"event-{iso}" + (f"-{rank}" if rank > 1 else "")))
        found += reversed(mine)
    # The newest `limit` as a stable sort would give them (ties keep the order above),
    # without sorting every event of a big site.
    newest = heapq.nlargest(limit, found, key=lambda u: (u[1].date.year, u[1].date.month, u[1].date.day))
    return tuple(Update(*u) for u in newest)


def renew(entries: tuple[Update, ...], partnerships) -> tuple[Update, ...]:
    """The same updates for new versions of some partnerships whose timelines have the same
    dates as before (the choice and order of updates depend on nothing else)."""
    def event(old: Update, new: Partnership) -> Event:
        return new.timeline[next(i for i, e in enumerate(old.partnership.timeline) if e is old.event)]

    return tuple(Update(new, event(u, new), u.anchor) if (new := partnerships.get(u.partnership.slug)) else u
                 for u in entries)


def feed_updated(entries: tuple[Update, ...]) -> str:
    return max(u.updated for u in entries) if entries else build_date()


def pick(text: Text | None, lang: str, languages) -> tuple[str, str]:
    """(value, language of the value): the text in `lang`, else in the first language that has it.
    The feed marks a fallback with xml:lang instead of pretending it is translated."""
    if text is None:
        return "", lang
    if text.values.get(lang):
        return text.values[lang], lang
    for other in languages:
        if text.values.get(other):
            return text.values[other], other
    return "", lang

"""The stages in order: content folder -> load -> validate -> resolve -> plan -> render (-> write).

`prepare` runs the stages up to the plan; kembar/render.py's `build` is the one render
path after it. `in_memory` is both, for `check` and the tests.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import feeds, github, i18n
from .errors import ContentError
from .load import load
from .model import Site
from .plan import Page, plan
from .project import PROJECT, Project
from .render import build
from .resolve import Index, resolve
from .validate import validate

__all__ = ["PROJECT", "Prepared", "prepare", "build", "in_memory"]


@dataclass(frozen=True)
class Prepared:
    site: Site
    index: Index
    pages: list[Page]


def prepare(content: Path, project: Project = PROJECT, memo: dict | None = None) -> tuple[Prepared | None, list[ContentError]]:
    """Load, validate, resolve and plan; or every content error. `memo`: validate's, kept by the dev server."""
    docs, errors = load(content)
    site, more = validate(docs, memo)
    errors += more
    if errors or site is None:
        return None, errors
    return planned(site, project), []


def planned(site: Site, project: Project = PROJECT) -> Prepared:
    site = github.with_repository(site)  # in CI, when site.yaml names no repository
    index = resolve(site, os.environ)  # SOURCE_DATE_EPOCH, if set, is "now" (kembar/freshness.py)
    return Prepared(site, index, plan(site, index, i18n.todo(site, project), feeds.updates(site)))


def in_memory(content: Path, project: Project = PROJECT, base_url: str | None = None):
    """The whole site in memory: (site, {path: bytes}, []), or (site or None, None, errors)."""
    prepared, errors = prepare(content, project)
    if errors:
        return None, None, errors
    try:
        outputs = dict(build(prepared.site, prepared.index, prepared.pages, project, base_url))
    except ContentError as error:
        return prepared.site, None, [error]
    return prepared.site, outputs, []

"""The whole pipeline as one function: content folder -> output bytes, or errors."""
from __future__ import annotations

from pathlib import Path

from .errors import ContentError
from .load import load
from .plan import plan
from .render import Project, render_site
from .resolve import resolve
from .validate import validate

PROJECT = Project(Path(__file__).resolve().parent.parent / "templates",
                  Path(__file__).resolve().parent.parent / "locales")


def prepare(content: Path, project: Project = PROJECT):
    """Load, validate, resolve and plan. Returns (site, index, pages, errors)."""
    docs, errors = load(content)
    site, more = validate(docs)
    errors += more
    if errors or site is None:
        return site, None, [], errors
    index = resolve(site)
    return site, index, plan(site, index, project), []


def build(content: Path, project: Project = PROJECT, base_url: str | None = None):
    """Load, validate, resolve, plan and render into memory. Returns (site, outputs,
    errors); outputs is None when there is any error."""
    site, index, pages, errors = prepare(content, project)
    if errors:
        return site, None, errors
    try:
        outputs = render_site(site, index, pages, project, base_url)
    except ContentError as error:
        return site, None, [error]
    return site, outputs, []

"""Translation status and the gettext round trip (pybabel extract / update).

Two kinds of text can lack a translation: translated fields in the content
({id: …, en: …, ja: …} maps, explainers, narratives) and UI strings in the catalogs.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from .errors import ContentError, report
from .load import load
from .model import Site
from .render import Project
from .validate import validate

SOURCE_LANGUAGE = "en"  # the msgids of the catalogs are English


@dataclass(frozen=True, order=True)
class Missing:
    lang: str
    path: str
    line: int
    what: str
    kind: str = "content"  # content | ui | fuzzy | obsolete

    def error(self) -> ContentError:
        return ContentError(self.path, self.line, 1, f"no {self.lang} translation: {self.what}")


def missing(site: Site, project: Project) -> list[Missing]:
    """Everything that has no text in some language of the site."""
    languages = site.config.languages
    found = []
    for what, text in site.texts:
        for lang in text.missing(languages):
            found.append(Missing(lang, text.pos.path, text.pos.line, what))
    for explainer in site.explainers.values():
        default = explainer.versions[site.config.default_lang]
        for lang in languages:
            if lang not in explainer.versions:
                found.append(Missing(lang, default.body.path, 1, f"explainer '{explainer.slug}' ({explainer.slug}.{lang}.md)"))
    for p in site.partnerships.values():
        if p.narrative:
            first = next(iter(p.narrative.values()))
            for lang in languages:
                if lang not in p.narrative:
                    found.append(Missing(lang, first.path, 1, f"narrative {p.slug}.{lang}.md"))
    for lang in languages:
        found += catalog_problems(project, lang)
    return sorted(set(found))


def catalog_problems(project: Project, lang: str) -> list[Missing]:
    po = project.locales / lang / "LC_MESSAGES" / "messages.po"
    shown = po.relative_to(project.root).as_posix() if po.is_relative_to(project.root) else str(po)
    if not po.is_file():
        if lang == SOURCE_LANGUAGE:
            return []
        return [Missing(lang, shown, 1, "the UI catalog is missing: run python build.py i18n update", "ui")]
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        line = message.lineno or 1
        if message.fuzzy:
            problems.append(Missing(lang, shown, line, f"UI string {message.id!r} is fuzzy (check it, then remove the fuzzy flag)", "fuzzy"))
        elif lang != SOURCE_LANGUAGE and not message.string:
            problems.append(Missing(lang, shown, line, f"UI string {message.id!r}", "ui"))
    for message in catalog.obsolete.values():
        problems.append(Missing(lang, shown, message.lineno or 1, f"obsolete UI string {message.id!r} (remove it)", "obsolete"))
    return problems


def status(site: Site, project: Project) -> dict:
    """Per language: counts, percentage and the list of what is missing."""
    items = missing(site, project)
    content_total = len(site.texts) + len(site.explainers)
    result = {}
    for lang in site.config.languages:
        ui_total = ui_count(project, lang)
        mine = [m for m in items if m.lang == lang]
        lacking = sum(m.kind in ("content", "ui", "fuzzy") for m in mine)
        total = content_total + ui_total
        result[lang] = {
            "total": total,
            "missing": lacking,
            "percent": round(100 * (total - lacking) / total, 1) if total else 100.0,
            "items": [asdict(m) for m in mine],
        }
    return result


def ui_count(project: Project, lang: str) -> int:
    pot = project.locales / "messages.pot"
    if not pot.is_file():
        return 0
    with pot.open("rb") as f:
        return sum(1 for m in read_po(f) if m.id)


def command(args) -> int:
    from .pipeline import PROJECT
    if args.action in ("extract", "update"):
        return pybabel(args.action, PROJECT)
    docs, errors = load(args.content)
    site, more = validate(docs)
    if errors + more or site is None:
        return report(errors + more, sys.stderr)
    result = status(site, PROJECT)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    for lang, entry in result.items():
        print(f"{lang}: {entry['percent']}% translated ({entry['total'] - entry['missing']} of {entry['total']}), "
              f"{entry['missing']} missing")
        for item in entry["items"]:
            print(f"  {item['path']}:{item['line']}: {item['what']}")
    return 0


def pybabel(action: str, project: Project) -> int:
    """Wrap Babel's own tools: extract to locales/messages.pot, update every catalog from it.
    Run from the project folder so the catalogs name files by relative path."""
    if action == "extract":
        argv = ["extract", "-F", "babel.cfg", "-o", "locales/messages.pot", "--sort-by-file", "--no-wrap",
                "--project", "Kembar", "--copyright-holder", "Kembar contributors",
                "--add-comments", "Translators:", "."]
    else:
        argv = ["update", "-i", "locales/messages.pot", "-d", "locales", "--no-wrap", "--previous"]
    runner = "import sys; from babel.messages.frontend import main; sys.argv[0] = 'pybabel'; main()"
    return subprocess.run([sys.executable, "-c", runner, *argv], cwd=project.root).returncode

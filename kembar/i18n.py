"""Translation status and the gettext round trip (pybabel extract / update).

Two kinds of text can lack a translation, and they are counted apart because different
people fix them: content texts ({id: …, en: …, ja: …} fields, explainers, narratives),
fixed in content/, and UI strings, fixed in locales/<lang>/LC_MESSAGES/messages.po. A UI
string counts as translated when its msgstr is filled in and not marked fuzzy (gettext
ignores fuzzy entries, and so does the build). Obsolete entries (#~) translate nothing;
they are listed so they can be deleted.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import unescape

from . import catalogs, urls
from .errors import ContentError
from .model import Site
from .project import OWN_NAMES, Project

SOURCE_LANGUAGE = "en"  # the msgids of the catalogs are English
UNTRANSLATED = ("content", "ui", "fuzzy")


@dataclass(frozen=True, order=True)
class Missing:
    lang: str
    path: str
    line: int
    what: str  # content: the field ('summary', 'timeline[2].text'); UI: the msgid
    kind: str = "content"  # content | ui | fuzzy | obsolete
    previous: str = ""  # fuzzy: the msgid the translation was made for, when Babel kept it

    def message(self) -> str:
        if self.kind == "content":
            return f"no {self.lang} translation: {self.what}"
        if self.kind == "ui":
            return f"no {self.lang} translation of the UI string {self.what!r}"
        if self.kind == "fuzzy":
            was = f" (made for {self.previous!r})" if self.previous else ""
            return (f"the {self.lang} translation of the UI string {self.what!r} is fuzzy{was}: "
                    f"check it, then delete the '#, fuzzy' line")
        return f"obsolete {self.lang} entry {self.what!r}: delete it"

    def error(self) -> ContentError:
        return ContentError(self.path, self.line, 1, self.message())


@dataclass(frozen=True, order=True)
class RecordTodo:
    """A record (or guide) that lacks text in one language, for the public translations page."""

    kind: str  # partnership | place | explainer | term | site
    slug: str  # for a term: '<section>/<term>'
    key: tuple | None  # the key of its page in the plan, if it has one
    fields: tuple[str, ...]


# -- what is missing ----------------------------------------------------------------------------

def content_units(site: Site) -> int:
    """How many content texts each language should have: translated fields, explainers,
    and the narratives of partnerships that have one."""
    return sum(map(len, site.texts.values())) + len(site.explainers) + sum(1 for p in site.partnerships.values() if p.narrative)


def missing_in(site: Site, path: str) -> list[tuple[str, list[str]]]:
    """What todo() counts for one file's texts: each text's label and its missing languages."""
    return [(what, text.missing(site.config.languages)) for what, text in site.texts.get(path, ())]


def content_missing(site: Site) -> list[Missing]:
    languages = site.config.languages
    found = []
    for texts in site.texts.values():
        for what, text in texts:
            for lang in text.missing(languages):
                found.append(Missing(lang, text.pos.path, text.pos.line, what))
    for explainer in site.explainers.values():
        default = explainer.versions[site.config.default_lang]
        for lang in languages:
            if lang not in explainer.versions:
                found.append(Missing(lang, default.body.path, 1, f"explainer '{explainer.slug}' (write {explainer.slug}.{lang}.md)"))
    for p in site.partnerships.values():
        if p.narrative:
            first = p.narrative.get(site.config.default_lang) or next(iter(p.narrative.values()))
            for lang in languages:
                if lang not in p.narrative:
                    found.append(Missing(lang, first.path, 1, f"narrative (write {p.slug}.{lang}.md)"))
    return found


def shown(project: Project, path: Path) -> str:
    return path.relative_to(project.root).as_posix() if path.is_relative_to(project.root) else str(path)


def msgid(message) -> str:
    return message.id[0] if isinstance(message.id, (tuple, list)) else message.id


def ui_msgids(project: Project, lang: str) -> list[str]:
    """The UI strings the templates use: from messages.pot, or the catalog if there is none."""
    pot = project.locales / "messages.pot"
    source = pot if pot.is_file() else catalogs.path(project, lang)
    if not source.is_file():
        return []
    return [msgid(m) for m in catalogs.read(source) if m.id]


def previous_msgid(message) -> str:
    """The msgid a fuzzy translation was made for. Babel writes it as '#| msgid "…"' but
    reads it back as a translator comment (python-babel/babel#206), so look there too."""
    if message.previous_id:
        return message.previous_id[0] if isinstance(message.previous_id, (tuple, list)) else message.previous_id
    for comment in message.user_comments:
        if comment.startswith("| msgid "):
            return unescape(comment[len("| msgid "):].strip())
    return ""


def catalog_problems(project: Project, lang: str) -> list[Missing]:
    """UI strings of one language that are untranslated, fuzzy or obsolete."""
    po = catalogs.path(project, lang)
    path = shown(project, po)
    if lang == SOURCE_LANGUAGE and not po.is_file():
        return []
    if not po.is_file():
        return [Missing(lang, path, 1, msg, "ui") for msg in ui_msgids(project, lang)]
    catalog = catalogs.read(po, lang)
    problems, present = [], set()
    for message in catalog:
        if not message.id:
            continue
        present.add(msgid(message))
        line = message.lineno or 1
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if message.fuzzy:
            previous = previous_msgid(message)
            problems.append(Missing(lang, path, line, msgid(message), "fuzzy", previous))
        elif lang != SOURCE_LANGUAGE and not all(strings):
            problems.append(Missing(lang, path, line, msgid(message), "ui"))
    for message in catalog.obsolete.values():
        problems.append(Missing(lang, path, message.lineno or 1, msgid(message), "obsolete"))
    # In the templates but not yet in the catalog: `i18n update` adds them.
    for msg in ui_msgids(project, lang):
        if msg not in present and lang != SOURCE_LANGUAGE:
            problems.append(Missing(lang, path, 1, msg, "ui"))
    return problems


def missing(site: Site, project: Project) -> list[Missing]:
    """Everything untranslated in some language of the site: content texts, UI strings,
    fuzzy UI strings (obsolete entries are not untranslated; status lists them)."""
    found = content_missing(site)
    for lang in site.config.languages:
        found += [m for m in catalog_problems(project, lang) if m.kind in UNTRANSLATED]
    return sorted(set(found))


# -- reports ------------------------------------------------------------------------------------------

def percent(done: int, total: int) -> float:
    if not total:
        return 100.0
    value = round(100 * done / total, 1)
    return 99.9 if value == 100.0 and done < total else value  # never round a gap away


def status(site: Site, project: Project) -> dict:
    """Per language: content texts and UI strings counted apart, each with what is missing."""
    content = content_missing(site)
    units = content_units(site)
    result = {}
    for lang in site.config.languages:
        gaps = [m for m in content if m.lang == lang]
        problems = catalog_problems(project, lang)
        ui_total = len(ui_msgids(project, lang))
        ui_gaps = [m for m in problems if m.kind in ("ui", "fuzzy")]
        ui_done = max(ui_total - len(ui_gaps), 0)
        result[lang] = {
            "content": {"total": units, "translated": units - len(gaps), "percent": percent(units - len(gaps), units),
                        "missing": [item(m) for m in sorted(gaps)]},
            "ui": {"total": ui_total, "translated": ui_done, "percent": percent(ui_done, ui_total),
                   "catalog": shown(project, catalogs.path(project, lang)),
                   "source_language": lang == SOURCE_LANGUAGE,
                   "missing": [item(m) for m in sorted(problems) if m.kind == "ui"],
                   "fuzzy": [item(m) for m in sorted(problems) if m.kind == "fuzzy"],
                   "obsolete": [item(m) for m in sorted(problems) if m.kind == "obsolete"]},
        }
    return result


def item(m: Missing) -> dict:
    entry = {"path": m.path, "line": m.line}
    if m.kind == "content":
        entry["field"] = m.what
    else:
        entry["msgid"] = m.what
    if m.previous:
        entry["previous_msgid"] = m.previous
    return entry


def format_status(result: dict) -> str:
    """The status as a translator reads it: per language, two counts, then every gap with
    the file and line to open."""
    out = []
    total_gaps = 0
    for lang, entry in result.items():
        c, u = entry["content"], entry["ui"]
        out.append(f"{lang}  {OWN_NAMES.get(lang, lang)}")
        out.append(f"  content texts {c['percent']:6.1f}%  ({c['translated']} of {c['total']})")
        note = "; msgids are English" if u["source_language"] else ""
        out.append(f"  UI strings    {u['percent']:6.1f}%  ({u['translated']} of {u['total']}{note})")
        if c["missing"]:
            out.append(f"  content texts to translate ({len(c['missing'])}): add '{lang}: …' to the field")
            out += [f"    {m['path']}:{m['line']}: {m['field']}" for m in c["missing"]]
        if u["missing"]:
            out.append(f"  UI strings to translate ({len(u['missing'])}): fill in msgstr")
            out += [f"    {m['path']}:{m['line']}: {json.dumps(m['msgid'], ensure_ascii=False)}" for m in u["missing"]]
        if u["fuzzy"]:
            out.append(f"  fuzzy UI strings ({len(u['fuzzy'])}): check the msgstr, then delete the '#, fuzzy' line")
            out += [f"    {m['path']}:{m['line']}: {json.dumps(m['msgid'], ensure_ascii=False)}"
                    + (f" (was {json.dumps(m['previous_msgid'], ensure_ascii=False)})" if m.get("previous_msgid") else "")
                    for m in u["fuzzy"]]
        if u["obsolete"]:
            out.append(f"  obsolete entries ({len(u['obsolete'])}): no template uses them any more; delete the '#~' lines")
            out += [f"    {m['path']}:{m['line']}: {json.dumps(m['msgid'], ensure_ascii=False)}" for m in u["obsolete"]]
        total_gaps += len(c["missing"]) + len(u["missing"]) + len(u["fuzzy"])
        out.append("")
    if total_gaps:
        out.append(f"{total_gaps} untranslated in all; pages show the {next(iter(result))} text meanwhile. "
                   "`python build.py check --strict` fails until none is left.")
    else:
        out.append("everything is translated")
    return "\n".join(out)


def todo(site: Site, project: Project | None = None) -> dict:
    """What the public translations page shows: per language, the counts, and the records
    and guides that lack text in that language (no file positions: those are for `i18n status`)."""
    owners = record_owners(site)
    content = content_missing(site)
    units = content_units(site)
    result = {}
    for lang in site.config.languages:
        gaps = [m for m in content if m.lang == lang]
        by_record: dict[tuple, list[str]] = {}
        for m in gaps:
            kind, slug, key = owner_of(m, owners)
            name = public_field(m.what, kind)
            by_record.setdefault((kind, slug, key), []).append(name)
        records = tuple(sorted(RecordTodo(kind, slug, key, tuple(dict.fromkeys(names)))
                               for (kind, slug, key), names in by_record.items()))
        ui = None
        if project is not None:
            total = len(ui_msgids(project, lang))
            lacking = sum(1 for m in catalog_problems(project, lang) if m.kind in ("ui", "fuzzy"))
            ui = (max(total - lacking, 0), total, percent(max(total - lacking, 0), total))
        done = units - len(gaps)
        result[lang] = {"content": (done, units, percent(done, units)), "ui": ui, "records": records}
    return result


def public_field(what: str, kind: str) -> str:
    """The field as the translations page names it: 'summary', 'label'; 'guide' for a whole
    explainer, 'narrative' for a partnership's narrative."""
    if what.startswith("explainer '"):
        return "guide"
    if what.startswith("narrative "):
        return "narrative"
    return what.rsplit(".", 1)[-1] if kind == "term" else what


def record_owners(site: Site) -> dict[str, tuple[str, str, tuple | None]]:
    """Content file -> (kind, slug, page key) of the record it belongs to."""
    owners = {}
    for slug, p in site.partnerships.items():
        for path in (p.path, *(m.path for m in p.narrative.values())):
            owners[path] = ("partnership", slug, ("partnership", slug))
    for slug, place in site.places.items():
        owners[place.path] = ("place", slug, ("place", slug))
    for slug, explainer in site.explainers.items():
        for version in explainer.versions.values():
            owners[version.body.path] = ("explainer", slug, ("explainer", slug))
    return owners


def owner_of(m: Missing, owners) -> tuple[str, str, tuple | None]:
    if m.path in owners:
        return owners[m.path]
    section, _, rest = m.what.partition(".")
    if section in ("types", "statuses", "sectors", "place_kinds") and rest:  # a vocabulary term
        term = rest.rsplit(".", 1)[0]
        key = (section, term) if section in urls.TERM_SECTIONS else None
        return "term", f"{section}/{term}", key
    return "site", "", ("home",)


# -- the gettext round trip ----------------------------------------------------------------------------

def pybabel(action: str, project: Project) -> int:
    """Wrap Babel's own tools: extract to locales/messages.pot, update every catalog from it.
    Run from the project folder so the catalogs name files by relative path. `update` keeps
    a changed string's old translation marked fuzzy, with the old msgid as '#| msgid'."""
    if action == "extract":
        argv = ["extract", "-F", "babel.cfg", "-o", "locales/messages.pot", "--sort-by-file", "--no-wrap",
                "--project", "Kembar", "--copyright-holder", "Kembar contributors",
                "--add-comments", "Translators:", "."]
    else:
        argv = ["update", "-i", "locales/messages.pot", "-d", "locales", "--no-wrap", "--previous"]
    runner = "import sys; from babel.messages.frontend import main; sys.argv[0] = 'pybabel'; main()"
    status = subprocess.run([sys.executable, "-c", runner, *argv], cwd=project.root).returncode
    if action == "update" and status == 0:
        for po in sorted(project.locales.glob("*/LC_MESSAGES/messages.po")):
            tidy_previous(po)
    return status


def tidy_previous(po: Path) -> None:
    """Keep '#| msgid' (the string a fuzzy translation was made for) as gettext's msgmerge
    does: on fuzzy entries only, and spelled '#|'. Babel reads the line back as a translator
    comment and writes it as '# | msgid' on the next update, where it would stay for good
    once the translator has cleared the fuzzy flag (python-babel/babel#206)."""
    text = po.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        previous = ["#| " + line.split("| ", 1)[1] for line in lines if line.startswith(("#| ", "# | "))]
        kept = [line for line in lines if not line.startswith(("#| ", "# | "))]
        if previous and fuzzy:  # where gettext puts them: after the flags, right before msgctxt/msgid
            at = next((n for n, line in enumerate(kept) if line.startswith(("msgctxt", "msgid"))), len(kept))
            kept[at:at] = previous
        blocks[i] = "\n".join(kept)
    tidy = "\n\n".join(blocks)
    if tidy != text:
        po.write_text(tidy, encoding="utf-8")

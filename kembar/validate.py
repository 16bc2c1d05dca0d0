"""Stage 2, validate: raw documents -> frozen dataclasses, or every error at once.

The schema reads like a table: each record type lists its keys, and one small function
per field type returns a value or records a ContentError at the node's position.
Cross-references (parties, vocabulary terms, links in Markdown) are checked here too,
so nothing is rendered from inconsistent content.
"""
from __future__ import annotations

import dataclasses
import datetime
import difflib
import math
import re
from urllib.parse import urlsplit

import yaml
from babel import Locale, UnknownLocaleError
from yaml.constructor import SafeConstructor

from .errors import ContentError
from .load import CONTROL, SLUG, RawDoc
from .model import (DEFAULT_STALE_YEARS, Event, Explainer, ExplainerVersion, Markdown, Partnership, PartialDate,
                    Place, Pos, Site, SiteConfig, Source, Term, Text, Vocabulary)

# Required keys are marked True.
SITE_KEYS = {"title": True, "description": True, "languages": True, "base_url": True, "contact": False,
             "strict": False, "repository": False, "edit_uri": False, "stale_after_years": False}
MAX_STALE_YEARS = 100
VOCABULARY_SECTIONS = ("types", "statuses", "sectors", "place_kinds")
TERM_KEYS = {"label": True, "definition": True}
PLACE_KEYS = {"names": True, "kind": True, "country": True, "region": False, "location": False,
              "description": False, "sources": False, "reading": False}
# A Japanese reading is written in kana (hiragana or katakana, with ー, ・ and spaces).
KANA = re.compile(r"[\u3041-\u3096\u3099-\u309f\u30a0-\u30ff\s]+")
PARTNERSHIP_KEYS = {"parties": True, "type": True, "status": True, "sectors": False, "summary": True,
                    "caution": False, "timeline": True, "sources": True}
EVENT_KEYS = {"date": True, "stage": False, "text": True}
SOURCE_KEYS = {"title": True, "publisher": True, "url": True, "date": False, "lang": False}
FRONT_MATTER_KEYS = {"title": True, "summary": False, "order": False}

STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (f"tag:yaml.org,2002:{t}" for t in
                                           ("str", "int", "float", "bool", "null", "timestamp"))
SCALAR_TAGS = {STR, INT, FLOAT, BOOL, NULL, TIMESTAMP}
COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
SCHEMES = "partnership|place|explainer|sector|status|type|country"
# [text](scheme:target) and reference definitions '[name]: scheme:target'
LINK = re.compile(rf"\]\(\s*<?({SCHEMES}):([^)\s>]*)>?|^ {{0,3}}\[[^\]]+\]:\s*<?({SCHEMES}):([^\s>]*)", re.M)
MAX_PARAGRAPH = 5_000  # characters; a long real paragraph has 1,500
MAX_NESTING = 16  # list and quote levels in Markdown
MARKDOWN_NESTING = re.compile(r"(?:[ \t]*(?:[-*+>]|[0-9]{1,9}[.)])(?=[ \t]|$))+|[ \t]+")
MARKDOWN_BLOCK = re.compile(r"[ \t>]*(?:(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)|\||#)")  # starts a list item, row, heading
SITE_LANGUAGE = re.compile(r"[a-z]{2,3}")  # a URL segment and a Babel locale
NUMBERS = SafeConstructor()  # YAML 1.1 numbers as PyYAML reads them: 0x1F, 1_000, 190:20:30, .inf
DEFAULT_LANGUAGES = ("id", "en", "ja")


def url_problem(value: str, what: str) -> str | None:
    """Why `value` is not an http(s) address fit to print in a page, or None."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if (not parts or parts.scheme not in ("http", "https") or not parts.hostname
            or any(c in value for c in '"<>\\`') or any(c.isspace() or not c.isprintable() for c in value)):
        return f"{what} must be an http:// or https:// address, not '{value}'"
    return None


def base_url_problem(value: str) -> str | None:
    """Why `value` cannot be where the site lives (site.yaml's base_url, build --base-url), or None."""
    problem = url_problem(value, "base_url")
    if problem:
        return problem
    if urlsplit(value).query or urlsplit(value).fragment:
        return "base_url is where the site lives: no '?…' or '#…' part"
    if "@" in urlsplit(value).netloc:  # it is printed on every page
        return "base_url must not hold a user name or password"
    return None


class Reader:
    """Reads the nodes of one document and records what is wrong with them."""

    def __init__(self, doc: RawDoc, languages, errors: list[ContentError], texts: list):
        self.doc, self.languages, self.errors, self.texts = doc, languages, errors, texts
        self.seen: set[int] = set()

    def pos(self, node) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + 1 + self.doc.line_offset, mark.column + 1

    def error(self, node, message: str) -> None:
        line, col = self.pos(node) if node is not None else (1, 1)
        self.errors.append(self.doc.error(line, col, message))

    def visit(self, node) -> bool:
        """Refuse aliases (a node met twice) and tags that ask for Python objects."""
        if id(node) in self.seen:
            self.error(node, "YAML aliases (*name) are not allowed: write the value out")
            return False
        self.seen.add(id(node))
        if node.tag not in SCALAR_TAGS | COLLECTION_TAGS:
            self.error(node, f"YAML tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed")
            return False
        return True

    def mapping(self, node, keys: dict[str, bool], what: str) -> dict | None:
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values, not {kind_of(node)}")
            return None
        found: dict = {}
        suggested = set()  # a misspelt required key is one mistake: don't also call it missing
        for key, value in node.value:
            if not self.visit(key):
                continue
            if not isinstance(key, yaml.ScalarNode):
                self.error(key, "keys must be plain words")
                continue
            name = key.value
            if name in found:
                self.error(key, f"duplicate key '{name}' (first on line {found[name][0]})")
            elif name not in keys:
                close = difflib.get_close_matches(name, keys, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f"; expected one of: {', '.join(keys)}"
                self.error(key, f"unknown key '{name}' in {what}{hint}")
                suggested.update(close)
            else:
                found[name] = (self.pos(key)[0], value)
        for name, required in keys.items():
            if required and name not in found and name not in suggested:
                self.error(node, f"{what} is missing the required key '{name}'")
        return {name: value for name, (_, value) in found.items()}

    def seq(self, node, what: str) -> list | None:
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, not {kind_of(node)}")
            return None
        return node.value

    def string(self, node, what: str) -> str | None:
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{what} must be text, not {kind_of(node)}")
            return None
        value = node.value.strip()
        if node.tag == NULL or not value:
            self.error(node, f"{what} is empty")
            return None
        if "TODO" in value:
            self.error(node, f"{what} still says TODO: fill it in")
            return None
        control = CONTROL.search(value)
        if control:  # from an escape such as "\0": invisible, and not allowed in the XML feeds
            self.error(node, f"{what} holds the control character U+{ord(control.group()):04X}: remove it")
            return None
        return value

    def term(self, node, terms, section: str) -> str | None:
        value = self.string(node, f"a {section} term")
        if value is None:
            return None
        if terms is not None and value not in terms:
            close = difflib.get_close_matches(value, terms, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.error(node, f"unknown {section} '{value}'{hint}; see content/vocabulary.yaml")
            return None
        return value

    def text(self, node, what: str) -> Text | None:
        """A translated text {id: …, en: …, ja: …}; missing languages are reported by i18n status."""
        if isinstance(node, yaml.ScalarNode) and node.tag != NULL and node.value.strip():
            example = ", ".join(f"{lang}: …" for lang in self.languages)
            self.error(node, f"{what} must be translated: write {{{example}}}")
            return None
        found = self.mapping(node, {lang: False for lang in self.languages}, what)
        if found is None:
            return None
        values = {}
        errors_before = len(self.errors)
        for lang, value in found.items():
            text = self.string(value, f"the '{lang}' text of {what}")
            if text is not None:
                values[lang] = text
        if not values:
            if len(self.errors) == errors_before:  # else each language has said why already (a TODO)
                self.error(node, f"{what} has no text")
            return None
        line, col = self.pos(node)
        text = Text(values, Pos(self.doc.path, line, col))
        self.texts.append((what, text))
        return text

    def date(self, node, what: str) -> PartialDate | None:
        value = self.string(node, what)
        if value is None:
            return None
        match = DATE.fullmatch(value)
        if not match:
            self.error(node, f"{what} must be YYYY, YYYY-MM or YYYY-MM-DD, not '{value}'")
            return None
        year, month, day = (int(g) if g else 0 for g in match.groups())
        try:
            datetime.date(year, month or 1, day or 1)
        except ValueError:
            self.error(node, f"impossible date '{value}'")
            return None
        return PartialDate(year, month, day)

    def url(self, node, what: str) -> str | None:
        value = self.string(node, what)
        if value is None:
            return None
        problem = url_problem(value, what)
        if problem:
            self.error(node, problem)
            return None
        return value

    def number(self, node, what: str, low: float, high: float) -> float | None:
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (INT, FLOAT):
            self.error(node, f"{what} must be a number")
            return None
        value = float(NUMBERS.construct_object(node))
        if not math.isfinite(value) or not low <= value <= high:
            self.error(node, f"{what} {node.value} is out of range ({low:g} to {high:g})")
            return None
        return value

    def integer(self, node, what: str) -> int | None:
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != INT:
            self.error(node, f"{what} must be a whole number")
            return None
        return NUMBERS.construct_object(node)

    def boolean(self, node, what: str) -> bool | None:
        """true or false only: YAML 1.1 also reads yes/no/on/off, which look like text."""
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != BOOL or node.value.lower() not in ("true", "false"):
            quoted = isinstance(node, yaml.ScalarNode) and node.value.lower() in ("true", "false")
            self.error(node, f"{what} must be true or false, not {kind_of(node)}" + (" (write it without quotes)" if quoted else ""))
            return None
        return node.value.lower() == "true"

    def language(self, node, what: str) -> str | None:
        value = self.string(node, what)
        if value is not None and not language_known(value):
            self.error(node, f"'{value}' is not a BCP 47 language code")
            return None
        return value

    def sources(self, node) -> tuple[Source, ...] | None:
        items = self.seq(node, "sources")
        if items is None:
            return None
        if not items:
            self.error(node, "sources must list at least one source")
        result = []
        for item in items:
            found = self.mapping(item, SOURCE_KEYS, "a source")
            if found is None:
                continue
            get = lambda key, parse, what: parse(found[key], what) if key in found else None  # noqa: E731
            title, publisher = get("title", self.string, "title"), get("publisher", self.string, "publisher")
            url = get("url", self.url, "url")
            date, lang = get("date", self.date, "date"), get("lang", self.language, "lang")
            if title and publisher and url:
                result.append(Source(title, publisher, url, date, lang))
        return tuple(result)


def kind_of(node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "empty"
    return f"'{node.value}'"


def language_known(code: str) -> bool:
    try:
        Locale.parse(code, sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return False
    return True


def validate(docs: list[RawDoc], memo: dict | None = None) -> tuple[Site | None, list[ContentError]]:
    """Check every document; return the site, or None and every error found.

    `memo` (the dev server keeps one across rebuilds) remembers each document read without
    errors: the same document, read against equal vocabulary, languages and places, gives
    the same record, so it is not read again."""
    errors: list[ContentError] = []
    texts: list = []

    def read(doc: RawDoc, languages, depends_on, read_doc):
        """read_doc(reader) for one document, or its remembered result. `depends_on(record)`
        is what else the record was checked against (e.g. its parties' places)."""
        entry = memo.get(doc.path) if memo is not None else None
        if entry is not None and entry[0] is doc and entry[1] == (languages, depends_on(entry[2])):
            texts.extend(entry[3])
            return entry[2]
        errors_before, texts_before = len(errors), len(texts)
        record = read_doc(Reader(doc, languages, errors, texts))
        if memo is not None and len(errors) == errors_before:
            memo[doc.path] = (doc, (languages, depends_on(record)), record, tuple(texts[texts_before:]))
        return record

    by_kind: dict[str, list[RawDoc]] = {}
    broken: dict[str, set[str]] = {}  # kind -> slugs of files that could not be read
    for doc in docs:
        if doc.broken:
            broken.setdefault(doc.kind, set()).add(doc.slug)
        else:
            by_kind.setdefault(doc.kind, []).append(doc)

    def nothing(record):
        return None

    config = None
    for doc in by_kind.get("site", []):
        config = read(doc, DEFAULT_LANGUAGES, nothing, read_site)
    languages = config.languages if config else DEFAULT_LANGUAGES

    vocabulary = None
    for doc in by_kind.get("vocabulary", []):
        vocabulary = read(doc, languages, nothing, read_vocabulary)

    def terms(section):
        return getattr(vocabulary, section) if vocabulary else None

    def vocabulary_used(record):
        return vocabulary

    def vocabulary_and_parties(record):
        return vocabulary, tuple(places.get(slug) for slug in (record.parties if record else ()))

    places = unique(by_kind.get("place", []), errors)
    places = {slug: read(doc, languages, vocabulary_used, lambda r: read_place(r, r.doc.slug, terms))
              for slug, doc in places.items()}
    places.update({slug: None for slug in broken.get("place", ()) if slug not in places})
    partnerships = unique(by_kind.get("partnership", []), errors)
    partnerships = {slug: read(doc, languages, vocabulary_and_parties,
                               lambda r: read_partnership(r, r.doc.slug, terms, places))
                    for slug, doc in partnerships.items()}

    partnerships.update({slug: None for slug in broken.get("partnership", ()) if slug not in partnerships})
    narratives: dict[str, dict[str, Markdown]] = {}
    for doc in by_kind.get("narrative", []):
        if check_lang(doc, languages, errors):
            if doc.slug not in partnerships:
                errors.append(doc.error(1, 1, f"narrative without its record: there is no partnerships/{doc.slug}.yaml"))
            elif doc.data is not None:
                errors.append(doc.error(1, 1, "a narrative is plain Markdown: remove the front matter"))
            else:
                narratives.setdefault(doc.slug, {})[doc.lang] = Markdown(doc.body, doc.path, doc.body_line)

    explainers = read_explainers(by_kind.get("explainer", []), languages, errors, texts)
    refs = {"partnership": partnerships, "place": places, "explainer": {*explainers, *broken.get("explainer", ())},
            "sector": terms("sectors"), "status": terms("statuses"), "type": terms("types")}
    for doc in by_kind.get("explainer", []) + by_kind.get("narrative", []):
        known = memo.get(("markdown", doc.path)) if memo is not None else None
        if known is not None and known[0] is doc:  # the body was checked and its links found before
            links = known[1]
        else:
            links, errors_before = links_in(doc), len(errors)
            check_markdown(doc, errors)
            if memo is not None and len(errors) == errors_before:
                memo["markdown", doc.path] = (doc, links)
        check_links(doc, links, refs, errors)

    if errors or broken or config is None or vocabulary is None:
        return None, errors
    partnerships = {slug: with_narrative(p, narratives.get(slug, {})) for slug, p in partnerships.items()}
    by_file: dict[str, list] = {}
    for what, text in texts:
        by_file.setdefault(text.pos.path, []).append((what, text))
    site = Site(config, vocabulary, places, dict(sorted(partnerships.items())), explainers,
                {path: tuple(found) for path, found in by_file.items()})
    return site, []


def revise(site: Site, docs: list[RawDoc]) -> tuple[Site | None, list[ContentError]]:
    """`site` with partnerships read again from new versions of files it was made from
    (records and narratives; the dev server's most common edit). Each is checked as
    validate() checks it; nothing else can change, since no file appeared or went away.
    Returns None and no errors when the record cannot be made (validate() will say why)."""
    errors: list[ContentError] = []
    vocabulary, languages = site.vocabulary, site.config.languages
    refs = {"partnership": site.partnerships, "place": site.places, "explainer": site.explainers,
            "sector": vocabulary.sectors, "status": vocabulary.statuses, "type": vocabulary.types}
    partnerships, texts = dict(site.partnerships), dict(site.texts)
    for doc in sorted(docs, key=lambda doc: doc.kind != "partnership"):  # records before their narratives
        old = partnerships[doc.slug]
        if doc.kind == "partnership":
            found: list = []
            record = read_partnership(Reader(doc, languages, errors, found), doc.slug,
                                      lambda section: getattr(vocabulary, section), site.places)
            if record is None:
                return None, errors
            partnerships[doc.slug] = with_narrative(record, old.narrative)
            if found:
                texts[doc.path] = tuple(found)  # in its place: the same order as validate() gives
            else:
                texts.pop(doc.path, None)
        elif check_lang(doc, languages, errors):
            if doc.data is not None:
                errors.append(doc.error(1, 1, "a narrative is plain Markdown: remove the front matter"))
            check_markdown(doc, errors)
            check_links(doc, links_in(doc), refs, errors)
            narrative = {**old.narrative, doc.lang: Markdown(doc.body, doc.path, doc.body_line)}
            partnerships[doc.slug] = dataclasses.replace(old, narrative=narrative)
    if errors:
        return None, errors
    return dataclasses.replace(site, partnerships=partnerships, texts=texts), []


def unique(docs: list[RawDoc], errors) -> dict[str, RawDoc]:
    result: dict[str, RawDoc] = {}
    for doc in docs:
        if doc.slug in result:
            errors.append(doc.error(1, 1, f"duplicate slug '{doc.slug}': {result[doc.slug].path} has it already"))
        else:
            result[doc.slug] = doc
    return result


def check_lang(doc: RawDoc, languages, errors) -> bool:
    if doc.lang in languages:
        return True
    errors.append(doc.error(1, 1, f"'{doc.lang}' is not a language of this site ({', '.join(languages)}); "
                                  f"name the file {doc.slug}.<language>.md"))
    return False


def with_narrative(partnership, narrative):
    from dataclasses import replace
    return replace(partnership, narrative=narrative) if narrative else partnership


def read_site(r: Reader) -> SiteConfig | None:
    found = r.mapping(r.doc.data, SITE_KEYS, "site.yaml")
    if found is None:
        return None
    languages = []
    items = r.seq(found["languages"], "languages") if "languages" in found else None
    for item in items or ():
        code = r.language(item, "a language")
        if code and not SITE_LANGUAGE.fullmatch(code):
            r.error(item, f"a site language is a two- or three-letter lowercase code such as id (it appears in URLs), not '{code}'")
        elif code in languages:
            r.error(item, f"language '{code}' is listed twice")
        elif code:
            languages.append(code)
    if items is not None and not items:
        r.error(found["languages"], "languages must list at least one language")
    r.languages = tuple(languages) or DEFAULT_LANGUAGES
    title = r.text(found["title"], "title") if "title" in found else None
    description = r.text(found["description"], "description") if "description" in found else None
    base_url = r.string(found["base_url"], "base_url") if "base_url" in found else None
    contact = read_contact(r, found["contact"]) if "contact" in found else None
    strict = r.boolean(found["strict"], "strict") if "strict" in found else False
    repository = r.url(found["repository"], "repository") if "repository" in found else None
    edit_uri = r.string(found["edit_uri"], "edit_uri") if "edit_uri" in found else None
    if edit_uri and (edit_uri.startswith("/") or "://" in edit_uri or "?" in edit_uri or "#" in edit_uri):
        r.error(found["edit_uri"], f"edit_uri is a path inside the repository, such as edit/main/content/, not '{edit_uri}'")
        edit_uri = None
    stale_after = r.integer(found["stale_after_years"], "stale_after_years") if "stale_after_years" in found else None
    if stale_after is not None and not 1 <= stale_after <= MAX_STALE_YEARS:
        r.error(found["stale_after_years"], f"stale_after_years must be between 1 and {MAX_STALE_YEARS}, not {stale_after}")
        stale_after = None
    if base_url and base_url_problem(base_url):
        r.error(found["base_url"], base_url_problem(base_url))
        base_url = None
    if not (title and description and languages and base_url):
        return None
    return SiteConfig(title, description, tuple(languages), base_url.rstrip("/") + "/", contact, bool(strict),
                      repository.rstrip("/") if repository else None,
                      edit_uri.rstrip("/") + "/" if edit_uri else SiteConfig.edit_uri,
                      stale_after or DEFAULT_STALE_YEARS)


def read_contact(r: Reader, node) -> str | None:
    """contact: a web address, or mailto: and an email address."""
    value = r.string(node, "contact")
    if value and value.startswith("mailto:"):
        if re.fullmatch(r"mailto:[^@\s<>\"'`]+@[^@\s<>\"'`]+", value):
            return value
        r.error(node, f"contact must be an http(s):// address or mailto: and an email address, not '{value}'")
        return None
    if value and url_problem(value, "contact"):
        r.error(node, url_problem(value, "contact").replace("an http://", "mailto: and an email address, or an http://"))
        return None
    return value


def read_vocabulary(r: Reader) -> Vocabulary | None:
    found = r.mapping(r.doc.data, {s: True for s in VOCABULARY_SECTIONS}, "vocabulary.yaml")
    if found is None:
        return None
    sections = {}
    for section in VOCABULARY_SECTIONS:
        node = found.get(section)
        if node is None or not r.visit(node):
            continue
        if not isinstance(node, yaml.MappingNode) or not node.value:
            r.error(node, f"{section} must be a mapping of terms, not {kind_of(node)}")
            continue
        terms = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or not SLUG.fullmatch(key.value):
                r.error(key, f"term '{getattr(key, 'value', '?')}' must be lowercase ASCII kebab-case (it appears in URLs)")
                continue
            if key.value in terms:
                r.error(key, f"duplicate term '{key.value}'")
                continue
            fields = r.mapping(value, TERM_KEYS, f"term '{key.value}'")
            if fields is None:
                continue
            label = r.text(fields["label"], f"{section}.{key.value}.label") if "label" in fields else None
            definition = r.text(fields["definition"], f"{section}.{key.value}.definition") if "definition" in fields else None
            if label and definition:
                terms[key.value] = Term(key.value, label, definition)
        sections[section] = terms
    if len(sections) != len(VOCABULARY_SECTIONS):
        return None
    return Vocabulary(**sections)


def read_place(r: Reader, slug: str, terms) -> Place | None:
    found = r.mapping(r.doc.data, PLACE_KEYS, "a place")
    if found is None:
        return None
    names = r.text(found["names"], "names") if "names" in found else None
    kind = r.term(found["kind"], terms("place_kinds"), "place kind") if "kind" in found else None
    country = None
    if "country" in found:
        country = r.string(found["country"], "country")
        if country and (not re.fullmatch(r"[A-Z]{2}", country) or country not in Locale("en").territories):
            r.error(found["country"], f"country must be an ISO 3166-1 alpha-2 code such as ID or JP, not '{country}'")
            country = None
    region = r.text(found["region"], "region") if "region" in found else None
    location = None
    if "location" in found:
        items = r.seq(found["location"], "location")
        if items is not None and len(items) != 2:
            r.error(found["location"], "location must be [latitude, longitude]")
        elif items is not None:
            lat = r.number(items[0], "latitude", -90, 90)
            lon = r.number(items[1], "longitude", -180, 180)
            location = (lat, lon) if lat is not None and lon is not None else None
    description = r.text(found["description"], "description") if "description" in found else None
    sources = r.sources(found["sources"]) if "sources" in found else ()
    if description and not sources and "sources" not in found:
        r.error(found["description"], "a description needs sources: list where its facts come from")
    reading = read_reading(r, found["reading"]) if "reading" in found else {}
    if names and kind and country:
        return Place(slug, r.doc.path, names, kind, country, region, location, description, sources or (),
                     reading)
    return None


def read_reading(r: Reader, node) -> dict[str, str]:
    """reading: {ja: ひがしまつしまし}: how the name in a language is read, for sorting. Not a
    translated text (a reading in one language is complete), so i18n status ignores it."""
    found = r.mapping(node, {lang: False for lang in r.languages}, "reading")
    reading = {}
    for lang, value in (found or {}).items():
        text = r.string(value, f"the '{lang}' reading")
        if text and lang == "ja" and not KANA.fullmatch(text):
            r.error(value, f"the 'ja' reading must be written in kana (hiragana or katakana), not '{text}'")
        elif text:
            reading[lang] = text
    return reading


def read_partnership(r: Reader, slug: str, terms, places) -> Partnership | None:
    found = r.mapping(r.doc.data, PARTNERSHIP_KEYS, "a partnership")
    if found is None:
        return None
    parties = None
    if "parties" in found:
        items = r.seq(found["parties"], "parties")
        if items is not None and len(items) != 2:
            r.error(found["parties"], f"parties must name exactly two places, not {len(items)}")
        elif items is not None:
            slugs = [r.string(item, "a party") for item in items]
            for item, party in zip(items, slugs):
                if party and party not in places:
                    close = difflib.get_close_matches(party, places, n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    r.error(item, f"party '{party}' names no place: there is no places/{party}.yaml{hint}")
            if slugs[0] and slugs[0] == slugs[1]:
                r.error(items[1], f"the two parties are the same place '{slugs[0]}'")
            elif all(s in places for s in slugs):
                first = places[slugs[0]]
                if first and first.country != "ID":
                    r.error(items[0], f"the Indonesian party comes first, but '{slugs[0]}' is in {first.country}")
                else:
                    parties = tuple(slugs)
    type_ = r.term(found["type"], terms("types"), "type") if "type" in found else None
    status = r.term(found["status"], terms("statuses"), "status") if "status" in found else None
    sectors = ()
    if "sectors" in found:
        items = r.seq(found["sectors"], "sectors") or []
        sectors = tuple(s for s in (r.term(i, terms("sectors"), "sector") for i in items) if s)
        if len(set(sectors)) != len(sectors):
            r.error(found["sectors"], "a sector is listed twice")
    summary = r.text(found["summary"], "summary") if "summary" in found else None
    caution = r.text(found["caution"], "caution") if "caution" in found else None
    timeline = read_timeline(r, found["timeline"], terms) if "timeline" in found else None
    sources = r.sources(found["sources"]) if "sources" in found else None
    if parties and type_ and status and summary and timeline and sources:
        return Partnership(slug, r.doc.path, parties, type_, status, sectors, summary, caution,
                           timeline, sources)
    return None


def read_timeline(r: Reader, node, terms) -> tuple[Event, ...] | None:
    items = r.seq(node, "timeline")
    if items is None:
        return None
    if not items:
        r.error(node, "timeline needs at least one dated event (it gives the status its 'as of' date)")
        return None
    events, ok = [], True
    for i, item in enumerate(items):
        found = r.mapping(item, EVENT_KEYS, "a timeline event")
        if found is None:
            ok = False
            continue
        date = r.date(found["date"], "date") if "date" in found else None
        stage = r.term(found["stage"], terms("statuses"), "status") if "stage" in found else None
        text = r.text(found["text"], f"timeline[{i + 1}].text") if "text" in found else None
        if date and events and before(date, events[-1].date):
            r.error(found["date"], f"timeline is out of order: {date.iso} comes after {events[-1].date.iso}; list events oldest first")
            ok = False
        if date and text and ("stage" not in found or stage):
            events.append(Event(date, stage, text))
        else:
            ok = False
    return tuple(events) if ok else None


def before(a: PartialDate, b: PartialDate) -> bool:
    """a is surely earlier than b, compared at the precision both have ('2019' is not before '2019-12')."""
    n = min(len(a.iso), len(b.iso))
    return a.iso[:n] < b.iso[:n]


def read_explainers(docs: list[RawDoc], languages, errors, texts) -> dict[str, Explainer]:
    versions: dict[str, dict[str, ExplainerVersion]] = {}
    orders: dict[str, int] = {}
    for doc in docs:
        if not check_lang(doc, languages, errors):
            continue
        r = Reader(doc, languages, errors, texts)
        found = r.mapping(doc.data, FRONT_MATTER_KEYS, "front matter")
        if found is None:
            continue
        title = r.string(found["title"], "title") if "title" in found else None
        summary = r.string(found["summary"], "summary") if "summary" in found else ""
        if "order" in found:
            order = r.integer(found["order"], "order")
            if order is not None:
                orders.setdefault(doc.slug, order)
        if title and summary is not None:
            body = Markdown(doc.body, doc.path, doc.body_line)
            versions.setdefault(doc.slug, {})[doc.lang] = ExplainerVersion(doc.lang, title, summary, body)
    explainers = {}
    default = languages[0]
    for slug, by_lang in versions.items():
        if default not in by_lang:
            first = next(iter(by_lang.values()))
            errors.append(ContentError(first.body.path, 1, 1,
                                       f"explainer '{slug}' has no {default} version: write explainers/{slug}.{default}.md first"))
            continue
        explainers[slug] = Explainer(slug, orders.get(slug, 100), dict(sorted(by_lang.items())))
    return dict(sorted(explainers.items(), key=lambda item: (item[1].order, item[0])))


def check_markdown(doc: RawDoc, errors) -> None:
    """Python-Markdown recurses once per nesting level and takes quadratic time on some long
    paragraphs (unclosed brackets): bound both, so no body can crash or stall the build."""
    start, length, nested = 0, 0, False

    def close():
        if length > MAX_PARAGRAPH:
            errors.append(doc.error(doc.body_line + start, 1, f"paragraph of {length:,} characters: split it "
                                                              f"(at most {MAX_PARAGRAPH:,})"))
        return 0

    for i, line in enumerate(doc.body.split("\n")):
        if not line.strip() or MARKDOWN_BLOCK.match(line):  # a list item or a table row is a block of its own
            length = close()
        if not line.strip():
            continue
        start, length = (start if length else i), length + bool(length) + len(line)  # with the line breaks
        prefix = MARKDOWN_NESTING.match(line)
        if prefix and not nested and (len(re.findall(r"[-*+>]|[0-9]+[.)]", prefix.group())) > MAX_NESTING
                                      or len(prefix.group().expandtabs(4)) > 4 * MAX_NESTING + 3):
            errors.append(doc.error(doc.body_line + i, 1, f"nested more than {MAX_NESTING} levels deep"))
            nested = True  # once per file
    close()


def links_in(doc: RawDoc) -> tuple[tuple[str, str, int], ...]:
    """Every [text](scheme:target) of a Markdown body: (scheme, target, offset)."""
    found = []
    for match in LINK.finditer(doc.body):
        group = 1 if match.group(1) else 3
        found.append((match.group(group), match.group(group + 1), match.start(group)))
    return tuple(found)


def check_links(doc: RawDoc, links, refs: dict, errors) -> None:
    """Links such as [Badung](place:badung) must name something that exists."""
    for scheme, target, offset in links:
        if scheme == "country":
            ok = target.upper() in Locale("en").territories and len(target) == 2
        else:
            known = refs.get(scheme)
            ok = known is None or target in known  # None: the vocabulary itself failed
        if not ok:
            before = doc.body[:offset]
            line = doc.body_line + before.count("\n")
            col = offset - (before.rfind("\n") + 1) + 1
            errors.append(doc.error(line, col, f"link to {scheme} '{target}', which does not exist"))

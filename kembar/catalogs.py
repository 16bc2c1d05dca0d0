"""The one reader of the gettext catalogs (locales/<lang>/LC_MESSAGES/messages.po):
read directly, no compiled .mo in the repository."""
from __future__ import annotations

import functools
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from .project import Project


def path(project: Project, lang: str) -> Path:
    return project.locales / lang / "LC_MESSAGES" / "messages.po"


def read_bytes(project: Project, lang: str) -> bytes | None:
    po = path(project, lang)
    return po.read_bytes() if po.is_file() else None


@functools.lru_cache(maxsize=16)  # parsed once per content (the dev server asks after every save)
def parse(data: bytes, lang: str | None = None) -> Catalog:
    return read_po(BytesIO(data), locale=lang)


def read(po: Path, lang: str | None = None) -> Catalog:
    return parse(po.read_bytes(), lang)


@functools.lru_cache(maxsize=16)
def translations_of(data: bytes | None, lang: str):
    """What Jinja's i18n extension needs; without a catalog the msgids (English) show."""
    if data is None:
        return NullTranslations()
    buffer = BytesIO()
    write_mo(buffer, parse(data, lang))  # fuzzy entries are left out, as gettext does
    buffer.seek(0)
    return Translations(fp=buffer)


def translations(project: Project, lang: str):
    return translations_of(read_bytes(project, lang), lang)

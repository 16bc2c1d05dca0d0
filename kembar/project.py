"""The bottom layer: where the engine's own files are. Every other module may import it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each language named in its own language, as the language switch shows it.
OWN_NAMES = {"id": "Bahasa Indonesia", "en": "English", "ja": "日本語"}


@dataclass(frozen=True)
class Project:
    """Where the engine's own files are: templates and catalogs (the content folder varies)."""

    templates: Path
    locales: Path

    @property
    def root(self) -> Path:
        return self.templates.parent


PROJECT = Project(ROOT / "templates", ROOT / "locales")

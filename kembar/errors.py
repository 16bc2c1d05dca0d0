"""One error type with a position, printed the way editors' tools expect."""
from __future__ import annotations

from dataclasses import dataclass

from . import github


@dataclass(frozen=True, order=True)
class ContentError(Exception):
    """A mistake in the content, at `path:line:col` (1-based; path relative to the
    content folder's parent). `source` is the offending line, shown under the message."""

    path: str
    line: int
    col: int
    message: str
    source: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"

    def __reduce__(self):  # so an error raised in a render worker reaches the parent intact
        return ContentError, (self.path, self.line, self.col, self.message, self.source)

    def format(self) -> str:
        if not self.source:
            return str(self)
        caret = " " * (max(self.col, 1) - 1) + "^"
        return f"{self}\n    {self.source}\n    {caret}"


def report(errors, stream, title: str = "content error") -> int:
    """Print every error, sorted, and return the exit status for content errors. Under
    GitHub Actions each is also a workflow command, so it shows on its line of the diff."""
    for error in sorted(set(errors)):
        print(error.format(), file=stream)
        github.annotate("error", [error], stream, title)
    n = len(set(errors))
    print(f"{n} error{'s' if n != 1 else ''}", file=stream)
    return 1

"""Golden output: a few pages of the small fixture site, compared byte for byte.

An intended change to the output is accepted by regenerating the files:

    python tests/test_golden.py

and reading the diff (git diff tests/golden/) before committing it.
"""
import importlib.util
import os
import tempfile
from pathlib import Path

import pytest

from kembar import pipeline

# The small site of tests/conftest.py, loaded by path (tests/publish has a conftest too).
_spec = importlib.util.spec_from_file_location("fixture_site", Path(__file__).resolve().parent / "conftest.py")
fixture_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture_site)

GOLDEN = Path(__file__).resolve().parent / "golden"
FILES = [
    "index.html",
    *(f"{lang}/{page}" for lang in ("id", "en", "ja") for page in (
        "index.html", "partnerships/index.html", "partnerships/badung-fujisawa/index.html",
        "places/fujisawa/index.html", "explainers/what-is-a-sister-city/index.html", "feed.xml")),
    "sitemap.xml", "data/partnerships.json", "data/partnerships.csv",
]


def build_fixture_site() -> dict[str, bytes]:
    # "Now" for the freshness of statuses is SOURCE_DATE_EPOCH when set (kembar/freshness.py):
    # the golden files are made with the fixture's own newest date, whatever the shell says.
    epoch = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        with tempfile.TemporaryDirectory() as folder:
            _, outputs, errors = pipeline.in_memory(fixture_site.write_site(Path(folder), fixture_site.SITE))
    finally:
        if epoch is not None:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
    assert errors == []
    return outputs


@pytest.mark.parametrize("name", FILES)
def test_output_matches_the_golden_file(name, golden_outputs):
    expected = (GOLDEN / name).read_bytes()
    assert golden_outputs[name] == expected, f"{name} changed: if intended, run python tests/test_golden.py"


@pytest.fixture(scope="module")
def golden_outputs():
    return build_fixture_site()


if __name__ == "__main__":
    outputs = build_fixture_site()
    for name in FILES:
        target = GOLDEN / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(outputs[name])
    print(f"wrote {len(FILES)} golden files into {GOLDEN}")

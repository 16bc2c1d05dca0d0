"""`new`: commented skeletons that pass `check` once their TODO fields are filled in, and
that never overwrite an existing file."""
from __future__ import annotations

import re

import pytest

from kembar.cli import main


def fill(text: str, values: list[str]) -> str:
    """Replace each "TODO" in turn with the next value, as an editor would."""
    values = iter(values)
    return re.sub(r'"TODO[^"]*"', lambda m: f'"{next(values)}"', text)


def test_a_new_place_and_partnership_pass_check_once_filled_in(make_site, capsys):
    content = make_site()
    assert main(["new", "place", "kochi", "--content", str(content)]) == 0
    assert main(["new", "partnership", "badung-kochi", "--parties", "badung,kochi", "--content", str(content)]) == 0
    assert "fill in the fields marked TODO" in capsys.readouterr().out
    place = content / "places/kochi.yaml"
    record = content / "partnerships/badung-kochi.yaml"
    for path in (place, record):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# ") and text.count("  # ") >= 3  # commented for the editor

    # Untouched, the skeletons fail with an error at each TODO.
    assert main(["check", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"content/partnerships/badung-kochi\.yaml:\d+:\d+: .* still says TODO: fill it in", err)
    assert "content/places/kochi.yaml:3:7: the 'id' text of names still says TODO: fill it in" in err

    text = place.read_text(encoding="utf-8").replace("country: ID", "country: JP")
    text = text.replace("location: [TODO, TODO]", "location: [33.56, 133.53]")
    place.write_text(fill(text, ["Kota Kochi", "Kochi City", "高知市", "Prefektur Kochi", "Kochi Prefecture", "高知県"]),
                     encoding="utf-8")
    text = record.read_text(encoding="utf-8").replace('date: "TODO"', 'date: "2024-10"')
    text = text.replace("https://example.org/TODO", "https://example.org/news/badung-kochi")
    record.write_text(fill(text, [
        "Badung menjajaki kerja sama dengan Kochi.", "Badung is exploring a partnership with Kochi.",
        "バドゥン県は高知市との提携を模索しています。",
        "Penjajakan dimulai.", "Talks began.", "協議が始まりました。",
        "Badung jajaki kerja sama dengan Kochi", "Example News"]), encoding="utf-8")
    assert main(["check", "--content", str(content)]) == 0, capsys.readouterr().err


def test_a_new_explainer_passes_check_once_filled_in(make_site, capsys):
    content = make_site()
    assert main(["new", "explainer", "how-to-help", "--content", str(content)]) == 0
    path = content / "explainers/how-to-help.id.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n") and "partnership:badung-fujisawa" in text
    assert main(["check", "--content", str(content)]) == 1
    text = fill(text, ["Cara membantu", "Cara menambah dan memperbaiki data di situs ini."])
    text = text.replace("TODO: write the explainer in Markdown.", "Situs ini terbuka untuk kontribusi.")
    assert "TODO" not in text
    path.write_text(text, encoding="utf-8")
    assert main(["check", "--content", str(content)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("kind, slug, path, extra", [
    ("partnership", "badung-fujisawa", "partnerships/badung-fujisawa.yaml", ["--parties", "badung,fujisawa"]),
    ("place", "badung", "places/badung.yaml", []),
    ("explainer", "what-is-a-sister-city", "explainers/what-is-a-sister-city.id.md", []),
])
def test_new_never_overwrites(make_site, kind, slug, path, extra, capsys):
    content = make_site()
    before = (content / path).read_bytes()
    assert main(["new", kind, slug, *extra, "--content", str(content)]) == 2
    assert "exists already; edit it instead" in capsys.readouterr().err
    assert (content / path).read_bytes() == before


def test_new_refuses_a_name_that_is_not_a_slug(make_site, capsys):
    content = make_site()
    assert main(["new", "place", "Kochi City", "--content", str(content)]) == 2
    assert "is not a slug" in capsys.readouterr().err
    assert not list((content / "places").glob("Kochi*"))

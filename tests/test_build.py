"""Stage 6 and the whole pipeline: base path, determinism, atomic replacement."""
import os
import re
from urllib.parse import urljoin, urlsplit

import pytest

from kembar import pipeline
from kembar.cli import main

HREF = re.compile(r'(?:href|src)="([^"]+)"')


def internal_targets(outputs, base_path):
    """Every internal URL of every HTML page, as (page, url, output file it needs)."""
    for name, data in sorted(outputs.items()):
        if not name.endswith(".html"):
            continue
        page_url = base_path + name.removesuffix("index.html")
        for url in HREF.findall(data.decode("utf-8")):
            parts = urlsplit(urljoin("https://host" + page_url, url.replace("&amp;", "&")))
            if parts.netloc != "host":
                continue
            yield name, url, parts.path


@pytest.mark.parametrize("base_url, base_path", [
    ("https://org.github.io/kota-kembar/", "/kota-kembar/"),
    ("https://example.org", "/"),
])
def test_every_internal_link_and_asset_resolves_under_the_base_path(make_site, base_url, base_path):
    _, outputs, errors = pipeline.in_memory(make_site(), base_url=base_url)
    assert errors == []
    checked = 0
    for page, url, path in internal_targets(outputs, base_path):
        assert path.startswith(base_path), f"{page}: {url} is outside {base_path}"
        file = path[len(base_path):]
        file = file + "index.html" if file.endswith("/") or file == "" else file
        if file.endswith(("feed.xml", "data/index.html", "search/index.html", "translations/index.html")):
            continue  # made by the publishing and editor stages, tested there
        assert file in outputs, f"{page}: {url} leads nowhere"
        checked += 1
    assert checked > 300
    canonical = outputs["en/index.html"].decode()
    assert f'<link rel="canonical" href="{base_url.rstrip("/")}/en/">' in canonical


def test_two_builds_are_byte_identical_on_one_process_or_two(make_site, tmp_path):
    content = make_site()
    first = tmp_path / "one"
    second = tmp_path / "two"
    assert main(["build", "--content", str(content), "--out", str(first), "--no-search", "--jobs", "1"]) == 0
    assert main(["build", "--content", str(content), "--out", str(second), "--no-search", "--jobs", "2"]) == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_a_failed_build_leaves_the_previous_site_untouched(make_site, tmp_path):
    content = make_site()
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (content / "partnerships/badung-fujisawa.yaml").write_text("parties: [badung\n", encoding="utf-8")
    assert main(["build", "--content", str(content), "--out", str(out)]) == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content", "site"]  # no temporary folders left


def test_base_url_option_overrides_site_yaml(make_site, tmp_path):
    out = tmp_path / "site"
    assert main(["build", "--content", str(make_site()), "--out", str(out),
                 "--base-url", "https://org.github.io/other/"]) == 0
    assert 'href="/other/en/partnerships/"' in (out / "en/index.html").read_text()


def test_a_build_with_nothing_changed_does_nothing(make_site, tmp_path, capsys):
    content = make_site()
    out = tmp_path / "site"
    build = ["build", "--content", str(content), "--out", str(out), "--no-search"]
    assert main(build) == 0
    page = out / "en/places/badung/index.html"
    before = page.stat().st_mtime_ns
    capsys.readouterr()
    assert main(build) == 0
    assert "is up to date" in capsys.readouterr().out
    assert page.stat().st_mtime_ns == before

    # A changed record, a changed option, a touched output or --no-cache each rebuild.
    (content / "places/badung.yaml").write_text(
        (content / "places/badung.yaml").read_text(encoding="utf-8").replace("Badung Regency", "Badung Regency (Bali)"),
        encoding="utf-8")
    assert main(build) == 0
    assert "Badung Regency (Bali)" in page.read_text(encoding="utf-8")
    assert "built" in capsys.readouterr().out
    page.write_text("tampered", encoding="utf-8")
    assert main(build) == 0
    assert "Badung Regency (Bali)" in page.read_text(encoding="utf-8")
    assert main(build + ["--base-url", "https://example.org/other/"]) == 0
    assert "/other/en/" in page.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(build + ["--base-url", "https://example.org/other/", "--no-cache"]) == 0
    assert "built" in capsys.readouterr().out
    assert (tmp_path / ".cache/.gitignore").read_text() == "*\n"


def test_the_dev_servers_writes_overwrite_in_place_but_never_through_a_link(tmp_path):
    """put() writes over the old bytes (ext4 would flush a file replaced by a rename or a
    truncation to zero), so it must cut what a longer page left behind, and must not
    write through a symlink or into a file that has other hard links."""
    from kembar.write import digest, put

    out = tmp_path / "out"
    assert put(out, "en/a/index.html", b"a long first version", None) == (digest(b"a long first version"), True)
    inode = (out / "en/a/index.html").stat().st_ino
    assert put(out, "en/a/index.html", b"short", digest(b"a long first version"))[1]
    assert (out / "en/a/index.html").read_bytes() == b"short"
    assert (out / "en/a/index.html").stat().st_ino == inode  # written in place
    assert put(out, "en/a/index.html", b"short", None) == (digest(b"short"), False)  # same bytes: untouched

    linked, hard = tmp_path / "linked.yaml", tmp_path / "hard.yaml"
    for other in (linked, hard):
        other.write_bytes(b"not the site's")
    (out / "en/b").mkdir(parents=True)
    (out / "en/b/index.html").symlink_to(linked)
    os.link(hard, out / "en/hard.html")
    for name in ("en/b/index.html", "en/hard.html"):
        assert put(out, name, b"page", None)[1]
        assert (out / name).read_bytes() == b"page" and not (out / name).is_symlink()
    assert linked.read_bytes() == hard.read_bytes() == b"not the site's"
    assert sorted(p.name for p in (out / "en/b").iterdir()) == ["index.html"]  # no temporary file left

"""Stage 1: files become raw documents that remember where every value came from."""
from kembar.load import load


def test_yaml_nodes_keep_line_and_column(make_site):
    docs, errors = load(make_site())
    assert errors == []
    doc = next(d for d in docs if d.path == "content/partnerships/badung-fujisawa.yaml")
    status = next(v for k, v in doc.data.value if k.value == "status")
    assert (status.start_mark.line + 1, status.start_mark.column + 1) == (3, 9)


def test_paths_are_relative_to_the_content_folders_parent(make_site):
    docs, _ = load(make_site())
    assert {d.path.split("/")[0] for d in docs} == {"content"}


def test_markdown_front_matter_and_body_line(make_site):
    docs, _ = load(make_site())
    doc = next(d for d in docs if d.path.endswith("what-is-a-sister-city.id.md"))
    assert (doc.kind, doc.slug, doc.lang) == ("explainer", "what-is-a-sister-city", "id")
    assert doc.body_line == 6 and doc.body.startswith("## Pengertian")
    title = next(v for k, v in doc.data.value if k.value == "title")
    assert title.start_mark.line + 1 + doc.line_offset == 2


def test_byte_order_mark_and_crlf_are_not_mistakes(make_site, tmp_path):
    clean = make_site()
    text = (clean / "places/badung.yaml").read_text(encoding="utf-8")
    (clean / "places/badung.yaml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    docs, errors = load(clean)
    assert errors == []
    doc = next(d for d in docs if d.slug == "badung")
    assert doc.lines[0] == "names: {id: Kabupaten Badung, en: Badung Regency, ja: バドゥン県}"


def test_non_utf8_is_reported_at_the_byte(make_site):
    content = make_site({"content/places/badung.yaml": b"names: {id: Kab\xe9 Badung}\nkind: regency\n"})
    _, errors = load(content)
    assert [str(e) for e in errors] == [
        "content/places/badung.yaml:1:16: file is not UTF-8 (byte 0xe9); save it as UTF-8"]


def test_unclosed_front_matter(make_site):
    content = make_site({"content/explainers/x.id.md": "---\ntitle: X\n\nBody\n"})
    _, errors = load(content)
    assert [str(e) for e in errors] == [
        "content/explainers/x.id.md:1:1: front matter opened with '---' is never closed"]

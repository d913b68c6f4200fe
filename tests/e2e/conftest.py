"""Browser tests: Playwright drives Debian's Chromium; axe-core checks every page visited."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BLOCKING = {"serious", "critical"}


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package", autouse=True)
def _allow_sync_orm_beside_playwright() -> Any:
    """Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
    there are still synchronous. Scoped to this package, so no later test inherits it."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_allow_sync_orm_beside_playwright: Any) -> Any:
    """One browser for the browser tests; stopped (with Playwright's event loop) when they end,
    so the tests after them run in a plain synchronous thread again."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run scripts/install --dev")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


class A11yPage:
    """A page wrapper whose navigations are all followed by an axe check.

    Its ``check()`` runs axe and so hides Playwright's ``page.check(selector)``: tick radio buttons
    and checkboxes with ``page.locator(selector).check()``.
    """

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.checked: list[str] = []
        self.violations: list[str] = []

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        url = self.page.url
        self.checked.append(url)
        for violation in result["violations"]:
            if violation["impact"] in BLOCKING:
                targets = [node["target"] for node in violation["nodes"][:3]]
                self.violations.append(f"{url}: {violation['id']} ({violation['impact']}) {targets}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.page, name)


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:
    # bypass_csp only so that axe can be injected; the CSP header itself is tested in test_security.py
    context = browser.new_context(accept_downloads=True, locale="en-GB", bypass_csp=True)
    raw = context.new_page()
    raw.set_default_timeout(15000)
    wrapped = A11yPage(raw, live_server.url)
    yield wrapped
    context.close()
    assert wrapped.checked, "the test visited no page"
    assert not wrapped.violations, "axe found serious or critical violations:\n" + "\n".join(wrapped.violations)

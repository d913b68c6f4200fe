"""Steps several browser journeys share: signing in, and checking a page fits the screen."""

from __future__ import annotations

from typing import Any

from tests.factories import PASSWORD


def login(page: Any, email: str, language: str) -> None:
    """Sign in as ``email`` on the ``language`` login page (cookies of an earlier person cleared)."""
    page.context.clear_cookies()
    page.goto(f"/{language}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.check()


def no_overflow(page: Any, width: int) -> None:
    """The page is no wider than the screen; otherwise the failure names the widest element."""
    from tests.e2e.test_phone_overflow import _OVERFLOW_JS

    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px screen: {page.evaluate(_OVERFLOW_JS)}"


def submit(page: Any, selector: str) -> None:
    """Click ``selector`` (a submit button or a link), wait for the next page and check it with axe."""
    with page.expect_navigation():
        page.click(selector)
    page.check()

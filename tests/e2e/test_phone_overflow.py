"""Every page, as every role, on a 360 px phone: no page is wider than the screen.

The pages come from the URL resolver and the permission matrix (tests/permission_rules.py): every
GET route a role is allowed to open is loaded with the matrix's own URL arguments, so a new route
is checked as soon as it has its permission rule. Routes that are not pages (the REST API, file
downloads, POST-only actions) are skipped by name below, each with its reason. A wide table may
scroll inside its own frame (``.table-scroll``); the page itself may not scroll sideways.
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.e2e.conftest import CHROMIUM  # noqa: F401  (the browser fixture needs it installed)
from tests.permission_rules import Rule
from tests.test_permission_matrix import all_route_names, rule_for

WIDTH, HEIGHT = 360, 740

# The six people the product serves, and the role of the permission matrix each one stands for.
ROLES = {
    "anonymous": "anonymous",
    "applicant": "project_holder",
    "evaluator": "evaluator",
    "programme manager": "manager",
    "editor": "member",  # an editor is a plain user with is_editor; the moderation pages are added below
    "admin": "platform_admin",
}
# Pages the matrix declares for platform admins that observatory editors open as well.
EDITOR_ROUTES = {"observatory:moderation_queue", "observatory:moderation_review",
                 "observatory:moderation_organisation", "observatory:import"}

# Routes that are not HTML pages, by name (prefix ending in ":" for a whole namespace), with the reason.
NOT_PAGES = {
    "api:": "REST API: JSON, not a page",
    "api_index": "redirects to the REST API's documentation, Swagger's own page",
    "admin:": "Django's admin, laid out by Django itself for desktop use by platform admins",
    "set_language": "POST-only: the language switch",
    "accounts:my_data": "file download (JSON archive)",
    "observatory:map_regions": "GeoJSON for the map",
    "observatory:map_points": "GeoJSON for the map",
    "observatory:export": "file download (CSV/XLSX/JSON export)",
    "observatory:import_template": "file download (import template)",
    "calls:results_export": "file download (results export)",
    "calls:funded_export": "file download (funded projects export)",
    "calls:call_report_pdf": "file download (PDF)",
    "calls:application_report_pdf": "file download (PDF)",
    "calls:self_assessment_pdf": "file download (PDF)",
    "calls:attachment_download": "file download (attachment)",
    "calls:review_attachment": "file download (attachment)",
    "calls:document_download": "file download (call document)",
    "calls:application_receipt": "file download (PDF)",
    "favicon": "the site's icon, an image",
    "impact:region_map_data": "GeoJSON for the map",
    **{f"impact:{name}": "file download (CSV/XLSX/JSON/XML export)" for name in (
        "programme_export", "region_export", "call_export", "indicator_export", "project_export", "open_results",
        "open_iati")},
    "impact:report_attachment": "file download (report evidence)",
    "impact:sroi_pdf": "file download (PDF)",
    "impact:theory_pdf": "file download (PDF)",
    "impact:counterfactual:study_pdf": "file download (PDF)",
    "policylab:run_export": "file download (CSV/XLSX/JSON export)",
    "policylab:comparison_export": "file download (CSV/XLSX/JSON export)",
    "policylab:comparison_pdf": "file download (PDF brief)",
}

# The widest element under <body> that sticks out of the viewport, named by a short CSS path.
_OVERFLOW_JS = """() => {
  // The layout viewport: a phone zooms out to fit a too-wide page, so innerWidth would grow with it.
  const width = document.documentElement.clientWidth;
  const page = document.documentElement.scrollWidth;
  if (page <= width) return null;
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const cls = (typeof el.className === 'string' ? el.className : '').trim().split(/\\s+/).filter(Boolean);
    if (cls.length) s += '.' + cls.slice(0, 2).join('.');
    return s;
  };
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(name(e));
    return parts.join(' > ');
  };
  const widest = (skipClipped) => {
    let worst = null, right = width;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= right) continue;
      // An element inside a scrolling frame does not widen the page: only the frame counts.
      let clipped = false;
      for (let p = el.parentElement; skipClipped && p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox !== 'visible' || getComputedStyle(p).position === 'fixed') { clipped = true; break; }
      }
      if (clipped) continue;
      right = r.right; worst = el;
    }
    return [worst, right];
  };
  let [worst, right] = widest(true);
  if (!worst) [worst, right] = widest(false);
  if (!worst) {
    // Text that spills out of a narrow element: the element's own box stays inside the screen.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (r.width > 0 && r.right > right) { right = r.right; worst = node.parentElement; }
    }
  }
  const text = worst ? (worst.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60) : '';
  return {page, width, element: worst ? path(worst) : '(none found)', right: Math.round(right), text};
}"""


def _skip_reason(route: str, rule: Rule) -> str | None:
    for name, reason in NOT_PAGES.items():
        if route == name or (name.endswith(":") and route.startswith(name)):
            return reason
    if rule.method != "GET":
        return f"{rule.method}-only action"
    return None


def _pages(world: Any) -> tuple[list[tuple[str, str, frozenset[str]]], dict[str, str]]:
    """(route, URL, allowed matrix roles) of every page, and the skipped routes with their reasons."""
    pages, skipped = [], {}
    names = all_route_names()
    stale = [name for name in NOT_PAGES if not name.endswith(":") and name not in names]
    assert not stale, f"NOT_PAGES names routes that no longer exist: {stale}"
    for route in names:
        rule = rule_for(route)
        assert rule is not None, f"{route} has no permission rule (tests/permission_rules.py)"
        reason = _skip_reason(route, rule)
        if reason:
            skipped[route] = reason
            continue
        with translation.override("en"):
            url = reverse(route, kwargs=rule.kwargs(world))
        if rule.data:
            from django.utils.http import urlencode

            url += "?" + urlencode(rule.data, doseq=True)
        pages.append((route, url, rule.allowed))
    return pages, skipped


def _long_content(world: Any) -> None:
    """Data as long as real data gets: an unbroken German compound and a long e-mail address."""
    world.org.name = "Bürgerenergiegenossenschaftsverwaltungsgesellschaft Tirol"
    world.org.save(update_fields=["name"])
    applicant = world.users["project_holder"]
    applicant.full_name = ""
    applicant.email = "projektverantwortliche.antragstellerin@gemeinde-beispielhausen.example.org"
    applicant.save(update_fields=["full_name", "email"])


def _context_for(browser: Any, live_server: Any, user: Any) -> Any:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-GB",
                                  is_mobile=True, has_touch=True, device_scale_factor=1,
                                  bypass_csp=True)  # only so that axe can be injected (menu test)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context


def _check(page: Any, base: str, route: str, url: str) -> list[str]:
    """What is wrong with ``url`` on the phone: nothing, or one line naming the page and the cause."""
    try:
        response = page.goto(base + url, wait_until="load")
    except Exception as exc:  # a download or a crash: say which route, and how to declare it
        return [f"{url} ({route}): could not be shown as a page ({exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]}); if it is a download, add it to NOT_PAGES with a reason"]
    status = response.status if response else 0
    if status >= 500:
        return [f"{url} ({route}): HTTP {status}"]
    content_type = response.headers.get("content-type", "") if response else ""
    if "text/html" not in content_type:
        return [f"{url} ({route}): {content_type or 'no content type'}, not a page; add it to NOT_PAGES with a reason"]
    found = page.evaluate(_OVERFLOW_JS)
    if not found:
        return []
    shown = page.url.removeprefix(base)
    return [f"{shown} ({route}): page is {found['page']} px wide at {found['width']} px; widest element "
            f"{found['element']} reaches {found['right']} px (text: {found['text']!r})"]


def test_no_page_is_wider_than_a_phone(browser, live_server, world):
    from asis.accounts.models import User

    started = time.monotonic()
    editor = User.objects.create_user("editor@example.org", "x-unused-password", full_name="Eda Editor",
                                      is_editor=True)
    _long_content(world)
    pages, skipped = _pages(world)
    assert pages, "no page to check"
    # One line per page and finding, naming everyone who saw it: the same page seen by six roles is one fix.
    problems: dict[str, list[str]] = {}
    visited = 0
    for person, matrix_role in ROLES.items():
        user = editor if person == "editor" else world.users[matrix_role]
        context = _context_for(browser, live_server, user)
        page = context.new_page()
        page.set_default_timeout(15000)
        for route, url, allowed in pages:
            if matrix_role not in allowed and not (person == "editor" and route in EDITOR_ROUTES):
                continue
            for finding in _check(page, live_server.url, route, url):
                problems.setdefault(finding, []).append(person)
            visited += 1
        context.close()
    elapsed = time.monotonic() - started
    print(f"\n360 px overflow check: {visited} page loads, {len(pages)} routes, {len(skipped)} skipped, "
          f"{elapsed:.0f} s")
    assert not problems, f"{len(problems)} pages are not fit for a {WIDTH} px phone:\n" + "\n".join(
        f"{finding} [seen as: {', '.join(people)}]" for finding, people in problems.items())


def test_menu_button_discloses_the_navigation(browser, live_server, world):
    """On a phone the header is one row with a menu button; the button opens and closes the
    language switch, the account links and the sections, by keyboard; the switch in it keeps the
    page; axe finds nothing serious with the menu closed or open. Without script the menu is
    simply open."""
    from tests.e2e.conftest import A11yPage

    context = _context_for(browser, live_server, world.users["manager"])
    context.clear_cookies()
    page = A11yPage(context.new_page(), live_server.url)
    page.goto("/en/")
    assert page.get_by_role("button", name="Menu").count() == 1
    button = page.locator(".menu-toggle")  # by class: its name changes with the language below
    assert button.get_attribute("aria-expanded") == "false"
    assert button.get_attribute("aria-controls") == "site-tools site-nav"
    assert not page.locator("#site-nav").is_visible()
    assert not page.locator("#language-select").is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator("#site-nav a").first.is_visible()
    assert page.locator("#language-select").is_visible()
    page.check()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    # The language switch in the menu keeps the page and its query, whatever the cookie says.
    context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page.goto("/en/observatory/?q=energy")
    button.click()
    page.select_option("#language-select", "de")
    with page.expect_navigation():
        page.locator(".lang-switch button[type=submit]").click()
    assert page.url == live_server.url + "/de/observatory/?q=energy"
    assert page.locator("html").get_attribute("lang") == "de"
    page.check()
    # On a desktop the button is not there and the menu is open.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not button.is_visible()
    assert page.locator("#site-nav").is_visible()
    context.close()
    assert not page.violations, "axe found serious or critical violations:\n" + "\n".join(page.violations)

    no_script = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, java_script_enabled=False)
    bare = no_script.new_page()
    bare.goto(live_server.url + "/en/")
    assert not bare.get_by_role("button", name="Menu").is_visible()
    assert bare.locator("#site-nav a").first.is_visible()
    assert bare.locator("#language-select").is_visible()
    no_script.close()


_FRAMES_JS = """() => Array.from(document.querySelectorAll('main table')).map((table) => {
  const frame = table.parentElement;
  const first = table.querySelector('tbody tr > :first-child');
  const before = first ? first.getBoundingClientRect().left : null;
  const scrolls = frame.scrollWidth > frame.clientWidth;
  frame.scrollLeft = 80;
  const after = first ? first.getBoundingClientRect().left : null;
  frame.scrollLeft = 0;
  return {framed: frame.classList.contains('table-scroll'), role: frame.getAttribute('role'),
          tabindex: frame.getAttribute('tabindex'), label: frame.getAttribute('aria-label') || '',
          sticky: first ? getComputedStyle(first).position : 'sticky', scrolls, moved: before !== after};
})"""


def test_wide_tables_scroll_in_a_focusable_frame(browser, live_server, world):
    """Results, decisions and the audit log on a phone: each table scrolls inside a named,
    focusable frame with its first column held in view; axe finds nothing serious."""
    from tests.e2e.conftest import A11yPage

    pages = {route: url for route, url, _allowed in _pages(world)[0]
             if route in {"calls:results", "calls:decisions", "core:audit_log"}}
    assert len(pages) == 3, pages
    context = _context_for(browser, live_server, world.users["platform_admin"])
    page = A11yPage(context.new_page(), live_server.url)
    problems, scrolled = [], 0
    for route, url in pages.items():
        page.goto(url)
        tables = page.evaluate(_FRAMES_JS)
        if not tables:
            problems.append(f"{route}: no table")
        for i, t in enumerate(tables):
            if not (t["framed"] and t["role"] == "region" and t["tabindex"] == "0" and t["label"]):
                problems.append(f"{route} table {i}: not in a named, focusable frame: {t}")
            if t["sticky"] != "sticky" or (t["scrolls"] and t["moved"]):
                problems.append(f"{route} table {i}: first column does not stay in view: {t}")
            scrolled += t["scrolls"]
    context.close()
    assert not problems, "\n".join(problems)
    assert scrolled, "no table was wider than the phone: the frames were not exercised"
    assert not page.violations, "axe found serious or critical violations:\n" + "\n".join(page.violations)

"""End to end: log in, switch through five languages, enable two-factor, download my data,
and follow a background job's progress bar."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import totp

from asis.accounts.models import Membership
from tests.conftest import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, email):
    page.goto("/en/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/en/")  # the home page
    page.check()


def test_login_languages_two_factor_and_my_data(page):
    user = make_user("ana@example.org")
    Membership.objects.create(user=user, organisation=make_org("Comune di Prova", "ITC1"), role="member")
    page.goto("/en/")
    _login(page, "ana@example.org")

    page.goto("/en/")
    headings = {}
    for lang in ["fr", "de", "it", "sl", "en"]:
        page.select_option("#language-select", lang)
        page.click(".lang-switch button")
        page.wait_for_url(f"**/{lang}/")
        page.check()
        with translation.override(lang):  # signed in, the home page is the person's own: check the footer
            expected = gettext("ASIS is open-source software for public authorities and social innovators of the "
                               "Alpine Space.")
        assert page.locator(".site-footer p").first.inner_text() == expected
        assert page.locator("html").get_attribute("lang") == lang
        headings[lang] = expected
    assert len(set(headings.values())) == 5, f"home page not translated: {headings}"

    page.goto("/en/accounts/profile/")
    page.click("text=Turn on two-factor authentication")
    page.wait_for_url("**/two-factor/setup/")
    page.check()
    secret = page.locator("#totp-secret").inner_text()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{totp(key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_url("**/two-factor/recovery-codes/")
    page.check()
    assert page.locator("#recovery-codes li").count() == 10
    page.click("text=I have saved my recovery codes")
    page.wait_for_url("**/accounts/profile/")
    page.check()
    assert page.locator("text=Two-factor authentication is on.").is_visible()

    with page.expect_download() as download_info:
        page.click("text=Download my data")
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == "ana@example.org"
    assert data["account"]["two_factor_enabled"] is True
    assert data["memberships"][0]["organisation"] == "Comune di Prova"


def test_job_progress_bar_follows_the_worker(page, settings):
    from tests.core.test_jobs import ROOT, _worker_env

    make_user("root@example.org", is_superuser=True, is_staff=True)
    _login(page, "root@example.org")
    page.goto("/en/audit/")
    page.click("text=Verify the whole chain")
    page.wait_for_url("**/jobs/**")
    page.check()
    assert page.locator("progress").count() == 1
    worker = subprocess.run([sys.executable, "-m", "asis.cli", "worker", "--batch"], env=_worker_env(), cwd=ROOT,
                            capture_output=True, timeout=120)
    assert worker.returncode == 0, worker.stderr.decode()[-2000:]
    page.wait_for_selector("text=Succeeded", timeout=10000)  # htmx polling picked up the change
    page.check()
    assert page.locator("progress").get_attribute("value") == "100"

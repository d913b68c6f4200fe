"""One trusted-proxy rule for the client address, and every consumer uses it (security issue items 7, 8)."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import Client, RequestFactory
from django.urls import reverse

from asis.core import clientip
from asis.core.api_base import AnonymousRate, UserRate
from asis.core.checks import log_startup_warnings
from asis.core.logfilters import ShortForbidden

SRC = Path(__file__).resolve().parents[2] / "src" / "asis"
PROXY = "10.0.0.2"


def _ip(settings, remote, xff=None, trusted=()):
    settings.ASIS_TRUSTED_PROXIES = list(trusted)
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return clientip.client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(("remote", "xff", "trusted", "expected"), [
    # Nobody trusted: the header is ignored whatever it says.
    ("203.0.113.9", "198.51.100.1", (), "203.0.113.9"),
    ("203.0.113.9", "not-an-ip", (), "203.0.113.9"),
    # REMOTE_ADDR is not a trusted proxy: its header is the client's own invention.
    ("203.0.113.9", "198.51.100.1", ("10.0.0.0/8",), "203.0.113.9"),
    # Behind a trusted proxy: the right-most entry the proxy appended is the client.
    (PROXY, "198.51.100.1", ("10.0.0.0/8",), "198.51.100.1"),
    # Whatever the client wrote to the left is ignored.
    (PROXY, "1.2.3.4, 5.6.7.8, 198.51.100.1", ("10.0.0.0/8",), "198.51.100.1"),
    # Two trusted proxies (load balancer then nginx): skip both.
    (PROXY, "1.2.3.4, 198.51.100.1, 10.0.0.7", ("10.0.0.0/8",), "198.51.100.1"),
    (PROXY, " 198.51.100.1 ,10.0.0.7 ", ("10.0.0.2", "10.0.0.7/32"), "198.51.100.1"),
    # Malformed entries stop the walk at the last trusted hop, never at the attacker's string.
    (PROXY, "evil, 10.0.0.7", ("10.0.0.0/8",), "10.0.0.7"),
    (PROXY, "198.51.100.1, garbage", ("10.0.0.0/8",), PROXY),
    (PROXY, "", ("10.0.0.0/8",), PROXY),
    (PROXY, None, ("10.0.0.0/8",), PROXY),
    # Every hop trusted: the left-most one.
    (PROXY, "10.0.0.5, 10.0.0.6", ("10.0.0.0/8",), "10.0.0.5"),
    # IPv6 and IPv4-mapped IPv6.
    ("::1", "2001:db8::5", ("::1",), "2001:db8::5"),
    ("::ffff:10.0.0.2", "198.51.100.1", ("10.0.0.0/8",), "198.51.100.1"),
    ("fd00::2", "198.51.100.1", ("10.0.0.0/8",), "fd00::2"),  # v4 network does not trust a v6 peer
    # Invalid settings entries trust nobody (the system check reports them).
    (PROXY, "198.51.100.1", ("not-a-network",), PROXY),
    # Missing or broken REMOTE_ADDR.
    ("", "198.51.100.1", ("10.0.0.0/8",), ""),
    ("bogus", "198.51.100.1", ("10.0.0.0/8",), ""),
])
def test_client_ip(settings, remote, xff, trusted, expected):
    assert _ip(settings, remote, xff, trusted) == expected


def test_no_module_but_the_helper_reads_the_address_headers():
    """Every consumer (axes, API throttles, self-assessment, audit, ...) goes through client_ip."""
    pattern = re.compile(r"REMOTE_ADDR|X_FORWARDED_FOR|X-Forwarded-For|get_client_ip|ipware", re.IGNORECASE)
    offenders = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
                 if path.name != "clientip.py"
                 and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_axes_and_api_throttles_use_the_helper(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "asis.core.clientip.client_ip"
    settings.ASIS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
    assert AnonymousRate("1/s").get_ident(request) == UserRate("1/s").get_ident(request) == "198.51.100.1"
    from axes.helpers import get_client_ip_address

    assert get_client_ip_address(request) == "198.51.100.1"


def test_rotating_forwarded_for_does_not_defeat_the_api_limit(db, settings):
    """700 anonymous requests, each with another X-Forwarded-For, from one untrusted address."""
    settings.ASIS_API_RATE_ANONYMOUS = "100/m"
    client = Client()
    statuses = [client.get("/api/v1/regions", REMOTE_ADDR="203.0.113.66",
                           HTTP_X_FORWARDED_FOR=f"198.18.{i // 250}.{i % 250}").status_code for i in range(700)]
    assert statuses.count(200) == 100
    assert statuses[100:] == [429] * 600


def test_behind_a_trusted_proxy_clients_are_told_apart_by_the_right_most_entry(db, settings):
    settings.ASIS_API_RATE_ANONYMOUS = "3/m"
    settings.ASIS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = Client()

    def get(xff):
        return client.get("/api/v1/regions", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff).status_code

    # The attacker rotates what it writes; the proxy appends its real address on the right.
    assert [get(f"198.18.0.{i}, 203.0.113.66") for i in range(5)] == [200, 200, 200, 429, 429]
    assert get("198.51.100.7") == 200  # another client behind the same proxy keeps its own budget


def test_invalid_trusted_proxy_entry_is_a_check_error(settings):
    settings.ASIS_TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.example.org"]
    errors = [m for m in run_checks() if m.id == "asis.E020"]
    assert len(errors) == 1 and "proxy.example.org" in errors[0].msg


def test_per_process_cache_is_reported_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [m.id for m in run_checks() if m.id == "asis.W020"] == ["asis.W020"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/0"}}
    assert [m for m in run_checks() if m.id == "asis.W020"] == []
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.DEBUG = True
    assert [m for m in run_checks() if m.id == "asis.W020"] == []


def test_start_up_logs_the_per_process_cache_warning(settings, caplog):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with caplog.at_level(logging.WARNING, logger="asis.startup"):
        log_startup_warnings()
    assert any(r.levelno == logging.WARNING and "asis.W020" in r.getMessage() and "per worker process"
               in r.getMessage() for r in caplog.records)


def test_wsgi_start_warns_about_a_per_process_cache(tmp_path):
    """What gunicorn loads: production settings without Redis say so in the log at start-up."""
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "asis.settings.production",
           "ASIS_SECRET_KEY": "w" + "".join(chr(ord("a") + i % 26) for i in range(60)) + "Z9!",
           "ASIS_ALLOWED_HOSTS": "asis.example.org", "ASIS_SITE_URL": "https://asis.example.org",
           "ASIS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "ASIS_AUDIT_KEY": "audit-" + "k" * 40,
           "PYTHONPATH": str(SRC.parent)}
    result = subprocess.run([sys.executable, "-c", "import asis.wsgi"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "asis.W020" in result.stderr
    env["ASIS_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    result = subprocess.run([sys.executable, "-c", "import asis.wsgi"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "asis.W020" not in result.stderr


def test_a_refusal_is_logged_as_one_line_without_traceback(world, caplog):
    member = world.users["member"]
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = world.client_for("member").get(reverse("observatory:import"))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.exc_info is None and record.exc_text is None
    line = record.getMessage()
    assert line == (f"Forbidden: path={reverse('observatory:import')} user={member.pk} "
                    "reason=Only editors and platform admins may import data.")
    assert "\n" not in logging.Formatter().format(record)


def test_errors_keep_their_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x/",),
            sys.exc_info(), extra={"status_code": 500})
    assert ShortForbidden().filter(record) is True
    assert record.exc_info is not None
    assert "Traceback" in logging.Formatter().format(record)

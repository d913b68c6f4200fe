"""Expected allow/deny for every route and role. A route that is missing here fails the
permission-matrix test, so every new view must declare who may use it.

``allowed`` lists the roles that get through; every other role must be denied
(anonymous: redirect to a login page or 401; others: 403, 404 or a redirect to a login page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import ROLE_NAMES

ALL = frozenset(ROLE_NAMES)
AUTHENTICATED = ALL - {"anonymous"}
ORG_MEMBERS = frozenset({"member", "project_holder", "evaluator", "manager", "platform_admin"})
ADMIN_ONLY = frozenset({"platform_admin"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    method: str = "GET"
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    data: dict[str, Any] = field(default_factory=dict)

    def request(self, client: Any, route: str, world: Any) -> Any:
        """Send this rule's request for ``route`` with ``client``; a streamed body is read to the end."""
        import json

        from django.urls import reverse
        from django.utils import translation

        with translation.override("en"):
            url = reverse(route, kwargs=self.kwargs(world))
        if self.method == "POST":
            response = client.post(url, self.data)
        elif self.method != "GET":
            response = client.generic(self.method, url, json.dumps(self.data), content_type="application/json")
        else:
            response = client.get(url, self.data)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # read to the end: a streamed file closes itself
        return response


def _org(w: Any) -> dict[str, Any]:
    return {"organisation_id": w.org.pk}


def _member_membership(w: Any) -> dict[str, Any]:
    from asis.accounts.models import Membership

    membership, _created = Membership.objects.get_or_create(user=w.users["member"], organisation=w.org, role="member")
    return {"organisation_id": w.org.pk, "membership_id": membership.pk}


def _unlock_token(w: Any) -> str:
    from asis.accounts.login_guard import unlock_token

    return unlock_token(w.users["member"])


def _member_token(w: Any) -> dict[str, Any]:
    from asis.accounts.services import api_token_create

    token, _raw = api_token_create(user=w.users["member"], name="script")
    return {"token_id": token.pk}


def _member_notification(w: Any) -> dict[str, Any]:
    from asis.dashboard.models import Notification

    notification = Notification.objects.create(recipient=w.users["member"], kind="accounts.password_reset")
    return {"notification_id": notification.pk}


def _member_job(w: Any) -> dict[str, Any]:
    from asis.core.models import Job

    return {"job_id": Job.objects.create(kind="audit.verify", owner=w.users["member"]).pk}


# --- organisation onboarding (issue 10) -------------------------------------------------------------

def _verify_token(w: Any) -> dict[str, Any]:
    from asis.accounts.verification import verification_token

    return {"token": verification_token(w.users["member"])}


def _join_request(w: Any) -> dict[str, Any]:
    from asis.accounts.models import JoinRequest
    from tests.conftest import make_user

    asker = make_user("asker@example.org")
    join_request, _created = JoinRequest.objects.get_or_create(user=asker, organisation=w.org,
                                                               status=JoinRequest.Status.PENDING)
    return {"organisation_id": w.org.pk, "request_id": join_request.pk}


def _invitation(w: Any) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from asis.accounts.models import Invitation

    invitation, _created = Invitation.objects.get_or_create(
        organisation=w.org, email="invited@example.org",
        defaults={"role": "member", "nonce": "matrix", "expires_at": timezone.now() + timedelta(days=1)})
    return invitation


def _invitation_token(w: Any) -> dict[str, Any]:
    from asis.accounts.onboarding import invitation_token

    return {"token": invitation_token(_invitation(w))}


ORG_ADMINS = frozenset({"manager", "platform_admin"})
ONBOARDING_RULES: dict[str, Rule] = {
    "accounts:email_verify": Rule(ALL, kwargs=_verify_token),
    "accounts:email_verify_resend": Rule(AUTHENTICATED, "POST"),
    "accounts:onboarding": Rule(AUTHENTICATED),
    "accounts:organisation_register": Rule(AUTHENTICATED),
    "accounts:organisation_join": Rule(AUTHENTICATED, data={"q": "Test"}),
    "accounts:organisation_join_request": Rule(AUTHENTICATED, "POST",
                                               kwargs=lambda w: {"organisation_id": w.other_org.pk}),
    "accounts:join_request_accept": Rule(ORG_ADMINS, "POST", kwargs=_join_request),
    "accounts:join_request_decline": Rule(ORG_ADMINS, "POST", kwargs=_join_request),
    "accounts:membership_role_change": Rule(ORG_ADMINS, "POST", kwargs=_member_membership),
    "accounts:invitation_create": Rule(ORG_ADMINS, "POST", kwargs=_org,
                                       data={"email": "new.person@example.org", "role": "member"}),
    "accounts:invitation_revoke": Rule(ORG_ADMINS, "POST",
                                       kwargs=lambda w: {"organisation_id": w.org.pk, "invitation_id": _invitation(w).pk}),
    "accounts:invitation": Rule(ALL, kwargs=_invitation_token),
    "accounts:invitation_signup": Rule(ALL, kwargs=_invitation_token),
}


RULES: dict[str, Rule] = {
    "set_language": Rule(ALL, "POST", data={"language": "fr", "next": "/en/"}),
    # REST API
    "api_index": Rule(ALL),
    "api:api-root": Rule(ALL),
    "api:openapi-json": Rule(ALL),
    "api:openapi-view": Rule(ALL),
    "api:health": Rule(ALL),
    "api:me": Rule(AUTHENTICATED),
    "api:me_update": Rule(AUTHENTICATED, "PATCH", data={"preferred_language": "de"}),
    "api:organisation_list": Rule(AUTHENTICATED),
    "api:organisation_detail": Rule(ORG_MEMBERS, kwargs=_org),
    "api:job_detail": Rule(frozenset({"member", "platform_admin"}), kwargs=_member_job),
    # core
    "core:home": Rule(ALL),
    "core:section": Rule(ALL, kwargs=lambda w: {"slug": "observatory"}),
    "core:job_list": Rule(AUTHENTICATED),
    "core:job_detail": Rule(frozenset({"member", "platform_admin"}), kwargs=_member_job),
    "core:audit_log": Rule(frozenset({"manager", "other_manager", "platform_admin"})),
    "core:audit_verify": Rule(ADMIN_ONLY, "POST"),
    # home page and notification centre (asis.dashboard)
    "dashboard:home": Rule(ALL),
    "dashboard:notifications": Rule(AUTHENTICATED),
    "dashboard:notification_read": Rule(frozenset({"member"}), "POST", kwargs=_member_notification),
    "dashboard:notification_read_all": Rule(AUTHENTICATED, "POST"),
    "dashboard:notification_settings": Rule(AUTHENTICATED),
    # public-sector basics: footer pages, help, favicon, the API's 404 for unknown paths
    "core:site_page": Rule(ALL, kwargs=lambda w: {"slug": "accessibility"}),
    "core:help_index": Rule(ALL),
    "core:help_guide": Rule(ALL, kwargs=lambda w: {"name": "calls/manager-build"}),
    "favicon": Rule(ALL),
    "api_not_found": Rule(NOBODY, kwargs=lambda w: {"rest": "v1/no-such-endpoint"}),
    # accounts
    "accounts:login": Rule(ALL),
    "accounts:login_unlock": Rule(ALL, "POST", data={"email": "nobody@example.org"}),
    "accounts:login_confirm": Rule(ALL, kwargs=lambda w: {"token": _unlock_token(w)}),
    "accounts:logout": Rule(ALL, "POST"),
    "accounts:signup": Rule(ALL),
    "accounts:password_reset": Rule(ALL),
    "accounts:password_reset_done": Rule(ALL),
    "accounts:password_reset_confirm": Rule(ALL, kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}),
    "accounts:password_reset_complete": Rule(ALL),
    "accounts:profile": Rule(AUTHENTICATED),
    "accounts:two_factor_setup": Rule(AUTHENTICATED),
    "accounts:two_factor_verify": Rule(AUTHENTICATED),
    "accounts:two_factor_disable": Rule(AUTHENTICATED, "POST"),
    "accounts:two_factor_recovery_codes": Rule(AUTHENTICATED),
    "accounts:my_data": Rule(AUTHENTICATED),
    "accounts:delete_account": Rule(AUTHENTICATED),
    "accounts:api_tokens": Rule(AUTHENTICATED),
    "accounts:api_token_revoke": Rule(frozenset({"member"}), "POST", kwargs=_member_token),
    "accounts:organisation_list": Rule(AUTHENTICATED),
    "accounts:organisation_detail": Rule(ORG_MEMBERS, kwargs=_org),
    "accounts:organisation_member_add": Rule(frozenset({"manager", "platform_admin"}), "POST", kwargs=_org),
    "accounts:organisation_member_remove": Rule(frozenset({"manager", "platform_admin"}), "POST",
                                                kwargs=_member_membership),
}

RULES.update(ONBOARDING_RULES)

# Each part of an app declares its rules in its own module tests/<app>/rules_<part>.py (merged here).
for _path in sorted(Path(__file__).parent.glob("*/rules_*.py")):
    _part = __import__(f"tests.{_path.parent.name}.{_path.stem}", fromlist=["RULES"])
    _clash = set(RULES) & set(_part.RULES)
    assert not _clash, f"rules declared twice: {_clash}"
    RULES.update(_part.RULES)

# The Django admin is for platform admins only. Its routes are generated per registered model,
# so one namespace rule covers them, with these exceptions:
ADMIN_EXCEPTIONS: dict[str, Rule] = {
    "admin:login": Rule(ALL),
    "admin:logout": Rule(ALL, "POST"),
    # The audit log is append-only: nobody may add or delete an entry, not even an admin.
    "admin:core_auditentry_add": Rule(NOBODY),
    "admin:core_auditentry_delete": Rule(NOBODY),
    "admin:django_tasks_database_dbtaskresult_delete": Rule(NOBODY),
    # The four footer pages are a fixed set: edited, never added or deleted.
    "admin:core_sitepage_add": Rule(NOBODY),
    "admin:core_sitepage_delete": Rule(NOBODY),
    "admin:autocomplete": Rule(ADMIN_ONLY, data={"app_label": "accounts", "model_name": "membership",
                                                 "field_name": "user", "term": "a"}),
    # Calls are changed only through their services (which write the audit log).
    **{f"admin:calls_{m}_{a}": Rule(NOBODY) for m in ("call", "application", "notification")
       for a in ("add", "delete")},
    # Revisions are the record of what changed: read-only, even for admins.
    "admin:observatory_initiativerevision_add": Rule(NOBODY),
    "admin:observatory_initiativerevision_delete": Rule(NOBODY),
    # Records written only by the platform itself.
    "admin:core_job_add": Rule(NOBODY),
    "admin:django_tasks_database_dbtaskresult_add": Rule(NOBODY),
    "admin:axes_accessattempt_add": Rule(NOBODY),
    "admin:axes_accesslog_add": Rule(NOBODY),
    "admin:axes_accessfailurelog_add": Rule(NOBODY),
}

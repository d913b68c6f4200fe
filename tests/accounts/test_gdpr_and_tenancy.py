from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from asis.accounts.models import Membership, User
from asis.accounts.services import membership_grant, retention_purge
from asis.core.audit import audit_verify
from asis.core.models import AuditEntry, Job
from tests.conftest import PASSWORD


def test_download_my_data(world):
    client = world.client_for("manager")
    response = client.get("/en/accounts/my-data/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == "manager@example.org"
    assert data["memberships"][0]["role"] == "programme_manager"
    assert data["memberships"][0]["organisation"] == world.org.name


def test_delete_account_anonymises_and_keeps_audit_chain(world):
    manager = world.users["manager"]
    membership_grant(actor=manager, user=world.users["member"], organisation=world.org, role="evaluator")
    client = world.client_for("manager")
    wrong = client.post("/en/accounts/delete/", {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 400
    assert User.objects.get(pk=manager.pk).is_active
    response = client.post("/en/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.email == f"deleted-{manager.pk}@invalid.example"
    assert manager.full_name == "" and not manager.has_usable_password() and not manager.is_active
    assert not Membership.objects.filter(user=manager).exists()
    # Records others depend on stay, pseudonymised, and the chain still verifies.
    entry = AuditEntry.objects.get(action="asis.membership.granted")
    assert entry.actor_id == manager.pk
    assert str(manager) == f"Deleted user #{manager.pk}"
    assert "manager@example.org" not in json.dumps(list(AuditEntry.objects.values("object_repr", "before", "after")))
    assert audit_verify().ok


def test_retention_purge(world, settings):
    settings.ASIS_RETENTION_DAYS = 30
    old = Job.objects.create(kind="audit.verify", status=Job.Status.SUCCEEDED)
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    recent = Job.objects.create(kind="audit.verify", status=Job.Status.SUCCEEDED)
    result = retention_purge()
    assert result["jobs"] == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]


def test_other_authority_sees_nothing(world):
    other = world.client_for("other_manager")
    assert other.get(f"/en/accounts/organisations/{world.org.pk}/").status_code == 404
    listing = other.get("/en/accounts/organisations/").content.decode()
    assert world.org.name not in listing and world.other_org.name in listing
    api = other.get("/api/v1/organisations")
    assert [o["name"] for o in api.json()] == [world.other_org.name]
    assert other.get(f"/api/v1/organisations/{world.org.pk}").status_code == 404


def test_audit_log_is_scoped_to_own_organisations(world):
    membership_grant(actor=world.users["manager"], user=world.users["member"], organisation=world.org, role="evaluator")
    membership_grant(actor=world.users["other_manager"], user=world.users["member"], organisation=world.other_org,
                     role="member")
    page = world.client_for("other_manager").get("/en/audit/").content.decode()
    assert page.count("asis.membership.granted") == 1
    admin_page = world.client_for("platform_admin").get("/en/audit/").content.decode()
    assert admin_page.count("asis.membership.granted") == 2


def test_manager_adds_and_removes_member_with_audit(world):
    client = world.client_for("manager")
    response = client.post(f"/en/accounts/organisations/{world.org.pk}/members/add/",
                           {"email": "project_holder@example.org", "role": "evaluator"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.users["project_holder"], role="evaluator")
    duplicate = client.post(f"/en/accounts/organisations/{world.org.pk}/members/add/",
                            {"email": "project_holder@example.org", "role": "evaluator"})
    assert duplicate.status_code == 400
    assert Membership.objects.filter(user=world.users["project_holder"], role="evaluator").count() == 1
    client.post(f"/en/accounts/organisations/{world.org.pk}/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["asis.membership.granted", "asis.membership.revoked"]


def test_api_token_auth(world):
    from asis.accounts.services import api_token_create

    _token, raw = api_token_create(user=world.users["evaluator"], name="script")
    from django.test import Client

    client = Client()
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["email"] == "evaluator@example.org"
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer asis_wrong").status_code == 401

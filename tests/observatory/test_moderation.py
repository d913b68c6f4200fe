"""Moderation queue, review with diff, decisions, notifications, edit history and diffs."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from asis.accounts.models import Organisation, User
from asis.core.models import AuditEntry
from asis.observatory.diffs import snapshot_diff, text_diff_html
from asis.observatory.models import Initiative
from asis.observatory.services import initiative_save
from tests.observatory.contribute_helpers import make_initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(world) -> User:
    return User.objects.create_user("editor@example.org", "x", is_editor=True, full_name="Eda Editor")


@pytest.fixture
def proposal(world) -> Initiative:
    member = world.users["member"]
    member.preferred_language = "fr"
    member.save()
    return make_initiative(submitted_by=member, title="Shared village van", lead=world.org)


def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_queue_lists_submitted_initiatives_and_organisations(client, editor, proposal, world, django_assert_max_num_queries):
    make_initiative(status="published", title="Already published", lead=world.org)
    Organisation.objects.create(name="New cooperative", type="ngo", country="AT", region=world.org.region,
                                status="submitted")
    editor_client(client, editor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("observatory:moderation_queue")).content.decode()
    assert "Shared village van" in page and "Already published" not in page
    assert "New cooperative" in page


@pytest.mark.parametrize("role", ["member", "manager", "anonymous"])
def test_non_editors_are_refused(world, proposal, role):
    client = world.client_for(role)
    for url in (reverse("observatory:moderation_queue"),
                reverse("observatory:moderation_review", kwargs={"initiative_id": proposal.pk})):
        assert client.get(url).status_code in (302, 403)
    response = client.post(reverse("observatory:moderation_review", kwargs={"initiative_id": proposal.pk}),
                           {"decision": "published"})
    assert response.status_code in (302, 403)
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_approve_publishes_and_notifies_in_the_submitters_language(client, editor, proposal, django_capture_on_commit_callbacks):
    editor_client(client, editor)
    url = reverse("observatory:moderation_review", kwargs={"initiative_id": proposal.pk})
    page = client.get(url).content.decode()
    assert "New initiative: every field" in page and "Shared village van" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "published", "reason": ""})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "published" and proposal.published_at is not None
    assert AuditEntry.objects.filter(action="asis.initiative.published", object_id=str(proposal.pk)).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@example.org"]
    assert "Shared village van" in message.subject
    assert "/fr/observatory/" in message.body  # links in the submitter's language (French)


def test_reject_needs_a_reason(client, editor, proposal, django_capture_on_commit_callbacks):
    editor_client(client, editor)
    url = reverse("observatory:moderation_review", kwargs={"initiative_id": proposal.pk})
    response = client.post(url, {"decision": "rejected", "reason": "  "})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "rejected", "reason": "Please describe who takes part."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.moderation_reason == "Please describe who takes part."
    assert "Please describe who takes part." in mail.outbox[0].body


def test_submitter_sees_rejection_reason_and_can_resubmit(client, editor, proposal, world):
    from asis.observatory.moderation import initiative_moderate

    initiative_moderate(actor=editor, initiative=proposal, decision="rejected", reason="Too vague.")
    member_client = world.client_for("member")
    page = member_client.get(reverse("observatory:my_proposals")).content.decode()
    assert "Too vague." in page


def test_review_shows_diff_against_last_published_version(client, editor, world):
    initiative = make_initiative(submitted_by=world.users["member"], status="published", lead=world.org,
                                 title="Village van")
    initiative.summary = "Volunteers <b>drive</b> everyone."
    initiative_save(actor=world.users["member"], initiative=initiative)
    from asis.observatory.services import initiative_set_status

    initiative_set_status(actor=world.users["member"], initiative=initiative, status="submitted")
    editor_client(client, editor)
    page = client.get(reverse("observatory:moderation_review", kwargs={"initiative_id": initiative.pk}))
    html = page.content.decode()
    assert "Changes since the published version" in html
    assert "<ins>Volunteers &lt;b&gt;drive&lt;/b&gt; everyone.</ins>" in html or "&lt;b&gt;" in html
    assert "<b>drive</b>" not in html


def test_duplicate_warning_shown_to_editor(client, editor, world):
    original = make_initiative(status="published", title="Shared village van", lead=world.other_org)
    from asis.observatory.moderation import find_possible_duplicate

    proposal = make_initiative(submitted_by=world.users["member"], title="Shared Village Van!", lead=world.org)
    proposal.possible_duplicate_of = find_possible_duplicate(title=proposal.title, lead=world.org,
                                                             exclude_pk=proposal.pk)
    proposal.save()
    assert proposal.possible_duplicate_of == original
    editor_client(client, editor)
    page = client.get(reverse("observatory:moderation_review", kwargs={"initiative_id": proposal.pk}))
    assert "may be a duplicate" in page.content.decode()


def test_organisation_moderation(client, editor, world, django_capture_on_commit_callbacks):
    organisation = Organisation.objects.create(name="New cooperative", type="ngo", country="AT",
                                               region=world.org.region, status="submitted",
                                               submitted_by=world.users["member"])
    editor_client(client, editor)
    url = reverse("observatory:moderation_organisation", kwargs={"organisation_id": organisation.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "rejected"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "published"}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == "published"
    assert AuditEntry.objects.filter(action="asis.organisation.published").exists()
    assert "New cooperative" in mail.outbox[0].subject


def test_history_page_lists_revisions_with_escaped_diffs(client, world):
    initiative = make_initiative(status="published", title="Village van", lead=world.org)
    initiative.title = "Village van <script>alert(1)</script>"
    initiative_save(actor=None, initiative=initiative)
    page = client.get(reverse("observatory:initiative_history", kwargs={"initiative_id": initiative.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html


def test_history_of_unpublished_initiative_is_private(client, world):
    initiative = make_initiative(submitted_by=world.users["member"], lead=world.org)
    url = reverse("observatory:initiative_history", kwargs={"initiative_id": initiative.pk})
    assert client.get(url).status_code == 404
    assert world.client_for("member").get(url).status_code == 200


@pytest.mark.parametrize("before,after,html", [
    ("a b c", "a x c", "a <del>b</del><ins>x</ins> c"),
    ("", "new", "<ins>new</ins>"),
    ("old", "", "<del>old</del>"),
    ("<i>", "<b>", "<del>&lt;i&gt;</del><ins>&lt;b&gt;</ins>"),
])
def test_text_diff_html(before, after, html):
    assert text_diff_html(before, after) == html


def test_snapshot_diff_fields_and_translations():
    before = {"title": "Van", "regions": ["AT33"], "translations": {}}
    after = {"title": "Van", "regions": ["AT33", "AT32"],
             "translations": {"fr": {"title": {"text": "Fourgon", "source": "x"}}}}
    diff = snapshot_diff(before, after)
    assert [d.field for d in diff] == ["regions", "translations.fr.title"]
    assert diff[1].label == "Title (French)"


@pytest.mark.django_db
def test_snapshot_diff_names_people_organisations_and_terms_in_the_readers_language(world):
    """Moderators read names, not ids or codes: "Submitted by: 352" and "Organisations: 88 lead"
    were shown before."""
    from django.utils import translation

    user = world.users["member"]
    before = {"submitted_by": None, "organisations": [], "regions": [], "stage": "idea"}
    after = {"submitted_by": user.pk, "organisations": [[world.org.pk, "lead"]], "regions": ["AT33"],
             "stage": "pilot"}
    with translation.override("de"):
        diff = {d.field: d for d in snapshot_diff(before, after)}
    assert diff["submitted_by"].after == (user.full_name or user.email)
    assert diff["organisations"].after == f"{world.org.name} (Federführend)"
    assert diff["regions"].after.startswith("Tirol")
    assert str(user.pk) not in diff["submitted_by"].after and "lead" not in diff["organisations"].after
    assert diff["stage"].before != "idea" and diff["stage"].after != "pilot"


def test_admin_publish_action_and_revision_admin_is_read_only(world):
    initiative = make_initiative(submitted_by=world.users["member"], lead=world.org)
    client = world.client_for("platform_admin")
    response = client.post(reverse("admin:observatory_initiative_changelist"),
                           {"action": "publish", "_selected_action": [initiative.pk]})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == "published"
    revision = initiative.revisions.first()
    assert client.get(reverse("admin:observatory_initiativerevision_change", args=[revision.pk])).status_code == 200
    assert client.get(reverse("admin:observatory_initiativerevision_add")).status_code == 403
    assert client.get(reverse("admin:observatory_initiative_change", args=[initiative.pk])).status_code == 200


def test_email_is_plain_text_not_html_escaped(editor, world, django_capture_on_commit_callbacks):
    from asis.observatory.moderation import initiative_moderate

    proposal = make_initiative(submitted_by=world.users["member"], title='Care & "share" <village>', lead=world.org)
    with django_capture_on_commit_callbacks(execute=True):
        initiative_moderate(actor=editor, initiative=proposal, decision="rejected", reason="Tom & Jerry's remark")
    message = mail.outbox[0]
    assert 'Care & "share" <village>' in message.subject
    assert "Tom & Jerry's remark" in message.body

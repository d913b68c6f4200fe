"""The white book's public consultation: comments, amendments, replies, moderation, refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from asis.core.models import AuditEntry
from asis.policylab.models_whitebook import Comment, Edition
from asis.policylab.whitebook import services
from asis.policylab.whitebook.services import WhiteBookError
from tests.conftest import make_user
from tests.policylab.whitebook_helpers import editor, make_edition, paragraphs, verified

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(name: str, **kwargs: Any) -> str:
    with translation.override("en"):
        return reverse(f"policylab:{name}", kwargs=kwargs)


def _post_comment(user: Any, edition: Edition, paragraph: Any, **data: Any) -> Any:
    data = {"kind": "comment", "body": "I agree.", **data}
    return _client(user).post(_url("whitebook_comment", number=edition.number, paragraph_id=paragraph.pk), data,
                              follow=True)


def test_comment_is_pending_until_published_and_author_sees_it() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    p = paragraphs(edition)[0]
    citizen = verified(make_user("citizen@example.org", full_name="Ana Citizen"))
    response = _post_comment(citizen, edition, p, body="More networks please.")
    assert response.status_code == 200
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and comment.author == citizen
    page = _client(citizen).get(_url("whitebook_edition", number=1)).content.decode()
    assert "More networks please." in page and "awaiting moderation" in page
    assert "More networks please." not in _client().get(_url("whitebook_edition", number=1)).content.decode()
    # The editor publishes it in the moderation queue.
    ed = editor()
    queue = _client(ed).get(_url("whitebook_moderation")).content.decode()
    assert "More networks please." in queue
    _client(ed).post(_url("whitebook_moderate", comment_id=comment.pk), {"decision": "publish"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED and comment.moderated_by == ed
    public = _client().get(_url("whitebook_edition", number=1)).content.decode()
    assert "More networks please." in public and "Ana Citizen" in public
    assert "citizen@example.org" not in public  # no e-mail addresses in public
    assert AuditEntry.objects.filter(action="asis.policylab.whitebook.comment_published").count() == 1


def test_replies_editor_replies_published_at_once() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    p = paragraphs(edition)[0]
    citizen = verified(make_user("citizen@example.org"))
    ed = editor()
    first = services.comment_create(actor=citizen, paragraph=p, body="Question?")
    with pytest.raises(WhiteBookError, match="published comment"):
        services.comment_create(actor=citizen, paragraph=p, body="Reply to pending", parent=first)
    services.comment_moderate(actor=ed, comment=first, decision="publish")
    _post_comment(ed, edition, p, body="Answer from the editors.", parent=str(first.pk))
    reply = Comment.objects.get(body="Answer from the editors.")
    assert reply.status == Comment.Status.PUBLISHED and reply.parent == first
    other = verified(make_user("other@example.org"))
    citizen_reply = services.comment_create(actor=other, paragraph=p, body="Me too", parent=first)
    assert citizen_reply.status == Comment.Status.PENDING
    page = _client().get(_url("whitebook_edition", number=1)).content.decode()
    assert "Answer from the editors." in page and "Me too" not in page


def test_rejection_needs_a_reason_and_the_author_sees_it() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    citizen = verified(make_user("citizen@example.org"))
    comment = services.comment_create(actor=citizen, paragraph=paragraphs(edition)[0], body="Spam spam")
    ed = editor()
    response = _client(ed).post(_url("whitebook_moderate", comment_id=comment.pk), {"decision": "reject"}, follow=True)
    assert "cannot be empty" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    services.comment_moderate(actor=ed, comment=comment, decision="reject", reason="Off topic")
    page = _client(citizen).get(_url("whitebook_edition", number=1)).content.decode()
    assert "Off topic" in page
    assert "Spam spam" not in _client().get(_url("whitebook_edition", number=1)).content.decode()
    with pytest.raises(WhiteBookError, match="already been moderated"):
        services.comment_moderate(actor=ed, comment=comment, decision="publish")


def test_accepted_amendment_changes_the_text_and_is_audited() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    p = paragraphs(edition)[1]
    citizen = verified(make_user("citizen@example.org"))
    _post_comment(citizen, edition, p, kind="amendment", body="Clearer.",
                  proposed_text="Funding alone rarely creates initiatives.")
    amendment = Comment.objects.get()
    assert amendment.kind == Comment.Kind.AMENDMENT
    _client(editor()).post(_url("whitebook_moderate", comment_id=amendment.pk), {"decision": "accept"})
    p.refresh_from_db()
    amendment.refresh_from_db()
    assert p.text == "Funding alone rarely creates initiatives." and amendment.status == Comment.Status.ACCEPTED
    entry = AuditEntry.objects.get(action="asis.policylab.whitebook.amendment_accepted")
    assert entry.before["text"] == "Funding alone does not create initiatives."
    # An amendment needs its proposed text.
    with pytest.raises(WhiteBookError, match="Proposed text"):
        services.comment_create(actor=citizen, paragraph=p, body="x", kind="amendment", proposed_text="")


def test_amendment_in_another_language_updates_that_translation() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    p = paragraphs(edition)[0]
    citizen = verified(make_user("citizen@example.org"))
    amendment = services.comment_create(actor=citizen, paragraph=p, body="Besser", kind="amendment",
                                        proposed_text="Soziale Innovation wächst in starken Netzwerken.",
                                        language="de")
    services.amendment_accept(actor=editor(), comment=amendment)
    p.refresh_from_db()
    assert p.text == "Social innovation grows in networks."
    assert p.translated("text", "de").text == "Soziale Innovation wächst in starken Netzwerken."


@pytest.mark.parametrize("state", ["draft", "adopted", "closed_date", "closed_by_editor"])
def test_comments_outside_an_open_consultation_are_refused_clearly(state: str) -> None:
    edition = make_edition(status=Edition.Status.DRAFT if state == "draft" else Edition.Status.CONSULTATION)
    ed = editor()
    if state == "adopted":
        services.edition_adopt(actor=ed, edition=edition, confirm_open_consultation=True)
    elif state == "closed_date":
        Edition.objects.filter(pk=edition.pk).update(consultation_closes_on=timezone.localdate() - dt.timedelta(days=1))
    elif state == "closed_by_editor":
        services.consultation_close(actor=ed, edition=edition)
    citizen = verified(make_user("citizen@example.org"))
    p = paragraphs(edition)[0]
    expected = {"draft": "is a draft", "adopted": "has been adopted", "closed_date": "has closed",
                "closed_by_editor": "has closed"}[state]
    with pytest.raises(WhiteBookError, match=expected):
        services.comment_create(actor=citizen, paragraph=p, body="Late")
    if state != "draft":  # a draft is not visible to the citizen at all (404)
        response = _post_comment(citizen, edition, p, body="Late")
        assert response.status_code == 200 and expected in response.content.decode()
    else:
        assert _post_comment(citizen, edition, p, body="Late").status_code == 404
    assert not Comment.objects.exists()


def test_unverified_and_anonymous_people_cannot_comment() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    p = paragraphs(edition)[0]
    unverified = make_user("unverified@example.org", email_verified_at=None)
    response = _post_comment(unverified, edition, p)
    assert "Confirm your e-mail address" in response.content.decode()
    anonymous = Client().post(_url("whitebook_comment", number=1, paragraph_id=p.pk), {"body": "x"})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert not Comment.objects.exists()
    page = _client(unverified).get(_url("whitebook_edition", number=1)).content.decode()
    assert "Confirm your e-mail address" in page and 'name="proposed_text"' not in page


def test_comment_posting_is_rate_limited(settings: Any) -> None:
    settings.ASIS_WHITEBOOK_COMMENTS_PER_HOUR = 3
    edition = make_edition(status=Edition.Status.CONSULTATION)
    p = paragraphs(edition)[0]
    citizen = verified(make_user("citizen@example.org"))
    for i in range(3):
        services.comment_create(actor=citizen, paragraph=p, body=f"comment {i}")
    response = _post_comment(citizen, edition, p, body="one too many")
    assert response.status_code == 200 and "many comments in the last hour" in response.content.decode()
    assert Comment.objects.count() == 3


def test_bad_comment_input_gives_messages_not_errors() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    p = paragraphs(edition)[0]
    citizen = verified(make_user("citizen@example.org"))
    assert _post_comment(citizen, edition, p, body="").status_code == 200
    assert _post_comment(citizen, edition, p, kind="nonsense").status_code == 200
    assert _post_comment(citizen, edition, p, parent="not-a-uuid").status_code == 404
    other = make_edition(2, status=Edition.Status.CONSULTATION)
    response = _client(citizen).post(_url("whitebook_comment", number=1, paragraph_id=paragraphs(other)[0].pk),
                                     {"kind": "comment", "body": "x"})
    assert response.status_code == 404
    assert _client(editor()).post(_url("whitebook_moderate", comment_id="00000000-0000-0000-0000-000000000000"),
                                  {"decision": "publish"}).status_code == 404
    assert not Comment.objects.exists()


def test_editor_accepts_a_published_amendment_from_the_edition_page() -> None:
    edition = make_edition(status=Edition.Status.CONSULTATION)
    p = paragraphs(edition)[0]
    citizen = verified(make_user("citizen@example.org"))
    ed = editor()
    amendment = services.comment_create(actor=citizen, paragraph=p, body="Shorter", kind="amendment",
                                        proposed_text="Innovation grows in networks.")
    services.comment_moderate(actor=ed, comment=amendment, decision="publish")
    page = _client(ed).get(_url("whitebook_edition", number=1)).content.decode()
    assert "Take the amendment into the text" in page
    response = _client(ed).post(_url("whitebook_moderate", comment_id=amendment.pk), {"decision": "accept"})
    assert response.status_code == 302 and f"#comments-{p.pk}" in response["Location"]
    p.refresh_from_db()
    assert p.text == "Innovation grows in networks."

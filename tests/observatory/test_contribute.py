"""Proposing initiatives and organisations; duplicates; edits going back to moderation."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from asis.accounts.models import Organisation
from asis.core.models import AuditEntry
from asis.observatory import moderation
from asis.observatory.models import Challenge, Initiative, InitiativeImage
from asis.regions.models import Region
from tests.observatory.contribute_helpers import make_initiative

pytestmark = pytest.mark.django_db


def png(size: tuple[int, int] = (8, 8), fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def form_data(world, **extra):
    data = {
        "title": "Shared village van for Tyrol", "summary": "Volunteers drive older people to the doctor.",
        "description": "", "original_language": "en", "regions": [Region.objects.get(code="AT33").pk],
        "challenges": [Challenge.objects.get(code="mobility").pk], "stage": "pilot",
        "start_date": "2024-03-01", "end_date": "", "budget_eur": "25000", "people_reached": "120",
        "lead": world.org.pk, "links_text": "https://example.org/van\nhttps://example.org/report",
    }
    data.update(extra)
    return data


def test_propose_creates_a_submitted_initiative(world):
    client = world.client_for("member")
    response = client.post(reverse("observatory:propose"), form_data(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("observatory:my_proposals")
    initiative = Initiative.objects.get()
    assert initiative.status == "submitted"
    assert initiative.submitted_by == world.users["member"]
    assert initiative.links == ["https://example.org/van", "https://example.org/report"]
    assert [link.role for link in initiative.organisation_links.all()] == ["lead"]
    assert initiative.revisions.count() == 1
    assert AuditEntry.objects.filter(action="asis.initiative.proposed", object_id=str(initiative.pk)).exists()
    page = client.get(reverse("observatory:my_proposals"))
    assert "Shared village van for Tyrol" in page.content.decode()
    assert "Submitted" in page.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("observatory:propose"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_lead_must_be_a_published_organisation(world):
    world.org.status = Organisation.Status.SUBMITTED
    world.org.save()
    response = world.client_for("member").post(reverse("observatory:propose"), form_data(world))
    assert response.status_code == 400
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("field,value", [
    ("title", ""), ("regions", []), ("links_text", "not a url"), ("links_text", "javascript:alert(1)"),
    ("end_date", "2020-01-01"), ("budget_eur", "-5"), ("latitude", "95"),
])
def test_invalid_input_is_refused(world, field, value):
    response = world.client_for("member").post(reverse("observatory:propose"), form_data(world, **{field: value}))
    assert response.status_code == 400
    assert not Initiative.objects.exists()


def test_image_with_alt_text_is_attached(world):
    upload = SimpleUploadedFile("van.png", png(), content_type="image/png")
    response = world.client_for("member").post(reverse("observatory:propose"), form_data(
        world, image=upload, image_alt_text="A white van in front of a village hall"))
    assert response.status_code == 302
    image = InitiativeImage.objects.get()
    assert image.alt_text == "A white van in front of a village hall"


@pytest.mark.parametrize("name,content,alt,message", [
    ("van.png", png(), "", "Describe the image"),
    ("van.png", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "x", "image"),
    ("van.txt", b"hello", "x", "image"),
    ("van.bmp", png(fmt="BMP"), "x", "JPEG, PNG, WebP or GIF"),
])
def test_bad_images_are_refused(world, name, content, alt, message):
    upload = SimpleUploadedFile(name, content)
    response = world.client_for("member").post(reverse("observatory:propose"), form_data(
        world, image=upload, image_alt_text=alt))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InitiativeImage.objects.exists()


def test_image_larger_than_five_megabytes_is_refused(world, monkeypatch):
    monkeypatch.setattr("asis.observatory.forms.MAX_IMAGE_BYTES", 100)
    upload = SimpleUploadedFile("big.png", png((64, 64)), content_type="image/png")
    response = world.client_for("member").post(reverse("observatory:propose"), form_data(
        world, image=upload, image_alt_text="A picture"))
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


@pytest.mark.parametrize("a,b,similar", [
    ("Shared village van for Tyrol", "Shared Village-Van for Tyrol!", True),
    ("Coopérative de soins – Tirol", "Cooperative de soins - Tirol", True),
    ("Shared village van for Tyrol", "Community energy in Slovenia", False),
    ("", "Anything", False),
])
def test_title_similarity(a, b, similar):
    assert (moderation.title_similarity(a, b) >= moderation.TITLE_THRESHOLD) is similar


def test_similar_title_is_flagged_as_possible_duplicate(world):
    original = make_initiative(status="published", title="Shared village van for Tyrol", lead=world.other_org)
    client = world.client_for("member")
    response = client.post(reverse("observatory:propose"), form_data(world, title="Shared Village Van for Tyrol"),
                           follow=True)
    assert "looks like" in response.content.decode()
    proposal = Initiative.objects.exclude(pk=original.pk).get()
    assert proposal.possible_duplicate_of == original


def test_same_lead_and_close_title_is_flagged(world):
    original = make_initiative(status="published", title="Village van network", lead=world.org)
    duplicate = moderation.find_possible_duplicate(title="Shared village van for Tyrol", lead=world.org)
    assert duplicate == original
    assert moderation.find_possible_duplicate(title="Shared village van for Tyrol", lead=world.other_org) is None


def test_unrelated_title_is_not_flagged(world):
    make_initiative(status="published", title="Community energy in the Drava valley", lead=world.org)
    assert moderation.find_possible_duplicate(title="Shared village van for Tyrol", lead=None) is None


def test_propose_organisation(world):
    client = world.client_for("member")
    response = client.post(reverse("observatory:propose_organisation"), {
        "name": "Bergdorf Mobil", "type": "ngo", "country": "AT", "region": Region.objects.get(code="AT33").pk,
        "website": "https://bergdorf.example", "original_language": "de", "description": "Ein Verein."})
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Bergdorf Mobil")
    assert organisation.status == "submitted" and organisation.submitted_by == world.users["member"]
    assert AuditEntry.objects.filter(action="asis.organisation.proposed").exists()
    # not usable as a lead until published
    page = client.get(reverse("observatory:propose"))
    assert "Bergdorf Mobil" not in page.content.decode()


def test_submitter_edit_of_published_initiative_goes_back_to_moderation(world):
    member = world.users["member"]
    initiative = make_initiative(submitted_by=member, status="published", title="Shared village van for Tyrol",
                                 lead=world.org)
    client = world.client_for("member")
    url = reverse("observatory:initiative_edit", kwargs={"initiative_id": initiative.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(world, summary="Volunteers drive everyone who needs it."))
    assert response.status_code == 302, response.content.decode()[:3000]
    initiative.refresh_from_db()
    assert initiative.status == "submitted"
    assert initiative.summary == "Volunteers drive everyone who needs it."
    assert initiative.revisions.count() >= 3  # created, edited, back to submitted


def test_editor_edit_keeps_the_status(world):
    initiative = make_initiative(submitted_by=world.users["member"], status="published", lead=world.org)
    client = world.client_for("platform_admin")
    url = reverse("observatory:initiative_edit", kwargs={"initiative_id": initiative.pk})
    response = client.post(url, form_data(world, title="Village care cooperative (renamed)"))
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == "published" and initiative.title == "Village care cooperative (renamed)"


def test_others_cannot_edit(world):
    initiative = make_initiative(submitted_by=world.users["member"], lead=world.org)
    url = reverse("observatory:initiative_edit", kwargs={"initiative_id": initiative.pk})
    assert world.client_for("manager").get(url).status_code == 404
    assert world.client_for("manager").post(url, form_data(world)).status_code == 404


def test_my_proposals_query_count_does_not_grow(world, django_assert_max_num_queries):
    member = world.users["member"]
    for n in range(8):
        make_initiative(submitted_by=member, title=f"Proposal {n}", lead=world.org)
    client = world.client_for("member")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("observatory:my_proposals"))
    assert page.content.decode().count("<td>Proposal ") == 8

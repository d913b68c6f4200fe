"""Journey: a citizen comments on a paragraph of the white book in consultation; the editor
publishes the comment, closes the consultation, adopts the edition, downloads the PDF and the
DOCX, starts the next edition and looks at its editing, translation and diff pages. In German on a
360 px phone and in English on a desktop; every page is checked by axe (see conftest.py)."""

from __future__ import annotations

import pytest

from asis.policylab.models_whitebook import Comment, Edition
from tests.conftest import make_user
from tests.e2e.helpers import login, no_overflow, submit
from tests.policylab.whitebook_helpers import make_edition

pytestmark = pytest.mark.django_db(transaction=True)

CITIZEN = "clara.buergerin@example.org"
EDITOR = "eda.redaktion@example.org"


@pytest.mark.parametrize(("language", "width"), [("en", 1280)])  # German at 360 px: test_policylab_journey.py
def test_consultation_adoption_and_exports(page, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    make_edition(1, status=Edition.Status.CONSULTATION)
    make_user(CITIZEN, full_name="Clara Bürgerin", preferred_language=language)
    make_user(EDITOR, full_name="Eda Redaktion", is_editor=True, preferred_language=language)

    login(page, CITIZEN, language)
    page.goto(f"/{language}/policy-lab/white-book/")
    page.click("main a[href$='/white-book/1/']")
    page.wait_for_load_state("load")
    page.check()
    no_overflow(page, width)
    page.locator("#p-1-1 + .wb-comments > details > summary").click()
    page.fill("#p-1-1 + .wb-comments textarea[name=body]", "Bitte mehr Netzwerke fördern.")
    submit(page, "#p-1-1 + .wb-comments form button[type=submit]")
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert page.locator(".wb-pending").count() >= 1
    no_overflow(page, width)

    login(page, EDITOR, language)
    page.goto(f"/{language}/policy-lab/white-book/moderation/")
    no_overflow(page, width)
    submit(page, "main form button[type=submit]")
    assert Comment.objects.get().status == Comment.Status.PUBLISHED
    page.goto(f"/{language}/policy-lab/white-book/1/")
    assert page.locator("text=Bitte mehr Netzwerke fördern.").count() == 1
    submit(page, "#lifecycle form:has(input[value=close]) button")
    submit(page, "#lifecycle form:has(input[value=adopt]) button")
    assert Edition.objects.get(number=1).status == Edition.Status.ADOPTED
    for link in ("export.pdf", "export.docx"):
        with page.expect_download() as download:
            page.click(f"main a[href$='/white-book/1/{link}']")
        assert download.value.suggested_filename.endswith(link.split(".")[1])
    page.goto(f"/{language}/policy-lab/white-book/1/export.html")
    page.check()
    no_overflow(page, width)
    page.goto(f"/{language}/policy-lab/white-book/1/")
    submit(page, "#lifecycle form:has(input[value=next]) button")
    assert Edition.objects.get(number=2).previous.number == 1
    no_overflow(page, width)
    for path in ("2/translations/", "2/translations/de/", "2/diff/", "2/"):
        page.goto(f"/{language}/policy-lab/white-book/{path}")
        no_overflow(page, width)

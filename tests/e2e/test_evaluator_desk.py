"""Journey (d): the evaluator's failed submit loses nothing.

An evaluator opens an assigned review from "My reviews", types justifications, submits with one
required score missing, lands on the error summary at the top (focused, each error linked to its
field), reloads the page and finds every typed character, fixes the score and submits. Once in
German on a 360 px phone, once in English on a desktop; axe checks every page (conftest.py).
"""

from __future__ import annotations

import pytest

from asis.calls.models import Application, Review, ReviewScore
from tests.calls.helpers import assign, make_application, make_call, make_evaluator
from tests.conftest import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TYPED = "Überzeugend: «Dorfläden» mit Ehrenamt – Kosten je Ort ≈ 1.200 €;\nRisiko: gering ✓"


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)
    page.check()


@pytest.mark.parametrize(("language", "width"), [("de", 360), ("en", 1280)])
def test_failed_submit_loses_nothing(page, language, width):
    page.set_viewport_size({"width": width, "height": 800})
    authority = make_org("Land Tirol Test", "AT33")
    call = make_call(authority, phase="evaluation", title="Dorfläden 2027")
    applicant = make_user("anna.applicant@example.org")
    application = make_application(call, applicant, make_org("Verein Dorfladen", "AT33"),
                                   eligibility=Application.Eligibility.ELIGIBLE, title="Dorfladen Plus")
    evaluator_user = make_user("eva.evaluator@example.org")
    assign(make_evaluator(call, evaluator_user), application)
    criteria = call.grid["criteria"]
    missing = criteria[0]["id"]

    page.goto(f"/{language}/accounts/login/?next=/{language}/calls/reviews/")
    page.fill("#id_username", evaluator_user.email)
    page.fill("#id_password", PASSWORD)
    _submit(page, "main button[type=submit]")
    _submit(page, f"main a[href$='/reviews/{application.pk}/']")
    assert page.locator("[data-desk-total]").is_visible()

    for criterion in criteria:
        cid = criterion["id"]
        if cid != missing:
            value = "1" if criterion["scale"] == "pass-fail" else "4"
            page.locator(f"input[name=score_{cid}][value='{value}']").check()
        page.fill(f"textarea[name=justification_{cid}]", f"{TYPED} ({cid})")
    page.fill("#id_comment", TYPED)
    # the running total follows the radio buttons without a round trip
    assert page.locator("[data-total-value]").inner_text().strip() not in ("", "–")
    _submit(page, "main form.review-form button[name=submit]")

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    link = summary.locator(f"a[href='#id_score_{missing}_0']")
    assert link.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # open the page afresh (a GET: a browser's reload would send the form again)
    page.goto(f"/{language}/calls/reviews/{application.pk}/")
    for criterion in criteria:
        cid = criterion["id"]
        assert page.input_value(f"textarea[name=justification_{cid}]") == f"{TYPED} ({cid})"
    assert page.input_value("#id_comment") == TYPED
    assert Review.objects.get().status == Review.Status.DRAFT

    assert page.locator("#error-summary").count() == 0  # a reload shows the draft, not the old errors
    _submit(page, "main form.review-form button[name=submit]")
    page.locator(f"#error-summary a[href='#id_score_{missing}_0']").click()
    assert page.evaluate("document.activeElement.id") == f"id_score_{missing}_0"
    page.locator(f"input[name=score_{missing}][value='3']").check()
    _submit(page, "main form.review-form button[name=submit]")
    assert page.locator("#error-summary").count() == 0
    review = Review.objects.get()
    assert review.status == Review.Status.SUBMITTED
    assert ReviewScore.objects.get(review=review, criterion=missing).justification == f"{TYPED} ({missing})".strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

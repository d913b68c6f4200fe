"""A project holder opens their funded project, sets a baseline and a target for women reached,
edits the theory of change, sees the diagram and downloads the PDF; axe on every page, in English
and German, on a desktop and a 360 px phone."""

from __future__ import annotations

import pytest

from asis.impact.setup import project_monitoring_setup
from tests.conftest import PASSWORD, make_org, make_user
from tests.impact.helpers import make_project

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("de", 360)])
def test_holder_sets_targets_and_edits_the_theory_of_change(page, language, width):
    from asis.impact.library_seed import seed_library
    from asis.impact.models import Indicator
    from asis.observatory.models import Axis, Challenge
    from asis.observatory.taxonomy_seed import seed_taxonomies

    seed_taxonomies(Challenge, Axis)  # a transactional test starts from a flushed database
    seed_library(Indicator, Challenge)
    org = make_org("Dorfverein Testtal", "AT33")
    holder = make_user("hanna.holder@example.org", preferred_language=language)
    from asis.accounts.models import Membership, Role

    Membership.objects.create(user=holder, organisation=org, role=Role.PROJECT_HOLDER)
    project = make_project(org, holder, title="Mitfahrbank Testtal")
    application = project.application
    application.logic_model = {"problem": "Older people cannot reach the doctor", "activities": "Shared rides",
                               "outputs": "Rides", "outcomes": "Fewer missed appointments",
                               "impact": "Older people stay in the valley",
                               "indicators": [{"name": "Total number of participants", "unit": "persons"}]}
    application.save(update_fields=["logic_model"])
    project_monitoring_setup(actor=holder, project=project)
    pi = project.monitored_indicators.get(indicator__code="EECO01")

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/{language}/accounts/login/")
    page.fill("#id_username", holder.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")

    page.goto(f"/{language}/impact/projects/{project.pk}/")
    page.click(f"main a[href$='/impact/projects/{project.pk}/setup/']")
    page.check()
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    page.click(f"main a[href$='/setup/{pi.pk}/']")
    page.check()
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    page.fill("#id_baseline_value", "12")
    page.fill("#id_baseline_source", "Gemeinderegister")
    page.select_option("#id_t0-breakdown", "sex=female")
    page.fill("#id_t0-value", "30")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/impact/projects/{project.pk}/setup/")
    page.check()
    pi.refresh_from_db()
    assert pi.baseline_value == 12 and pi.targets.get(disaggregation="sex=female").value == 30

    page.goto(f"/{language}/impact/projects/{project.pk}/theory/edit/")
    page.fill("#id_assumptions", "Drivers volunteer every week")
    page.fill("#id_note", "Assumption added")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/impact/projects/{project.pk}/theory/")
    page.check()
    assert page.locator("main svg[role=img]").is_visible()
    assert "Drivers volunteer every week" in page.locator("main ol.toc-list").inner_text()
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    assert project.theories.count() == 2
    with page.expect_download() as download:
        page.click("main a[href$='/theory/pdf/']")
    assert download.value.suggested_filename.endswith("-v2.pdf")

"""Self-assessment (issue 10 item 12): level descriptions per criterion, a band, open calls that
fit, and a radar that stays inside the PDF page."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from asis.calls.apply import selfassessment as sa
from asis.calls.models import SelfAssessment
from asis.observatory.models import Challenge
from asis.regions.models import Region
from tests.calls.helpers import make_call
from tests.calls.test_selfassessment import ANSWERS, _post_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("changes", "band"), [
    ({}, "on_track"),  # the worked example: 65.8
    ({"method": 5, "risk": 5, "measurability": 5}, "promising"),  # 65.8 + 3 + 4.8 + 8 = 81.6
    ({"newness": 1}, "needs_work"),  # below its knock-out threshold of 2, whatever the total
    ({"programme_relevance": 0}, "needs_work"),  # a failed condition
    ({"newness": 2, "social_need": 2, "local_impact": 2}, "needs_work"),  # 65.8 - 9 - 6 - 7.2 = 43.6 < 50
])
def test_band_thresholds(changes, band):
    result = sa.compute({**ANSWERS, **changes})
    assert result.band == band, result.score


def test_result_shows_band_level_descriptions_and_fitting_calls(client, world):
    tyrol = Region.objects.get(code="AT33")
    challenge = Challenge.objects.filter(active=True).order_by("code").first()
    other = Challenge.objects.filter(active=True).exclude(pk=challenge.pk).order_by("code").first()
    fits = make_call(world.org, phase="open", title="Tyrolean care call")
    fits.eligible_regions.set([tyrol])
    fits.challenges.set([challenge])
    elsewhere = make_call(world.org, phase="open", title="Breton fishing call")
    elsewhere.eligible_regions.set([Region.objects.get(code="FRK2")])
    other_topic = make_call(world.org, phase="open", title="Other topic call")
    other_topic.challenges.set([other])
    open_to_all = make_call(world.org, phase="open", title="Open to all call")
    make_call(world.org, phase="evaluation", title="Closed care call")
    data = _post_data(ANSWERS, region="AT33", challenges=[challenge.code])
    response = client.post(reverse("calls:self_assessment"), data)
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get()
    assert assessment.profile == {"region": "AT33", "challenges": [challenge.code]}
    html = client.get(response["Location"]).content.decode()
    assert "On track" in html
    assert "Tyrolean care call" in html and "Open to all call" in html
    for absent in ("Breton fishing call", "Other topic call", "Closed care call"):
        assert absent not in html, absent
    assert reverse("calls:public_detail", args=[fits.pk]) in html
    assert reverse("calls:public_detail", args=[open_to_all.pk]) in html
    # every level of a scored criterion described, the chosen one marked, the next one named
    grid = sa.grid()
    newness = next(c for c in grid.criteria if c.id == "newness")
    for level, texts in grid.scale_of(newness).anchors.items():
        assert texts["en"] in html, level
    assert "To reach level 4:" in html


def test_level_descriptions_are_in_the_readers_language():
    grid = sa.grid()
    scale = grid.scale_of(grid.criteria[0])
    result = sa.compute(ANSWERS, language="de")
    german = scale.anchors[3].get("de")
    assert german and dict(result.criteria[0].levels)[3] == german


def _svg_width_and_page_width(html: str) -> tuple[float, float]:
    """The radar's width and the page's text width, as WeasyPrint lays the PDF out."""
    from weasyprint import HTML

    document = HTML(string=html).render()

    def walk(box):
        yield box
        for child in getattr(box, "children", []) or []:
            yield from walk(child)

    boxes = [b for p in document.pages for b in walk(p._page_box)]
    svgs = [b.position_x + b.width for b in boxes if str(getattr(b, "element_tag", "")).endswith("svg")]
    body = next(b for b in boxes if getattr(b, "element_tag", "") == "body")
    assert svgs, "the PDF has the radar"
    return max(svgs), body.position_x + body.width


def test_pdf_radar_fits_the_page():
    result = sa.compute(ANSWERS)
    with translation.override("de"):
        html = render_to_string("calls/apply/self_assessment_pdf.html", {
            "assessment": SelfAssessment(project_title="Dorfpflege"), "result": result,
            "radar": sa.radar(result), "fitting_calls": []})
    svg, page = _svg_width_and_page_width(html)
    assert svg <= page, (svg, page)

"""Checklist items and custom questions are shown in the reader's language wherever they appear."""

from __future__ import annotations

import pytest
from django.utils import translation

from asis.calls.apply.forms import ApplicationForm
from asis.calls.apply.forms import EligibilityForm as ScreeningForm
from tests.calls.helpers import make_application, make_call

pytestmark = pytest.mark.django_db

QUESTION = {"id": "q1", "label": "How many volunteers take part?", "kind": "text", "required": True,
            "translations": {"de": "Wie viele Freiwillige machen mit?"}}
ITEM = {"id": "c1", "text": "The lead is a legal person", "translations": {"de": "Der Antragsteller ist eine juristische Person"}}


def test_question_and_checklist_item_in_the_readers_language(world):
    call = make_call(world.org, custom_questions=[QUESTION], eligibility_checklist=[ITEM])
    application = make_application(call, world.users["project_holder"], world.org, submitted=False)
    with translation.override("de"):
        form = ApplicationForm(application=application)
        screening = ScreeningForm(checklist=call.eligibility_checklist)
        assert form.fields["q_q1"].label == "Wie viele Freiwillige machen mit?"
        assert screening.fields["item_c1"].label == "Der Antragsteller ist eine juristische Person"
    with translation.override("fr"):  # no French text: the original
        assert ApplicationForm(application=application).fields["q_q1"].label == QUESTION["label"]

"""Who analyses what: programme managers (and platform admins) of an organisation see and run
that organisation's panels and studies; nobody else sees them. ``access_*`` raise 404, so
another organisation's ids do not reveal that they exist."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from asis.accounts.access import organisations_for
from asis.accounts.models import Organisation, Role
from asis.impact.models_counterfactual import CounterfactualPanel, CounterfactualStudy

ANALYST_ROLES = (Role.PROGRAMME_MANAGER,)


def analyst_organisations(user: Any) -> QuerySet[Organisation]:
    return organisations_for(user, ANALYST_ROLES).order_by("name")


def is_analyst(user: Any) -> bool:
    return analyst_organisations(user).exists()


def panels_for(user: Any) -> QuerySet[CounterfactualPanel]:
    return CounterfactualPanel.objects.filter(organisation__in=analyst_organisations(user))


def studies_for(user: Any) -> QuerySet[CounterfactualStudy]:
    return CounterfactualStudy.objects.filter(organisation__in=analyst_organisations(user))


def access_panel(user: Any, panel_id: int) -> CounterfactualPanel:
    panel = panels_for(user).select_related("organisation").filter(pk=panel_id).first()
    if panel is None:
        raise Http404("No such panel")
    return panel


def access_study(user: Any, study_id: int) -> CounterfactualStudy:
    study = studies_for(user).select_related("organisation", "panel", "job").filter(pk=study_id).first()
    if study is None:
        raise Http404("No such study")
    return study

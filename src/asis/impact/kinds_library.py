"""The in-app notification of the indicator library: a holder's proposed indicator was decided.

Registered with the notification centre when the impact app starts (see apps.py); the sentence
reuses the e-mail's subject so both say the same thing in every language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.dashboard.kinds import Kind, _calls_objects, register


def _collect(objects: dict[str, Any]) -> dict[str, Any]:
    params = _calls_objects(objects)
    context = objects.get("context") or {}
    params["approved"] = bool(context.get("approved"))
    project = getattr(objects.get("application"), "project", None)
    if project is not None:
        params["project"] = project.pk
    return params


def _text(params: dict[str, Any], titles: dict[int, str]) -> str:
    if params.get("approved"):
        return _("Your proposed indicator for %(ref)s was approved") % {"ref": params.get("reference", "")}
    return _("Your proposed indicator for %(ref)s was not approved") % {"ref": params.get("reference", "")}


register(Kind("calls.indicator_decided", gettext_lazy("Your proposed indicators approved or rejected"), _text,
              lambda p: ("impact:project_setup", {"project_id": p["project"]}) if "project" in p else None,
              _collect))

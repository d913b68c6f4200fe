"""Sections of the call's edit page added for complete calls: criteria and anchors, AHP weighting,
contact, documents and FAQ, and the translations of the call's other texts.

Each handler takes (request, call, POST or None) and returns (context, redirect or None), as the
sections in ``views`` do; every write goes through a service that audits it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from asis.calls.builder import content, grid_edit
from asis.calls.builder import services as builder
from asis.calls.builder.forms import (
    AHPForm,
    AnchorsForm,
    ContactForm,
    ContentTranslationForm,
    CriterionFormSet,
    DocumentForm,
    FAQFormSet,
)
from asis.calls.models import Call
from asis.calls.web import form_add_errors
from asis.core.formatting import number

Result = tuple[dict[str, Any], HttpResponse | None]


def section_url(call: Call, section: str, **extra: str) -> str:
    query = "&".join([f"section={section}", *(f"{k}={v}" for k, v in extra.items())])
    return f"{reverse('calls:edit', kwargs={'call_id': call.pk})}?{query}"


def _text(mapping: dict[str, str], language: str) -> str:
    return mapping.get(language) or mapping.get("en") or next(iter(mapping.values()), "")


def _update(request: HttpRequest, call: Call, form: Any, section: str, **fields: Any) -> HttpResponse | None:
    try:
        builder.call_update(actor=request.user, call=call, **fields)
    except ValidationError as exc:
        form_add_errors(form, exc)
        return None
    messages.success(request, _("Saved."))
    return redirect(section_url(call, section))


# --- criteria and level anchors -------------------------------------------------------------------

def criteria(request: HttpRequest, call: Call, post: Any) -> Result:
    grid = call.grid or {}
    language = call.original_language
    scales = [(s["id"], _scale_label(s)) for s in grid.get("scales", [])]
    formset = CriterionFormSet(post if request.GET.get("action") != "anchors" else None, prefix="criteria",
                               form_kwargs={"scales": scales}, initial=[
        {"id": c["id"], "label": _text(c.get("label", {}), language),
         "description": _text(c.get("description", {}), language), "scale": c.get("scale")}
        for c in grid.get("criteria", [])])
    scale_id = request.GET.get("scale", "")
    anchor_forms = [(s, AnchorsForm(post if post is not None and s["id"] == scale_id else None, scale=s,
                                    language=language, prefix=f"scale-{s['id']}"))
                    for s in grid.get("scales", [])]
    context = {"formset": formset, "anchor_forms": [(s, _scale_label(s), f) for s, f in anchor_forms]}
    if post is None:
        return context, None
    if request.GET.get("action") == "anchors":
        form = next((f for s, f in anchor_forms if s["id"] == scale_id), None)
        if form is None or not form.is_valid():
            if form is None:
                messages.error(request, _("Unknown scale."))
                return context, redirect(section_url(call, "criteria"))
            return context, None
        try:
            new_grid = grid_edit.grid_with_anchors(grid, scale_id=scale_id, anchors=form.anchors(), language=language)
        except ValidationError as exc:
            form_add_errors(form, exc)
            return context, None
        return context, _update(request, call, form, "criteria", grid=new_grid)
    if not formset.is_valid():
        return context, None
    rows = [{"id": r["id"], "label": r["label"].strip(), "description": r["description"].strip(),
             "scale": r["scale"]} for r in formset.kept()]
    try:
        new_grid = grid_edit.grid_with_criteria(grid, rows=rows, language=language)
        if sum(float(c.get("weight") or 0) for c in new_grid["criteria"]) <= 0:
            raise ValidationError(_("Every remaining criterion has weight 0: give them weights in the "
                                    "“Criteria grid” section first, or keep a weighted criterion."))
    except ValidationError as exc:
        form_add_errors(formset, exc)
        return context, None
    response = _update(request, call, formset, "criteria", grid=new_grid)
    if response is not None:
        total = sum(float(c.get("weight") or 0) for c in new_grid["criteria"])
        if grid_edit.weights_total_error([total]):
            messages.warning(request, _("The weights now add up to %(total)s %%: adjust them in the “Criteria "
                                        "grid” section so that they add up to 100 %%.") % {"total": floatformat(total, -2)})
    return context, response


def _scale_label(scale: dict[str, Any]) -> str:
    if scale.get("kind") == "pass_fail":
        return str(_("Pass or fail (0 or 1)"))
    return str(_("Score %(min)s to %(max)s") % {"min": scale["min"], "max": scale["max"]})


# --- AHP ------------------------------------------------------------------------------------------

def ahp_criteria(call: Call) -> list[dict[str, Any]]:
    """The criteria compared pairwise: those scored on a scale (pass/fail criteria only knock out)."""
    grid = call.grid or {}
    kinds = {s["id"]: s.get("kind") for s in grid.get("scales", [])}
    return [c for c in grid.get("criteria", []) if kinds.get(c.get("scale")) != "pass_fail"]


def ahp_form(call: Call, post: Any) -> AHPForm | None:
    compared = ahp_criteria(call)
    if len(compared) < 2:
        return None
    language = (get_language() or "en").split("-")[0]
    weighting = (call.grid or {}).get("weighting") or {}
    same = weighting.get("criteria") == [c["id"] for c in compared]
    return AHPForm(post, labels=[_text(c.get("label", {}), language) for c in compared], prefix="ahp",
                   initial_judgments=weighting.get("judgments") if same else None)


def ahp(request: HttpRequest, call: Call, post: Any, context: dict[str, Any]) -> HttpResponse | None:
    """Compute AHP weights; apply them to the grid when the comparisons are consistent (CR <= 0.10),
    otherwise show the ratio and the pair to revise, and keep the grid as it is."""
    form = ahp_form(call, post)
    context["ahp_form"] = form
    if form is None or not form.is_valid():
        return None
    compared = ahp_criteria(call)
    try:
        outcome = grid_edit.ahp_weights(len(compared), form.judgments())
    except ValidationError as exc:
        form_add_errors(form, exc)
        return None
    context["ahp_outcome"] = {"ratio": outcome.consistency_ratio, "consistent": outcome.consistent,
                              "rows": list(zip(form.labels, outcome.weights, strict=True))}
    if not outcome.consistent:
        i, j = outcome.worst_pair or (0, 1)
        context["ahp_outcome"]["worst"] = (form.labels[i], form.labels[j])
        return None
    grid = grid_edit.copy_grid(call.grid)
    new = dict(zip([c["id"] for c in compared], outcome.weights, strict=True))
    for criterion in grid["criteria"]:
        criterion["weight"] = new.get(criterion["id"], 0.0)
    grid["weighting"] = {"method": "ahp", "criteria": [c["id"] for c in compared], "judgments": form.raw(),
                         "consistency_ratio": round(outcome.consistency_ratio, 4)}
    response = _update(request, call, form, "grid", grid=grid)
    if response is not None:
        messages.info(request, _("The weights come from your comparisons (consistency ratio %(ratio)s, at most "
                                 "0.10 is consistent).") % {"ratio": number(outcome.consistency_ratio, 3)})
    return response


# --- contact, documents, FAQ ----------------------------------------------------------------------

def contact(request: HttpRequest, call: Call, post: Any) -> Result:
    keys = ("contact_name", "contact_email", "contact_phone")
    form = ContactForm(post, initial={k: getattr(call, k) for k in keys})
    if post is not None and form.is_valid():
        try:
            content.contact_save(actor=request.user, call=call, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
            return {"form": form}, None
        messages.success(request, _("Saved."))
        return {"form": form}, redirect(section_url(call, "contact"))
    return {"form": form}, None


def documents(request: HttpRequest, call: Call, post: Any) -> Result:
    form = DocumentForm(post if request.GET.get("action") != "delete" else None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "documents": list(call.documents.all())}
    if post is None:
        return context, None
    if request.GET.get("action") == "delete":
        try:
            content.document_delete(actor=request.user, call=call, document_id=int(post.get("document", 0) or 0))
        except (ValidationError, ValueError):
            messages.error(request, _("This document does not belong to the call."))
        else:
            messages.success(request, _("Document removed."))
        return context, redirect(section_url(call, "documents"))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content.document_add(actor=request.user, call=call, title=form.cleaned_data["title"],
                                 name=upload.name, data=upload.read())
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Document added."))
            return context, redirect(section_url(call, "documents"))
    return context, None


def faq(request: HttpRequest, call: Call, post: Any) -> Result:
    formset = FAQFormSet(post, prefix="faq", initial=[
        {"id": f.pk, "question": f.question, "answer": f.answer} for f in call.faqs.all()])
    if post is not None and formset.is_valid():
        try:
            content.faq_save(actor=request.user, call=call, rows=formset.kept())
        except ValidationError as exc:
            form_add_errors(formset, exc)
        else:
            messages.success(request, _("Saved."))
            return {"formset": formset}, redirect(section_url(call, "faq"))
    return {"formset": formset}, None


# --- translations of the other texts --------------------------------------------------------------

def content_translation_forms(call: Call, post: Any, language: str | None) -> dict[str, ContentTranslationForm]:
    from django.conf import settings

    return {code: ContentTranslationForm(post if language == code else None, prefix=f"content-{code}",
                                         entries=content.translation_entries(call, code))
            for code, _name in settings.LANGUAGES if code != call.original_language}


def content_translation(request: HttpRequest, call: Call, form: ContentTranslationForm, language: str
                        ) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        content.content_translation_save(actor=request.user, call=call, language=language,
                                         values=form.cleaned_data)
    except ValidationError as exc:
        form_add_errors(form, exc)
        return None
    messages.success(request, _("Translation saved."))
    return redirect(section_url(call, "translations"))

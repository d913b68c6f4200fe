"""Pages of a recommendation's evidence (add, remove, reorder) and "add this comparison as evidence".
Editors of the white book and policy officers only (404 for others); adopted editions are read only."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from asis.observatory.models import Initiative
from asis.policylab import access
from asis.policylab.models_whitebook import Evidence, Paragraph
from asis.policylab.whitebook import evidence as services
from asis.policylab.whitebook.forms_evidence import (
    EvidenceForm,
    RecommendationChoiceForm,
    initiative_matches,
)


def _manager(request: HttpRequest) -> None:
    if not (access.is_whitebook_editor(request.user) or access.is_policy_officer(request.user)):
        raise Http404("Not an editor or policy officer")


def _recommendation(paragraph_id: int) -> Paragraph:
    paragraph = (Paragraph.objects.select_related("chapter__edition", "axis")
                 .filter(pk=paragraph_id, kind=Paragraph.Kind.RECOMMENDATION).first())
    if paragraph is None:
        raise Http404("No such recommendation")
    return paragraph


@login_required
@require_http_methods(["GET", "POST"])
def whitebook_evidence(request: HttpRequest, paragraph_id: int) -> HttpResponse:
    _manager(request)
    paragraph = _recommendation(paragraph_id)
    editable = services.can_manage_evidence(request.user, paragraph)
    q = request.GET.get("q", "").strip()[:100]
    form = EvidenceForm(user=request.user, initiatives=initiative_matches(q))
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "add")
        try:
            if action in ("remove", "up", "down"):
                item = Evidence.objects.filter(pk=request.POST.get("evidence") or 0, paragraph=paragraph).first() \
                    if str(request.POST.get("evidence", "")).isdigit() else None
                if item is None:
                    raise services.EvidenceRefused(_("This evidence is no longer listed."))
                if action == "remove":
                    services.evidence_remove(actor=request.user, evidence=item)
                    flash.success(request, _("The evidence was removed."))
                else:
                    services.evidence_move(actor=request.user, evidence=item, direction=action)
                    flash.success(request, _("The evidence was moved."))
                return redirect("policylab:whitebook_evidence", paragraph_id=paragraph.pk)
            chosen = request.POST.get("initiative", "")
            form = EvidenceForm(request.POST, user=request.user, initiatives=initiative_matches(q) + (
                list(Initiative.objects.filter(pk=chosen, status=Initiative.Status.PUBLISHED))
                if chosen.isdigit() else []))
            if form.is_valid():
                data = form.cleaned_data
                services.evidence_add(actor=request.user, paragraph=paragraph, kind=data["kind"],
                                      target=form.target(), citation=data.get("citation") or "",
                                      url=data.get("url") or "", note=data.get("note") or "")
                flash.success(request, _("The evidence was added."))
                return redirect("policylab:whitebook_evidence", paragraph_id=paragraph.pk)
            status = 400
        except services.EvidenceRefused as exc:
            flash.error(request, str(exc))
            status = 400
    return render(request, "policylab/whitebook/evidence.html", {
        "paragraph": paragraph, "text": paragraph.translated("text"), "edition": paragraph.chapter.edition,
        "editable": editable, "edition_url": services.page_url("policylab:whitebook_edition",
                                                               number=paragraph.chapter.edition.number), "form": form, "q": q,
        "items": services.evidence_items(paragraph, request.user), "kinds": Evidence.Kind}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def comparison_to_evidence(request: HttpRequest, comparison_id: str) -> HttpResponse:
    _manager(request)
    comparison = access.access_comparison(request.user, comparison_id)
    form = RecommendationChoiceForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            paragraph = form.cleaned_data["paragraph"]
            try:
                services.evidence_add(actor=request.user, paragraph=paragraph, kind=Evidence.Kind.COMPARISON,
                                      target=comparison, note=form.cleaned_data.get("note") or "")
            except services.EvidenceRefused as exc:
                flash.error(request, str(exc))
                status = 400
            else:
                flash.success(request, _("The comparison was added as evidence to the recommendation."))
                return redirect("policylab:whitebook_evidence", paragraph_id=paragraph.pk)
        else:
            status = 400
    return render(request, "policylab/whitebook/comparison_to_evidence.html",
                  {"comparison": comparison, "form": form,
                   "comparison_url": services.page_url("policylab:comparison", comparison_id=comparison.pk)},
                  status=status)

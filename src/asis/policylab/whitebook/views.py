"""White-book pages: reading, editing drafts, translations, lifecycle, consultation, moderation,
differences between editions and exports. Views are thin: reads via ``selectors``, changes via
``services`` (which refuse with :class:`~asis.policylab.whitebook.services.WhiteBookError`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from asis.policylab import access
from asis.policylab.models_whitebook import Chapter, Comment, Edition, Paragraph
from asis.policylab.whitebook import diff as wb_diff
from asis.policylab.whitebook import forms, selectors, services
from asis.policylab.whitebook.export_docx import DOCX_TYPE, edition_docx
from asis.policylab.whitebook.export_pdf import edition_html, edition_pdf
from asis.policylab.whitebook.services import WhiteBookError


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _require_editor(request: HttpRequest) -> None:
    if not access.is_whitebook_editor(request.user):
        raise PermissionDenied


def _edition_url(edition: Edition, anchor: str = "") -> str:
    url = reverse("policylab:whitebook_edition", kwargs={"number": edition.number})
    return f"{url}#{anchor}" if anchor else url


def _edit_url(edition: Edition, anchor: str = "") -> str:
    url = reverse("policylab:whitebook_edit", kwargs={"number": edition.number})
    return f"{url}#{anchor}" if anchor else url


def _editable_edition(request: HttpRequest, number: int) -> Edition:
    _require_editor(request)
    return get_object_or_404(Edition, number=number)


def _chapter(request: HttpRequest, chapter_id: int) -> Chapter:
    _require_editor(request)
    return get_object_or_404(Chapter.objects.select_related("edition"), pk=chapter_id)


def _paragraph(request: HttpRequest, paragraph_id: int) -> Paragraph:
    _require_editor(request)
    return get_object_or_404(Paragraph.objects.select_related("chapter__edition"), pk=paragraph_id)


# --- reading ------------------------------------------------------------------------------------

@require_GET
def index(request: HttpRequest) -> HttpResponse:
    editions = selectors.editions_for_index(request.user)
    is_editor = access.is_whitebook_editor(request.user)
    return render(request, "policylab/whitebook/index.html", {
        "editions": editions, "current": selectors.current_edition(), "is_editor": is_editor,
        "new_form": forms.NewEditionForm() if is_editor else None,
        "pending": selectors.moderation_queue().count() if is_editor else 0,
    })


@require_GET
def edition(request: HttpRequest, number: int) -> HttpResponse:
    ed = access.access_edition(request.user, number)
    document = selectors.edition_document(ed, _language())
    is_editor = access.is_whitebook_editor(request.user)
    comments = selectors.published_comments(ed, request.user) if ed.status != Edition.Status.DRAFT else {}
    for p in document.paragraphs():
        p.comments = comments.get(p.obj.pk, []) if p.obj else []  # type: ignore[attr-defined]
    open_now = services.consultation_is_open(ed)
    return render(request, "policylab/whitebook/edition.html", {
        "edition": ed, "document": document, "is_editor": is_editor, "consultation_open": open_now,
        "can_comment": open_now and access.can_comment(request.user, ed),
        "comment_form": forms.CommentForm(), "reply_form": forms.ReplyForm(),
        "previous": ed.previous, "counts": selectors.comment_counts(ed) if is_editor else None,
        "consultation_form": forms.ConsultationForm(), "adopt_form": forms.AdoptForm(),
        "has_next": Edition.objects.filter(previous=ed).exists(),
    })


@require_GET
def diff(request: HttpRequest, number: int) -> HttpResponse:
    new = access.access_edition(request.user, number)
    against = request.GET.get("against", "")
    if against:
        try:
            old = access.access_edition(request.user, int(against))
        except ValueError as exc:
            raise Http404 from exc
    else:
        old = new.previous
    if old is not None and old.pk == new.pk:
        old = None
    language = _language()
    changes = wb_diff.editions_diff(selectors.edition_document(old, language),
                                    selectors.edition_document(new, language)) if old is not None else []
    others = [e for e in access.editions_visible_to(request.user).order_by("-number") if e.pk != new.pk]
    return render(request, "policylab/whitebook/diff.html", {
        "edition": new, "old": old, "changes": changes, "counts": wb_diff.diff_counts(changes), "others": others,
    })


# --- exports ----------------------------------------------------------------------------------

def _filename(ed: Edition, ext: str) -> str:
    return f"white-book-edition-{ed.number}-{_language()}.{ext}"


@require_GET
def export_html(request: HttpRequest, number: int) -> HttpResponse:
    ed = access.access_edition(request.user, number)
    download = bool(request.GET.get("download"))
    response = HttpResponse(edition_html(ed, _language(), standalone=download), content_type="text/html; charset=utf-8")
    if download:
        response["Content-Disposition"] = f'attachment; filename="{_filename(ed, "html")}"'
    return response


@require_GET
def export_pdf(request: HttpRequest, number: int) -> HttpResponse:
    ed = access.access_edition(request.user, number)
    response = HttpResponse(edition_pdf(ed, _language()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(ed, "pdf")}"'
    return response


@require_GET
def export_docx(request: HttpRequest, number: int) -> HttpResponse:
    ed = access.access_edition(request.user, number)
    response = HttpResponse(edition_docx(ed, _language()), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(ed, "docx")}"'
    return response


# --- editing ------------------------------------------------------------------------------------

def _refused(request: HttpRequest, exc: WhiteBookError) -> None:
    messages.error(request, exc.message)


@login_required
@require_POST
def edition_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = forms.NewEditionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new edition a title."))
        return redirect("policylab:whitebook_index")
    try:
        ed = services.edition_create(actor=request.user, title=form.cleaned_data["title"],
                                     introduction=form.cleaned_data["introduction"],
                                     language=form.cleaned_data["language"])
    except WhiteBookError as exc:
        _refused(request, exc)
        return redirect("policylab:whitebook_index")
    messages.success(request, _("The draft edition was created: add its chapters."))
    return redirect(_edit_url(ed))


@login_required
def edit(request: HttpRequest, number: int) -> HttpResponse:
    ed = _editable_edition(request, number)
    form = forms.EditionForm(request.POST or None, initial={"title": ed.title, "introduction": ed.introduction})
    if request.method == "POST" and form.is_valid():
        try:
            services.edition_update(actor=request.user, edition=ed, title=form.cleaned_data["title"],
                                    introduction=form.cleaned_data["introduction"])
        except WhiteBookError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The edition was saved."))
        return redirect(_edit_url(ed))
    document = selectors.edition_document(ed, ed.original_language)
    for c in document.chapters:
        c.add_form = forms.ParagraphForm(auto_id=f"id_c{c.obj.pk if c.obj else c.number}_%s")  # type: ignore[attr-defined]
    return render(request, "policylab/whitebook/edit.html", {
        "edition": ed, "document": document, "form": form, "chapter_form": forms.ChapterForm(),
        "editable": ed.status == Edition.Status.DRAFT,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def chapter_add(request: HttpRequest, number: int) -> HttpResponse:
    ed = _editable_edition(request, number)
    form = forms.ChapterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the chapter a title."))
        return redirect(_edit_url(ed))
    try:
        chapter = services.chapter_create(actor=request.user, edition=ed, **form.cleaned_data)
    except WhiteBookError as exc:
        _refused(request, exc)
        return redirect(_edit_url(ed))
    messages.success(request, _("The chapter was added."))
    return redirect(_edit_url(ed, f"edit-chapter-{chapter.pk}"))


@login_required
def chapter_edit(request: HttpRequest, chapter_id: int) -> HttpResponse:
    chapter = _chapter(request, chapter_id)
    form = forms.ChapterForm(request.POST or None, initial={"title": chapter.title, "kind": chapter.kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.chapter_update(actor=request.user, chapter=chapter, **form.cleaned_data)
        except WhiteBookError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The chapter was saved."))
            return redirect(_edit_url(chapter.edition, f"edit-chapter-{chapter.pk}"))
    return render(request, "policylab/whitebook/chapter_form.html", {"chapter": chapter, "form": form,
                                                                    "edition": chapter.edition})


@login_required
@require_POST
def chapter_action(request: HttpRequest, chapter_id: int) -> HttpResponse:
    chapter = _chapter(request, chapter_id)
    ed = chapter.edition
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            services.chapter_move(actor=request.user, chapter=chapter, direction=action)
        elif action == "delete":
            services.chapter_delete(actor=request.user, chapter=chapter)
            messages.success(request, _("The chapter was deleted."))
            return redirect(_edit_url(ed))
        else:
            messages.error(request, _("Unknown action."))
    except WhiteBookError as exc:
        _refused(request, exc)
    return redirect(_edit_url(ed, f"edit-chapter-{chapter.pk}"))


def _paragraph_data(form: forms.ParagraphForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"text": data["text"], "kind": data["kind"], "axis": data.get("axis"), "region": data.get("region")}


@login_required
@require_POST
def paragraph_add(request: HttpRequest, chapter_id: int) -> HttpResponse:
    chapter = _chapter(request, chapter_id)
    form = forms.ParagraphForm(request.POST)
    if form.is_valid():
        try:
            p = services.paragraph_create(actor=request.user, chapter=chapter, **_paragraph_data(form))
        except WhiteBookError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The paragraph was added."))
            return redirect(_edit_url(chapter.edition, f"edit-paragraph-{p.pk}"))
    else:
        messages.error(request, _("Check the paragraph's fields."))
    return redirect(_edit_url(chapter.edition, f"edit-chapter-{chapter.pk}"))


@login_required
def paragraph_edit(request: HttpRequest, paragraph_id: int) -> HttpResponse:
    p = _paragraph(request, paragraph_id)
    form = forms.ParagraphForm(request.POST or None, initial={"text": p.text, "kind": p.kind, "axis": p.axis,
                                                              "region": p.region})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.paragraph_update(actor=request.user, paragraph=p, **_paragraph_data(form))
            except WhiteBookError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The paragraph was saved."))
                return redirect(_edit_url(p.chapter.edition, f"edit-paragraph-{p.pk}"))
        status = 400
    return render(request, "policylab/whitebook/paragraph_form.html",
                  {"paragraph": p, "form": form, "edition": p.chapter.edition}, status=status)


@login_required
@require_POST
def paragraph_action(request: HttpRequest, paragraph_id: int) -> HttpResponse:
    p = _paragraph(request, paragraph_id)
    ed = p.chapter.edition
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            services.paragraph_move(actor=request.user, paragraph=p, direction=action)
        elif action == "delete":
            services.paragraph_delete(actor=request.user, paragraph=p)
            messages.success(request, _("The paragraph was deleted."))
            return redirect(_edit_url(ed, f"edit-chapter-{p.chapter_id}"))
        else:
            messages.error(request, _("Unknown action."))
    except WhiteBookError as exc:
        _refused(request, exc)
    return redirect(_edit_url(ed, f"edit-paragraph-{p.pk}"))


# --- translations -------------------------------------------------------------------------------

@login_required
@require_GET
def translations(request: HttpRequest, number: int) -> HttpResponse:
    ed = _editable_edition(request, number)
    table = selectors.translation_table(ed)
    language_names = dict(settings.LANGUAGES)
    counts = [(code, language_names.get(code, code), table["counts"][code]) for code in table["languages"]]
    return render(request, "policylab/whitebook/translations.html", {
        "edition": ed, "table": table, "counts": counts, "language_names": language_names,
    })


def _target(ed: Edition, value: str) -> Any:
    kind, _sep, pk = value.partition(":")
    try:
        if kind == "edition":
            return ed
        if kind == "chapter":
            return ed.chapters.get(pk=int(pk))
        if kind == "paragraph":
            return Paragraph.objects.get(pk=int(pk), chapter__edition=ed)
    except (ValueError, Chapter.DoesNotExist, Paragraph.DoesNotExist):
        return None
    return None


@login_required
def translate(request: HttpRequest, number: int, language: str) -> HttpResponse:
    ed = _editable_edition(request, number)
    if language not in settings.LANGUAGE_CODES:
        raise Http404
    if request.method == "POST":
        obj = _target(ed, request.POST.get("target", ""))
        if obj is None:
            messages.error(request, _("This text is not part of the edition."))
        else:
            texts = {f: request.POST.get(f, "") for f in obj.TRANSLATABLE_FIELDS if f in request.POST}
            try:
                services.translation_save(actor=request.user, obj=obj, language=language, texts=texts)
            except WhiteBookError as exc:
                _refused(request, exc)
            else:
                messages.success(request, _("The translation was saved."))
        url = reverse("policylab:whitebook_translate", kwargs={"number": ed.number, "language": language})
        return redirect(f"{url}#{request.POST.get('target', '').replace(':', '-')}")
    rows = []
    parts: list[tuple[str, Any, str]] = [("edition", ed, f) for f in ed.TRANSLATABLE_FIELDS]
    for chapter in selectors.edition_chapters(ed):
        parts.append(("chapter", chapter, "title"))
        parts.extend(("paragraph", p, "text") for p in chapter.paragraphs.all())
    for kind, obj, field_name in parts:
        original = getattr(obj, field_name) or ""
        if not original:
            continue
        entry = obj.translations.get(language, {}).get(field_name, {}) or {}
        rows.append({"target": f"{kind}:{obj.pk}", "anchor": f"{kind}-{obj.pk}", "obj": obj, "kind": kind,
                     "field": field_name, "original": original, "original_language": obj.original_language,
                     "text": entry.get("text", ""), "status": obj.translation_status(language, field_name)})
    return render(request, "policylab/whitebook/translate.html", {
        "edition": ed, "language": language, "language_name": dict(settings.LANGUAGES)[language], "rows": rows,
        "editable": ed.status == Edition.Status.DRAFT,
    })


# --- lifecycle ----------------------------------------------------------------------------------

@login_required
@require_POST
def lifecycle(request: HttpRequest, number: int) -> HttpResponse:
    ed = _editable_edition(request, number)
    action = request.POST.get("action", "")
    try:
        if action == "open":
            form = forms.ConsultationForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the date on which the consultation closes."))
                return redirect(_edition_url(ed, "lifecycle"))
            services.consultation_open(actor=request.user, edition=ed, closes_on=form.cleaned_data["closes_on"])
            messages.success(request, _("The public consultation is open."))
        elif action == "close":
            services.consultation_close(actor=request.user, edition=ed)
            messages.success(request, _("The public consultation is closed."))
        elif action == "adopt":
            services.edition_adopt(actor=request.user, edition=ed,
                                   confirm_open_consultation=bool(request.POST.get("confirm")))
            messages.success(request, _("The edition was adopted. Its text is now frozen."))
        elif action == "next":
            new = services.edition_start_next(actor=request.user, edition=ed)
            messages.success(request, _("The next edition was started as a draft."))
            return redirect(_edit_url(new))
        else:
            messages.error(request, _("Unknown action."))
    except WhiteBookError as exc:
        _refused(request, exc)
    return redirect(_edition_url(ed, "lifecycle"))


# --- consultation -------------------------------------------------------------------------------

@login_required
@require_POST
def comment(request: HttpRequest, number: int, paragraph_id: int) -> HttpResponse:
    ed = access.access_edition(request.user, number)
    paragraph = get_object_or_404(Paragraph, pk=paragraph_id, chapter__edition=ed)
    parent = None
    if request.POST.get("parent"):
        try:
            parent = Comment.objects.filter(pk=request.POST["parent"], paragraph=paragraph).first()
        except (ValueError, ValidationError) as exc:  # a malformed id
            raise Http404 from exc
        if parent is None:
            raise Http404
        form: Any = forms.ReplyForm(request.POST)
    else:
        form = forms.CommentForm(request.POST)
    anchor = f"comments-{paragraph.pk}"
    if not form.is_valid():
        messages.error(request, _("Write your comment, and choose whether it is a comment or an amendment."))
        return redirect(_edition_url(ed, anchor))
    data = form.cleaned_data
    try:
        written = services.comment_create(actor=request.user, paragraph=paragraph, body=data["body"],
                                          kind=data.get("kind", Comment.Kind.COMMENT),
                                          proposed_text=data.get("proposed_text", ""), parent=parent,
                                          language=_language())
    except WhiteBookError as exc:
        _refused(request, exc)
        return redirect(_edition_url(ed, anchor))
    if written.status == Comment.Status.PUBLISHED:
        messages.success(request, _("Your reply was published."))
    else:
        messages.success(request, _("Thank you. Your contribution will appear once a moderator has published it."))
    return redirect(_edition_url(ed, anchor))


@login_required
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return render(request, "policylab/whitebook/moderation.html", {
        "queue": selectors.moderation_queue(), "form": forms.ModerationForm(),
    })


@login_required
@require_POST
def moderate(request: HttpRequest, comment_id: str) -> HttpResponse:
    _require_editor(request)
    try:
        target = Comment.objects.select_related("paragraph__chapter__edition").get(pk=comment_id)
    except (Comment.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    form = forms.ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("policylab:whitebook_moderation")
    decision = form.cleaned_data["decision"]
    try:
        if decision == "accept":
            services.amendment_accept(actor=request.user, comment=target)
            messages.success(request, _("The amendment was taken into the text."))
        else:
            services.comment_moderate(actor=request.user, comment=target, decision=decision,
                                      reason=form.cleaned_data["reason"])
            messages.success(request, _("The comment was published.") if decision == "publish"
                             else _("The comment was not published."))
    except WhiteBookError as exc:
        _refused(request, exc)
    if decision == "accept" and target.status != Comment.Status.PENDING:  # accepted from the edition's page
        return redirect(_edition_url(target.paragraph.chapter.edition, f"comments-{target.paragraph_id}"))
    return redirect("policylab:whitebook_moderation")

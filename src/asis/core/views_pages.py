"""Footer pages (legal notice, privacy, accessibility, contact) and the help pages (the guides)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import get_language

from asis.core.help import guide_get, guide_link, guide_list
from asis.core.markdown import render_markdown
from asis.core.models import SitePage
from asis.core.page_defaults import site_pages_seed


def site_page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in SitePage.Slug.values:
        raise Http404
    page = SitePage.objects.filter(slug=slug).first()
    if page is None:  # deleted by hand: the first texts come back rather than a broken footer link
        site_pages_seed(SitePage)
        page = SitePage.objects.get(slug=slug)
    body = page.translated("body")
    return render(request, "core/site_page.html", {
        "page": page, "title": page.translated("title"), "body": body, "html": render_markdown(body.text),
    })


def help_index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/help_index.html", {"guides": guide_list(), "english_only": _english_only()})


def help_guide(request: HttpRequest, name: str) -> HttpResponse:
    guide = guide_get(name)
    if guide is None:
        raise Http404
    html = render_markdown(guide.text(), link=lambda href: guide_link(guide.name, href))
    return render(request, "core/help_guide.html", {
        "guide": guide, "html": html, "guides": guide_list(), "english_only": _english_only(),
    })


def _english_only() -> bool:
    return (get_language() or "en").split("-")[0] != "en"


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on their own, for pages without ``<link rel=icon>``."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))

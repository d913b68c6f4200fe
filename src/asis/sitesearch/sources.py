"""The sources of the site-wide search: published initiatives, published organisations and calls
that are not drafts. Each returns only what an anonymous visitor may see on the public pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from asis.core.site_search import Hit, Source, SourceResult, register


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _snippet(text: str, length: int = 220) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + " …"


def initiatives(text: str, user: Any, limit: int) -> SourceResult:
    from asis.observatory import filters
    from asis.observatory.models import Initiative

    query = filters.CatalogueQuery.from_params({"q": text})
    ids = filters.ordered_ids(query)  # published only, best match first
    shown = {i.pk: i for i in Initiative.objects.filter(pk__in=ids[:limit], status=Initiative.Status.PUBLISHED)}
    language = _language()
    hits = tuple(Hit(title=shown[pk].translated("title", language).text,
                     url=reverse("observatory:initiative_detail", args=[pk]),
                     snippet=_snippet(shown[pk].translated("summary", language).text))
                 for pk in ids[:limit] if pk in shown)
    return SourceResult(len(ids), hits, reverse("observatory:catalogue") + "?" + urlencode({"q": text}))


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w][:10]


def organisations(text: str, user: Any, limit: int) -> SourceResult:
    from asis.accounts.models import Organisation

    found = Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
    for word in _words(text):
        found = found.filter(name__icontains=word)
    found = found.order_by("name", "pk")
    hits = tuple(Hit(title=o.name, url=reverse("observatory:organisation_detail", args=[o.pk]),
                     meta=o.get_type_display()) for o in found[:limit])
    return SourceResult(found.count(), hits,
                        reverse("observatory:organisation_list") + "?" + urlencode({"q": text}))


def calls(text: str, user: Any, limit: int) -> SourceResult:
    from asis.calls.access import public_calls  # never a draft

    found = public_calls()
    for word in _words(text):
        found = found.filter(Q(title__icontains=word) | Q(description__icontains=word)
                             | Q(translations__icontains=word) | Q(organisation__name__icontains=word))
    found = found.select_related("organisation").order_by("-opens_at", "pk")
    language = _language()
    hits = tuple(Hit(title=c.translated("title", language).text, url=reverse("calls:public_detail", args=[c.pk]),
                     snippet=_snippet(c.translated("description", language).text), meta=c.organisation.name)
                 for c in found[:limit])
    return SourceResult(found.count(), hits)


def register_all() -> None:
    register(Source("initiatives", _("Initiatives"), initiatives, order=10))
    register(Source("organisations", _("Organisations"), organisations, order=20))
    register(Source("calls", _("Funding calls"), calls, order=30))

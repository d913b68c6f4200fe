"""Tags for the site frame: ``{% help_url request as url %}`` (the guide for the current page,
or the help index) and ``{% site_url request %}`` (the site's public address)."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.urls import reverse

from asis.core import site
from asis.core.help import guide_for, guide_get

register = template.Library()


@register.simple_tag
def help_url(request: HttpRequest | None) -> str:
    match = getattr(request, "resolver_match", None)
    name = guide_for(match.view_name if match else None)
    if name and guide_get(name) is not None:
        return reverse("core:help_guide", kwargs={"name": name})
    return reverse("core:help_index")


@register.simple_tag
def site_url(request: HttpRequest | None = None) -> str:
    return site.site_url(request)

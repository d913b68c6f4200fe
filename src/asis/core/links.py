"""The one rule for links that users give (initiative links, organisation websites): an
absolute ``http``/``https`` address, nothing else.

Web forms, model validation (admin, imports through ``full_clean``), the REST API schemas and the
CSV/XLSX imports all call ``link_error``/``validate_link``, so a ``javascript:`` or ``data:``
address refused by one surface cannot come in through another and be published in the open data.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from pydantic import AfterValidator

from asis.core.control_chars import has_controls

MAX_LINK_LENGTH = 500
SCHEMES = ("http", "https")
_SYNTAX = URLValidator(schemes=list(SCHEMES))


def link_error(value: Any) -> str | None:
    """Why ``value`` is not an acceptable link (translated), or ``None`` when it is."""
    if not isinstance(value, str) or not value:
        return gettext("Give a web address.")
    if len(value) > MAX_LINK_LENGTH:
        return gettext("The address is longer than %(limit)s characters.") % {"limit": MAX_LINK_LENGTH}
    if has_controls(value) or any(c.isspace() for c in value) or "\\" in value:
        return gettext("The address contains spaces, backslashes or control characters.")
    scheme = urlsplit(value).scheme.lower() if ":" in value else ""
    if scheme not in SCHEMES:
        return gettext("Only http:// and https:// addresses are allowed.")
    try:
        _SYNTAX(value)
    except ValidationError:
        return gettext("This is not a valid web address.")
    return None


def is_safe_link(value: Any) -> bool:
    return link_error(value) is None


@deconstructible
class LinkValidator:
    """``validate_link`` for model and form fields (raises Django's ``ValidationError``)."""

    code = "invalid_link"

    def __call__(self, value: Any) -> None:
        if value in (None, ""):
            return  # blank fields are the field's business
        if (reason := link_error(value)) is not None:
            raise ValidationError(reason, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LinkValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_link = LinkValidator()


def _pydantic_link(value: str) -> str:
    value = value.strip()
    if (reason := link_error(value)) is not None:
        raise ValueError(reason)
    return value


# For API schemas: ``links: list[Link]``; a refused link is a 422 naming the field.
Link = Annotated[str, AfterValidator(_pydantic_link)]

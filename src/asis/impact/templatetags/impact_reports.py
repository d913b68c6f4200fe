"""Template tags of the reporting workflow, for pages other parts of the app own (the project page)."""

from __future__ import annotations

from typing import Any

from django import template

from asis.impact import report_flags

register = template.Library()


@register.simple_tag
def project_report_flags(project: Any) -> list[report_flags.Flag]:
    """The late, off-track and outlier flags of a project, worded for the reader."""
    return report_flags.project_flags(project)

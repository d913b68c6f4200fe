"""The guides of ``docs/guides`` as help pages, and which guide answers for which page.

A guide's name is its path under ``docs/guides`` without ``.md`` (``evaluator``,
``calls/manager-build``). Only names made of lower-case letters, digits and hyphens, at most
one folder deep, are looked up, so a request can never reach a file outside the folder.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse

GUIDE_NAME = re.compile(r"^[a-z0-9-]+(?:/[a-z0-9-]+)?$")

# The guide for a page, by the first matching prefix of its ``namespace:url_name`` (longest
# prefixes first, so a call's review pages find the evaluator's guide before the calls default).
CONTEXT: tuple[tuple[str, str], ...] = (
    ("calls:review", "evaluator"),
    ("calls:declare_conflict", "evaluator"),
    ("calls:invitation", "evaluator"),
    ("calls:manage_evaluators", "calls/manager-evaluators"),
    ("calls:evaluator_", "calls/manager-evaluators"),
    ("calls:conflict", "calls/manager-evaluators"),
    ("calls:manage_assignments", "calls/manager-evaluators"),
    ("calls:assignment_", "calls/manager-evaluators"),
    ("calls:manage_application", "calls/manager-screening"),
    ("calls:results", "calls/manager-results-decisions"),
    ("calls:decisions", "calls/manager-results-decisions"),
    ("calls:panel", "calls/manager-results-decisions"),
    ("calls:consensus_", "calls/manager-results-decisions"),
    ("calls:letter_templates", "calls/manager-results-decisions"),
    ("calls:call_report_pdf", "calls/manager-results-decisions"),
    ("calls:letter", "calls/applicant-decisions"),
    ("calls:manage_", "calls/manager-build"),
    ("calls:create", "calls/manager-build"),
    ("calls:edit", "calls/manager-build"),
    ("calls:publish", "calls/manager-build"),
    ("calls:versions", "calls/manager-build"),
    ("calls:notifications", "calls/manager-build"),
    ("calls:", "project-holder"),
    ("observatory:export", "open-data-api"),
    ("observatory:import", "open-data-api"),
    ("observatory:", "observatory"),
    ("core:audit", "platform-admin"),
    ("accounts:", "member-and-visitor"),
    ("core:", "member-and-visitor"),
)


@dataclass(frozen=True)
class Guide:
    name: str
    title: str
    path: Path

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def guides_dir() -> Path:
    return Path(settings.PROJECT_DIR) / "docs" / "guides"


def _title(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem.replace("-", " ").capitalize()


def guide_get(name: str) -> Guide | None:
    if not GUIDE_NAME.match(name or ""):
        return None
    path = guides_dir() / f"{name}.md"
    return Guide(name, _title(path), path) if path.is_file() else None


def guide_list() -> list[Guide]:
    root = guides_dir()
    if not root.is_dir():
        return []
    # The role guides first, then the step-by-step guides of each folder.
    names = sorted((p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.md")),
                   key=lambda name: (name.count("/"), name))
    return [guide for name in names if name != "README" and (guide := guide_get(name)) is not None]


def guide_for(view_name: str | None) -> str | None:
    """The guide that helps on the page ``view_name`` (``namespace:url_name``), if any."""
    if not view_name:
        return None
    for prefix, guide in CONTEXT:
        if view_name.startswith(prefix):
            return guide
    return None


def guide_link(guide_name: str, href: str) -> str:
    """A link of the guide ``guide_name`` as the interface serves it: another guide's file becomes
    its help page, a folder or a file outside the guides the help index; web addresses and
    anchors stay as they are."""
    if not href or href.startswith(("#", "/")) or ":" in href.split("/", 1)[0]:
        return href
    target, _sep, anchor = href.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(guide_name), target))
    if resolved.endswith(".md") and guide_get(resolved[:-3]) is not None:
        url = reverse("core:help_guide", kwargs={"name": resolved[:-3]})
        return f"{url}#{anchor}" if anchor else url
    return reverse("core:help_index")

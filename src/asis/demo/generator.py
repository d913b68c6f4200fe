"""Deterministic demo data: organisations in all 42 regions, users for every role, texts in five
languages. The same seed and size always give the same data; later apps add their own steps."""

from __future__ import annotations

import importlib
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from rich.console import Console
from rich.progress import Progress

from asis.accounts.models import Membership, Organisation, Role, User
from asis.core.audit import audit_record
from asis.demo.vocabulary import (
    COUNTRY_LANGUAGES,
    DESCRIPTION,
    FIRST_NAMES,
    FOCUS,
    LAST_NAMES,
    ORG_PATTERNS,
)
from asis.regions.models import Region

DEMO_PASSWORD = "alpine-demo-2026"
DEMO_DOMAIN = "demo.asis.example"
ORG_TYPE_CYCLE = [choice for choice, _label in Organisation.Type.choices]
ROLE_CYCLE = [Role.PROGRAMME_MANAGER, Role.EVALUATOR, Role.PROJECT_HOLDER, Role.MEMBER]


# Later apps add their own demo data: modules with generate(rng=, size=, progress=) -> counts.
DEMO_STEPS: tuple[str, ...] = ("asis.observatory.demo", "asis.calls.demo", "asis.impact.demo_funded",
                                "asis.impact.demo_setup", "asis.impact.demo_reports", "asis.impact.sroi.demo",
                                "asis.impact.counterfactual.demo", "asis.policylab.demo")


@dataclass(frozen=True)
class DemoSize:
    organisations_per_region: int = 3
    members_per_organisation: int = 4
    initiatives: int = 600


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def demo_generate(*, seed: int, size: DemoSize, console: Console | None = None,
                  steps: Sequence[str] | None = None) -> dict[str, Any]:
    """Create the demo data set. Refuses to run twice on the same database (idempotent).

    ``steps``: the apps' demo steps to run after the organisations and people (all of DEMO_STEPS
    by default; a test of one app names only what it needs, e.g. the observatory's)."""
    if Organisation.objects.filter(website__contains=DEMO_DOMAIN).exists():
        return {"status": "demo data already present", "organisations": Organisation.objects.count()}
    rng = random.Random(seed)
    regions = list(Region.objects.order_by("code"))
    if len(regions) != 42:
        raise RuntimeError(f"expected the 42 programme regions, found {len(regions)}; run migrate first")
    password_hash = make_password(DEMO_PASSWORD)
    summary = {"organisations": 0, "users": 0, "memberships": 0}
    with transaction.atomic(), Progress(console=console, transient=True, disable=console is None) as progress:
        bar = progress.add_task("Generating demo data", total=len(regions))
        for r_index, region in enumerate(regions):
            languages = COUNTRY_LANGUAGES[region.country]
            for o_index in range(size.organisations_per_region):
                language = languages[(r_index + o_index) % len(languages)]
                org_type = ORG_TYPE_CYCLE[(r_index * size.organisations_per_region + o_index) % len(ORG_TYPE_CYCLE)]
                organisation = _organisation(rng, region, org_type, language, o_index)
                summary["organisations"] += 1
                for m_index in range(size.members_per_organisation):
                    user = _user(rng, language, region, o_index, m_index, password_hash)
                    role = ROLE_CYCLE[m_index % len(ROLE_CYCLE)]
                    Membership.objects.create(user=user, organisation=organisation, role=role)
                    summary["users"] += 1
                    summary["memberships"] += 1
            progress.advance(bar)
        for step in DEMO_STEPS if steps is None else steps:
            module = importlib.import_module(step)
            summary.update(module.generate(rng=rng, size=size, progress=progress))
        audit_record(action="asis.demo.generated", after={"seed": seed, **summary})
    summary["password"] = DEMO_PASSWORD  # type: ignore[assignment]
    summary["example_manager"] = User.objects.filter(
        memberships__role=Role.PROGRAMME_MANAGER).order_by("pk").values_list("email", flat=True).first()  # type: ignore[assignment]
    return summary


def _organisation(rng: random.Random, region: Region, org_type: str, language: str, index: int) -> Organisation:
    name = ORG_PATTERNS[org_type][language].format(place=region.name)
    if index >= len(ORG_TYPE_CYCLE):
        name = f"{name} {index // len(ORG_TYPE_CYCLE) + 1}"
    focus_index = rng.randrange(len(FOCUS["en"]))
    organisation = Organisation(
        name=name,
        type=org_type,
        country=region.country,
        region=region,
        website=f"https://{_ascii(region.code)}-{index + 1}.{DEMO_DOMAIN}/",
        original_language=language,
        description=DESCRIPTION[language].format(focus=FOCUS[language][focus_index]),
    )
    # Translate into the other languages; leave one language missing now and then, as in real life.
    for code in settings.LANGUAGE_CODES:
        if code != language and rng.random() < 0.85:
            organisation.set_translation(code, "description", DESCRIPTION[code].format(focus=FOCUS[code][focus_index]))
    organisation.full_clean()
    organisation.save()
    return organisation


def _user(rng: random.Random, language: str, region: Region, o_index: int, m_index: int, password_hash: str) -> User:
    first = rng.choice(FIRST_NAMES[language])
    last = rng.choice(LAST_NAMES[language])
    role = ROLE_CYCLE[m_index % len(ROLE_CYCLE)].value.replace("_", "-")
    email = f"{role}.{_ascii(region.code)}.{o_index + 1}.{m_index + 1}@{DEMO_DOMAIN}"
    return User.objects.create(
        email=email, full_name=f"{first} {last}", preferred_language=language, password=password_hash
    )

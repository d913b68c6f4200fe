"""Observatory demo data: realistic initiatives in every region and language, fast.

Deterministic: every random choice comes from the generator's ``rng`` in a fixed order, so the
same seed gives the same initiatives. Rows are written with ``bulk_create`` and the search
documents rebuilt once at the end; the demo as a whole has one audit entry (the generator's).
The scale generator (``asis.observatory.scale``) reuses the planning and insertion here.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict

from asis.accounts.models import Organisation, User
from asis.demo.vocabulary_observatory import (
    DESCRIPTION,
    FUNDING,
    GROUPS,
    PILLAR_COLLABORATION,
    PILLAR_IMPACT,
    PILLAR_NEED,
    REJECTION_REASONS,
    RESULTS,
    THEMES,
)
from asis.observatory.models import (
    Axis,
    Challenge,
    Initiative,
    InitiativeOrganisation,
    InitiativeRevision,
)
from asis.observatory.search import index_initiatives, index_prefetch
from asis.observatory.services import SNAPSHOT_EXCLUDE
from asis.regions.models import Region

Status = Initiative.Status
STATUS_WEIGHTS = ((Status.PUBLISHED, 86), (Status.SUBMITTED, 6), (Status.REJECTED, 4), (Status.ARCHIVED, 4))
STAGES = [choice for choice, _label in Initiative.Stage.choices]
TRANSLATION_RATE = 0.8  # share of (initiative, language) pairs translated; the rest stay missing
POINT_RATE = 0.6
LATEST = dt.date(2026, 12, 31)
EDITOR_EMAIL = "editor@demo.asis.example"


@dataclass(frozen=True)
class Context:
    """What the planner picks from, loaded once, in a fixed order."""

    regions: list[Region]
    organisations: dict[int, list[Organisation]]  # by region id
    by_country: dict[str, list[Organisation]]
    challenges: dict[str, Challenge]
    axes: dict[str, Axis]
    submitters: list[User]
    bboxes: dict[int, tuple[float, float, float, float]]


@dataclass
class Planned:
    initiative: Initiative
    organisations: list[tuple[Organisation, str]]
    region: Region
    challenges: list[Challenge]
    axes: list[Axis]
    extra: dict[str, Any] = field(default_factory=dict)


def bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a GeoJSON Polygon or MultiPolygon."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        else:
            for item in coords:
                walk(item)

    walk(geometry.get("coordinates", []))
    return min(xs), min(ys), max(xs), max(ys)


def load_context(organisations: Sequence[Organisation] | None = None) -> Context:
    regions = list(Region.objects.order_by("code"))
    orgs = list(organisations) if organisations is not None else list(
        Organisation.objects.filter(status=Organisation.Status.PUBLISHED).order_by("pk"))
    by_region: dict[int, list[Organisation]] = {}
    by_country: dict[str, list[Organisation]] = {}
    for org in orgs:
        by_region.setdefault(org.region_id, []).append(org)
        by_country.setdefault(org.country, []).append(org)
    return Context(
        regions=regions, organisations=by_region, by_country=by_country,
        challenges={c.code: c for c in Challenge.objects.order_by("code")},
        axes={a.code: a for a in Axis.objects.order_by("code")},
        submitters=list(User.objects.filter(is_superuser=False, is_editor=False).order_by("pk")[:200]),
        bboxes={r.pk: bbox(r.geometry) for r in regions},
    )


def _status(rng: random.Random, weights: Sequence[tuple[str, int]]) -> str:
    total = sum(w for _s, w in weights)
    pick = rng.randrange(total)
    for status, weight in weights:
        if pick < weight:
            return status
        pick -= weight
    return weights[0][0]


def _texts(lang: str, theme_index: int, variant: int, place: str, group_index: int, year: int,
           people: int, partners: int, share: int) -> dict[str, str]:
    theme = THEMES[theme_index]
    group = GROUPS[lang][group_index]
    summary = theme.summary[lang].format(place=place, group=group)
    need = theme.need[lang]
    return {
        "title": theme.titles[lang][variant].format(place=place),
        "summary": summary,
        "description": DESCRIPTION[lang].format(summary=summary, year=year, need=need),
        "pillar_need": PILLAR_NEED[lang].format(need=need),
        "pillar_collaboration": PILLAR_COLLABORATION[lang].format(group=group[:1].upper() + group[1:]),
        "pillar_impact": PILLAR_IMPACT[lang].format(people=people),
        "results": RESULTS[lang].format(people=people, partners=partners, share=share),
    }


def plan_initiative(rng: random.Random, ctx: Context, index: int,
                    weights: Sequence[tuple[str, int]] = STATUS_WEIGHTS) -> Planned:
    """One initiative, in region ``index mod 42`` (so every region gets its share)."""
    region = ctx.regions[index % len(ctx.regions)]
    local = ctx.organisations.get(region.pk) or ctx.by_country.get(region.country) or []
    if not local:
        raise RuntimeError(f"no published organisation in {region.code}; create organisations first")
    lead = local[rng.randrange(len(local))]
    lang = lead.original_language
    pool = [o for o in ctx.by_country.get(region.country, []) if o.pk != lead.pk]
    partners = rng.sample(pool, min(len(pool), rng.randrange(3)))
    theme_index = rng.randrange(len(THEMES))
    theme = THEMES[theme_index]
    variant = rng.randrange(len(theme.titles["en"]))
    group_index = rng.randrange(len(GROUPS["en"]))
    start = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(11 * 365))
    stage = STAGES[rng.randrange(len(STAGES))]
    end = None
    if stage == Initiative.Stage.ENDED or rng.random() < 0.3:
        end = min(LATEST, start + dt.timedelta(days=180 + rng.randrange(5 * 365)))
    people = rng.choice([12, 25, 40, 60, 90, 150, 240, 400, 650, 1200, 3000])
    share = 60 + rng.randrange(36)
    budget = Decimal(rng.choice([8, 15, 25, 40, 60, 90, 120, 180, 250, 400, 750, 1500]) * 1000
                     + rng.randrange(10) * 100)
    texts = {lang: _texts(lang, theme_index, variant, region.name, group_index, start.year, people,
                          len(partners) + 1, share)}
    initiative = Initiative(
        original_language=lang, stage=stage, start_date=start, end_date=end, budget_eur=budget,
        funding_sources=", ".join(rng.sample(FUNDING, 1 + rng.randrange(2))),
        target_groups=GROUPS[lang][group_index], people_reached=people,
        links=[f"https://initiative-{index + 1}.demo.asis.example/"], **texts[lang],
    )
    for other in settings.LANGUAGE_CODES:
        if other != lang and rng.random() < TRANSLATION_RATE:
            for name, text in _texts(other, theme_index, variant, region.name, group_index, start.year, people,
                                     len(partners) + 1, share).items():
                initiative.set_translation(other, name, text)
    if rng.random() < POINT_RATE:
        west, south, east, north = ctx.bboxes[region.pk]
        initiative.longitude = round(west + (east - west) * (0.2 + 0.6 * rng.random()), 5)
        initiative.latitude = round(south + (north - south) * (0.2 + 0.6 * rng.random()), 5)
    status = _status(rng, weights)
    initiative.status = status
    if status in (Status.PUBLISHED, Status.ARCHIVED):
        published = min(dt.date(2026, 6, 30), start + dt.timedelta(days=30 + rng.randrange(400)))
        initiative.published_at = dt.datetime(published.year, published.month, published.day, 9, 0, tzinfo=dt.UTC)
    if status == Status.REJECTED:
        initiative.moderation_reason = REJECTION_REASONS[lang]
    if status != Status.PUBLISHED and ctx.submitters:
        initiative.submitted_by = ctx.submitters[rng.randrange(len(ctx.submitters))]
    challenges = [ctx.challenges[c] for c in theme.challenges if c in ctx.challenges]
    axes = [ctx.axes[a] for a in theme.axes if a in ctx.axes]
    organisations = [(lead, InitiativeOrganisation.Role.LEAD)]
    organisations += [(p, InitiativeOrganisation.Role.PARTNER) for p in partners]
    return Planned(initiative, organisations, region, challenges, axes)


def _snapshot(planned: Planned) -> dict[str, Any]:
    data = model_to_dict(planned.initiative, exclude=SNAPSHOT_EXCLUDE)
    data["translations"] = planned.initiative.translations
    data["regions"] = [planned.region.code]
    data["challenges"] = sorted(c.code for c in planned.challenges)
    data["axes"] = sorted(a.code for a in planned.axes)
    data["organisations"] = sorted([o.pk, role] for o, role in planned.organisations)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def insert(planned: Sequence[Planned], *, revisions: bool = True, index: bool = True) -> list[int]:
    """Write a batch of planned initiatives with their relations (and revisions, search documents)."""
    with transaction.atomic():
        initiatives = Initiative.objects.bulk_create([p.initiative for p in planned], batch_size=1000)
        region_through = Initiative.regions.through
        challenge_through = Initiative.challenges.through
        axis_through = Initiative.axes.through
        region_through.objects.bulk_create(
            [region_through(initiative_id=i.pk, region_id=p.region.pk) for i, p in zip(initiatives, planned,
                                                                                     strict=True)],
            batch_size=5000)
        challenge_through.objects.bulk_create(
            [challenge_through(initiative_id=i.pk, challenge_id=c.pk)
             for i, p in zip(initiatives, planned, strict=True) for c in p.challenges], batch_size=5000)
        axis_through.objects.bulk_create(
            [axis_through(initiative_id=i.pk, axis_id=a.pk)
             for i, p in zip(initiatives, planned, strict=True) for a in p.axes], batch_size=5000)
        InitiativeOrganisation.objects.bulk_create(
            [InitiativeOrganisation(initiative_id=i.pk, organisation_id=o.pk, role=role)
             for i, p in zip(initiatives, planned, strict=True) for o, role in p.organisations], batch_size=5000)
        if revisions:
            InitiativeRevision.objects.bulk_create(
                [InitiativeRevision(initiative_id=i.pk, author=p.initiative.submitted_by, note="demo data",
                                    snapshot=_snapshot(p)) for i, p in zip(initiatives, planned, strict=True)],
                batch_size=1000)
        ids = [i.pk for i in initiatives]
        if index:
            index_ids(ids)
    return ids


def index_ids(ids: Sequence[int], batch: int = 2000) -> None:
    for start in range(0, len(ids), batch):
        index_initiatives(index_prefetch(Initiative.objects.filter(pk__in=ids[start:start + batch])))


def _editor() -> User:
    editor, _created = User.objects.get_or_create(
        email=EDITOR_EMAIL, defaults={"full_name": "Demo editor", "is_editor": True})
    if _created:
        from asis.demo.generator import DEMO_PASSWORD

        editor.set_password(DEMO_PASSWORD)
        editor.save(update_fields=["password"])
    return editor


def generate(*, rng: random.Random, size: Any, progress: Any,
             on_batch: Callable[[int], None] | None = None) -> dict[str, int]:
    """The demo initiatives (``size.initiatives``, 600 by default) and one editor account."""
    count = int(getattr(size, "initiatives", 600))
    if count <= 0:
        return {"initiatives": 0}
    _editor()
    ctx = load_context()
    task = progress.add_task("Observatory initiatives", total=count) if progress is not None else None
    planned = [plan_initiative(rng, ctx, index) for index in range(count)]
    ids = insert(planned, revisions=True, index=False)
    index_ids(ids)
    if task is not None:
        progress.update(task, completed=count)
    return {"initiatives": len(ids), "editors": 1}

"""Synthetic data for the calibration tests: an observatory whose initiatives follow a known Bass
curve, and funded projects with a known number of early terminations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils import timezone

from asis.calls.models import FundedProject
from asis.engines.simulation.bass import bass_per_period
from asis.observatory.models import Initiative
from asis.regions.models import Region
from tests.calls.helpers import make_application, make_call


def bass_counts(p: float, q: float, m: float, years: int) -> list[int]:
    return [int(round(v)) for v in bass_per_period(np.arange(1, years + 1, dtype=np.float64), p, q, m)]


def make_observatory(counts: list[int], *, first_year: int = 2005, region_codes: tuple[str, ...] = ("AT33",),
                     status: str = Initiative.Status.PUBLISHED) -> list[Initiative]:
    """``counts[i]`` initiatives started in ``first_year + i``, spread over ``region_codes`` in turn."""
    regions = [Region.objects.get(code=code) for code in region_codes]
    initiatives = [Initiative(title=f"Synthetic {year}-{k}", summary="Synthetic initiative.", status=status,
                              start_date=date(first_year + i, 6, 1))
                   for i, n in enumerate(counts) for year in [first_year + i] for k in range(n)]
    created = Initiative.objects.bulk_create(initiatives)
    through = Initiative.regions.through
    through.objects.bulk_create([through(initiative_id=obj.pk, region_id=regions[j % len(regions)].pk)
                                 for j, obj in enumerate(created)])
    return created


def make_funded_projects(organisation: Any, holder: Any, *, n: int, terminated: int, years_ago: float = 3.0) -> None:
    call = make_call(organisation, phase="decided", title="Calibration test call")
    created_at = timezone.now() - timedelta(days=365.25 * years_ago)
    for i in range(n):
        application = make_application(call, holder, organisation)
        status = FundedProject.Status.TERMINATED if i < terminated else FundedProject.Status.COMPLETED
        project = FundedProject.objects.create(application=application, grant=Decimal("40000"), status=status)
        FundedProject.objects.filter(pk=project.pk).update(created_at=created_at)

"""``asis impact sroi <analysis id>``: read-only, or a stored and audited run with ``--as``."""

from __future__ import annotations

from decimal import Decimal

import pytest

from asis.cli import main


@pytest.mark.django_db
def test_analysis_id_with_as_stores_an_audited_run(world, capsys):
    from asis.core.models import AuditEntry
    from asis.impact.models_sroi import SroiOutcome, SroiRun
    from asis.impact.sroi.services import sroi_create
    from tests.impact.helpers import make_project

    project = make_project(world.org, world.users["project_holder"], title="CLI project")
    analysis = sroi_create(actor=world.users["manager"], project=project, title="CLI SROI", report_year=2025,
                           investment=Decimal("40000"))
    SroiOutcome.objects.create(analysis=analysis, stakeholder="Carers", outcome="Less stress", quantity=40,
                               duration_years=2, proxy_value=1500, ranges={"deadweight": [0, 0.3]})
    assert main(["impact", "sroi", str(analysis.pk), "--draws", "500", "--as", world.users["manager"].email]) == 0
    run = SroiRun.objects.get(analysis=analysis)
    assert run.draws == 500 and AuditEntry.objects.filter(action="asis.impact.sroi.run").exists()
    assert main(["impact", "sroi", str(analysis.pk), "--draws", "10", "--as",
                 world.users["project_holder"].email]) == 2  # holders never run
    assert main(["impact", "sroi", "999999"]) == 2
    assert main(["impact", "sroi", str(analysis.pk), "--draws", "10"]) == 0  # read-only: nothing stored
    assert SroiRun.objects.filter(analysis=analysis).count() == 1
    assert analysis.investment == Decimal("40000")
    capsys.readouterr()

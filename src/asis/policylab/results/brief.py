"""The PDF brief of a comparison (WeasyPrint, like the platform's other PDFs): title, date in the
reader's language, the scenarios' levers in words, fan charts and the difference map at the
horizon as SVG, the key numbers, a method note and the mark that the results rest on assumptions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from asis.calls.pdf import render_pdf
from asis.core.formatting import long_date
from asis.policylab import charts
from asis.policylab.models import Comparison
from asis.policylab.results import selectors

METHOD_DOC = "docs/methods/simulation-odd.md"


def method_link() -> str:
    """Where readers find the model's documentation: ``ASIS_DOCS_BASE_URL`` + the ODD file, or the
    file's path in the platform's sources if no documentation site is configured."""
    base = getattr(settings, "ASIS_DOCS_BASE_URL", "")
    return f"{base.rstrip('/')}/{METHOD_DOC.removeprefix('docs/')}" if base else ""


def brief_context(comparison: Comparison, *, outcome: str = "", scenario: str = "") -> dict[str, Any]:
    page = selectors.comparison_page(comparison, outcome=outcome, scenario=scenario)
    if not page["ready"]:
        return page
    fans = [{**fan, "svg": charts.render(fan["chart"], chart_id=f"brief-fan-{fan['name']}")} for fan in page["fans"]]
    horizon = page["frames"]["frames"][-1]
    scenarios = [{"label": c.label, "reference": c.reference, "levers": selectors.levers_in_words(c.run.spec or c.run.scenario),
                  "n_runs": c.run.n_runs, "years": len(c.summary["years"])} for c in page["items"]]
    return {**page, "comparison": comparison, "brief_fans": fans, "scenarios": scenarios,
            "horizon_map": charts.render(horizon["chart"], chart_id="brief-map"), "horizon_year": horizon["year"],
            "today": long_date(timezone.now()), "method_link": method_link(), "method_doc": METHOD_DOC}


def brief_pdf(comparison: Comparison, *, outcome: str = "", scenario: str = "") -> bytes:
    context = brief_context(comparison, outcome=outcome, scenario=scenario)
    return render_pdf("policylab/results/brief_pdf.html", context)

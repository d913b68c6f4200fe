"""Permission rules of the calibration pages, merged into the matrix: policy officers (programme
managers here) and platform admins see and recompute; only platform admins put in force."""

from __future__ import annotations

from typing import Any

from tests.permission_rules import ADMIN_ONLY, Rule

OFFICERS = frozenset({"manager", "other_manager", "platform_admin"})


def _calibration(w: Any) -> dict[str, Any]:
    from asis.policylab.models_calibration import Calibration

    calibration = Calibration.objects.filter(params={"innovation_p": 0.0021}).first() \
        or Calibration.objects.create(params={"innovation_p": 0.0021})
    return {"calibration_id": calibration.pk}


RULES = {
    "policylab:calibration": Rule(OFFICERS),
    "policylab:calibration_run": Rule(OFFICERS, method="POST", data={"draws": "10"}),
    "policylab:calibration_enact": Rule(ADMIN_ONLY, method="POST", kwargs=_calibration),
}

"""Job handlers shipped with the platform core."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from asis.core.audit import audit_verify
from asis.core.audit_anchor import audit_anchor_write
from asis.core.jobs import Reporter, job_handler
from asis.core.models import Job


@job_handler("audit.verify")
def verify_audit_chain(job: Job, report: Reporter) -> dict[str, Any]:
    def progress(done: int, total: int) -> None:
        report(done / total if total else 1.0, _("%(done)s of %(total)s entries checked") % {"done": done, "total": total})

    result = audit_verify(progress=progress, check_anchors=True)
    if result.ok:
        audit_anchor_write()
    return {
        "checked": result.checked,
        "ok": result.ok,
        "first_bad_seq": result.first_bad_seq,
        "reason": result.reason,
        "legacy": result.legacy,
        "checkpoints": result.checkpoints,
    }

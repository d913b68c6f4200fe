"""Job handlers shipped with the platform core."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from asis.core.audit import audit_verify
from asis.core.audit_anchor import audit_anchor_write
from asis.core.jobs import Reporter, job_handler
from asis.core.models import Job


@job_handler("audit.verify", result_labels={
    "checked": _lazy("Entries checked"), "ok": _lazy("Chain intact"), "first_bad_seq": _lazy("First broken entry"),
    "reason": _lazy("Reason"), "legacy": _lazy("Entries sealed before the keyed seal"),
    "checkpoints": _lazy("Checkpoints checked")})
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

"""``asis calls``: list calls, run the automatic assignment or the results of a call from a shell.

The same services as the web pages (same checks, same audit entries), for large calls or for a
scheduled run; ``--as`` names the programme manager (or platform admin) the audit log records.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from asis.cli import _django

console = Console()


def _manager_and_call(args: argparse.Namespace) -> tuple[Any, Any] | None:
    from asis.accounts.models import User
    from asis.calls.access import calls_managed_by

    user = User.objects.filter(email=args.as_user.strip().lower(), is_active=True).first()
    if user is None:
        console.print(f"[red]No active account {args.as_user}.[/red]")
        return None
    call = calls_managed_by(user).filter(pk=args.call).first()
    if call is None:
        console.print(f"[red]{args.as_user} does not manage a call #{args.call}.[/red]")
        return None
    return user, call


def _run(description: str, work: Any) -> Any:
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task(description, total=1.0)

        def report(fraction: float, message: str = "") -> None:
            progress.update(task, completed=fraction, description=message or description)

        result = work(report)
        progress.update(task, completed=1.0)
    return result


def _list(args: argparse.Namespace) -> int:
    _django.setup()
    from django.db.models import Count

    from asis.calls.access import manager_visible
    from asis.calls.models import Application, Call

    # Drafts are the applicants' own until they submit them: only their number shows here.
    def per_call(applications: Any) -> dict[int, int]:
        return dict(applications.values_list("call_id").annotate(n=Count("pk")).order_by())

    submitted = per_call(Application.objects.filter(manager_visible(shared_drafts=False)))
    drafts = per_call(Application.objects.filter(status=Application.Status.DRAFT))
    table = Table("id", "title", "organisation", "phase", "applications", "drafts in progress", "closes (UTC)")
    for call in Call.objects.select_related("organisation").order_by("pk"):
        table.add_row(str(call.pk), call.title, call.organisation.name, call.phase,
                      str(submitted.get(call.pk, 0)), str(drafts.get(call.pk, 0)), f"{call.closes_at:%Y-%m-%d %H:%M}")
    console.print(table)
    return 0


def _on_call(args: argparse.Namespace, description: str, work: Any, show: Any) -> int:
    """Run ``work(user, call, report)`` for the call's manager named by ``--as``; ``show`` prints."""
    from asis.calls.results.services import ResultsError
    from asis.calls.review.assignment import AssignmentError

    found = _manager_and_call(args)
    if found is None:
        return 2
    user, call = found
    started = time.monotonic()
    try:
        outcome = _run(description, lambda report: work(user, call, report))
    except (AssignmentError, ResultsError) as exc:
        console.print(f"[red]{exc}[/red]")
        return 1
    show(outcome)
    console.print(f"  seconds: {time.monotonic() - started:.1f}")
    return 0


def _assign(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.calls.review.assignment import assignments_auto

    def show(summary: dict[str, Any]) -> None:
        for key, value in summary.items():
            console.print(f"  {key}: {value}")

    return _on_call(args, "Assigning evaluators",
                    lambda user, call, report: assignments_auto(actor=user, call=call, report=report), show)


def _results(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.calls.results.services import call_results_compute

    def show(result: Any) -> None:
        console.print(f"  result set: {result.pk}")
        console.print(f"  applications ranked: {len(result.data.get('applications', []))}")
        console.print(f"  funded (optimal portfolio): {(result.data.get('portfolio') or {}).get('count', 0)}")

    return _on_call(args, "Computing results",
                    lambda user, call, report: call_results_compute(actor=user, call=call, report=report), show)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("calls", help="funding calls: list, assign evaluators, compute results")
    sub = p.add_subparsers(dest="calls_command", metavar="ACTION")
    sub.required = True
    sub.add_parser("list", help="every call with its phase").set_defaults(func=_list)
    for name, func, text in (("assign", _assign, "assign evaluators automatically (balanced, no conflicts)"),
                             ("results", _results, "compute and store the results of a call")):
        q = sub.add_parser(name, help=text)
        q.add_argument("call", type=int, help="the call's id (asis calls list)")
        q.add_argument("--as", dest="as_user", required=True, metavar="EMAIL",
                       help="the programme manager the audit log records")
        q.set_defaults(func=func)

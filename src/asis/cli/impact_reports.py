"""``asis impact remind``: report reminders of funded projects, from a shell or from cron.

``asis impact remind`` sends the report reminders due today (14 days before a report's due date,
on the date, 7 days after it). It is idempotent: each reminder is recorded before it is sent and
is never sent twice, so it can run every hour; ``asis worker`` runs it once a day by itself.
"""

from __future__ import annotations

import argparse
from datetime import date

from rich.console import Console

from asis.cli import _django

console = Console()


def _remind(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.impact.reminders import reminders_send

    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        console.print(f"[red]--today takes a date as YYYY-MM-DD, not {args.today!r}.[/red]")
        return 2
    summary = reminders_send(today=today)
    console.print(f"{summary['reminders']} reminder(s) due, {summary['emails']} e-mail(s) sent.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    remind = commands.add_parser("remind", help="send the report reminders due today (idempotent; for cron)")
    remind.add_argument("--today", help="act as if today were this date (YYYY-MM-DD), e.g. to catch up")
    remind.set_defaults(func=_remind)

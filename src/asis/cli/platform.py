"""Platform subcommands: serve, worker, demo, migrate, createadmin, backup, restore, audit, retention."""

from __future__ import annotations

import argparse
import os
import secrets
from typing import Any

from rich.console import Console

from asis.cli import _django

console = Console()


def _migrate(args: argparse.Namespace) -> int:
    _django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    console.print("[green]Database is up to date.[/green]")
    return 0


def _createadmin(args: argparse.Namespace) -> int:
    _django.setup()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from asis.accounts.services import user_create

    password = args.password or secrets.token_urlsafe(12)
    existing = get_user_model().objects.filter(email__iexact=args.email).first()
    if existing is not None:
        if not args.reset_password:
            console.print(f"An account {args.email} already exists (use --reset-password to set a new password).")
            return 0
        existing.set_password(password)
        existing.is_superuser = existing.is_staff = existing.is_active = True
        existing.save()
    else:
        try:
            user_create(email=args.email, password=password, full_name=args.name, is_superuser=True)
        except ValidationError as exc:
            console.print(f"[red]Cannot create the admin: {exc.messages}[/red]")
            return 2
    console.print(f"Platform admin: [bold]{args.email}[/bold]  password: [bold]{password}[/bold]")
    return 0


def _worker(args: argparse.Namespace) -> int:
    if args.supervise:
        return _worker_supervised(args)
    _django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from asis.core.audit_anchor import audit_anchor_due
    from asis.core.jobs import StaleJobSweeper, jobs_recover_stale, worker_run

    recovered = jobs_recover_stale()
    if recovered:
        console.print(f"Requeued {len(recovered)} job(s) left behind by a stopped worker.")
    # the sweep also anchors the audit chain outside the database when its head moved
    # ... and starts the "notify me when it opens" notices of calls that have opened
    from asis.calls.builder.notify import opening_notices_due
    from asis.impact.reminders import reminders_due  # ... and the report reminders, once a day

    sweeper = StaleJobSweeper(max(settings.ASIS_JOB_LEASE_SECONDS / 2, 1),
                              also=(audit_anchor_due, opening_notices_due, reminders_due))
    sweeper.start()

    def run_once() -> None:
        if settings.ASIS_TASKS_BACKEND == "rq":
            call_command("rqworker", "default", burst=args.batch)
        else:
            options: dict[str, Any] = {"batch": args.batch, "reload": False, "startup_delay": False}
            if args.max_tasks:
                options["max_tasks"] = args.max_tasks
            call_command("db_worker", **options)

    try:
        worker_run(run_once)
    finally:
        sweeper.stop()
    return 0


def _worker_command(args: argparse.Namespace) -> list[str]:
    command = ["asis.cli", "worker"]
    if args.max_tasks:
        command += ["--max-tasks", str(args.max_tasks)]
    return command


def _worker_supervised(args: argparse.Namespace) -> int:
    from asis.cli.supervise import Supervisor, python_child

    if args.batch:
        console.print("[red]--supervise restarts workers that exit: it cannot be combined with --batch.[/red]")
        return 2
    specs = [python_child(f"worker-{n + 1}", *_worker_command(args)) for n in range(max(args.processes, 1))]
    return Supervisor(specs, env=dict(os.environ)).run()


def _serve(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.cli.supervise import Supervisor, python_child

    console.print(f"ASIS is starting on [bold]http://{args.host}:{args.port}/[/bold] (Ctrl+C stops it)")
    specs = [python_child(
        "web server", "gunicorn", "asis.wsgi:application",
        "--bind", f"{args.host}:{args.port}", "--workers", str(args.workers), "--threads", "4",
        "--access-logfile", "-", restart=False,
    )]
    if not args.no_worker:
        specs.append(python_child("task worker", "asis.cli", "worker"))
    return Supervisor(specs, env=dict(os.environ)).run()


def _demo(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.demo.generator import DemoSize, demo_generate

    size = DemoSize(organisations_per_region=args.organisations_per_region, members_per_organisation=args.members,
                    initiatives=args.initiatives)
    summary = demo_generate(seed=args.seed, size=size, console=console)
    for key, value in summary.items():
        console.print(f"  {key}: {value}")
    return 0


def _backup(args: argparse.Namespace) -> int:
    _django.setup()
    from django.conf import settings

    from asis.core.backup import BackupError, backup_key, backup_write

    try:
        encrypted = backup_key() is not None
        manifest = backup_write(args.file, console=console)
    except BackupError as exc:
        console.print(f"[red]Backup refused: {exc}[/red]")
        return 2
    total = sum(manifest["counts"].values())
    state = "encrypted with ASIS_BACKUP_KEY" if encrypted else "NOT encrypted"
    console.print(f"[green]Backup written to {args.file}: {total} records, {state}.[/green]")
    if not encrypted and str(settings.SETTINGS_MODULE).endswith(".production"):
        console.print("[yellow]Warning: this backup holds password hashes, two-factor keys and token digests "
                      "in the clear. Set ASIS_BACKUP_KEY (see docs/deploy.md) to encrypt backups.[/yellow]")
    return 0


def _restore(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.core.backup import BackupError, backup_restore

    if not args.yes:
        console.print("[red]Restoring replaces all data in the database. Add --yes to confirm.[/red]")
        return 2
    try:
        counts = backup_restore(args.file, console=console)
    except BackupError as exc:
        console.print(f"[red]Restore refused: {exc}[/red] Nothing was changed.")
        return 2
    console.print(f"[green]Restored {sum(counts.values())} records from {args.file}.[/green]")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    _django.setup()
    from rich.progress import Progress

    from asis.core.audit import audit_verify
    from asis.core.audit_anchor import audit_anchor_write

    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("Verifying the audit chain", total=None)

        def report(done: int, total: int) -> None:
            progress.update(bar, completed=done, total=total)

        report_ = audit_verify(progress=report, check_anchors=True, anchor_path=args.anchors)
    if not report_.ok:
        where = f"at entry #{report_.first_bad_seq}" if report_.first_bad_seq is not None else "(checkpoints)"
        console.print(
            f"[red]Audit chain broken {where}: {report_.reason}.[/red] "
            f"{report_.checked} entries before it are intact."
        )
        return 1
    console.print(f"[green]Audit chain intact: {report_.checked} entries verified.[/green]")
    if report_.legacy:
        console.print(
            f"[yellow]Entries #1 to #{report_.legacy} carry the unkeyed legacy hash of earlier versions, "
            f"sealed by keyed entry #{report_.legacy + 1}: nobody can rewrite them since, but whoever could "
            "write the database before the upgrade could have.[/yellow]"
        )
    if report_.checkpoints:
        console.print(f"Compared with {report_.checkpoints} signed checkpoint(s).")
    else:
        console.print("[yellow]No earlier checkpoint to compare with: deleted newest entries cannot be "
                      "detected this time (see ASIS_AUDIT_ANCHOR_DIR).[/yellow]")
    if not args.anchors:
        checkpoint = audit_anchor_write()
        console.print(f"Checkpoint written: entry #{checkpoint.seq} at {checkpoint.at}.")
    return 0


def _audit_anchor(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.core.audit_anchor import audit_anchor_write

    checkpoint = audit_anchor_write()
    console.print(f"Checkpoint written: entry #{checkpoint.seq} at {checkpoint.at}.")
    return 0


def _audit_seal(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.core.audit import audit_seal_legacy

    entry = audit_seal_legacy()
    if entry is None:
        console.print("Nothing to seal: the newest audit entry is already keyed (or the log is empty).")
    else:
        console.print(f"Legacy entries #1 to #{entry.seq - 1} sealed by keyed entry #{entry.seq}.")
    return 0


def _db_roles(args: argparse.Namespace) -> int:
    _django.setup()
    from django.db import connection

    from asis.core.db_roles import db_grants_sql, db_roles_sql

    try:
        if args.grants:
            statements = db_grants_sql(app=args.app)
        else:
            sql = db_roles_sql(database=args.database, owner=args.owner, app=args.app,
                               owner_password=args.owner_password or secrets.token_urlsafe(24),
                               app_password=args.app_password or secrets.token_urlsafe(24))
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    if not args.grants:
        print(sql, end="")  # plain stdout: meant for a file or a pipe into psql
        return 0
    if not args.apply:
        print("\n".join(statements))
        return 0
    if connection.vendor != "postgresql":
        console.print("[red]Database roles exist on PostgreSQL only.[/red]")
        return 2
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    console.print(f"[green]Grants for {args.app} applied.[/green]")
    return 0


def _retention(args: argparse.Namespace) -> int:
    _django.setup()
    from asis.accounts.services import retention_purge

    result = retention_purge()
    console.print(f"Deleted {result['jobs']} old job records and {result['login_records']} login records.")
    return 0


def _jobs(args: argparse.Namespace) -> int:
    _django.setup()
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from asis.core.jobs import JobError, job_start
    from asis.core.models import Job

    if args.action == "list":
        table = Table("id", "kind", "status", "progress", "created")
        for job in Job.objects.order_by("-created_at")[: args.limit]:
            table.add_row(str(job.pk), job.kind, job.status, f"{job.percent} %", job.created_at.isoformat())
        console.print(table)
        return 0
    if args.action == "start":
        try:
            job = job_start(kind=args.target)
        except JobError as exc:
            console.print(f"[red]{exc}[/red]")
            return 2
        console.print(f"Started job {job.pk}")
    else:
        job = Job.objects.filter(pk=args.target).first() if args.target else None
        if job is None:
            console.print(f"[red]No job {args.target!r}.[/red]")
            return 2
    if args.action == "start" and not args.watch:
        return 0
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f} %"),
                  TimeElapsedColumn(), console=console) as progress:
        bar = progress.add_task(job.kind, total=1.0)
        while True:
            job.refresh_from_db()
            progress.update(bar, completed=job.progress, description=f"{job.kind}: {job.message or job.status}")
            if job.is_finished:
                break
            time.sleep(0.5)
    if job.status == Job.Status.FAILED:
        console.print(f"[red]Failed: {job.error}[/red]")
        return 1
    console.print(f"[green]Done.[/green] {job.result}")
    return 0


def _manage(args: argparse.Namespace) -> int:
    _django.setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["asis manage", *args.arguments])
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="start the web server and a task worker")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=2, help="web server processes")
    p.add_argument("--no-worker", action="store_true", help="do not start a task worker alongside")
    p.set_defaults(func=_serve)

    p = subparsers.add_parser("worker", help="run background jobs")
    p.add_argument("--batch", action="store_true", help="exit when the queue is empty")
    p.add_argument("--max-tasks", type=int, default=0)
    p.add_argument("--supervise", action="store_true",
                   help="run worker processes as children and restart any that exits (back-off 1-60 s)")
    p.add_argument("--processes", type=int, default=1, help="with --supervise: how many workers")
    p.set_defaults(func=_worker)

    p = subparsers.add_parser("migrate", help="create or update the database tables")
    p.add_argument("--verbose", action="store_true")
    p.set_defaults(func=_migrate)

    p = subparsers.add_parser("createadmin", help="create a platform administrator")
    p.add_argument("--email", default="admin@asis.example")
    p.add_argument("--name", default="Platform admin")
    p.add_argument("--password", default=None, help="generated and printed when omitted")
    p.add_argument("--reset-password", action="store_true")
    p.set_defaults(func=_createadmin)

    p = subparsers.add_parser("demo", help="load deterministic demo data")
    p.add_argument("--seed", type=int, default=2018)
    p.add_argument("--organisations-per-region", type=int, default=3)
    p.add_argument("--members", type=int, default=4, help="people per organisation")
    p.add_argument("--initiatives", type=int, default=600, help="observatory initiatives")
    p.set_defaults(func=_demo)

    p = subparsers.add_parser("backup", help="write every record to a backup file (zip, encrypted when "
                                             "ASIS_BACKUP_KEY is set)")
    p.add_argument("file")
    p.set_defaults(func=_backup)

    p = subparsers.add_parser("restore", help="replace the database content with a backup")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="confirm that existing data is replaced")
    p.set_defaults(func=_restore)

    p = subparsers.add_parser("audit-verify", help="verify the audit chain and its signed checkpoints")
    p.add_argument("--anchors", default=None,
                   help="checkpoints to compare with (a file, e.g. copied from the log server); "
                        "default: ASIS_AUDIT_ANCHOR_DIR, and a new checkpoint is written")
    p.set_defaults(func=_audit_verify)

    p = subparsers.add_parser("audit-anchor", help="write a signed checkpoint of the audit chain (cron)")
    p.set_defaults(func=_audit_anchor)

    p = subparsers.add_parser("audit-seal", help="seal unkeyed legacy audit entries (after restoring an old backup)")
    p.set_defaults(func=_audit_seal)

    p = subparsers.add_parser("db-roles", help="print or apply the PostgreSQL owner/app role setup")
    p.add_argument("--database", default="asis")
    p.add_argument("--owner", default="asis_owner", help="role that owns the tables and runs migrations")
    p.add_argument("--app", default="asis_app", help="role the application logs in as")
    p.add_argument("--owner-password", default=None, help="generated when omitted")
    p.add_argument("--app-password", default=None, help="generated when omitted")
    p.add_argument("--grants", action="store_true", help="only the grants to run as the owner after a migration")
    p.add_argument("--apply", action="store_true", help="with --grants: run them on ASIS_DATABASE_URL")
    p.set_defaults(func=_db_roles)

    p = subparsers.add_parser("retention", help="delete personal data older than the retention period")
    p.set_defaults(func=_retention)

    p = subparsers.add_parser("jobs", help="list, start or follow background jobs")
    p.add_argument("action", choices=["list", "watch", "start"])
    p.add_argument("target", nargs="?", default="", help="job id (watch) or job kind (start)")
    p.add_argument("--watch", action="store_true", help="with start: follow the progress")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=_jobs)

    p = subparsers.add_parser("manage", help="run a Django management command")
    p.add_argument("arguments", nargs=argparse.REMAINDER)
    p.set_defaults(func=_manage)

"""The `emicronora` command: serve, migrate, demo, create-organiser, worker, jobs."""

from __future__ import annotations

import asyncio
import getpass
import logging
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import uvicorn

from emicronora import audit, db, migrations
from emicronora.accounts import forms, operations, passwords, queries
from emicronora.accounts.emails import EMAIL_PATTERN, normalise_email
from emicronora.calendar import exports
from emicronora.calendar.ical import build_calendar, serialise
from emicronora.calendar.items import session_items
from emicronora.demo import data as demo_data
from emicronora.demo.seed import seed_demo
from emicronora.i18n import current_locale
from emicronora.jobs import operations as job_operations
from emicronora.jobs import queries as job_queries
from emicronora.jobs.worker import Worker
from emicronora.media.storage import LocalStorage
from emicronora.models import JOB_STATUSES
from emicronora.programme import queries as programme_queries
from emicronora.settings import Settings
from emicronora.web import accesslog


@click.group()
def main() -> None:
    """e-Micronora: run a trade fair online."""


@main.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    settings = Settings.from_env()
    migrations.upgrade(settings.database_url)
    click.echo("Database is up to date.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=int(os.environ.get("PORT", "8000")), show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
@click.option("--with-worker", is_flag=True, help="Also run a job worker as a child process (make run).")
def serve(host: str, port: int, workers: int, reload: bool, with_worker: bool) -> None:
    """Serve the web application."""
    # The worker stops with the server, Ctrl-C included (it gets the SIGINT of the terminal too).
    child = subprocess.Popen([sys.executable, "-m", "emicronora", "worker"]) if with_worker else None
    if child is not None:
        # uvicorn raises a SIGTERM again once it has shut down: exit through `finally`, which stops the
        # worker, instead of dying at once and leaving it behind (a process manager's stop, docker stop).
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        _serve(host, port, workers, reload)
    finally:
        if child is not None:
            child.send_signal(signal.SIGTERM)
            child.wait()


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _serve(host: str, port: int, workers: int, reload: bool) -> None:
    settings = Settings.from_env()
    accesslog.install()
    uvicorn.run(
        "emicronora.asgi:app",
        # Room messages are small; a large frame is refused by the server before the app reads it.
        ws_max_size=64 * 1024,
        ws="emicronora.live.wire:RoomSocketProtocol",
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        # Only these proxies may say who the client is (X-Forwarded-For): login throttling counts per address.
        forwarded_allow_ips=settings.forwarded_allow_ips,
        server_header=False,
    )


@main.command()
@click.option(
    "--start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="First day of the fair (default: today). 2020-09-22 lays out the original dates.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds a programme.")
def demo(start: datetime | None, if_empty: bool) -> None:
    """Seed the e-Micronora demo: programme, companies and one account per role."""
    settings = Settings.from_env()
    # "Today" in the event's zone: the demo puts a live session at this moment of the fair's first day.
    first_day = start.date() if start else datetime.now(settings.tz).date()

    async def run() -> list[tuple[str, str, str]] | None:
        engine = db.create_engine(settings.database_url)
        try:
            async with db.create_sessionmaker(engine)() as session, session.begin():
                return await seed_demo(
                    session, first_day, settings, if_empty=if_empty, storage=LocalStorage(settings.media_dir)
                )
        finally:
            await engine.dispose()

    accounts = asyncio.run(run())
    if accounts is None:
        click.echo("The database already holds a programme: demo not seeded again.")
        accounts = [(account.role, account.email, demo_data.DEMO_PASSWORD) for account in demo_data.ACCOUNTS]
    else:
        click.echo(f"e-Micronora demo seeded, first day {first_day.isoformat()}.")
    click.echo("Demo accounts (unless changed since):")
    for role, email, password in accounts:
        click.echo(f"  {role:<10} {email:<34} {password}")


@main.command("create-organiser")
@click.argument("email")
@click.option("--name", default="Organiser", show_default=True)
@click.option(
    "--password",
    envvar="EMICRONORA_NEW_PASSWORD",
    default=None,
    help="Read from EMICRONORA_NEW_PASSWORD or asked for when not given.",
)
def create_organiser(email: str, name: str, password: str | None) -> None:
    """Create an organiser account, or make an existing account an organiser."""
    settings = Settings.from_env()
    current_locale.set(settings.default_locale)
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email):
        raise click.BadParameter("not a valid e-mail address", param_hint="EMAIL")

    async def run() -> str:
        engine = db.create_engine(settings.database_url)
        try:
            async with db.create_sessionmaker(engine)() as session, session.begin():
                existing = await queries.find_user_by_email(session, email)
                if existing is not None:
                    if not existing.is_organiser:
                        existing.is_organiser = True
                        details = {"email": email}
                        await audit.record_action(
                            session, None, "user.organiser_grant", "user", existing.id, details
                        )
                    return f"{email} is now an organiser."
                secret = password or getpass.getpass("Password for the new organiser: ")
                problem = passwords.password_problem(secret, email=email, name=name)
                if problem:
                    raise click.ClickException(problem)
                registration = forms.Registration(
                    name=name, email=email, company="e-Micronora", country="FR", password=secret
                )
                created = await operations.create_user(
                    session, registration, settings, datetime.now(UTC), is_organiser=True
                )
                details = {"email": email}
                await audit.record_action(session, None, "user.create_organiser", "user", created.id, details)
                return f"Organiser {email} created."
        finally:
            await engine.dispose()

    click.echo(asyncio.run(run()))


@main.command("export-ics")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (created if missing).",
)
@click.option("--participant", "email", default=None, help="Only this participant's agenda (their e-mail).")
@click.option("--locale", default=None, type=click.Choice(["fr", "en"]), help="Language of the texts.")
def export_ics(out_dir: Path, email: str | None, locale: str | None) -> None:
    """Write the programme and every participant's agenda as .ics files."""
    settings = Settings.from_env()
    current_locale.set(locale or settings.default_locale)
    now = datetime.now(UTC)

    async def run() -> tuple[list[exports.ParticipantAgenda], bytes]:
        engine = db.create_engine(settings.database_url)
        try:
            async with db.create_sessionmaker(engine)() as session:
                agendas = await exports.participant_agendas(
                    session,
                    settings,
                    current_locale.get(),
                    email=normalise_email(email) if email else None,
                )
                items = session_items(
                    await programme_queries.list_sessions(session), settings, current_locale.get()
                )
        finally:
            await engine.dispose()
        return agendas, serialise(build_calendar("e-Micronora", items, settings.tz, now))

    agendas, programme_ics = asyncio.run(run())
    if email and not agendas:
        raise click.ClickException(f"No active participant with the e-mail address {email}.")
    (out_dir / "participants").mkdir(parents=True, exist_ok=True)
    if not email:
        (out_dir / "programme.ics").write_bytes(programme_ics)
    for agenda in agendas:
        calendar = build_calendar(f"e-Micronora · {agenda.name}", agenda.items, settings.tz, now)
        (out_dir / "participants" / exports.file_name(agenda)).write_bytes(serialise(calendar))
    click.echo(
        f"Wrote {len(agendas)} participant calendar(s){'' if email else ' and programme.ics'} to {out_dir}."
    )


@main.command()
@click.option(
    "--concurrency", default=4, show_default=True, type=click.IntRange(1, 256), help="Jobs at once."
)
@click.option("--queues", default="", help="Only these queues, comma-separated (default: all).")
def worker(concurrency: int, queues: str) -> None:
    """Run background jobs (mail, exports, solves, periodic upkeep) until stopped."""
    settings = Settings.from_env()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    names = [name.strip() for name in queues.split(",") if name.strip()]

    async def run() -> None:
        engine = db.create_engine(settings.database_url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        try:
            sessionmaker = db.create_sessionmaker(engine)
            await Worker(sessionmaker, settings, concurrency=concurrency, queues=names).run(stop)
        finally:
            await engine.dispose()

    asyncio.run(run())


@main.group("jobs")
def jobs_group() -> None:
    """List, retry and cancel background jobs."""


@jobs_group.command("list")
@click.option("--status", default="", type=click.Choice(["", *JOB_STATUSES]))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
def jobs_list(status: str, limit: int) -> None:
    """The newest jobs, one a line."""
    settings = Settings.from_env()

    async def run() -> list[str]:
        engine = db.create_engine(settings.database_url)
        try:
            async with db.create_sessionmaker(engine)() as session:
                rows = await session.scalars(job_queries.jobs_listed(status).limit(limit))
                return [
                    f"{job.id:>8} {job.status:<9} {job.kind:<28} {job.attempts}/{job.max_attempts} "
                    f"{job.progress_done}/{job.progress_total} {job.created_at:%Y-%m-%d %H:%M:%S} "
                    f"{job.error.splitlines()[0][:80] if job.error else ''}"
                    for job in rows
                ]
        finally:
            await engine.dispose()

    for line in asyncio.run(run()):
        click.echo(line)


def _change_job(change: str, job_id: int) -> str | None:
    settings = Settings.from_env()

    async def run() -> str | None:
        engine = db.create_engine(settings.database_url)
        try:
            async with db.create_sessionmaker(engine)() as session, session.begin():
                if change == "retry":
                    return "queued" if await job_operations.retry(session, job_id) else None
                return await job_operations.cancel(session, job_id)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@jobs_group.command("retry")
@click.argument("job_id", type=int)
def jobs_retry(job_id: int) -> None:
    """Queue a failed or cancelled job again."""
    if _change_job("retry", job_id) is None:
        raise click.ClickException(f"Job {job_id} is not a failed or cancelled job.")
    click.echo(f"Job {job_id} queued again.")


@jobs_group.command("cancel")
@click.argument("job_id", type=int)
def jobs_cancel(job_id: int) -> None:
    """Cancel a queued job, or ask a running one to stop."""
    state = _change_job("cancel", job_id)
    if state is None:
        raise click.ClickException(f"Job {job_id} is not queued or running.")
    click.echo(f"Job {job_id} {'cancelled' if state == 'cancelled' else 'asked to stop'}.")

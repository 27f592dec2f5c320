"""Command line of DOMAIN.md: ``flask --app wsgi users|demo|export|import ...``.

(``db upgrade`` comes from Flask-Migrate.)
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess, User
from tracker.models.base import REVIEW_STATUS, ROLES
from tracker.services.accounts.passwords import PasswordError, check_password_policy
from tracker.services.entry import guard, review
from tracker.services.entry.audit import audit_context
from tracker.services.interchange.bundle import BundleError, ImportCounts, export_bundle
from tracker.services.interchange.bundle_import import import_bundle
from tracker.services.interchange.csv_import import (
    CsvImportError,
    CsvImportResult,
    OutsideRowsError,
    import_releases_csv,
    import_violence_csv,
)
from tracker.services.interchange.import_log import record_import_event
from tracker.services.interchange.pax import PaxError, import_pax_agreement

DEMO = Path(__file__).parent / "demo"
DEMO_BUNDLE = DEMO / "afghanistan-2020.json"
# A second process whose commitments are still running, so pace and projection are seen.
DEMO_BUNDLES = (DEMO_BUNDLE, DEMO / "yemen-stockholm-2018.json")
# UCDP GED events of Afghanistan in 2020 (CC BY 4.0, a reduced extract; see its README).
DEMO_VIOLENCE = (DEMO / "violence-ucdp-ged.csv", "afghanistan-2020")

users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="The demo data set.")
export_cli = AppGroup("export", help="Export data.")
import_cli = AppGroup("import", help="Import data (all-or-nothing).")


def fail(message: str) -> None:
    """Print an error to stderr and exit non-zero."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="researcher or admin")
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account; the way to make the first admin."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        fail(f"{email!r} is not an email address")
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        fail(f"a user with email {email} already exists")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        check_password_policy(password)
    except PasswordError as error:
        fail(str(error))
    user = User(email=email, display_name=name, role=role, session_token=secrets.token_hex(16))
    user.set_password(password)
    with audit_context(db.session, actor="cli"):
        db.session.add(user)
        db.session.commit()
    click.echo(f"Created {role} {email}.")


def print_counts(counts: ImportCounts) -> None:
    """Print added/updated/unchanged, in total and per kind of record."""
    for kind, (added, updated, unchanged) in counts.by_kind.items():
        click.echo(f"  {kind}: {added} added, {updated} updated, {unchanged} unchanged")
    click.echo(f"{counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged.")


def print_row_counts(result: CsvImportResult) -> None:
    """Print a CSV import's rows and its added/updated/unchanged counts on one line."""
    counts = result.counts
    click.echo(
        f"{result.rows} rows: {counts.added} added, {counts.updated} updated, "
        f"{counts.unchanged} unchanged."
    )


REVIEW_ON_MESSAGE = (
    "publishing needs a second person while review is required: import with "
    "--status under_review and have someone publish the records in the review queue "
    "(/manage/review), or turn review off first (flask --app wsgi review off)."
)


def load_bundle(document, status: str | None, actor: str, seed: bool = False) -> ImportCounts:
    """Import a bundle in one transaction, or roll back and print each error by JSON path.

    Changes to published records become pending revisions; with ``seed`` (the demo data),
    new records may arrive published.
    """
    try:
        with contextlib.ExitStack() as scope:
            scope.enter_context(audit_context(db.session, action="import", actor=actor))
            scope.enter_context(guard.changes_become_revisions(db.session, None, actor))
            if seed:
                scope.enter_context(guard.seeding_new_records(db.session))
            _, counts = import_bundle(document, status)
            db.session.commit()
    except BundleError as error:
        db.session.rollback()
        for path, message in error.errors:
            click.echo(f"{path}: {message}", err=True)
        fail(f"{len(error.errors)} error(s); nothing was imported.")
    except review.PublicationRefusedError as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        fail(f"nothing was imported: {REVIEW_ON_MESSAGE}")
    return counts


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo data: two processes and UCDP's events of 2020 (twice changes nothing)."""
    for bundle in DEMO_BUNDLES:
        click.echo(f"{bundle.name}:")
        document = json.loads(bundle.read_text(encoding="utf-8"))
        print_counts(load_bundle(document, None, "demo", seed=True))
    path, slug = DEMO_VIOLENCE
    process = db.session.scalar(select(PeaceProcess).where(PeaceProcess.slug == slug))
    click.echo(f"{path.name}:")
    with (
        path.open("rb") as stream,
        audit_context(db.session, action="import", actor="demo"),
        guard.changes_become_revisions(db.session, None, "demo"),
        guard.seeding_new_records(db.session),
    ):
        result = import_violence_csv(stream, process, "published")
        if result.counts.added or result.counts.updated:  # twice changes nothing, log included
            record_import_event("violence", slug, path.name, result, "demo", status="published")
        db.session.commit()
    for note in result.notes:
        click.echo(f"  {note}")
    print_row_counts(result)


@export_cli.command("process")
@click.argument("slug")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write."
)
def export_process(slug: str, output: str | None) -> None:
    """Write the whole-process JSON bundle (to standard output unless -o)."""
    process = db.session.scalar(select(PeaceProcess).where(PeaceProcess.slug == slug))
    if process is None:
        fail(f"no process with slug {slug!r}")
    text = json.dumps(export_bundle(process), ensure_ascii=False, indent=2) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.", err=True)
    else:
        click.echo(text, nl=False)


@import_cli.command("process")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--status", type=click.Choice(REVIEW_STATUS[:2]), help="Review status for every record."
)
def import_process(file: str, status: str | None) -> None:
    """Load a process bundle: all-or-nothing, errors named by JSON path."""
    try:
        document = json.loads(Path(file).read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        fail(f"{file} is not UTF-8 text ({error.reason} at byte {error.start})")
    except json.JSONDecodeError as error:
        fail(f"{file} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")
    except RecursionError:
        fail(f"{file} is nested too deeply to read; nothing was imported.")
    if status == "published" and review.review_required():
        fail(REVIEW_ON_MESSAGE)
    print_counts(load_bundle(document, status, f"cli import {Path(file).name}"))


def run_csv_import(
    kind: str,
    file: str,
    target,
    target_label: str,
    status: str | None,
    accept_outside: bool = False,
) -> None:
    """Import a CSV in one transaction with a progress bar on a terminal; print the counts."""
    path = Path(file)
    options = {}
    if kind == "violence":
        importer, options = import_violence_csv, {"accept_outside": accept_outside}
    else:
        importer = import_releases_csv
    actor = f"cli import {path.name}"
    label = target_label
    if status == "published" and review.review_required():
        fail(REVIEW_ON_MESSAGE)
    with path.open("rb") as stream, contextlib.ExitStack() as bar_scope:
        on_progress = None
        if sys.stdout.isatty():
            bar = bar_scope.enter_context(
                click.progressbar(length=path.stat().st_size, label=f"Importing {path.name}")
            )

            def on_progress(done: int) -> None:
                bar.update(done - bar.pos)

        try:
            with (
                audit_context(db.session, action="import", actor=actor),
                guard.changes_become_revisions(db.session, None, f"{path.name} into {label}"),
            ):
                result = importer(stream, target, status, on_progress=on_progress, **options)
                record_import_event(kind, target_label, path.name, result, actor, status=status)
                db.session.commit()
        except review.PublicationRefusedError as error:
            # The early check above saw review off; it was turned on since (or a rule of the
            # flush guard refused): the guard's message says which records.
            db.session.rollback()
            bar_scope.close()
            click.echo(str(error), err=True)
            fail(f"nothing was imported: {REVIEW_ON_MESSAGE}")
        except CsvImportError as error:
            db.session.rollback()
            bar_scope.close()  # end the bar before the messages
            for line in error.lines():
                click.echo(f"{path.name}: {line}", err=True)
            if isinstance(error, OutsideRowsError):
                fail(
                    "rows outside the process's countries or period; nothing was imported. "
                    "If this is the right file, run the command again with --accept-outside."
                )
            fail(f"{len(error.errors) + error.more} error(s); nothing was imported.")
    for note in result.notes:
        click.echo(note)
    for row_error in result.outside:
        click.echo(f"Accepted: {row_error.message}")
    print_row_counts(result)


@import_cli.command("violence")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--process", "slug", required=True, help="Slug of the process.")
@click.option(
    "--status",
    type=click.Choice(REVIEW_STATUS[:2]),
    help="Review status of the records added or changed (new ones default to under_review).",
)
@click.option(
    "--accept-outside",
    is_flag=True,
    help="Import rows of other countries or far outside the process's period too.",
)
def import_violence(file: str, slug: str, status: str | None, accept_outside: bool) -> None:
    """Load violence reports: ACLED (any vintage) or UCDP GED CSV (all-or-nothing)."""
    process = db.session.scalar(select(PeaceProcess).where(PeaceProcess.slug == slug))
    if process is None:
        fail(f"no process with slug {slug!r}")
    run_csv_import("violence", file, process, process.slug, status, accept_outside)


@import_cli.command("releases")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--commitment", "commitment_id", type=int, required=True, help="Commitment id.")
@click.option(
    "--status",
    type=click.Choice(REVIEW_STATUS[:2]),
    help="Review status of the records added or changed (new ones default to under_review).",
)
def import_releases(file: str, commitment_id: int, status: str | None) -> None:
    """Load release records of a prisoner-release commitment from a CSV (all-or-nothing)."""
    commitment = db.session.get(Commitment, commitment_id) if commitment_id < 2**31 else None
    if commitment is None:
        fail(f"no commitment with id {commitment_id}")
    if commitment.kind != "prisoner_release":
        fail(f"commitment {commitment_id} is not a prisoner_release commitment")
    label = f"commitment {commitment.id} ({commitment.key})"
    run_csv_import("releases", file, commitment, label, status)


review_cli = AppGroup("review", help="The two-person rule.")


@review_cli.command("on")
def review_on() -> None:
    """Publishing needs a second person (the default); audited."""
    review.set_review_required(True, actor="cli")
    click.echo("Review is on: nobody publishes their own changes.")


@review_cli.command("off")
def review_off() -> None:
    """Let authors publish their own changes (moving data between trackers); audited."""
    review.set_review_required(False, actor="cli")
    click.echo("Review is off: authors may publish their own changes. Turn it on again after.")


@import_cli.command("agreement")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--pax-id", "pax_id", type=int, required=True, help="The agreement's PA-X AgtId.")
@click.option("--process", "slug", help="Slug of the process (else one is made from PA-X's).")
@click.option(
    "--status",
    type=click.Choice(REVIEW_STATUS[:2]),
    help="Review status of the agreement and its terms (default under_review).",
)
def import_agreement(file: str, pax_id: int, slug: str | None, status: str | None) -> None:
    """Load one agreement of a PA-X file with its parties and coded provisions as terms."""
    actor = f"cli import {Path(file).name}"
    if status == "published" and review.review_required():
        fail(REVIEW_ON_MESSAGE)
    try:
        with (
            Path(file).open("rb") as stream,
            audit_context(db.session, action="import", actor=actor),
            guard.changes_become_revisions(db.session, None, f"PA-X {pax_id}"),
        ):
            result = import_pax_agreement(stream, pax_id, slug, status)
            db.session.commit()
    except review.PublicationRefusedError as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        fail(f"nothing was imported: {REVIEW_ON_MESSAGE}")
    except PaxError as error:
        db.session.rollback()
        fail(f"{Path(file).name}: {error}; nothing was imported.")
    except BundleError as error:
        db.session.rollback()
        for path, message in error.errors:
            click.echo(f"PA-X {pax_id}, {path}: {message}", err=True)
        fail(f"{len(error.errors)} error(s); nothing was imported.")
    for note in result.notes:
        click.echo(note)
    click.echo(f"Agreement {result.agreement_key} of process {result.process_slug}:")
    print_counts(result.counts)


def init_app(app) -> None:
    """Register the command groups."""
    for group in (users_cli, demo_cli, export_cli, import_cli, review_cli):
        app.cli.add_command(group)

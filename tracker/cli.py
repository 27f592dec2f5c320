"""Command line of DOMAIN.md: ``flask --app wsgi users|demo|export|import ...``.

(``db upgrade`` comes from Flask-Migrate.)
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import PeaceProcess, User
from tracker.models.base import REVIEW_STATUS, ROLES
from tracker.services.audit import audit_context
from tracker.services.bundle import BundleError, ImportCounts, export_bundle
from tracker.services.bundle_import import import_bundle
from tracker.services.passwords import PasswordError, check_password_policy

DEMO_BUNDLE = Path(__file__).parent / "demo" / "afghanistan-2020.json"

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


def load_bundle(document, status: str | None, actor: str) -> ImportCounts:
    """Import a bundle in one transaction, or roll back and print each error by JSON path."""
    try:
        with audit_context(db.session, action="import", actor=actor):
            _, counts = import_bundle(document, status)
            db.session.commit()
    except BundleError as error:
        db.session.rollback()
        for path, message in error.errors:
            click.echo(f"{path}: {message}", err=True)
        fail(f"{len(error.errors)} error(s); nothing was imported.")
    return counts


@demo_cli.command("load")
def demo_load() -> None:
    """Load the Afghanistan 2020 demo data (running it twice changes nothing)."""
    document = json.loads(DEMO_BUNDLE.read_text(encoding="utf-8"))
    print_counts(load_bundle(document, None, "demo"))


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
    print_counts(load_bundle(document, status, f"cli import {Path(file).name}"))


def init_app(app) -> None:
    """Register the command groups."""
    for group in (users_cli, demo_cli, export_cli, import_cli):
        app.cli.add_command(group)

"""The job queue: Huey, with its SQLite storage in the instance folder, or Redis in production.

Work that takes longer than a request may (gunicorn stops a worker after 30 s), such as checking
and importing a 250,000-row upload, runs as a Huey task in the consumer that `make run` starts
next to gunicorn (``huey_consumer wsgi.huey``). App servers stay stateless: an upload and its
outcome live in the database, the queued tasks and the progress of a running one in the queue's
storage, which every app host of a deployment shares when ``HUEY_URL`` names a Redis server.

Tests set ``HUEY_IMMEDIATE``: a task then runs inside the call that queues it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey
from huey.api import Huey


def make_huey(app: Flask) -> Huey:
    """The queue the app's config names: Redis when ``HUEY_URL`` says so, else a SQLite file."""
    url = app.config.get("HUEY_URL") or ""
    immediate = bool(app.config.get("HUEY_IMMEDIATE"))
    # Results are not kept: a task writes what it found to the database itself.
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("tracker", url=url, immediate=immediate, results=False)
    filename = url.removeprefix("sqlite:///") or str(Path(app.instance_path) / "huey.sqlite3")
    return SqliteHuey("tracker", filename=filename, immediate=immediate, results=False)


def init_app(app: Flask) -> None:
    """Create the app's queue and register its tasks, each run inside an app context."""
    from tracker.services.interchange import upload_jobs

    huey = make_huey(app)

    @huey.task(name="upload.check")
    def check_upload(pending_id: int) -> None:
        with app.app_context():
            upload_jobs.run_job(pending_id, "check", accept_outside=True)

    @huey.task(name="upload.import")
    def import_upload(pending_id: int, accept_outside: bool) -> None:
        with app.app_context():
            upload_jobs.run_job(pending_id, "import", accept_outside=accept_outside)

    app.extensions["huey"] = huey
    app.extensions["huey_tasks"] = {"check": check_upload, "import": import_upload}


def queue() -> Huey:
    """The current app's queue."""
    return current_app.extensions["huey"]


def enqueue(name: str, *args) -> None:
    """Queue one of the app's tasks (``check`` or ``import``) with its arguments."""
    current_app.extensions["huey_tasks"][name](*args)


def is_waiting(pending_id: int) -> bool:
    """Whether a task for this upload is still in the queue, not yet taken by a consumer."""
    return any(task.args and task.args[0] == pending_id for task in queue().pending())


def put_progress(key: str, **values) -> None:
    """Record how far a running task got, with the time: read by any web worker."""
    values["heard_at"] = datetime.now(UTC).isoformat()
    queue().put(key, values)


def get_progress(key: str) -> dict | None:
    """The last progress a task recorded under ``key``, or None."""
    return queue().get(key, peek=True)


def forget_progress(key: str) -> None:
    """Drop a finished task's progress."""
    queue().delete(key)

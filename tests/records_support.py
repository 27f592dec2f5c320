"""Helpers for the records tests: a small process to enter data into, and form posting."""

from __future__ import annotations

import html
import re
from datetime import date

from tests import factories
from tracker.extensions import db

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_process(app) -> dict[str, int]:
    """A published process with parties, an agreement signed 29 Feb 2020 and two commitments."""
    with app.app_context():
        process = factories.process(slug="afghanistan-2020", name="Afghanistan 2020")
        government = factories.party(process, "Islamic Republic of Afghanistan", "government")
        taliban = factories.party(process, "Taliban", "armed_group")
        agreement = factories.agreement(process, key="doha", signed_on=date(2020, 2, 29))
        agreement.signatories = [government, taliban]
        releases = factories.commitment(
            agreement, key="gov-releases", target=5000, target_is_maximum=True
        )
        other = factories.commitment(agreement, key="talks", target=None, kind="other")
        db.session.commit()
        return {
            "process": process.id,
            "agreement": agreement.id,
            "commitment": releases.id,
            "other": other.id,
            "government": government.id,
            "taliban": taliban.id,
        }


def token(client, path: str) -> str:
    """The CSRF token of the form at ``path``."""
    page = client.get(path).get_data(as_text=True)
    match = TOKEN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def form_values(page: str) -> dict[str, str]:
    """The hidden version fields of a rendered form (to submit an edit like a browser)."""
    values = {}
    for name in ("version", "seen_event", "base"):
        match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
        if match:
            values[name] = html.unescape(match.group(1))
    return values


def release_form_values(page: str) -> dict[str, str]:
    """A rendered release form's fields as a browser sends them back unchanged (a batch)."""
    data = form_values(page)
    for name in ("date", "count", "count_low", "count_high", "location"):
        match = re.search(rf'name="{name}" type="text" value="([^"]*)"', page)
        data[name] = match.group(1) if match else ""
    notes = re.search(r'<textarea[^>]*name="notes"[^>]*>\n?([^<]*)</textarea>', page)
    data["notes"] = html.unescape(notes.group(1)) if notes else ""
    commitment = re.search(r'<option selected value="(\d+)">', page).group(1)
    return {**data, "commitment_id": commitment, "kind": "batch", "date_precision": "day",
            "verification": "reported"}  # fmt: skip


def post(client, path: str, data: dict, form_path: str | None = None):
    """POST ``data`` with the CSRF token of the form at ``form_path`` (default: ``path``)."""
    return client.post(path, data={"csrf_token": token(client, form_path or path), **data})


def text_of(response) -> str:
    """The page as a reader sees it: tags removed, whitespace collapsed."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def enter_batch(client, commitment_id: int, count: str = "100") -> int:
    """A researcher enters a batch through the form; returns the new record's id."""
    response = post(
        client,
        "/manage/release/new",
        {
            "commitment_id": str(commitment_id),
            "kind": "batch",
            "date": "2020-04-08",
            "count": count,
            "sources-0-url": "https://example.org/bagram",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rstrip("/").split("/")[-2])


def record_action(client, record_id: int, verb: str):
    """Press a release record's review button (publish, archive, restore, ...) on its edit page."""
    path = f"/manage/release/{record_id}/edit"
    return post(client, f"/manage/release/{record_id}/{verb}", {}, form_path=path)

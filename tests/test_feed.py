"""Follow a process: its Atom feed lists records once a second person publishes them, and
status changes; unpublished and other processes' records never appear."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from tests import factories
from tests.records_support import enter_batch, make_process, record_action
from tracker.extensions import db
from tracker.models import CommitmentStatusChange

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "/processes/afghanistan-2020/feed.atom"


def entries(client, kind: str | None = None) -> list[dict[str, str]]:
    """The feed's entries (of one kind, if given): title, link and category."""
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "kind": entry.find(f"{ATOM}category").get("term"),
            "id": entry.findtext(f"{ATOM}id"),
        }
        for entry in root.iter(f"{ATOM}entry")
        if kind is None or entry.find(f"{ATOM}category").get("term") == kind
    ]


def test_a_record_enters_the_feed_when_a_second_person_publishes_it(app, people, client):  # noqa: F811
    ids = make_process(app)
    record_id = enter_batch(people["a"], ids["commitment"], count="250")
    # The terms and agreement created published are there; the batch under review is not.
    assert [e["kind"] for e in entries(client)] == ["commitment", "commitment", "agreement"]
    record_action(people["b"], record_id, "publish")
    (entry,) = entries(client, "release_record")
    assert entry["title"] == "Release of 250 prisoners on 8 Apr 2020"
    assert entry["link"] == f"http://localhost/processes/afghanistan-2020/releases/{record_id}"
    assert entry["kind"] == "release_record"
    # Archiving is a change like any other: the entry stays until a second person publishes it.
    record_action(people["a"], record_id, "archive")
    assert len(entries(client, "release_record")) == 1
    record_action(people["b"], record_id, "publish")
    assert entries(client, "release_record") == []


def test_status_changes_are_entries_and_other_processes_stay_out(app, client):
    ids = make_process(app)
    with app.app_context():
        db.session.add(
            CommitmentStatusChange(
                commitment_id=ids["other"],
                changed_on=date(2020, 9, 12),
                pam_status=2,
                status="published",
            )
        )
        other = factories.process("other-process", name="Other process")
        factories.violence(other, date(2021, 1, 1))  # published, but another process's
        db.session.commit()
    assert entries(client, "violence_report") == []
    found = entries(client, "status_change")
    assert [e["title"] for e in found] == ["Status 2 (intermediate) from 12 Sep 2020"]
    assert found[0]["link"].endswith("/processes/afghanistan-2020#chart-score")


def test_the_process_page_links_its_feed(app, client):
    make_process(app)
    page = client.get("/processes/afghanistan-2020").get_data(as_text=True)
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Afghanistan 2020: new records"'
        ' href="/processes/afghanistan-2020/feed.atom">' in page
    )
    assert client.get("/processes/no-such-process/feed.atom").status_code == 404

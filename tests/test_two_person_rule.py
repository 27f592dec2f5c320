"""The two-person rule under random use: two researchers and an admin edit, archive, restore,
restore old versions, publish and switch review on and off, through the real pages.

After every step, the audit trail is read as a log of publications: each change to what the
public sees was made by someone who wrote none of the changes since the previous publication,
or while review was off. The public figures equal the published rows, which equal the values
the audit trail says were last published.
"""

from __future__ import annotations

import re
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from tests import factories
from tests.conftest import AuthActions
from tests.records_support import form_values, make_process, post
from tracker.extensions import db
from tracker.models import AuditEvent, Commitment, ReleaseRecord, Revision, User

PEOPLE = ("a", "b", "admin")
WRITES = ("create", "update", "revert", "import", "revise")
CONTENT = ("count", "date", "location", "notes", "kind", "verification")


def reset(app) -> dict[str, int]:
    """Empty every table but the accounts; a process with two published batches."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in ("users", "login_failures"):
                    connection.execute(table.delete())
    ids = make_process(app)
    with app.app_context():
        commitment = db.session.get(Commitment, ids["commitment"])
        first = factories.release(commitment, date(2020, 4, 8), 100, location="Bagram")
        second = factories.release(commitment, date(2020, 4, 9), 50, location="Kabul")
        db.session.commit()
        ids["records"] = [first.id, second.id]
    return ids


def publications_break_the_rule(app) -> list[str]:
    """Replay the audit trail: every publication by someone who wrote part of it, review on."""
    problems = []
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        rule_on = True
        writers: dict[int, set] = {}
        status: dict[int, str] = {}
        rows: dict[int, dict] = {}  # each record's row, replayed
        proposals: dict[int, dict] = {}  # each record's pending proposal, replayed
        for event in events:
            if event.entity_type == "setting":
                rule_on = event.changes["review_required"]["after"]
                continue
            if event.entity_type != "release_record":
                continue
            record = event.entity_id
            row = rows.setdefault(record, {})
            authors = writers.setdefault(record, set())
            if event.action == "revise":
                # A proposal: the row did not change. One that takes the record back to its row
                # is withdrawn, and nothing of it is left for anyone to have written.
                proposal = proposals.setdefault(record, dict(row))
                proposal.update({k: c["after"] for k, c in event.changes.items()})
                if all(proposal.get(k) == row.get(k) for k in (*CONTENT, "status")):
                    proposals.pop(record)
                    writers[record] = set()
                elif event.user_id:
                    authors.add(event.user_id)
                continue
            row.update({k: c["after"] for k, c in event.changes.items()})
            proposals.pop(record, None)
            if event.action in WRITES and event.user_id:
                authors.add(event.user_id)
            before = status.get(record)
            change = event.changes.get("status")
            after = change["after"] if change else before
            status[record] = after
            content = any(name in event.changes for name in CONTENT)
            public = "published" in (before, after) and (before != after or content)
            if public and event.user_id is not None:
                if rule_on and event.user_id in authors:
                    problems.append(f"event {event.id} ({event.action}) by a writer")
                writers[record] = set()
    return problems


def published_rows_match_the_trail(app) -> list[str]:
    """The row of each record holds the values of its last non-proposal event."""
    problems = []
    with app.app_context():
        for record in db.session.scalars(select(ReleaseRecord)):
            state: dict = {}
            for event in db.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.entity_type == "release_record", AuditEvent.entity_id == record.id
                )
                .order_by(AuditEvent.id)
            ):
                if event.action != "revise":
                    for name, change in event.changes.items():
                        state[name] = change["after"]
            if (state.get("count"), state.get("status")) != (record.count, record.status):
                problems.append(f"record {record.id}: row {record.count} {record.status}, {state}")
    return problems


def test_every_publication_was_reviewed_by_a_second_person_or_made_with_review_off(app, make_user):
    for name in PEOPLE:
        make_user(f"{name}@example.org", role="admin" if name == "admin" else "researcher")
    clients = {}
    for name in PEOPLE:
        clients[name] = app.test_client()
        AuthActions(clients[name]).login(f"{name}@example.org")
    viewer = app.test_client()

    class TwoPeople(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.ids = reset(app)

        def path(self, index: int, verb: str = "edit") -> str:
            return f"/manage/release/{self.ids['records'][index]}/{verb}"

        @rule(person=st.sampled_from(PEOPLE), index=st.integers(0, 1), count=st.integers(1, 400))
        def edit(self, person, index, count):
            client = clients[person]
            page = client.get(self.path(index)).get_data(as_text=True)
            data = {
                "commitment_id": str(self.ids["commitment"]),
                "kind": "batch",
                "date": re.search(r'name="date"[^>]*value="([^"]*)"', page).group(1),
                "location": re.search(r'name="location"[^>]*value="([^"]*)"', page).group(1),
                "count": str(count),
                "confirm_warnings": "y",
                **form_values(page),
            }
            response = post(client, self.path(index), data)
            assert response.status_code in (302, 409), response.status_code

        @rule(
            person=st.sampled_from(PEOPLE),
            index=st.integers(0, 1),
            verb=st.sampled_from(("publish", "archive", "restore")),
        )
        def review_action(self, person, index, verb):
            response = post(clients[person], self.path(index, verb), {}, form_path=self.path(index))
            assert response.status_code == 302

        @rule(person=st.sampled_from(PEOPLE), index=st.integers(0, 1), oldest=st.booleans())
        def restore_old_version(self, person, index, oldest):
            client = clients[person]
            history_path = self.path(index, "history")
            page = client.get(history_path).get_data(as_text=True)
            forms = re.findall(r'action="(/manage/release/\d+/history/\d+/restore)"', page)
            if not forms:
                return
            version = re.search(r'name="version" value="(\d+)"', page).group(1)
            seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
            target = forms[-1] if oldest else forms[0]
            response = post(client, target, {"version": version, "seen": seen}, history_path)
            assert response.status_code == 302

        @rule(required=st.booleans())
        def switch_review(self, required):
            data = {"review_required": "y"} if required else {}
            response = post(clients["admin"], "/manage/settings", data)
            assert response.status_code == 302

        @invariant()
        def every_publication_had_a_second_person_or_review_off(self):
            assert publications_break_the_rule(app) == []

        @invariant()
        def the_public_sees_the_published_rows_only(self):
            assert published_rows_match_the_trail(app) == []
            with app.app_context():
                rows = db.session.scalars(select(ReleaseRecord)).all()
                expected = sum(r.count for r in rows if r.status == "published")
                revisions = db.session.scalars(select(Revision)).all()
                assert len({(r.entity_type, r.entity_id) for r in revisions}) == len(revisions)
                assert db.session.scalar(select(User).limit(1)) is not None
            progress = viewer.get(f"/api/v1/commitments/{self.ids['commitment']}/progress")
            assert progress.get_json()["achieved"] == expected

    run_state_machine_as_test(
        TwoPeople,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )

"""The review queue at upload scale: drafts keep the label of the import they came from, so the
queue can group, count and page them in SQL."""

from __future__ import annotations

import io

from sqlalchemy import select

from tests.records_support import make_process
from tracker.extensions import db
from tracker.models import PeaceProcess, User, ViolenceReport
from tracker.services.entry.audit import audit_context
from tracker.services.entry.guard import changes_become_revisions
from tracker.services.interchange.csv_import import import_violence_csv
from tracker.services.interchange.import_log import record_import_event

HEADER = "event_id_cnty,event_date,event_type,actor1,location,fatalities"


def import_drafts(app, process_id: int, label: str, rows: range) -> None:
    """Import violence rows as drafts of researcher A, labelled ``label``."""
    lines = [f"AFG{n},2020-04-09,Battles,Taliban,Kabul,1" for n in rows]
    with app.app_context():
        author = db.session.scalar(select(User).where(User.email == "a@example.org"))
        process = db.session.get(PeaceProcess, process_id)
        with (
            audit_context(db.session, action="import", actor="a@example.org"),
            changes_become_revisions(db.session, author.id, label),
        ):
            result = import_violence_csv(
                io.BytesIO("\n".join([HEADER, *lines]).encode()), process, None, author.id
            )
            record_import_event("violence", process.slug, "f.csv", result, "a@example.org")
        db.session.commit()


def test_imported_drafts_keep_their_import_label_out_of_their_history(app, people):
    ids = make_process(app)
    import_drafts(app, ids["process"], "first.csv into Afghanistan", range(3))
    import_drafts(app, ids["process"], "second.csv into Afghanistan", range(3, 5))
    with app.app_context():
        labels = db.session.execute(
            select(ViolenceReport.import_batch, ViolenceReport.id).order_by(ViolenceReport.id)
        ).all()
        assert [label for label, _ in labels] == ["first.csv into Afghanistan"] * 3 + [
            "second.csv into Afghanistan"
        ] * 2
        first_id = labels[0][1]
    answer = people["b"].get(f"/manage/violence/{first_id}/history")
    assert answer.status_code == 200
    assert "import_batch" not in answer.get_data(as_text=True)

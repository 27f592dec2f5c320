"""The review queue at upload scale: drafts keep the label of the import they came from, so the
queue can group, count and page them in SQL."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from tests.records_support import make_process, post, text_of
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


def ids_shown(page: str) -> list[str]:
    return re.findall(r'id="(violence_report-\d+|violence-\d+)"', page)


def test_an_import_is_paged_50_at_a_time_with_a_clear_answer_past_the_end(app, people):
    ids = make_process(app)
    import_drafts(app, ids["process"], "big.csv", range(120))
    import_drafts(app, ids["process"], "small.csv", range(200, 203))
    reviewer = people["b"]
    whole = text_of(reviewer.get("/manage/review"))
    assert "Waiting for your review (123)" in whole
    assert "Publish all 120" in whole and "Publish all 3" in whole
    seen = []
    for number in (1, 2, 3):
        answer = reviewer.get(f"/manage/review?batch=big.csv&page={number}")
        assert answer.status_code == 200
        page = answer.get_data(as_text=True)
        assert f"Page {number} of 3" in text_of(answer)
        assert "small.csv" not in page
        seen.extend(ids_shown(page))
    assert len(seen) == len(set(seen)) == 120
    past = reviewer.get("/manage/review?batch=big.csv&page=4")
    assert past.status_code == 404
    assert "There is no page 4: this list has 3 pages" in past.get_data(as_text=True)
    for bad in ("abc", "0", "-1", "1.5"):
        answer = reviewer.get(f"/manage/review?page={bad}")
        assert answer.status_code == 400
        assert "The page must be a whole number from 1" in answer.get_data(as_text=True)


def test_the_author_sees_their_imports_as_their_own_and_cannot_publish_them(app, people):
    ids = make_process(app)
    import_drafts(app, ids["process"], "big.csv", range(60))
    author = people["a"]
    assert "Waiting for your review (0)" in text_of(author.get("/manage/review"))
    own = text_of(author.get("/manage/review?mine=1&page=2"))
    assert "Yours, waiting for someone else (60)" in own and "Page 2 of 2" in own
    assert "60 of yours waiting for someone else" in text_of(author.get("/manage/"))
    assert "Review queue: 60 waiting for you" in text_of(people["b"].get("/manage/"))


def test_publish_all_stops_inside_its_time_and_goes_on_when_pressed_again(app, people):
    ids = make_process(app)
    import_drafts(app, ids["process"], "big.csv", range(3))
    app.config["REVIEW_PUBLISH_SECONDS"] = 0  # time is up after each record: one per press
    reviewer = people["b"]

    def publish_all(client) -> str:
        answer = post(client, "/manage/review/batch", {"batch": "big.csv"}, "/manage/review")
        assert answer.status_code == 302
        return text_of(client.get("/manage/review"))

    first = publish_all(reviewer)
    assert "Published 1 record of big.csv. 2 more wait: press Publish all again" in first
    assert "Publish all 2" in first
    assert "Published 1 record of big.csv. 1 more wait" in publish_all(reviewer)
    last = publish_all(reviewer)
    assert "Published 1 record of big.csv." in last and "more wait" not in last
    assert "Waiting for your review (0)" in last
    with app.app_context():
        statuses = db.session.scalars(select(ViolenceReport.status)).all()
        assert statuses == ["published"] * 3


def test_publish_all_leaves_the_authors_own_drafts_for_someone_else(app, people):
    ids = make_process(app)
    import_drafts(app, ids["process"], "big.csv", range(4))
    answer = post(people["a"], "/manage/review/batch", {"batch": "big.csv"}, "/manage/review")
    assert answer.status_code == 302
    page = text_of(people["a"].get("/manage/review"))
    assert "Published 0 records of big.csv. 4 you wrote or changed wait for someone else." in page
    with app.app_context():
        assert set(db.session.scalars(select(ViolenceReport.status))) == {"under_review"}

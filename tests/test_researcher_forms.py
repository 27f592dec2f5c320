"""Researcher forms without JavaScript: "Add another claim/source" posts, and the server adds
exactly one blank block and puts the focus (autofocus) in it, keeping every typed value."""

from __future__ import annotations

import re
from datetime import date

from tests import factories
from tests.records_support import post
from tests.test_records_violence import NEW, ids, report_data  # noqa: F401  - ids is a fixture
from tests.upload_support import DATA, confirm, upload
from tracker.extensions import db
from tracker.models import Commitment, CommitmentStatusChange, Party


def blocks(page: str, prefix: str) -> list[str]:
    """The indexes of the blocks (claims or sources) on the page, in order."""
    return re.findall(rf'id="{prefix}-(\d+)-(?:actor|url)"', page)


def test_add_another_claim_adds_one_block_and_focuses_it(client, ids):  # noqa: F811
    page = post(client, NEW, report_data(ids, add_claim="1")).get_data(as_text=True)
    assert blocks(page, "claims") == ["0", "1", "2"]  # the two filled and ONE new blank block
    autofocused = re.findall(r"<input[^>]*autofocus[^>]*>", page)
    assert len(autofocused) == 1 and 'id="claims-2-actor"' in autofocused[0]
    assert 'value="ISIS-K"' in page and 'value="Taliban"' in page


def test_add_another_source_adds_one_block_and_focuses_it(client, ids):  # noqa: F811
    data = report_data(ids, add_source="1")
    data.update({"sources-0-url": "https://example.org/a", "sources-1-url": ""})
    page = post(client, NEW, data).get_data(as_text=True)
    assert blocks(page, "sources") == ["0", "1", "2"]
    autofocused = re.findall(r"<input[^>]*autofocus[^>]*>", page)
    assert len(autofocused) == 1 and 'id="sources-2-url"' in autofocused[0]


def test_a_plain_form_focuses_nothing(client, ids):  # noqa: F811
    page = client.get(NEW).get_data(as_text=True)
    assert "autofocus" not in re.sub(r"data-autofocus", "", page)


def test_the_import_preview_button_says_what_confirming_will_do(app, client, auth, make_user):
    with app.app_context():
        process = factories.process(slug="afg", name="Afghanistan")
        db.session.commit()
        process_id = process.id
    make_user()
    auth.login()
    # Three rows of the real ACLED excerpt, with our claim columns added to the first.
    lines = (DATA / "acled_afghanistan_2020.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:4]
    content = "\n".join(
        [
            header + ",claimed_by,denied_by",
            rows[0] + ",ISKP,Taliban",
            rows[1] + ",,",
            rows[2] + ",,",
        ]
    )
    first = upload(client, auth, f"violence:{process_id}", content.encode(), "three.csv")
    assert first.status_code == 302, first.get_data(as_text=True)[-3000:]
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert ">Add 3, update 0, leave 0 unchanged</button>" in page
    assert '<th scope="col">Claimed by</th>' in page and "<td>ISKP</td>" in page
    assert "<td>Taliban</td>" in page
    confirm(client, auth, first.headers["Location"])
    again = upload(client, auth, f"violence:{process_id}", content.encode(), "three.csv")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert ">Add 0, update 0, leave 3 unchanged</button>" in page  # not "Import 3 rows"
    assert "Import 3 rows" not in page


def test_lists_name_the_side_and_process_and_filter_terms_by_name(app, client, ids):  # noqa: F811
    with app.app_context():
        term = db.session.get(Commitment, ids["commitment"])
        term.obligated_party = db.session.get(Party, ids["government"])
        term.beneficiary_party = db.session.get(Party, ids["taliban"])
        factories.release(term, date(2020, 4, 13), 361, kind="cumulative", location="Bagram")
        db.session.add(
            CommitmentStatusChange(
                commitment_id=ids["other"], changed_on=date(2020, 9, 12), pam_status=2
            )
        )
        db.session.commit()
    page = client.get("/manage/release/").get_data(as_text=True)
    what = (
        "Afghanistan 2020 · Islamic Republic of Afghanistan releases Taliban prisoners: "
        "running total of 361 on 13 Apr 2020, Bagram"
    )
    assert what in text_of_html(page)
    # The term filter is a picker of names, not a box for an internal number.
    assert re.search(
        rf'<option value="{ids["commitment"]}">Afghanistan 2020: Islamic Republic of Afghanistan'
        r" releases Taliban prisoners</option>",
        page,
    )
    assert "Commitment number" not in page
    assert '<input type="date" id="filter-date_from"' in page and "placeholder" not in page
    statuses = text_of_html(client.get("/manage/status/").get_data(as_text=True))
    assert "Status 2 (intermediate) from 12 Sep 2020" in statuses


def text_of_html(page: str) -> str:
    """The page as a reader sees it: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))

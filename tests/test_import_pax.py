"""PA-X agreements: one row of the Peace Agreements Database becomes an agreement with its
parties, its PA-X id and link, and one term per coded provision, from the command line and
from the web. Tested on two real rows (tests/data/formats/pax_two_agreements.csv)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.models import Agreement, Party, PeaceProcess

PAX = Path(__file__).parent / "data" / "formats" / "pax_two_agreements.csv"


@pytest.fixture
def afghanistan(app):
    with app.app_context():
        process = factories.process(slug="afghanistan-2020", countries="Afghanistan")
        db.session.flush()
        factories.party(process, "United States", kind="government")
        db.session.commit()


def run(runner, *args):
    return runner.invoke(args=["import", "agreement", str(PAX), *args])


def test_doha_agreement_with_its_parties_link_and_coded_provisions(app, runner, afghanistan):
    result = run(runner, "--pax-id", "2271", "--process", "afghanistan-2020")
    assert result.exit_code == 0, result.output
    assert "PA-X 2271: 12 coded provisions as terms, 2 parties" in result.output
    assert "commitment: 12 added" in result.output
    with app.app_context():
        agreement = db.session.scalar(select(Agreement).where(Agreement.key == "pax-2271"))
        assert agreement.pax_id == 2271
        assert agreement.title.startswith("Agreement for Bringing Peace to Afghanistan between")
        assert agreement.signed_on == date(2020, 2, 29)
        assert agreement.status == "under_review"
        assert (
            "PA-X status: Multiparty signed/agreed; type Intra, stage SubPar" in agreement.summary
        )
        assert "Bell, Christine and Sanja Badanjak (2019)" in agreement.summary
        assert [s.url for s in agreement.sources] == ["https://www.peaceagreements.org/view/2271"]
        assert [p.name for p in agreement.signatories] == [
            "United States",
            "Islamic Emirate of Afghanistan which is not recognized by the United States as a "
            "state and is known as the Taliban",
        ]
        us = db.session.scalar(select(Party).where(Party.name == "United States"))
        assert us.kind == "government"  # a party the process had keeps its kind
        terms = {c.key: c for c in agreement.commitments}
        assert (
            terms["pax-tjprire"].description == "Prisoner release (PA-X TjPrire, strength 3 of 3)"
        )
        assert terms["pax-tjprire"].kind == "other"
        assert terms["pax-ce"].description == "Ceasefire (PA-X Ce, strength 1 of 3)"
        assert terms["pax-ssrpsf"].description.startswith("Withdrawal of foreign forces")
        assert terms["pax-grefoth"].description.startswith(
            "Groups: refugees and displaced persons (other provision)"
        )
        assert len(terms) == 12
    again = run(runner, "--pax-id", "2271", "--process", "afghanistan-2020")
    assert "0 added, 0 updated, 16 unchanged." in again.output


def test_without_a_process_one_is_made_from_pax_with_third_parties_as_mediators(app, runner):
    refused = run(runner, "--pax-id", "2232", "--status", "published")
    assert refused.exit_code == 1  # publishing on import needs the two-person rule off
    assert "publishing needs a second person" in refused.output
    assert runner.invoke(args=["review", "off"]).exit_code == 0
    result = run(runner, "--pax-id", "2232", "--status", "published")
    assert result.exit_code == 0, result.output
    assert "2 line(s) of PA-X's signatories read as prose" in result.output
    with app.app_context():
        process = db.session.scalar(
            select(PeaceProcess).where(
                PeaceProcess.slug == "pax-afghanistan-2000s-post-intervention-process"
            )
        )
        assert process.name == "Afghanistan: 2000s Post-intervention process"
        assert (process.region, process.countries) == ("Europe and Eurasia", "Afghanistan")
        assert process.status == "under_review"
        kinds = {party.name: party.kind for party in process.parties}
        assert kinds == {
            "Qatar": "mediator",
            "German Government": "mediator",
            "United Nations": "mediator",
            "USA": "mediator",
            "Countries in the region": "mediator",
        }
        agreement = process.agreements[0]
        assert agreement.signatories == [] and agreement.status == "published"
        assert "Stated to be Participants to the Afghan Peace Conference." in agreement.summary
        assert {c.key for c in agreement.commitments} >= {"pax-tjprire", "pax-gewom"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pax-id", "9"], "no agreement with AgtId 9 among the file's 2 agreements"),
        (["--pax-id", "2271", "--process", "nowhere"], "no process with slug 'nowhere'"),
    ],
)
def test_refusals_say_why_and_write_nothing(app, runner, args, message):
    result = run(runner, *args)
    assert result.exit_code == 1
    assert message in result.output and "nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalar(select(Agreement)) is None


def test_a_file_that_is_not_pax_is_refused(app, runner):
    acled = Path(__file__).parent / "data" / "formats" / "acled_today.csv"
    result = runner.invoke(args=["import", "agreement", str(acled), "--pax-id", "1"])
    assert result.exit_code == 1
    assert "this is not a PA-X agreements file" in result.output
    assert "it has no AgtId, Agt, Dat, Part, GCh columns" in result.output


def test_web_import_for_researchers(app, client, auth, make_user, afghanistan):
    assert client.get("/imports/agreement").status_code == 302  # viewers log in first
    make_user()
    auth.login()
    page = client.get("/imports/agreement").get_data(as_text=True)
    assert "PA-X" in page
    token = auth.csrf_token("/imports/agreement")
    with app.app_context():
        process_id = db.session.scalar(
            select(PeaceProcess.id).where(PeaceProcess.slug == "afghanistan-2020")
        )
    response = client.post(
        "/imports/agreement",
        data={
            "csrf_token": token,
            "pax_id": "2271",
            "target_process": str(process_id),
            "file": (io.BytesIO(PAX.read_bytes()), "pax.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        agreement = db.session.scalar(select(Agreement).where(Agreement.pax_id == 2271))
        assert agreement is not None and len(agreement.commitments) == 12
    token = auth.csrf_token("/imports/agreement")
    missing = client.post(
        "/imports/agreement",
        data={
            "csrf_token": token,
            "pax_id": "9",
            "target_process": "",
            "file": (io.BytesIO(PAX.read_bytes()), "pax.csv"),
        },
        content_type="multipart/form-data",
    )
    assert missing.status_code == 400
    assert "no agreement with AgtId 9" in missing.get_data(as_text=True)


def post_pax(app, client, auth, make_user, content: bytes):
    """Upload ``content`` as a PA-X file for agreement 2271, logged in as a researcher."""
    make_user()
    auth.login()
    return client.post(
        "/imports/agreement",
        data={
            "csrf_token": auth.csrf_token("/imports/agreement"),
            "pax_id": "2271",
            "target_process": "",
            "file": (io.BytesIO(content), "pax.csv"),
        },
        content_type="multipart/form-data",
    )


SHORT_ROWS = b"Agt,AgtId,Dat,Part,GCh\nShort\nTitle,2271\n"


def test_short_rows_are_refused_by_line_on_the_web(app, client, auth, make_user):
    response = post_pax(app, client, auth, make_user, SHORT_ROWS)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "line 2: has 1 cells but the header has 5 columns" in page
    assert "line 3: has 2 cells but the header has 5 columns" in page
    with app.app_context():
        assert db.session.scalar(select(Agreement)) is None


def test_short_rows_are_refused_by_line_on_the_command_line(app, runner, tmp_path):
    path = tmp_path / "short.csv"
    path.write_bytes(SHORT_ROWS)
    result = runner.invoke(args=["import", "agreement", str(path), "--pax-id", "2271"])
    assert result.exit_code == 1
    assert "line 3: has 2 cells but the header has 5 columns" in result.output
    assert "nothing was imported" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_row_other_than_the_chosen_one_that_is_short_refuses_the_file(app, runner, tmp_path):
    # One short row may be a quote left open, which shifts every row after it.
    path = tmp_path / "short.csv"
    path.write_bytes(PAX.read_bytes() + b"Afghanistan,short row\n")
    result = runner.invoke(args=["import", "agreement", str(path), "--pax-id", "2271"])
    assert result.exit_code == 1
    line = PAX.read_bytes().count(b"\n") + 1  # the quoted signatory cells span lines
    assert f"line {line}: has 2 cells but the header has 266 columns" in result.output


def test_a_nul_in_a_cell_is_refused_by_line_and_column(app, client, auth, make_user):
    content = b"Agt,AgtId,Dat,Part,GCh\nP\x00x,2271,2020-02-29,United States,1\n"
    response = post_pax(app, client, auth, make_user, content)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "line 2, column Agt: holds a NUL character (U+0000), which cannot be stored" in page
    with app.app_context():
        assert db.session.scalar(select(Agreement)) is None
        assert db.session.scalar(select(PeaceProcess)) is None

"""Guards against the wrong file: rows of other countries or far outside the process's period
stop the import, on the command line and on the web, until someone confirms them."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.models import Agreement, ViolenceReport

FORMATS = Path(__file__).parent / "data" / "formats"
DATA = Path(__file__).parent / "data"


@pytest.fixture
def afghanistan(app):
    """A process in Afghanistan whose agreement was signed on 29 February 2020."""
    with app.app_context():
        process = factories.process(slug="afg", name="Afghanistan 2020", countries="Afghanistan")
        db.session.flush()
        db.session.add(
            Agreement(
                process_id=process.id,
                key="doha",
                title="Doha",
                signed_on=date(2020, 2, 29),
                status="published",
            )
        )
        db.session.commit()
        return process.id


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ViolenceReport))


def run(runner, path, *extra):
    return runner.invoke(args=["import", "violence", str(path), "--process", "afg", *extra])


def test_another_countrys_export_is_stopped_with_how_many_rows_and_which_countries(
    app, runner, afghanistan
):
    result = run(runner, FORMATS / "acled_today.csv")
    assert result.exit_code == 1
    assert (
        "acled_today.csv: line 2, column country: 2 rows name countries that are not this "
        "process's (Afghanistan): Nigeria (1 row, first on line 2), Sudan (1 row, first on "
        "line 3)" in result.output
    )
    assert (
        "line 2, column event_date: 2 rows dated 2010-12-31 to 2010-12-31, more than a year "
        "outside the process's period (2020-02-29 to 2020-02-29)" in result.output
    )
    assert "run the command again with --accept-outside" in result.output
    assert count(app) == 0


def test_accept_outside_imports_them_and_says_what_was_accepted(app, runner, afghanistan):
    result = run(runner, FORMATS / "acled_today.csv", "--accept-outside")
    assert result.exit_code == 0, result.output
    assert "Accepted: 2 rows name countries that are not this process's" in result.output
    assert count(app) == 2


def test_rows_of_the_process_pass_without_a_question(app, runner, afghanistan):
    result = run(runner, FORMATS / "ucdp_ged_extract.csv")
    assert result.exit_code == 0, result.output
    assert "Accepted" not in result.output
    assert count(app) == 18


def test_iso3_codes_name_a_country_too(app, runner):
    with app.app_context():
        factories.process(slug="afg", countries="IND")
        db.session.commit()
    assert run(runner, FORMATS / "acled_2019_excel_dates.csv").exit_code == 0


def test_without_countries_set_the_process_keeps_to_the_countries_it_has(app, runner):
    with app.app_context():
        factories.process(slug="afg")
        db.session.commit()
    assert run(runner, FORMATS / "ucdp_ged_extract.csv").exit_code == 0
    result = run(runner, FORMATS / "acled_today.csv")
    assert result.exit_code == 1
    assert "not this process's (afghanistan): Nigeria" in result.output


def upload(client, auth, process_id, content: bytes):
    token = auth.csrf_token("/imports")
    return client.post(
        "/imports",
        data={
            "csrf_token": token,
            "target": f"violence:{process_id}",
            "status": "under_review",
            "file": (io.BytesIO(content), "somewhere-else.csv"),
        },
        content_type="multipart/form-data",
    )


def test_web_preview_asks_for_a_tick_before_importing_rows_outside(
    app, client, auth, researcher, afghanistan
):
    response = upload(client, auth, afghanistan, (FORMATS / "acled_today.csv").read_bytes())
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Is this the right file for" in page
    assert "Nigeria (1 row, first on line 2), Sudan (1 row, first on line 3)" in page
    assert re.search(r"To add</dt><dd>2<", page)
    assert 'name="accept_outside"' in page
    assert "ignored: countycode" in page

    token = auth.csrf_token(preview_url)
    refused = client.post(f"{preview_url}/confirm", data={"csrf_token": token})
    assert refused.status_code == 302 and refused.headers["Location"].endswith(preview_url)
    assert count(app) == 0

    token = auth.csrf_token(preview_url)
    done = client.post(f"{preview_url}/confirm", data={"csrf_token": token, "accept_outside": "y"})
    assert done.status_code == 302
    assert count(app) == 2

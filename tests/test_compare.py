"""Compare processes: chosen terms of two processes on one chart, as percent of target against
days since their agreement was signed; the table and CSV hold the same rows; only published
countable terms can be chosen; the process page links to it."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tests.test_dashboard_pages import figures, text_of
from tracker.extensions import db
from tracker.models import Commitment


@pytest.fixture
def two(demo):
    """The demo (signed 29 Feb 2020) and a second process signed 1 Jan 2021, target 200."""
    with demo.app_context():
        process = factories.process("second-process", name="Second process")
        army = factories.party(process, "National army", "government")
        rebels = factories.party(process, "Rebel front", "armed_group")
        agreement = factories.agreement(process, signed_on=date(2021, 1, 1), title="Accord")
        term = factories.commitment(
            agreement, "exchange", 200, obligated_party=army, beneficiary_party=rebels
        )
        factories.release(term, date(2021, 1, 11), 50)  # day 10: 25 %
        factories.release(term, date(2021, 2, 10), 150, kind="cumulative")  # day 40: 75 %
        hidden = factories.commitment(agreement, "hidden", 10, status="under_review")
        db.session.commit()
        taliban = db.session.scalar(select(Commitment).where(Commitment.target == 1000))
        return {"term": term.id, "hidden": hidden.id, "taliban": taliban.id}


def lines(page: str) -> dict[str, list[tuple[int, float]]]:
    """Each trace of the comparison chart: name -> [(days since signing, percent)]."""
    return {
        trace["name"]: list(zip(trace["x"], trace["y"], strict=True))
        for trace in figures(page)["compare"]["data"]
    }


def test_two_processes_on_one_chart_in_days_since_signing(client, two):
    page = client.get(f"/compare?c={two['taliban']}&c={two['term']}").get_data(as_text=True)
    drawn = lines(page)
    assert drawn["Second process: National army releases Rebel front prisoners"] == [
        (10, 25.0),
        (40, 75.0),
    ]
    taliban = drawn[
        "Afghanistan: US-Taliban agreement (2020): Taliban releases Afghan government prisoners"
    ]
    assert taliban[-1] == (152, 100.5)  # 1,005 of 1,000 on 30 Jul 2020, 152 days after 29 Feb
    text = text_of(page)
    assert (
        "Second process: National army releases Rebel front prisoners: 75 % of the target "
        "40 days after signing." in text
    )
    assert "100.5 % of the target 152 days after signing" in text


def test_the_csv_holds_the_table_rows(client, two):
    query = f"c={two['term']}"
    response = client.get(f"/compare.csv?{query}")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["date"], r["days_since_signing"], r["cumulative"], r["percent"]) for r in rows] == [
        ("2021-01-11", "10", "50", "25.0"),
        ("2021-02-10", "40", "150", "75.0"),
    ]
    page = client.get(f"/compare?{query}").get_data(as_text=True)
    assert page.count('<tr data-commitment="') == len(rows)
    assert f"/compare.csv?{query}" in page


def test_only_published_countable_terms_can_be_chosen(client, two):
    page = client.get(f"/compare?c={two['hidden']}&c=abc&c={two['term']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'value="{two["hidden"]}"' not in html  # not offered in the picker
    assert f"Term {two['hidden']} is not a published countable term" in text_of(html)
    assert "The choice “abc” is not a term id" in text_of(html)
    assert list(lines(html)) == ["Second process: National army releases Rebel front prisoners"]
    # Without a choice, every comparable term is shown; the picker names process and side.
    everything = client.get("/compare").get_data(as_text=True)
    assert len(lines(everything)) == 3
    assert "National army releases Rebel front prisoners" in text_of(everything)
    assert client.get("/compare?c=99999999999999").status_code == 200


def test_each_process_page_links_to_the_comparison_of_its_terms(client, two):
    page = client.get("/processes/second-process").get_data(as_text=True)
    assert f'href="/compare?c={two["term"]}"' in page
    assert "Compare with other processes" in page

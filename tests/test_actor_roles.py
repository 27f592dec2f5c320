"""The actor filter by role: a denial is never counted as involvement unless asked for."""

from __future__ import annotations

from datetime import date

from tests import factories
from tracker.extensions import db
from tracker.models import Claim


def ids(client, **query) -> set[str]:
    response = client.get(
        "/api/v1/processes/afghanistan-2020/violence", query_string={"per_page": 500, **query}
    )
    assert response.status_code == 200, response.get_json()
    return {item["event_id_cnty"] for item in response.get_json()["items"]}


def test_the_bagram_rockets_denied_by_the_taliban_are_not_counted_as_theirs(demo, client):
    # 9 April 2020: claimed by ISIS-K, denied by the Taliban (the demo data, from the record).
    taliban = ids(client, actor="Taliban")
    assert "DEMO-AFG-0001" not in taliban
    assert "DEMO-AFG-0001" in ids(client, actor="Taliban", actor_role="denied")
    assert "DEMO-AFG-0001" in ids(client, actor="Taliban", actor_role="any")
    assert "DEMO-AFG-0001" in ids(client, actor="Khorasan")  # the perpetrator and claimant


def test_each_role_matches_its_own_column(app, client):
    with app.app_context():
        process = factories.process(slug="afghanistan-2020")
        factories.violence(process, date(2020, 5, 1), actor1="Taliban", event_id_cnty="P")
        associate = factories.violence(
            process, date(2020, 5, 2), actor1="Unidentified", event_id_cnty="AS"
        )
        associate.assoc_actor_1 = "Taliban"
        factories.violence(
            process, date(2020, 5, 3), actor1="Police", actor2="Taliban", event_id_cnty="T"
        )
        claimed = factories.violence(process, date(2020, 5, 4), actor1="Unknown", event_id_cnty="C")
        denied = factories.violence(process, date(2020, 5, 5), actor1="Unknown", event_id_cnty="D")
        claimed.claims = [Claim(actor="Taliban", stance="claimed")]
        denied.claims = [Claim(actor="Taliban", stance="denied")]
        db.session.commit()
    assert ids(client, actor="taliban") == {"P", "AS", "C"}
    assert ids(client, actor="Taliban", actor_role="perpetrator") == {"P", "AS"}
    assert ids(client, actor="Taliban", actor_role="target") == {"T"}
    assert ids(client, actor="Taliban", actor_role="claimed") == {"C"}
    assert ids(client, actor="Taliban", actor_role="denied") == {"D"}
    assert ids(client, actor="Taliban", actor_role="any") == {"P", "AS", "T", "C", "D"}
    page = client.get("/processes/afghanistan-2020?actor=Taliban&actor_role=denied")
    assert page.status_code == 200
    assert '<option value="denied" selected>' in page.get_data(as_text=True)


def test_an_unknown_role_is_a_400_that_names_the_parameter(app, client):
    with app.app_context():
        factories.process(slug="afghanistan-2020")
        db.session.commit()
    response = client.get("/api/v1/processes/afghanistan-2020/violence?actor_role=victim")
    assert response.status_code == 400
    assert "actor_role" in response.get_json()["error"]["message"]
    spec = client.get("/api/v1/openapi.json").get_json()
    names = [p["name"] for p in spec["paths"]["/processes/{slug}/violence"]["get"]["parameters"]]
    assert "actor_role" in names


def test_percent_and_underscore_in_the_actor_match_themselves_not_every_report(demo, client):
    assert ids(client, actor="Khorasan")  # the demo has reports to match
    assert ids(client, actor="%", actor_role="any") == set()
    assert ids(client, actor="_", actor_role="any") == set()
    assert ids(client, actor="Islamic State_Khorasan") == set()

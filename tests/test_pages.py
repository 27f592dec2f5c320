"""Pages as a user sees them: home headline, process chart, navigation, errors, queue, plotly.js."""

import json
import re
from pathlib import Path

from sqlalchemy import select

from tracker.extensions import db
from tracker.main.routes import PLOTLY_VERSION
from tracker.models import ReleaseRecord


def test_home_shows_both_commitments_progress(demo, client):
    page = client.get("/").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    # Whose prisoners is said before the unit, never in a bracket that could name either side.
    assert "Afghan government released 5,197 Taliban prisoners of up to 5,000" in text
    assert "Taliban released 1,005 Afghan government prisoners of up to 1,000" in text
    assert "(Taliban)" not in text
    assert "as of 2 Sep 2020" in text
    assert "as of 30 Jul 2020" in text


def test_process_page_embeds_the_progress_chart_with_data(demo, client):
    page = client.get("/processes/afghanistan-2020").get_data(as_text=True)
    match = re.search(
        r'<script type="application/json" id="progress-chart-data">(.*?)</script>', page, re.S
    )
    assert match
    figure = json.loads(match.group(1))
    lines = [trace for trace in figure["data"] if trace.get("mode") == "lines+markers"]
    assert [max(trace["y"]) for trace in lines] == [5197, 1005]
    assert f"/assets/plotly-{PLOTLY_VERSION}.min.js" in page
    assert "<script>" not in page  # no inline scripts


def test_plotly_js_is_served_locally(client):
    with client.get(f"/assets/plotly-{PLOTLY_VERSION}.min.js") as response:
        assert response.status_code == 200
        assert b"plotly" in response.data[:2000].lower()
        assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/assets/plotly-0.0.0.min.js").status_code == 404


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/processes/nowhere")
    assert response.status_code == 404
    assert "There is no published process called" in response.get_data(as_text=True)
    assert "Go to the list of peace processes" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page_without_internals(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert "Something went wrong on our side" in body


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed."""
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_navigation_marks_the_area_of_the_page(demo, client, make_user, auth):
    page = client.get("/processes/afghanistan-2020").get_data(as_text=True)
    assert re.search(r'aria-current="page">Processes<', page)
    assert page.count('aria-current="page"') == 1
    make_user()
    auth.login()
    for path, label in [
        ("/manage/release/", "Records"),
        ("/imports", "Import"),
        ("/exports", "Data"),
    ]:
        page = client.get(path).get_data(as_text=True)
        assert re.search(rf'aria-current="page">{label}<', page), path
        assert page.count('aria-current="page"') == 1, path


def test_every_page_declares_its_icon_so_browsers_do_not_ask_for_a_missing_one(demo, client):
    for path in ["/", "/processes/afghanistan-2020", "/exports", "/login", "/nowhere"]:
        assert '<link rel="icon" href="data:,">' in client.get(path).get_data(as_text=True), path


def test_forbidden_page_says_what_to_do_and_where_to_go(client, make_user, auth):
    make_user()
    auth.login()
    response = client.get("/manage/settings")  # admins only
    assert response.status_code == 403
    text = text_of(response)
    assert "ask an admin" in text
    assert 'href="/manage/"' in response.get_data(as_text=True)


def test_a_source_without_a_title_names_its_publisher_once(app, demo, client):
    with app.app_context():  # ids differ on PostgreSQL, whose sequences are not reset
        record_id = db.session.scalars(
            select(ReleaseRecord.id).order_by(ReleaseRecord.date, ReleaseRecord.id)
        ).first()
    text = text_of(client.get(f"/processes/afghanistan-2020/releases/{record_id}"))
    assert "Ariana News" in text
    assert "Ariana News · Ariana News" not in text


def test_footer_leads_to_the_data_page_and_the_api(client):
    page = client.get("/").get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="/exports"' in footer and 'href="/api/v1/openapi.json"' in footer


def test_wide_tables_can_be_scrolled_with_the_keyboard(demo, client, make_user, auth):
    make_user()
    auth.login()
    for path in ["/manage/release/", "/manage/violence/", "/processes/afghanistan-2020"]:
        page = client.get(path).get_data(as_text=True)
        scrollers = re.findall(r'<div class="table-scroll"[^>]*>', page)
        assert scrollers, path
        for tag in scrollers:  # focusable, and named for screen readers
            assert 'tabindex="0"' in tag and 'role="region"' in tag, (path, tag)


def test_an_import_waits_in_the_queue_as_one_batch_with_a_sample_and_bulk_publish(
    demo, runner, client, make_user, auth, app
):
    data = Path(__file__).parent / "data" / "acled_afghanistan_2020.csv"
    result = runner.invoke(args=["import", "violence", str(data), "--process", "afghanistan-2020"])
    assert result.exit_code == 0, result.output
    app.config["REVIEW_PUBLISH_SECONDS"] = 600  # one press publishes all 400, however slow
    make_user()
    auth.login()
    response = client.get("/manage/review")
    page = response.get_data(as_text=True)
    assert "Import: acled_afghanistan_2020.csv into afghanistan-2020 (400 records)" in text_of(
        response
    )
    assert page.count("data-queue-item") == 5  # a sample to check, not 400 cards
    assert "Publish all 400" in page
    token = auth.csrf_token("/manage/review")
    done = client.post(
        "/manage/review/batch",
        data={"csrf_token": token, "batch": "acled_afghanistan_2020.csv into afghanistan-2020"},
    )
    assert done.status_code == 302
    assert "Published 400 records" in text_of(client.get("/manage/review"))
    with app.app_context():
        from tracker.models import AuditEvent, ViolenceReport

        statuses = set(db.session.scalars(db.select(ViolenceReport.status)))
        publishers = set(
            db.session.scalars(
                db.select(AuditEvent.actor).where(
                    AuditEvent.action == "publish", AuditEvent.entity_type == "violence_report"
                )
            )
        )
    assert statuses == {"published"} and publishers == {"researcher@example.org"}


def test_import_page_says_where_imported_records_go_next(client, make_user, auth):
    make_user()
    auth.login()
    response = client.get("/imports")
    assert "wait in the review queue until a second person publishes them" in text_of(response)
    assert 'href="/manage/review"' in response.get_data(as_text=True)


def test_an_impossible_slug_is_refused_on_every_page_that_takes_one(client):
    # PostgreSQL refuses a NUL character with an error: it must never reach the database.
    # The request edge refuses it with a 400 (tracker/inputs.py); other impossible slugs are 404.
    for path in (
        "/processes/a%00b",
        "/processes/a%00b/charts/progress.csv",
        "/processes/a%00b/releases/1",
        "/api/v1/processes/a%00b",
        "/api/v1/processes/a%00b/violence",
        "/exports/processes/a%00b.json",
    ):
        assert client.get(path).status_code == 400, path
    assert client.get("/processes/UPPER").status_code == 404


def test_an_id_no_row_can_have_is_a_404_everywhere(demo, client, auth, make_user):
    # Past 2^31 - 1 PostgreSQL answers with an error: such URLs must match no route at all.
    big = 2**31
    make_user()
    auth.login()
    for path in (
        f"/processes/afghanistan-2020/releases/{big}",
        f"/processes/afghanistan-2020/violence/{big}",
        f"/exports/commitments/{big}/releases.csv",
        f"/manage/release/{big}/edit",
        f"/manage/violence/{big}/history",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/manage/release/{big}/publish").status_code == 404
    response = client.get(f"/api/v1/commitments/{big}/progress")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == 404

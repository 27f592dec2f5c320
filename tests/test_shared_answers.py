"""What every viewer gets alike is kept whole: one query for a warm answer, compressed once,
and never older than the last write."""

from __future__ import annotations

import csv
import html
import io

from tests.records_support import enter_batch, make_process, record_action
from tests.test_assets import decoded
from tests.test_export_queries import counted_queries

SLUG = "afghanistan-2020"
PAGE = f"/processes/{SLUG}"
PROGRESS_CSV = f"/processes/{SLUG}/charts/progress.csv"


def get(client, path: str, encoding: str):
    response = client.get(path, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200, path
    assert "Accept-Encoding" in response.headers["Vary"]
    return response


def test_every_encoding_carries_the_same_answer(app, client):
    make_process(app)
    path = PAGE
    plain = get(client, path, "identity")
    assert "Content-Encoding" not in plain.headers
    brotli_answer = get(client, path, "gzip;q=0.5, br")
    gzip_answer = get(client, path, "gzip")
    assert brotli_answer.headers["Content-Encoding"] == "br"
    assert gzip_answer.headers["Content-Encoding"] == "gzip"
    assert decoded(brotli_answer) == decoded(gzip_answer) == plain.data
    assert int(brotli_answer.headers["Content-Length"]) == len(brotli_answer.data)
    assert len(brotli_answer.data) < len(plain.data) / 2
    # A client that refuses brotli gets gzip.
    assert get(client, path, "br;q=0, gzip").headers["Content-Encoding"] == "gzip"


def test_a_small_answer_goes_as_it_is(app, client):
    make_process(app)  # no releases yet: the progress CSV is a few hundred bytes
    response = get(client, PROGRESS_CSV, "br")
    assert "Content-Encoding" not in response.headers
    assert len(response.data) < 500
    assert response.data.startswith(b"commitment_id,side,date,cumulative")


def test_a_warm_shared_answer_asks_the_database_only_for_the_data_version(app, client):
    make_process(app)
    first = get(client, PAGE, "br").data
    with counted_queries(app) as statements:
        again = get(client, PAGE, "br").data
        get(client, PROGRESS_CSV, "br")
        get(client, PROGRESS_CSV, "br")
    assert again == first
    # The CSV's first request computes it; its second, like the page, only reads the version.
    assert [s for s in statements if "data_version" not in s]
    with counted_queries(app) as statements:
        get(client, PAGE, "br")
        get(client, PROGRESS_CSV, "gzip")
    # One query each: the data version (a new encoding of a kept body costs no query).
    assert len(statements) == 2
    assert all("data_version" in statement for statement in statements)


def test_kept_answers_follow_a_published_write(app, people, client):
    ids = make_process(app)
    before_page = decoded(get(client, PAGE, "br")).decode()
    before_csv = decoded(get(client, PROGRESS_CSV, "gzip")).decode()
    record_id = enter_batch(people["a"], ids["commitment"], "75")
    assert record_action(people["b"], record_id, "publish").status_code == 302
    after_page = decoded(get(client, PAGE, "br")).decode()
    after_csv = decoded(get(client, PROGRESS_CSV, "gzip")).decode()
    assert "75 of up to 5,000" in after_page and "75 of up to 5,000" not in before_page
    released = [row for row in csv.DictReader(io.StringIO(after_csv))]
    assert after_csv != before_csv and any("75" in row.values() for row in released)


def test_missing_processes_and_charts_are_named_in_the_404(app, client):
    make_process(app)
    for path, words in (
        ("/processes/no-such-process", "no published process called 'no-such-process'"),
        ("/processes/no-such-process/charts/progress.csv", "'no-such-process'"),
        (f"/processes/{SLUG}/charts/no-such-chart.csv", "no chart called 'no-such-chart'"),
        (f"/processes/{SLUG}/charts/violence.csv", "no data for the 'violence' chart"),
    ):
        # Twice: a kept answer says the same as a fresh one.
        for _ in range(2):
            response = client.get(path, headers={"Accept-Encoding": "br"})
            assert response.status_code == 404, path
            assert words in html.unescape(decoded(response).decode()), path


def test_the_csv_is_named_after_the_process_and_chart(app, client):
    make_process(app)
    response = get(client, PROGRESS_CSV, "br")
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="{SLUG}-progress.csv"'

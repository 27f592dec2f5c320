"""Cite and embed a figure: the cite box's text (plain and BibTeX) with a permalink that fixes
the filters; /embed/... pages that other sites may frame, and no other route that may be."""

from __future__ import annotations

import html
import re
from datetime import date

from sqlalchemy import select

from tests.test_dashboard_pages import text_of
from tracker.extensions import db
from tracker.models import Commitment
from tracker.services.figures.citation import bibtex_escape

SLUG = "afghanistan-2020"


def textarea(page: str, element_id: str) -> str:
    """The text of a textarea as the reader sees it."""
    match = re.search(rf'<textarea id="{element_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, element_id
    return html.unescape(match.group(1))


def test_the_cite_box_of_a_chart_fixes_its_filters_and_names_its_basis(demo, client):
    today = date.today()
    page = client.get(f"/processes/{SLUG}?from=2020-04-01&event_type=Battles").get_data(
        as_text=True
    )
    link = (
        f"http://localhost/processes/{SLUG}?from=2020-04-01&event_type=Battles"
        f"&to={today.isoformat()}#chart-progress"
    )
    assert textarea(page, "cite-progress-text") == (
        "Peace Process Tracker. “Cumulative prisoner releases against the targets”. "
        "Afghanistan: US-Taliban agreement (2020). Data as of 2 Sep 2020; 15 records from "
        f"12 sources. Retrieved {today.day} {today:%b %Y} from {link}"
    )
    bibtex = textarea(page, "cite-progress-bibtex")
    assert bibtex.startswith(f"@misc{{ppt-afghanistan-2020-progress-{today.isoformat()},")
    assert "  title = {{Cumulative prisoner releases against the targets}}," in bibtex
    assert f"  howpublished = {{\\url{{{link}}}}}," in bibtex
    assert f"  urldate = {{{today.isoformat()}}}" in bibtex
    # The permalink shows the same filters.
    again = client.get(link.split("http://localhost")[1].split("#")[0]).get_data(as_text=True)
    assert 'value="2020-04-01"' in again and f'value="{today.isoformat()}"' in again


def test_each_headline_figure_has_its_own_cite_box(app, demo, client):
    with app.app_context():  # ids differ between runs on PostgreSQL, whose sequences go on
        term = db.session.scalar(select(Commitment.id).where(Commitment.target == 1000))
    page = client.get(f"/processes/{SLUG}").get_data(as_text=True)
    text = textarea(page, f"cite-term-{term}-text")
    assert text.startswith(
        "Peace Process Tracker. “Taliban released 1,005 Afghan government prisoners of up to "
        "1,000 (100.5\u00a0%) as of 30 Jul 2020”."
    )
    assert "Data as of 30 Jul 2020; 5 records from 5 sources." in text
    assert text.endswith(f"#term-{term}") and f'id="term-{term}"' in page
    assert "(100.5~\\%)" in textarea(page, f"cite-term-{term}-bibtex")  # LaTeX-safe


def test_bibtex_escapes_latex_specials():
    assert bibtex_escape("5% of {A} & B_c #1 ~x^2\\") == (
        r"5\% of \{A\} \& B\_c \#1 \textasciitilde{}x\textasciicircum{}2\textbackslash{}"
    )


def test_the_embed_page_shows_one_chart_with_caption_source_and_link_back(demo, client):
    response = client.get(f"/embed/processes/{SLUG}/charts/progress?from=2020-05-01")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="chart chart-') == 1
    text = text_of(page)
    assert "Cumulative prisoner releases against the targets" in text
    assert "As of 2 Sep 2020. Based on" in text
    assert (
        f'href="http://localhost/processes/{SLUG}?from=2020-05-01#chart-progress" '
        'target="_blank" rel="noopener"' in page
    )


def test_the_process_page_offers_a_copyable_iframe_snippet(demo, client):
    page = client.get(f"/processes/{SLUG}").get_data(as_text=True)
    snippet = textarea(page, "embed-map-code")
    assert snippet == (
        f'<iframe src="http://localhost/embed/processes/{SLUG}/charts/map" '
        'title="Map of incidents: Afghanistan: US-Taliban agreement (2020)" width="100%" '
        'height="620" style="border:0" loading="lazy"></iframe>'
    )


def test_only_embed_routes_may_be_framed_by_other_sites(demo, client):
    embed = client.get(f"/embed/processes/{SLUG}/charts/violence")
    policy = embed.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "frame-ancestors 'none'" not in policy
    assert "X-Frame-Options" not in embed.headers
    assert "script-src 'self';" in policy  # the rest of the policy holds
    # An embed address that finds nothing is an ordinary error page: no frames.
    missing = client.get(f"/embed/processes/{SLUG}/charts/nothing")
    assert missing.status_code == 404
    assert "frame-ancestors 'none'" in missing.headers["Content-Security-Policy"]


def sample_url(rule) -> str | None:
    """A concrete address for a GET route, with demo values for its arguments."""
    values = {"slug": SLUG, "key": "progress", "kind_name": "release", "version": "x"}
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values.get(name, 1)), url)
    return url


def test_no_other_route_relaxes_frame_ancestors(app, demo, client, auth, make_user):
    routes = [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "main.embed_chart"
    ]
    make_user("admin@example.org", role="admin")
    for visitor in ("anonymous", "admin"):
        if visitor == "admin":
            auth.login("admin@example.org")
        for rule in routes:
            response = client.get(sample_url(rule))
            response.close()  # streamed downloads end their request here
            policy = response.headers.get("Content-Security-Policy", "")
            assert "frame-ancestors 'none'" in policy, (visitor, rule.rule)
            assert response.headers.get("X-Frame-Options") == "DENY", (visitor, rule.rule)
    assert len(routes) > 30

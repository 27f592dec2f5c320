"""Share a figure: permalinks that fix the filters, "Cite" boxes (plain text and BibTeX) and
embeddable charts (/embed/...: the only routes that other sites may show in a frame)."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from flask import render_template, url_for

from tracker.main import bp
from tracker.main.records import chart_or_404
from tracker.models.base import PAM_STATUS_LABELS
from tracker.security import embeddable
from tracker.services.dashboard.chart import Chart, DashboardParams
from tracker.services.figures import pace
from tracker.services.figures.citation import Citation, citation_key
from tracker.services.figures.progress import Progress
from tracker.services.figures.wording import honest_percent, long_date, side_label


def fixed_args(params: DashboardParams, retrieved: date) -> dict[str, Any]:
    """The filters as query arguments, with the end date fixed (today when open-ended), so the
    link shows the same figure later, whatever is published meanwhile with later dates."""
    args = params.query_args()
    args.setdefault("to", retrieved.isoformat())
    return args


def chart_citation(chart: Chart, process, params: DashboardParams) -> Citation:
    """The citation of one chart under the page's filters."""
    today = date.today()
    url = url_for(
        "main.process", slug=process.slug, _external=True, _anchor=f"chart-{chart.key}",
        **fixed_args(params, today),
    )  # fmt: skip
    return Citation(
        chart.title, process.name, url, today, chart.as_of, chart.records, chart.sources,
        citation_key(process.slug, chart.key, today.isoformat()),
    )  # fmt: skip


def headline_citation(sentence: str, commitment, item: Progress, process) -> Citation:
    """The citation of one headline figure (a term's releases against its target)."""
    today = date.today()
    url = url_for(
        "main.process", slug=process.slug, _external=True, _anchor=f"term-{commitment.id}",
        to=today.isoformat(),
    )  # fmt: skip
    count = pace.release_count(pace.published_releases([commitment.id]))
    return Citation(
        sentence, process.name, url, today, item.as_of, count.records, count.sources,
        citation_key(process.slug, f"term-{commitment.id}", today.isoformat()),
    )  # fmt: skip


def embed_url(chart: Chart, process, params: DashboardParams) -> str:
    """The address of the chart's embeddable page, with the page's filters."""
    return url_for(
        "main.embed_chart", slug=process.slug, key=chart.key, _external=True,
        **params.query_args(),
    )  # fmt: skip


def embed_snippet(chart: Chart, process, params: DashboardParams) -> str:
    """The <iframe> to paste into another site (attribute values escaped here, once)."""
    height = 720 if chart.key == "violence" else 620
    title = html.escape(f"{chart.title}: {process.name}", quote=True)
    src = html.escape(embed_url(chart, process, params), quote=True)
    return (
        f'<iframe src="{src}" title="{title}" width="100%" height="{height}" '
        'style="border:0" loading="lazy"></iframe>'
    )


def headline_sentence(commitment, item: Progress) -> str:
    """ "Afghan government released 5,197 Taliban prisoners of up to 5,000 (104 %) as of ..."."""
    obligated = commitment.obligated_party.label if commitment.obligated_party else "?"
    whose = f"{commitment.beneficiary_party.label} " if commitment.beneficiary_party else ""
    prefix = "up to " if commitment.target_is_maximum else ""
    return (
        f"{obligated} released {item.achieved:,} {whose}{commitment.unit} of {prefix}"
        f"{commitment.target:,} ({honest_percent(item.percent or 0)}) as of "
        f"{long_date(item.as_of)}"
    )


def pam_label(status: int) -> str:
    """0-3 in words: "intermediate"."""
    return PAM_STATUS_LABELS.get(status, str(status))


# Globals rather than a context processor: the macros that use them are imported templates.
# side_label and pam_label name terms and statuses in words on the researchers' pages too.
for helper in (
    chart_citation, headline_citation, headline_sentence, embed_url, embed_snippet, side_label,
    pam_label,
):  # fmt: skip
    bp.add_app_template_global(helper)


@bp.get("/embed/processes/<slug>/charts/<key>")
@embeddable
def embed_chart(slug: str, key: str):
    """One chart with its caption, source line and a link back, for other sites' frames."""
    found, params, chart = chart_or_404(slug, key)
    back = url_for(
        "main.process", slug=found.slug, _external=True, _anchor=f"chart-{key}",
        **params.query_args(),
    )  # fmt: skip
    return render_template("main/embed.html", process=found, chart=chart, back=back)

"""Follow a process: an Atom feed of its newly published records and status changes."""

from __future__ import annotations

from flask import Response, render_template, request, url_for

from tracker.main import bp
from tracker.permissions import published_process_or_404
from tracker.services.figures.feed import feed_entries


def entry_link(process, entry) -> str:
    """Where an entry is read in full: the record's public page, or the process page."""
    if entry.kind == "release_record":
        return url_for("main.release", slug=process.slug, record_id=entry.record_id, _external=True)
    if entry.kind == "violence_report":
        return url_for(
            "main.violence_report", slug=process.slug, report_id=entry.record_id, _external=True
        )
    anchors = {"status_change": "chart-score", "milestone": "milestones-heading"}
    return url_for(
        "main.process", slug=process.slug, _external=True, _anchor=anchors.get(entry.kind)
    )


@bp.get("/processes/<slug>/feed.atom")
def process_feed(slug: str):
    """The Atom feed (RFC 4287) of one published process, newest entries first."""
    found = published_process_or_404(slug)
    entries = feed_entries(found)
    body = render_template(
        "main/feed.xml",
        process=found,
        entries=entries,
        links={entry.event_id: entry_link(found, entry) for entry in entries},
        self_url=request.base_url,
        page_url=url_for("main.process", slug=found.slug, _external=True),
        host=request.host.split(":")[0],
    )
    return Response(body, mimetype="application/atom+xml")

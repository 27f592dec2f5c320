"""Chart figures, built from the same progress functions as the API so they never disagree.

Figures are returned as plain dicts (Plotly's JSON); a page embeds them in a
``<script type="application/json">`` block and ``static/js/charts.js`` draws them.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import plotly.graph_objects as go

from tracker.models import Commitment, Milestone
from tracker.services.progress import Progress

PALETTE = ("#1f5fa8", "#c0392b", "#2e7d32", "#8e44ad", "#b9770e", "#117a65")


def plotly_text(text: str) -> str:
    """Escape user text for Plotly labels, which read a subset of HTML (<b>, <a href>, <br>)."""
    return html.escape(text, quote=False)


def party_label(commitment: Commitment) -> str:
    """Who releases whom, for legends: "Afghan government → Taliban" (escaped for Plotly)."""
    obligated = commitment.obligated_party.label if commitment.obligated_party else "?"
    if commitment.beneficiary_party:
        label = f"{obligated} releases {commitment.beneficiary_party.label} prisoners"
    else:
        label = f"{obligated}: {commitment.description}"
    return plotly_text(label)


def progress_figure(
    commitments: Sequence[Commitment],
    progress: dict[int, Progress],
    milestones: Sequence[Milestone] = (),
) -> dict[str, Any]:
    """Cumulative releases of each countable commitment against its target, with the deadline."""
    figure = go.Figure()
    dates = []
    for index, commitment in enumerate(commitments):
        colour = PALETTE[index % len(PALETTE)]
        series = progress[commitment.id].series
        label = party_label(commitment)
        unit = plotly_text(commitment.unit or "people")
        figure.add_trace(
            go.Scatter(
                x=[point.date.isoformat() for point in series],
                y=[point.cumulative for point in series],
                mode="lines+markers",
                line={"shape": "hv", "color": colour, "width": 2.5},
                marker={"size": 7},
                name=label,
                hovertemplate=f"%{{x|%d %b %Y}}: %{{y:,}} {unit} released<extra></extra>",
            )
        )
        dates.extend(point.date for point in series)
        if commitment.target:
            prefix = "up to " if commitment.target_is_maximum else ""
            figure.add_hline(
                y=commitment.target,
                line={"dash": "dash", "color": colour, "width": 1.5},
                annotation_text=f"Target: {prefix}{commitment.target:,} {unit}",
                annotation_position="top left",
                annotation_font_color=colour,
            )
        if commitment.deadline:
            dates.append(commitment.deadline)
    deadlines = {c.deadline for c in commitments if c.deadline}
    for deadline in sorted(deadlines):
        figure.add_vline(x=deadline.isoformat(), line={"dash": "dot", "color": "#555"})
        figure.add_annotation(
            x=deadline.isoformat(),
            y=1,
            yref="paper",
            text="Deadline",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"color": "#555"},
        )
    for milestone in milestones:
        if milestone.date in deadlines:
            continue
        figure.add_vline(x=milestone.date.isoformat(), line={"color": "#bbb", "width": 1})
    if dates:
        start, end = min(dates), max(dates)
        pad = max(timedelta(days=7), (end - start) / 20)
        figure.update_xaxes(range=[(start - pad).isoformat(), (end + pad).isoformat()])
    figure.update_layout(
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        legend={"orientation": "h", "y": -0.15},
        hovermode="closest",
        plot_bgcolor="#fff",
        xaxis={"title": {"text": "Date"}, "showgrid": True, "gridcolor": "#eee"},
        yaxis={
            "title": {"text": "Cumulative released (people)"},
            "rangemode": "tozero",
            "tickformat": ",d",
            "gridcolor": "#eee",
        },
    )
    return json.loads(figure.to_json())

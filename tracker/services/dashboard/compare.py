"""Compare processes: chosen countable commitments of different processes on one chart, as
percent of target against days since their agreement was signed.

The series are the progress series the process pages and the API use (figures/progress.py),
so a point here is the same number as on the commitment's own chart, rescaled."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tracker.models import Commitment, PeaceProcess
from tracker.services.dashboard.chart import Chart, Column
from tracker.services.dashboard.plot_releases import PALETTE, base_layout, plotly_text
from tracker.services.figures import pace
from tracker.services.figures.progress import progress_for
from tracker.services.figures.public import published_processes, visible_commitments
from tracker.services.figures.wording import honest_percent, side_label

MAX_CHOSEN = 12


@dataclass
class Choice:
    """A commitment that can be compared: countable, published, its agreement signed."""

    commitment: Commitment
    process: PeaceProcess

    @property
    def side(self) -> str:
        """Plain text: "Afghan government releases Taliban prisoners"."""
        return side_label(self.commitment)

    @property
    def label(self) -> str:
        """Plain text: "Afghanistan 2020: Afghan government releases Taliban prisoners"."""
        return f"{self.process.name}: {self.side}"


def choices() -> list[Choice]:
    """Every commitment a viewer can put on the comparison chart, process by process."""
    return [
        Choice(commitment, process)
        for process in published_processes()
        for commitment in visible_commitments(process)
        if commitment.is_countable and commitment.agreement.signed_on
    ]


def chosen(available: list[Choice], ids: Iterable[int]) -> tuple[list[Choice], list[str]]:
    """The choices named by ``ids`` (all of them, up to MAX_CHOSEN, when none are named), and
    messages for ids that name nothing comparable."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return available[:MAX_CHOSEN], []
    by_id = {choice.commitment.id: choice for choice in available}
    errors = [
        f"Term {commitment_id} is not a published countable term; it was left out."
        for commitment_id in wanted
        if commitment_id not in by_id
    ]
    picked = [by_id[i] for i in wanted if i in by_id]
    if len(picked) > MAX_CHOSEN:
        errors.append(f"At most {MAX_CHOSEN} terms fit on one chart; the first were kept.")
    return picked[:MAX_CHOSEN], errors


COMPARE_COLUMNS = [
    Column("commitment_id", "Term id", "number"),
    Column("process", "Process"),
    Column("term", "Term"),
    Column("date", "Date", "date"),
    Column("days_since_signing", "Days since signing", "number"),
    Column("cumulative", "Cumulative released", "number"),
    Column("target", "Target", "number"),
    Column("percent", "% of target", "percent"),
]


def compare_trace(label: str, points: list[dict], colour: str) -> dict:
    """One term's line: percent of its target against days since its agreement was signed."""
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": plotly_text(label),
        "x": [p["days_since_signing"] for p in points],
        "y": [p["percent"] for p in points],
        "line": {"shape": "hv", "width": 2.5, "color": colour},
        "customdata": [[p["date"].isoformat(), p["cumulative"]] for p in points],
        "hovertemplate": "Day %{x:,}: %{y:.1f} % (%{customdata[1]:,} by "
        "%{customdata[0]})<extra>" + plotly_text(label) + "</extra>",
    }


def compare_layout() -> dict:
    """Axes in days and percent, with the 100 % line named in the legend."""
    layout = base_layout("Days since signing", "Share of the target released")
    layout["yaxis"].update({"ticksuffix": " %", "rangemode": "tozero"})
    layout["xaxis"].update({"rangemode": "tozero", "separatethousands": True})
    layout["shapes"] = [
        {
            "type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 100, "y1": 100,
            "line": {"dash": "dash", "color": "#555", "width": 1.5},
            "showlegend": True, "name": "Target reached (100 %)",
        }
    ]  # fmt: skip
    return layout


def comparison_chart(picked: list[Choice]) -> Chart:
    """Percent of target against days since signing, with the table (= CSV rows)."""
    progress = progress_for([choice.commitment for choice in picked])
    rows, traces, parts = [], [], []
    for index, choice in enumerate(picked):
        commitment = choice.commitment
        signed = commitment.agreement.signed_on
        item = progress[commitment.id]
        points = [
            {
                "commitment_id": commitment.id,
                "process": choice.process.name,
                "term": side_label(commitment),
                "date": point.date,
                "days_since_signing": (point.date - signed).days,
                "cumulative": point.cumulative,
                "target": commitment.target,
                "percent": round(point.cumulative * 100 / commitment.target, 2),
            }
            for point in item.series
        ]
        rows.extend(points)
        traces.append(compare_trace(choice.label, points, PALETTE[index % len(PALETTE)]))
        if item.series:
            last = points[-1]
            parts.append(
                f"{choice.label}: {honest_percent(item.percent or 0)} of the target "
                f"{last['days_since_signing']:,} days after signing"
            )
        else:
            parts.append(f"{choice.label}: no releases recorded yet")
    count = pace.release_count(
        pace.published_releases([choice.commitment.id for choice in picked], None, None)
    )
    return Chart(
        "compare",
        "Share of the target released, by days since signing",
        ". ".join(parts) + "." if parts else "Choose at least one term to compare.",
        {"data": traces, "layout": compare_layout()},
        COMPARE_COLUMNS,
        rows,
        count.records,
        count.sources,
        count.as_of,
        sentences=[part + "." for part in parts],
        note="Each line starts on the day its agreement was signed (day 0). Lines are progress "
        "as on each process's page: a reported running total counts with the batches after it.",
    )

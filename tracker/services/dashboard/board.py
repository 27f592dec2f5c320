"""The inputs a process's charts share (published terms, their progress, the release records
and violence counts under the page's filters), each computed once and only when needed."""

from __future__ import annotations

from datetime import date
from functools import cached_property

from tracker.models import Commitment, Milestone, PeaceProcess
from tracker.services.dashboard.chart import Chart, DashboardParams
from tracker.services.dashboard.plot_releases import in_range
from tracker.services.figures import pace, violence
from tracker.services.figures.progress import PUBLIC, Progress, progress_for
from tracker.services.figures.public import visible_commitments


class Board:
    """The inputs shared by a process's charts, each computed once and only when needed."""

    def __init__(self, process: PeaceProcess, params: DashboardParams | None = None):
        self.process = process
        self.params = params or DashboardParams()

    @cached_property
    def commitments(self) -> list[Commitment]:
        """The process's published commitments."""
        return visible_commitments(self.process)

    @cached_property
    def countable(self) -> list[Commitment]:
        """Published terms with a numeric target (prisoner releases)."""
        return [c for c in self.commitments if c.is_countable]

    @cached_property
    def progress(self) -> dict[int, Progress]:
        """Progress of every countable term, unfiltered (as the API serves it)."""
        return progress_for(self.countable)

    @cached_property
    def milestones(self) -> list[Milestone]:
        """Published milestones."""
        return [m for m in self.process.milestones if m.status in PUBLIC]

    @cached_property
    def release_records(self) -> list:
        """Published release records of the countable terms within the date filter."""
        return pace.published_releases(
            [c.id for c in self.countable], self.params.date_from, self.params.date_to
        )

    @cached_property
    def violence_count(self) -> violence.RecordCount:
        """Reports matching the filters and their distinct sources."""
        return violence.record_count(self.process, self.params.filters)

    def in_range(self, day: date) -> bool:
        """Whether a date is inside the date filter."""
        return in_range(day, self.params.date_from, self.params.date_to)

    def release_chart(self, key, title, summary, figure, columns, rows, **extra) -> Chart:
        """A chart built on the release records within the date filter."""
        count = pace.release_count(self.release_records)
        return Chart(
            key, title, summary, figure, columns, rows, count.records, count.sources,
            count.as_of, **extra,
        )  # fmt: skip

    def violence_chart(self, key, title, summary, figure, columns, rows, **extra) -> Chart:
        """A chart built on the violence reports matching the filters."""
        count = self.violence_count
        return Chart(
            key, title, summary, figure, columns, rows, count.records, count.sources,
            count.as_of, **extra,
        )  # fmt: skip

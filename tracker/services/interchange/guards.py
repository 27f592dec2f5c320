"""Guards against the wrong file: rows of other countries, or far outside the process's period.

A Somalia export imported into the Afghanistan 2020 process went straight onto its public page;
now such rows stop the import until the person importing confirms them (``--accept-outside``
on the command line, a tick on the web preview), and both say how many rows and which countries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import PeaceProcess, ViolenceReport

# How far before the first and after the last date of a process an event may lie.
MARGIN = timedelta(days=365)


def process_countries(process: PeaceProcess) -> set[str]:
    """The process's countries (names or ISO alpha-3 codes, lower-case); else those it has."""
    named = {part.strip().lower() for part in (process.countries or "").split(";")}
    named.discard("")
    if named:
        return named
    rows = db.session.scalars(
        select(func.lower(ViolenceReport.country))
        .where(ViolenceReport.process_id == process.id, ViolenceReport.country != "")
        .distinct()
    )
    return set(rows)


def process_period(process: PeaceProcess) -> tuple[date, date] | None:
    """First and last date the process's agreements, terms and milestones name."""
    dates = []
    for agreement in process.agreements:
        dates.append(agreement.signed_on)
        for commitment in agreement.commitments:
            dates += [
                commitment.deadline,
                commitment.period_start,
                commitment.period_end,
                commitment.baseline_start,
                commitment.baseline_end,
            ]
    for milestone in process.milestones:
        dates += [milestone.date, milestone.end_date]
    dates = [day for day in dates if day is not None]
    return (min(dates), max(dates)) if dates else None


@dataclass
class OutsideRows:
    """Rows of other countries and rows far outside the period, counted for the message."""

    countries: set[str]
    period: tuple[date, date] | None
    names: str = ""
    other_countries: Counter = field(default_factory=Counter)
    first_line: dict[str, int] = field(default_factory=dict)
    far: int = 0
    far_first_line: int = 0
    far_range: list[date] = field(default_factory=list)

    @classmethod
    def of(cls, process: PeaceProcess) -> OutsideRows:
        countries = process_countries(process)
        names = process.countries or "; ".join(sorted(countries))
        return cls(countries, process_period(process), names)

    def check(self, line: int, report: dict) -> None:
        """Count the row when its country or date is not the process's."""
        country = (report.get("country") or "").strip()
        iso3 = (report.get("iso3") or "").strip().lower()
        if (
            self.countries
            and country
            and country.lower() not in self.countries
            and iso3 not in self.countries
        ):
            self.other_countries[country] += 1
            self.first_line.setdefault(country, line)
        day = report.get("event_date")
        if self.period and day and not (self.period[0] - MARGIN <= day <= self.period[1] + MARGIN):
            self.far += 1
            self.far_first_line = self.far_first_line or line
            self.far_range = [min([day, *self.far_range]), max([day, *self.far_range])]

    def __bool__(self) -> bool:
        return bool(self.other_countries or self.far)

    def messages(self) -> list[tuple[int, str, str]]:
        """(first line, column, message) for each kind of row outside."""
        found = []
        if self.other_countries:
            total = sum(self.other_countries.values())
            listed = ", ".join(
                f"{name} ({count:,} row{'s' if count > 1 else ''}, first on line "
                f"{self.first_line[name]})"
                for name, count in self.other_countries.most_common(10)
            )
            more = len(self.other_countries) - 10
            found.append(
                (
                    min(self.first_line.values()),
                    "country",
                    f"{total:,} row{'s' if total > 1 else ''} name countries that are not this "
                    f"process's ({self.names}): {listed}"
                    + (f" and {more} more countries" if more > 0 else ""),
                )
            )
        if self.far:
            start, end = self.period
            found.append(
                (
                    self.far_first_line,
                    "event_date",
                    f"{self.far:,} row{'s' if self.far > 1 else ''} dated "
                    f"{self.far_range[0].isoformat()} to {self.far_range[1].isoformat()}, more "
                    f"than a year outside the process's period ({start.isoformat()} to "
                    f"{end.isoformat()})",
                )
            )
        return found

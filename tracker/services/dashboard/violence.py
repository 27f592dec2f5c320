"""The dashboard's violence charts: events and fatalities over time, each reduction-in-violence
term against its baseline, and the incident map. All numbers are SQL aggregates from
:mod:`tracker.services.figures.violence` (the functions the API's summary endpoint uses)."""

from __future__ import annotations

from tracker.services.dashboard import plot_violence as charts_violence
from tracker.services.dashboard.board import Board
from tracker.services.dashboard.chart import Chart, Column
from tracker.services.figures import violence, violence_map
from tracker.services.figures.wording import long_date, percent

INTERVAL_WORDS = {"day": "day", "week": "week", "month": "month"}


def build_violence(board: Board) -> Chart | None:
    """Events and fatalities per day, week or month, stacked by event type."""
    interval = board.params.interval
    totals = violence.summary(board.process, interval, board.params.filters, by_type=True)
    if not totals and not board.violence_count.records:
        return None
    periods = [
        (c.period_start, c.period_end, c.description or "Agreed period")
        for c in board.commitments
        if c.kind == "violence_reduction" and c.period_start and c.period_end
    ]
    milestones = [m for m in board.milestones if board.in_range(m.date)]
    figure = charts_violence.violence_figure(totals, interval, milestones, periods)
    rows = [
        {
            "period_start": t.start,
            "event_type": t.event_type,
            "events": t.events,
            "fatalities": t.fatalities,
        }
        for t in totals
    ]
    events = sum(t.events for t in totals)
    fatalities = sum(t.fatalities for t in totals)
    busiest = max(totals, key=lambda t: t.events, default=None)
    summary = f"{plural(events, 'event')} and {plural(fatalities, 'fatality', 'fatalities')}"
    if totals:
        summary += f" from {long_date(totals[0].start)} to {long_date(board.violence_count.as_of)}"
    if busiest:
        summary += (
            f"; the busiest {INTERVAL_WORDS[interval]} for one event type was "
            f"{long_date(busiest.start)} ({busiest.events:,} {busiest.event_type} events)"
        )
    columns = [
        Column("period_start", f"{interval.capitalize()} starting", "date"),
        Column("event_type", "Event type"),
        Column("events", "Events", "number"),
        Column("fatalities", "Fatalities", "number"),
    ]
    return board.violence_chart(
        "violence", f"Violence per {interval}: events and fatalities by event type",
        summary + ".", figure, columns, rows,
        note="Green bands: agreed reduction-in-violence or ceasefire periods. "
        "Grey bands and dotted lines: milestones.",
    )  # fmt: skip


MIN_EVENTS_TO_COMPARE = 10
SMALL_NUMBER_RULE = (
    f"A change in % is given only when both the period and its baseline hold at least "
    f"{MIN_EVENTS_TO_COMPARE} events: with fewer, one event more or less swings the rate by "
    "tens of percent."
)


def comparable(result: violence.PeriodComparison) -> bool:
    """Whether both periods hold enough events for a change in % to mean something."""
    return min(result.period_events, result.baseline_events) >= MIN_EVENTS_TO_COMPARE


RIV_COLUMNS = [
    Column("term", "Term"),
    Column("period", "Agreed period"),
    Column("baseline", "Baseline period"),
    Column("baseline_events", "Baseline events", "number"),
    Column("period_events", "Period events", "number"),
    Column("baseline_events_per_day", "Baseline events/day", "number"),
    Column("period_events_per_day", "Period events/day", "number"),
    Column("events_change_percent", "Change in events (%)", "number"),
    Column("baseline_fatalities", "Baseline fatalities", "number"),
    Column("period_fatalities", "Period fatalities", "number"),
    Column("baseline_fatalities_per_day", "Baseline fatalities/day", "number"),
    Column("period_fatalities_per_day", "Period fatalities/day", "number"),
    Column("fatalities_change_percent", "Change in fatalities (%)", "number"),
]


def build_riv(board: Board) -> Chart | None:
    """Each reduction-in-violence or ceasefire term's period against its baseline.

    Counts stand next to the rates, and no change in % is given when either period has fewer
    than MIN_EVENTS_TO_COMPARE events (SMALL_NUMBER_RULE)."""
    terms = [
        c
        for c in board.commitments
        if c.kind == "violence_reduction"
        and c.period_start
        and c.period_end
        and c.baseline_start
        and c.baseline_end
    ]
    if not terms:
        return None
    comparisons, rows, sentences = [], [], []
    for term in terms:
        result = violence.compare_with_baseline(
            board.process,
            (term.period_start, term.period_end),
            (term.baseline_start, term.baseline_end),
            board.params.filters,
        )
        label = f"{long_date(term.period_start)}–{long_date(term.period_end)}"
        enough = comparable(result)
        comparisons.append((label if enough else f"{label}<br>(too few to compare)", result))
        rows.append(riv_row(term, result, enough))
        sentences.append(riv_sentence(label, result, enough))
    return board.violence_chart(
        "riv", "Reduction in violence: agreed periods against their baselines",
        " ".join(sentences), charts_violence.riv_figure(comparisons), RIV_COLUMNS, rows,
        sentences=sentences,
        note="Per day, both ends of each period included; each bar is labelled with its count "
        f"(events or fatalities, in days). {SMALL_NUMBER_RULE} The date filter does not apply: "
        "the periods are fixed by the agreement.",
    )  # fmt: skip


def riv_row(term, result, enough: bool) -> dict:
    """One term's row of the data table: counts, rates and (when comparable) changes."""
    (base_events, events), (base_deaths, deaths) = (
        result.events_per_day,
        result.fatalities_per_day,
    )
    return {
        "term": term.description,
        "period": f"{term.period_start.isoformat()}/{term.period_end.isoformat()}",
        "baseline": f"{term.baseline_start.isoformat()}/{term.baseline_end.isoformat()}",
        "baseline_events": result.baseline_events,
        "period_events": result.period_events,
        "baseline_events_per_day": round(base_events, 3),
        "period_events_per_day": round(events, 3),
        "events_change_percent": rounded(result.events_change) if enough else None,
        "baseline_fatalities": result.baseline_fatalities,
        "period_fatalities": result.period_fatalities,
        "baseline_fatalities_per_day": round(base_deaths, 3),
        "period_fatalities_per_day": round(deaths, 3),
        "fatalities_change_percent": rounded(result.fatalities_change) if enough else None,
    }


def riv_sentence(label: str, result, enough: bool) -> str:
    """One term's sentence: counts next to rates, and a change in % only when comparable."""
    (base_events, events), (base_deaths, deaths) = (
        result.events_per_day,
        result.fatalities_per_day,
    )
    counts = (
        f"{plural(result.period_events, 'event')} and "
        f"{plural(result.period_fatalities, 'fatality', 'fatalities')} in "
        f"{plural(result.period_days, 'day')} ({events:.2f} and {deaths:.2f} per day), "
        f"against {plural(result.baseline_events, 'event')} and "
        f"{plural(result.baseline_fatalities, 'fatality', 'fatalities')} in the "
        f"{result.baseline_days:,}-day baseline "
        f"({base_events:.2f} and {base_deaths:.2f} per day)"
    )
    if enough:
        return (
            f"{label}: {counts}: events {change_words(result.events_change)}, "
            f"fatalities {change_words(result.fatalities_change)}."
        )
    return (
        f"{label}: {counts}. Too few events to compare (fewer than "
        f"{MIN_EVENTS_TO_COMPARE} in a period), so no change in % is given."
    )


def plural(count: int, one: str, many: str | None = None) -> str:
    """1 -> "1 event"; 2,000 -> "2,000 events"."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def rounded(value: float | None) -> float | None:
    """A percentage rounded to one decimal for tables and CSV."""
    return round(value, 1) if value is not None else None


def change_words(change: float | None) -> str:
    """-62.5 -> "down 62.5 %"; None -> "no baseline events to compare with"."""
    if change is None:
        return "no baseline events to compare with"
    if change == 0:
        return "no change"
    return f"{'down' if change < 0 else 'up'} {percent(abs(change), 1)}"


def build_map(board: Board) -> Chart | None:
    """Incidents on a map, aggregated by rounded location and event type."""
    grid, cells = violence_map.map_cells(board.process, board.params.filters)
    if not cells:
        return None
    rows = [
        {
            "latitude": c.latitude,
            "longitude": c.longitude,
            "location": c.location,
            "places": c.locations,
            "event_type": c.event_type,
            "events": c.events,
            "fatalities": c.fatalities,
        }
        for c in cells
    ]
    events = sum(c.events for c in cells)
    places = len({(c.latitude, c.longitude) for c in cells})
    summary = (
        f"{plural(events, 'event')} with coordinates at {plural(places, 'place')}"
        f" (grouped to {grid:g}°)."
    )
    columns = [
        Column("latitude", "Latitude", "number"),
        Column("longitude", "Longitude", "number"),
        Column("location", "Place (first name in the group)"),
        Column("places", "Places grouped", "number"),
        Column("event_type", "Event type"),
        Column("events", "Events", "number"),
        Column("fatalities", "Fatalities", "number"),
    ]
    return board.violence_chart(
        "map", "Map of incidents", summary, charts_violence.map_figure(cells, grid), columns, rows,
        note=f"Markers group reports within {grid:g}° of latitude and longitude; area grows with "
        "fatalities; colour is the event type. Reports without coordinates are not mapped.",
    )  # fmt: skip

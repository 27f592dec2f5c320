"""The incident map from one query gives exactly the cells, figure and CSV that the query per
grid gave (kept below as the oracle), on coordinates that sit on and around every grid's
edges, names that differ by case, accents and script, every event type, and filters."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import Numeric, cast, distinct, func, select

from tests import factories
from tracker.extensions import db
from tracker.models import Claim, ViolenceReport
from tracker.models.base import ACLED_EVENT_TYPES, REVIEW_STATUS
from tracker.services.dashboard import assemble as dashboard
from tracker.services.figures import violence_map
from tracker.services.figures.progress import PUBLIC
from tracker.services.figures.violence import ViolenceFilter, apply_filters
from tracker.services.figures.violence_map import MAP_GRID_DEGREES, NO_FILTER, MapCell

NAMES = ("Kabul", "kabul", "Kābul", "کابل", "Kandahar", "Zaranj", "Ōmura", "Herat", "herat ", "")


def old_map_cells(process, filters=NO_FILTER, statuses=PUBLIC, max_cells=1500):
    """The map's cells as computed before issue 13: one GROUP BY per grid until one fits."""
    for grid in MAP_GRID_DEGREES:
        cells = old_cells_at(process, filters, statuses, grid, max_cells)
        if cells is not None:
            return grid, cells
    return grid, old_cells_at(process, filters, statuses, grid, None) or []


def old_cells_at(process, filters, statuses, grid, limit):
    """Cells on a grid of ``grid`` degrees; None when there are more than ``limit``."""
    lat = func.round(cast(ViolenceReport.latitude / grid, Numeric(12, 4))) * grid
    lon = func.round(cast(ViolenceReport.longitude / grid, Numeric(12, 4))) * grid
    query = (
        select(
            lat.label("lat"),
            lon.label("lon"),
            ViolenceReport.event_type,
            func.count(),
            func.coalesce(func.sum(ViolenceReport.fatalities), 0),
            func.min(ViolenceReport.location),
            func.count(distinct(ViolenceReport.location)),
        )
        .where(
            ViolenceReport.process_id == process.id,
            ViolenceReport.status.in_(statuses),
            ViolenceReport.latitude.is_not(None),
            ViolenceReport.longitude.is_not(None),
        )
        .group_by(lat, lon, ViolenceReport.event_type)
        .order_by(lat, lon, ViolenceReport.event_type)
    )
    query = apply_filters(query, filters)
    if limit is not None:
        query = query.limit(limit + 1)
    rows = db.session.execute(query).all()
    if limit is not None and len(rows) > limit:
        return None
    return [
        MapCell(
            round(float(r[0]), 4),
            round(float(r[1]), 4),
            r[2],
            int(r[3]),
            int(r[4]),
            r[5],
            int(r[6]),
        )  # fmt: skip
        for r in rows
    ]


def edges(base: float) -> list[float]:
    """Points on, just inside and just outside each grid's cell edges near ``base``, including
    where rounding to four decimals first (PostgreSQL) lands on the other side."""
    points = []
    for grid in MAP_GRID_DEGREES:
        edge = base + grid / 2
        for cells in (0, 1e-9, -1e-9, 1e-6, -1e-6, 4e-5, -4e-5, 6e-5, 9e-4, -9e-4, 1.1e-3, -1.1e-3):
            offset = cells * grid
            points.append(edge + offset)
    return points


def coordinates(chooser: random.Random) -> tuple[float | None, float | None]:
    """A report's coordinates: often on an edge, sometimes random, sometimes missing."""
    roll = chooser.random()
    if roll < 0.05:
        return None, None
    if roll < 0.45:
        lat = chooser.choice(edges(chooser.choice((34.0, -1.0, 0.0, 36.5))))
        lon = chooser.choice(edges(chooser.choice((69.0, -70.0, 0.0, 179.0))))
        return max(-90.0, min(90.0, lat)), max(-180.0, min(180.0, lon))
    if roll < 0.6:  # places given to four decimals, as ACLED does, on round numbers
        return round(chooser.choice((34.515, 34.505, 34.55, 34.25, 0.005, -0.005)), 4), round(
            chooser.choice((69.105, 69.15, 69.75, -0.015, 0.0)), 4
        )
    return round(chooser.uniform(29.5, 38.4), 4), round(chooser.uniform(60.6, 74.8), 4)


@pytest.fixture
def varied(ctx):
    """A process with 700 reports of every type, status and shape of coordinates."""
    chooser = random.Random(13)
    process = factories.process("map-process")
    for number in range(700):
        latitude, longitude = coordinates(chooser)
        event_type = chooser.choice(sorted(ACLED_EVENT_TYPES))
        report = factories.violence(
            process,
            date(2020, 1, 1) + timedelta(days=chooser.randrange(400)),
            status=chooser.choice(("published",) * 4 + tuple(REVIEW_STATUS)),
            event_type=event_type,
            sub_event_type=ACLED_EVENT_TYPES[event_type][0],
            actor1=chooser.choice(("Taliban", "ISKP", "Military Forces")),
            location=chooser.choice(NAMES) + chooser.choice(("", "", f" {number % 7}")),
            latitude=latitude,
            longitude=longitude,
            fatalities=chooser.choice((0, 0, 1, 3, 12)),
        )
        if number % 5 == 0:
            db.session.add(Claim(actor="ISKP", stance="claimed", report=report))
    db.session.commit()
    return process


FILTERS = (
    ViolenceFilter(),
    ViolenceFilter(date_from=date(2020, 3, 1), date_to=date(2020, 9, 30)),
    ViolenceFilter(event_types=("Battles", "Riots")),
    ViolenceFilter(actor="iskp"),
    ViolenceFilter(actor="iskp", actor_role="claimed"),
)


def limits(process, filters, statuses) -> list[int]:
    """Cell limits that make each grid the finest to fit, and none fit (the coarsest is used)."""
    counts = [len(old_cells_at(process, filters, statuses, g, None)) for g in MAP_GRID_DEGREES]
    return sorted({1, 1500, *counts, *(count - 1 for count in counts if count > 1)})


@pytest.mark.parametrize("filters", FILTERS)
def test_map_cells_are_those_of_one_query_per_grid(varied, filters):
    chosen = set()
    for statuses in (PUBLIC, tuple(REVIEW_STATUS)):
        for max_cells in limits(varied, filters, statuses):
            expected = old_map_cells(varied, filters, statuses, max_cells)
            assert violence_map.map_cells(varied, filters, statuses, max_cells) == expected
            chosen.add(expected[0])
    if filters == ViolenceFilter():  # filtered, two grids may give as many cells
        assert chosen == set(MAP_GRID_DEGREES)


def test_map_figure_and_csv_are_those_of_one_query_per_grid(varied, monkeypatch):
    params = dashboard.parse_params({})
    new = dashboard.build_map(dashboard.Dashboard(varied, params))
    monkeypatch.setattr(violence_map, "map_cells", old_map_cells)
    old = dashboard.build_map(dashboard.Dashboard(varied, params))
    assert new.figure == old.figure and new.summary == old.summary
    assert dashboard.chart_csv(new) == dashboard.chart_csv(old)
    assert len(new.rows) > 100


def test_event_types_sort_alike_in_the_database_and_in_python(varied):
    """Cells of one place are ordered by event type: Python's order must be the database's."""
    kind = ViolenceReport.event_type
    types = list(db.session.scalars(select(kind).distinct().order_by(kind)))
    assert types == sorted(types) and len(types) == len(ACLED_EVENT_TYPES)

"""The incident map's cells: violence reports grouped by rounded latitude/longitude and type.

The map uses the finest grid (about 1 km) that yields at most ``MAP_MAX_CELLS`` markers. One
query reads each place once (grouped by its exact point, event type and name); the grid is
then chosen and the places summed into cells here, trying the grids from the finest and giving
up on one as soon as it has too many cells.

The grids are not nested (a 0.1-degree cell's edge runs through the middle of 0.01-degree
cells), so a coarser cell is not a sum of finer ones: each point is rounded on each grid. Away
from a cell's edge every way of rounding gives the nearest multiple, and Python takes it; near
an edge the database rounds as the map always has, ``round(CAST(x / grid AS NUMERIC(12, 4)))``
(PostgreSQL rounds to four decimals first, SQLite does not), so the cells, and the figure and
CSV made of them, are exactly those of a GROUP BY per grid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import floor

from sqlalchemy import Numeric, Row, case, cast, func, select

from tracker.extensions import db
from tracker.models import PeaceProcess, ViolenceReport
from tracker.services.figures.progress import PUBLIC
from tracker.services.figures.violence import ViolenceFilter, apply_filters


@dataclass(frozen=True)
class MapCell:
    """Reports of one event type aggregated at one rounded location."""

    latitude: float
    longitude: float
    event_type: str
    events: int
    fatalities: int
    location: str  # the first name in the group, in the database's order
    locations: int  # distinct names in the group


MAP_GRID_DEGREES = (0.01, 0.1, 0.5, 1.0, 2.0)
MAP_MAX_CELLS = 1500
NO_FILTER = ViolenceFilter()


# Further than this from the nearest multiple of a grid (in cells), a point is not near an edge.
NEAR_EDGE = 0.499


def rounded_near_edge(column, grid: float):
    """SQL: ``column`` rounded to a multiple of ``grid`` as the map always rounded it, where it
    lies near the edge between two cells; NULL elsewhere, where every way of rounding agrees
    on the nearest multiple (:func:`cells_on` takes it)."""
    ratio = column / grid
    # round() of a NUMERIC works on both SQLite and PostgreSQL (which has no round(float, n));
    # PostgreSQL rounds to four decimals first, so near an edge only this rounding decides.
    database_rounding = func.round(cast(ratio, Numeric(12, 4))) * grid
    return case((func.abs(ratio - func.round(ratio)) > NEAR_EDGE, database_rounding))


def places(
    process: PeaceProcess,
    filters: ViolenceFilter = NO_FILTER,
    statuses: Sequence[str] = PUBLIC,
) -> list[Row]:
    """Reports with coordinates grouped by point, event type and name, in the order of names:
    (location, event_type, events, fatalities, latitude, longitude, then the latitude and
    longitude on each grid where they lie near a cell's edge, else None)."""
    lat, lon = ViolenceReport.latitude, ViolenceReport.longitude
    near_edges = [
        rounded_near_edge(column, grid) for grid in MAP_GRID_DEGREES for column in (lat, lon)
    ]
    query = (
        select(
            ViolenceReport.location,
            ViolenceReport.event_type,
            func.count(),
            func.coalesce(func.sum(ViolenceReport.fatalities), 0),
            lat,
            lon,
            *near_edges,
        )
        .where(
            ViolenceReport.process_id == process.id,
            ViolenceReport.status.in_(statuses),
            lat.is_not(None),
            lon.is_not(None),
        )
        # Per group, not per report: a place reported a thousand times is rounded once.
        .group_by(ViolenceReport.location, lat, lon, ViolenceReport.event_type)
        # The database's order of names, so the first name of a cell is its min(location).
        .order_by(ViolenceReport.location)
    )
    # Core rows: the ORM's result machinery would double the time at 100,000 places.
    return db.session.connection().execute(apply_filters(query, filters)).all()


def cells_on(found: Sequence[Row], index: int, limit: int | None) -> list[MapCell] | None:
    """The places summed into cells of grid ``MAP_GRID_DEGREES[index]``, ordered by latitude,
    longitude and type; None as soon as there are more than ``limit`` cells.

    ``found`` comes in the database's order of names, so a cell's first name is its smallest
    and its names are counted where they change."""
    grid = MAP_GRID_DEGREES[index]
    at = 6 + 2 * index
    sums: dict[tuple[float, float, str], list] = {}
    for row in found:
        lat, lon = row[at], row[at + 1]  # the database's rounding near an edge, else nearest
        if lat is None:
            lat = floor(row[4] / grid + 0.5) * grid
        if lon is None:
            lon = floor(row[5] / grid + 0.5) * grid
        cell = sums.get((lat, lon, row[1]))
        if cell is None:
            if limit is not None and len(sums) >= limit:
                return None
            sums[lat, lon, row[1]] = [row[2], row[3], row[0], 1, row[0]]
            continue
        cell[0] += row[2]
        cell[1] += row[3]
        if row[0] != cell[4]:
            cell[3] += 1
            cell[4] = row[0]
    return [
        MapCell(round(float(lat), 4), round(float(lon), 4), kind, int(events), int(deaths), name, n)
        for (lat, lon, kind), (events, deaths, name, n, _) in sorted(sums.items())
    ]


def map_cells(
    process: PeaceProcess,
    filters: ViolenceFilter = NO_FILTER,
    statuses: Sequence[str] = PUBLIC,
    max_cells: int = MAP_MAX_CELLS,
) -> tuple[float, list[MapCell]]:
    """Reports grouped by rounded latitude/longitude and event type, on the finest grid that
    yields at most ``max_cells`` cells (else the coarsest): (grid in degrees, cells).

    So a map of 100,000 reports stays a few thousand markers at most, from one query."""
    found = places(process, filters, statuses)
    for index, grid in enumerate(MAP_GRID_DEGREES):
        cells = cells_on(found, index, max_cells)
        if cells is not None:
            return grid, cells
    return grid, cells_on(found, index, None) or []

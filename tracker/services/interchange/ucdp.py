"""UCDP's Georeferenced Event Dataset (GED), full or as a reduced extract, read into the
tracker's violence rows. Each mapping is stated here so the pages can say how GED was read:

- ``id`` -> external id ``GED<id>``; extracts without ids get ``GED-`` and a hash of the row's
  own values, so importing the same file again adds nothing;
- ``date_start`` -> ``event_date``; ``date_prec`` (or, without it, the days to ``date_end``)
  -> ``time_precision`` (1 the day, 2 within a week, 3 longer);
- ``type_of_violence`` kept as it is, and mapped: 1 state-based and 2 non-state conflict ->
  Battles / Armed clash, 3 one-sided violence -> Violence against civilians / Attack;
- ``side_a``, ``side_b`` -> ``actor1``, ``actor2``; ``best``, ``low``, ``high`` ->
  ``fatalities`` and its range (when GED's range leaves out ``best``, it is widened to take it
  in, and the notes say so); ``deaths_*`` written in the notes;
- ``where_coordinates`` -> ``location``; ``adm_1``, ``adm_2`` -> ``admin1``, ``admin2``;
  ``latitude``, ``longitude``; ``where_prec`` -> ``geo_precision`` (1 -> 1, 2-3 -> 2, 4-7 -> 3);
- ``source_office`` -> ``source``, ``source_article`` -> the notes; ``country``, ``region``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date

from tracker.services.interchange.csv_read import rows_as_wide_as_header
from tracker.services.interchange.kept_columns import DATASETS, UCDP_GED, UCDP_GED_EXTRACT

GED_COLUMNS = {"type_of_violence", "side_a", "side_b", "best", "date_start"}
USED = GED_COLUMNS | {
    "id",
    "date_end",
    "date_prec",
    "low",
    "high",
    "where_coordinates",
    "where_prec",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "country",
    "region",
    "source_article",
    "source_office",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
}
EVENT_TYPES = {
    "1": ("Battles", "Armed clash", "state-based conflict"),
    "2": ("Battles", "Armed clash", "non-state conflict"),
    "3": ("Violence against civilians", "Attack", "one-sided violence"),
}
DATE_PRECISION = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3"}
GEO_PRECISION = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3", "6": "3", "7": "3"}


def is_ged(names: list[str]) -> bool:
    """Whether a header is GED's (its own column names, full or reduced)."""
    return set(names) >= GED_COLUMNS


def _day(value: str) -> str:
    """GED writes dates as 2020-01-01, some releases with a time after them."""
    return value.strip()[:10]


def _precision(row: dict[str, str]) -> str:
    if row.get("date_prec", "").strip() in DATE_PRECISION:
        return DATE_PRECISION[row["date_prec"].strip()]
    try:
        span = (
            date.fromisoformat(_day(row["date_end"])) - date.fromisoformat(_day(row["date_start"]))
        ).days
    except (KeyError, ValueError):
        return "1"
    return "1" if span <= 0 else "2" if span <= 6 else "3"


def _number(value: str) -> int | None:
    try:
        return int(value.strip())
    except (ValueError, AttributeError):
        return None


class GedReader:
    """Turns GED rows into violence rows; counts what the import notes."""

    def __init__(self, names: list[str]):
        self.names = names
        self.ignored = [name for name in names if name not in USED]
        self.keys: dict[str, int] = {}
        self.widened = 0
        # GED's own files carry its event ids; public extracts without them say so on the pages.
        self.dataset = UCDP_GED if "id" in names else UCDP_GED_EXTRACT

    def describe(self) -> list[str]:
        lines = ["UCDP GED file (CC BY 4.0): cited on the pages that show its events"]
        if self.widened:
            lines.append(
                f"{self.widened:,} rows have a low-high range that leaves out the best "
                "estimate; the range was widened to include it, as each report's notes say"
            )
        if self.ignored:
            lines.append("ignored: " + ", ".join(self.ignored))
        return lines

    def _external_id(self, row: dict[str, str], cells: list[str]) -> str:
        if row.get("id", "").strip():
            return f"GED{row['id'].strip()}"
        digest = hashlib.sha1("\x1f".join(cells).encode("utf-8")).hexdigest()[:16]
        # Identical rows (an extract may repeat one) are told apart by their order.
        seen = self.keys.get(digest, 0)
        self.keys[digest] = seen + 1
        return f"GED-{digest}" + (f"-{seen + 1}" if seen else "")

    def row(self, cells: list[str]) -> dict[str, str]:
        raw = dict(zip(self.names, (cell.strip() for cell in cells), strict=True))
        kind = raw.get("type_of_violence", "")
        event_type, sub_type, label = EVENT_TYPES.get(kind, (kind, "", ""))
        notes = [raw.get("source_article", "")]
        best, low, high = (_number(raw.get(k, "")) for k in ("best", "low", "high"))
        if best is not None and (
            (low is not None and low > best) or (high is not None and high < best)
        ):
            notes.append(
                f"UCDP gives best {best}, low {low}, high {high}; the range was widened to "
                "include the best estimate."
            )
            low, high = min(low, best) if low is not None else None, max(high or best, best)
            self.widened += 1
        deaths = [
            f"{label} {raw[key]}"
            for key, label in (
                ("deaths_a", "side A"),
                ("deaths_b", "side B"),
                ("deaths_civilians", "civilians"),
                ("deaths_unknown", "unknown"),
            )
            if raw.get(key)
        ]
        if deaths:
            notes.append("UCDP deaths: " + ", ".join(deaths) + ".")
        if raw.get("date_end") and _day(raw["date_end"]) != _day(raw.get("date_start", "")):
            notes.append(
                f"UCDP dates the event {_day(raw['date_start'])} to {_day(raw['date_end'])}."
            )
        location = raw.get("where_coordinates") or raw.get("adm_2") or raw.get("adm_1")
        return {
            "event_id_cnty": self._external_id(raw, cells),
            "event_date": _day(raw.get("date_start", "")),
            "time_precision": _precision(raw),
            "event_type": event_type,
            "sub_event_type": sub_type,
            "original_event_type": f"UCDP type_of_violence {kind}: {label}" if label else "",
            "type_of_violence": kind,
            "actor1": raw.get("side_a", ""),
            "actor2": raw.get("side_b", ""),
            "country": raw.get("country", ""),
            "region": raw.get("region", ""),
            "admin1": raw.get("adm_1", ""),
            "admin2": raw.get("adm_2", ""),
            "location": location or raw.get("country", ""),
            "latitude": raw.get("latitude", ""),
            "longitude": raw.get("longitude", ""),
            "geo_precision": GEO_PRECISION.get(raw.get("where_prec", ""), ""),
            "source": raw.get("source_office", ""),
            "notes": "\n".join(note for note in notes if note),
            "fatalities": raw.get("best", ""),
            "fatalities_low": "" if low is None else str(low),
            "fatalities_high": "" if high is None else str(high),
            "dataset": self.dataset,
            "licence": DATASETS[UCDP_GED]["licence"],
        }


def read_ged(
    reader: GedReader, rows: Iterator[tuple[int, list[str]]], errors
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) per GED event."""
    for line, cells in rows_as_wide_as_header(rows, reader.names, errors):
        yield line, reader.row(cells)

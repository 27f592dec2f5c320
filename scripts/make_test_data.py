"""Write the CSV test corpus under tests/data/: an ACLED-shaped export and broken files.

Run ``python scripts/make_test_data.py`` after changing it; the output is committed, and the
same seed always gives the same files. The 10 MB notes file is made by its test instead.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
# ACLED's own export columns, in ACLED's order: most are not ours and must be ignored.
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
PLACES = [
    ("Kabul", "Kabul", "Kabul", 34.5553, 69.2075),
    ("Kandahar", "Kandahar", "Kandahar", 31.6133, 65.7101),
    ("Lashkar Gah", "Hilmand", "Lashkar Gah", 31.5938, 64.3716),
    ("Kunduz", "Kunduz", "Kunduz", 36.728, 68.8681),
    ("Jalalabad", "Nangarhar", "Jalalabad", 34.4265, 70.4515),
    ("Ghazni", "Ghazni", "Ghazni", 33.5535, 68.4269),
    ("Pul-e Khumri", "Baghlan", "Pul-e Khumri", 35.9446, 68.715),
]
EVENTS = [
    ("Battles", "Armed clash", "Taliban", "Military Forces of Afghanistan (2004-2021)"),
    (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
        "Unidentified Armed Group (Afghanistan)",
        "Civilians (Afghanistan)",
    ),  # noqa: E501
    (
        "Explosions/Remote violence",
        "Air/drone strike",
        "Military Forces of Afghanistan (2004-2021)",
        "Taliban",
    ),  # noqa: E501
    ("Violence against civilians", "Attack", "Taliban", "Civilians (Afghanistan)"),
    ("Protests", "Peaceful protest", "Protesters (Afghanistan)", ""),
    ("Strategic developments", "Arrests", "Police Forces of Afghanistan (2004-2021)", "Taliban"),
]
SOURCES = ["Pajhwok Afghan News", "TOLOnews", "Khaama Press", "Bakhtar News Agency"]


def acled_date(day: date) -> str:
    """ACLED's own spelling: 09 April 2020."""
    return day.strftime("%d %B %Y")


def acled_rows(count: int = 400, seed: int = 6) -> list[dict[str, str]]:
    """A realistic export: several hundred events between March and September 2020."""
    rng = random.Random(seed)
    rows = []
    for number in range(1, count + 1):
        day = date(2020, 3, 1) + timedelta(days=rng.randrange(0, 200))
        event_type, sub_type, actor1, actor2 = rng.choice(EVENTS)
        location, admin1, admin2, lat, lon = rng.choice(PLACES)
        fatalities = (
            0
            if event_type in ("Protests", "Strategic developments")
            else rng.choice([0, 0, 1, 2, 3, 5, 8, 12])
        )
        notes = f"On {acled_date(day)}, {actor1} and {actor2 or 'others'} in {location}."
        if number % 17 == 0:
            notes += '\nSecond paragraph, with a "quoted" word, a comma, and Dari: حمله در کابل.'
        if number % 23 == 0:
            notes += " پښتو: په کندهار کې نښته."
        rows.append(
            {
                "event_id_cnty": f"AFG{40000 + number}",
                "event_date": acled_date(day) if number % 3 else day.isoformat(),
                "year": str(day.year),
                "time_precision": str(rng.choice([1, 1, 1, 2])),
                "disorder_type": "Political violence",
                "event_type": event_type,
                "sub_event_type": sub_type,
                "actor1": actor1,
                "assoc_actor_1": "",
                "inter1": "2",
                "actor2": actor2,
                "assoc_actor_2": "",
                "inter2": "1",
                "interaction": "12",
                "civilian_targeting": "",
                "iso": "4",
                "region": "Caspian",
                "country": "Afghanistan",
                "admin1": admin1,
                "admin2": admin2,
                "admin3": "",
                "location": location,
                "latitude": f"{lat + rng.uniform(-0.05, 0.05):.4f}",
                "longitude": f"{lon + rng.uniform(-0.05, 0.05):.4f}",
                "geo_precision": str(rng.choice([1, 1, 2, 3])),
                "source": "; ".join(rng.sample(SOURCES, rng.choice([1, 1, 2]))),
                "source_scale": rng.choice(["National", "Subnational", "National-Regional"]),
                "notes": notes,
                "fatalities": str(fatalities),
                "tags": "",
                "timestamp": "1600000000",
            }
        )
    return rows


def write(path: Path, columns: list[str], rows: list[dict[str, str]], **options) -> None:
    """Write rows as CSV (UTF-8 with a BOM unless told otherwise)."""
    encoding = options.pop("encoding", "utf-8-sig")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", **options)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    path.write_bytes(buffer.getvalue().encode(encoding))


GOOD = {
    "event_id_cnty": "AFG1",
    "event_date": "2020-04-09",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "actor1": "Islamic State (Afghanistan)",
    "location": "Bagram",
    "fatalities": "0",
}
MINIMAL = list(GOOD)


def broken_files() -> dict[str, tuple[list[str], list[dict[str, str]], dict]]:
    """Each broken file: its columns, rows and writer options. The bad row is always line 3."""
    second = {**GOOD, "event_id_cnty": "AFG2", "location": "Kabul"}

    def with_bad(**changes):
        return MINIMAL, [GOOD, {**second, **changes}], {}

    return {
        "bad_date.csv": with_bad(event_date="2020-02-30"),
        "bad_date_words.csv": with_bad(event_date="yesterday"),
        "negative_fatalities.csv": with_bad(fatalities="-3"),
        "non_numeric_fatalities.csv": with_bad(fatalities="several"),
        "unknown_event_type.csv": with_bad(event_type="Skirmish", sub_event_type=""),
        "sub_event_of_other_type.csv": with_bad(sub_event_type="Peaceful protest"),
        "latitude_out_of_range.csv": (
            [*MINIMAL, "latitude", "longitude"],
            [
                {**GOOD, "latitude": "34.9", "longitude": "69.2"},
                {**second, "latitude": "134.9", "longitude": "69.2"},
            ],
            {},
        ),  # fmt: skip
        "missing_required_column.csv": (
            [c for c in MINIMAL if c != "actor1"],
            [GOOD, second],
            {},
        ),
        "header_only.csv": (MINIMAL, [], {}),
        "duplicate_event_id.csv": with_bad(event_id_cnty="AFG1"),
        "semicolon_delimited.csv": (MINIMAL, [GOOD, second], {"delimiter": ";"}),
        "latin1.csv": (
            MINIMAL,
            [GOOD, {**second, "location": "Kabul (café district)"}],
            {"encoding": "latin-1"},
        ),
        "missing_actor.csv": with_bad(actor1=""),
        "future_date.csv": with_bad(event_date="2099-01-01"),
        "bad_source_url.csv": (
            [*MINIMAL, "source_url"],
            [GOOD, {**second, "source_url": "javascript:alert(1)"}],
            {},
        ),
        "low_above_best.csv": (
            [*MINIMAL, "fatalities_low"],
            [GOOD, {**second, "fatalities": "2", "fatalities_low": "5"}],
            {},
        ),
    }


def main() -> None:
    """Write every file."""
    DATA.mkdir(exist_ok=True)
    (DATA / "broken").mkdir(exist_ok=True)
    write(DATA / "acled_afghanistan_2020.csv", ACLED_COLUMNS, acled_rows())
    for name, (columns, rows, options) in broken_files().items():
        write(DATA / "broken" / name, columns, rows, **options)
    (DATA / "broken" / "empty.csv").write_bytes(b"")


if __name__ == "__main__":
    main()

"""Build tracker/demo/afghanistan-2020.json from the public reference CSVs.

The running app never reads ../shared: this script is run by hand when the reference data
changes, and its output is checked in. Usage:

    python scripts/build_demo_bundle.py ../shared/data/afghanistan-2020 \
        > tracker/demo/afghanistan-2020.json
    cp ../shared/data/afghanistan-2020/violence-ucdp-ged.csv tracker/demo/

The UCDP GED extract (CC BY 4.0) is not turned into bundle rows: ``flask demo load`` imports
it with the real violence importer, as a researcher would. The second demo process,
tracker/demo/yemen-stockholm-2018.json, is written by hand from the public reporting it cites.
"""

import csv
import json
import sys
from pathlib import Path

AGREEMENT_URL = (
    "https://www.state.gov/wp-content/uploads/2020/02/"
    "Agreement-For-Bringing-Peace-to-Afghanistan-02.29.20.pdf"
)
GOVERNMENT = "Government of the Islamic Republic of Afghanistan"
TALIBAN = "Taliban"


def rows(folder: Path, name: str) -> list[dict]:
    with open(folder / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def release(row: dict) -> dict:
    record = {key: value for key, value in row.items() if value != ""}
    for key in ("count", "count_low", "count_high"):
        if key in record:
            record[key] = int(record[key])
    record["status"] = "published"
    return record


def main(folder: Path) -> dict:
    violence = []
    for row in rows(folder, "violence.csv"):
        report = {key: value for key, value in row.items() if value != ""}
        for key in ("time_precision", "geo_precision", "fatalities", "injuries"):
            if key in report:
                report[key] = int(report[key])
        for key in ("latitude", "longitude"):
            report[key] = float(report[key])
        report["status"] = "published"
        report["claims"] = [
            {
                "actor": actor,
                "stance": stance,
                "date": row["event_date"],
                "source_url": row["source_url"],
            }
            for stance, key in (("claimed", "claimed_by"), ("denied", "denied_by"))
            for actor in row[key].split(";")
            if actor
        ]
        violence.append(report)
    return {
        "format": "peace-process-tracker/1",
        "exported_at": "2026-11-26T00:00:00Z",
        "process": {
            "slug": "afghanistan-2020",
            "name": "Afghanistan: US-Taliban agreement (2020)",
            "region": "Afghanistan",
            "countries": "Afghanistan",
            "description": (
                "The Agreement for Bringing Peace to Afghanistan, signed in Doha on 29 February "
                "2020 by the United States and the Taliban, and its prisoner exchange: up to 5,000 "
                "Taliban prisoners and up to 1,000 prisoners of the other side, by 10 March 2020."
            ),
            "status": "published",
        },
        "parties": [
            {"name": "United States", "short_name": "US", "kind": "government"},
            {"name": TALIBAN, "short_name": "Taliban", "kind": "armed_group"},
            {"name": GOVERNMENT, "short_name": "Afghan government", "kind": "government"},
            {"name": "Qatar", "short_name": "Qatar", "kind": "mediator"},
        ],
        "sources": [
            {
                "url": AGREEMENT_URL,
                "publisher": "U.S. Department of State",
                "title": "Agreement for Bringing Peace to Afghanistan",
                "published_on": "2020-02-29",
            },
        ],
        "agreements": [
            {
                "key": "doha",
                "title": "Agreement for Bringing Peace to Afghanistan",
                "signed_on": "2020-02-29",
                "signatories": ["United States", TALIBAN],
                "summary": (
                    "Withdrawal of foreign forces, Taliban guarantees against the use of Afghan "
                    "soil against the United States, intra-Afghan negotiations, and a prisoner "
                    "exchange: up to five thousand prisoners of the Taliban and up to one thousand "
                    "prisoners of the other side released by 10 March 2020."
                ),
                "status": "published",
                "sources": [{"url": AGREEMENT_URL, "publisher": "U.S. Department of State"}],
                "commitments": [
                    {
                        "key": "government-releases",
                        "kind": "prisoner_release",
                        "description": "Release of up to 5,000 Taliban prisoners.",
                        "obligated_party": GOVERNMENT,
                        "beneficiary_party": TALIBAN,
                        "target": 5000,
                        "target_is_maximum": True,
                        "unit": "prisoners",
                        "deadline": "2020-03-10",
                        "status": "published",
                        "releases": [release(r) for r in rows(folder, "releases-government.csv")],
                    },
                    {
                        "key": "taliban-releases",
                        "kind": "prisoner_release",
                        "description": (
                            "Release of up to 1,000 prisoners of the other side "
                            "(Afghan security forces)."
                        ),
                        "obligated_party": TALIBAN,
                        "beneficiary_party": GOVERNMENT,
                        "target": 1000,
                        "target_is_maximum": True,
                        "unit": "prisoners",
                        "deadline": "2020-03-10",
                        "status": "published",
                        "releases": [release(r) for r in rows(folder, "releases-taliban.csv")],
                    },
                    {
                        "key": "reduction-in-violence",
                        "kind": "violence_reduction",
                        "description": (
                            "Seven-day reduction in violence before the signing "
                            "(terms not published)."
                        ),
                        "obligated_party": TALIBAN,
                        "period_start": "2020-02-22",
                        "period_end": "2020-02-28",
                        "baseline_start": "2020-01-25",
                        "baseline_end": "2020-02-21",
                        "status": "published",
                    },
                ],
            }
        ],
        "milestones": [
            {
                key: value
                for key, value in dict(
                    row, status="published", end_date=row["end_date"] or None
                ).items()
                if value != ""
            }
            for row in rows(folder, "milestones.csv")
        ],
        "violence": violence,
    }


if __name__ == "__main__":
    json.dump(main(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")

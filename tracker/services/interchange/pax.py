"""One agreement of a PA-X file (the Peace Agreements Database, University of Edinburgh) as an
agreement of a process: its title, date, status, signatories and third parties as parties, its
PA-X id and a link back, and one term per provision PA-X codes as present (strength 1-3),
ready for a researcher to turn into countable commitments.

The agreement is written through the bundle import, so it is validated the same way and a
second import of the same row changes nothing. The caller commits.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Agreement, PeaceProcess
from tracker.services.interchange import csv_read
from tracker.services.interchange.bundle import FORMAT, BundleError, ImportCounts
from tracker.services.interchange.bundle_import import import_bundle
from tracker.services.interchange.csv_read import CsvImportError, ErrorList
from tracker.services.interchange.pax_codebook import provision_name
from tracker.services.rules.characters import unstorable_character

REQUIRED = ("AgtId", "Agt", "Dat", "Part", "GCh")
FIRST_PROVISION = "GCh"
PAX_URL = "https://www.peaceagreements.org/view/{}"
PUBLISHER = "PA-X Peace Agreements Database (University of Edinburgh)"
CITATION = (
    'Bell, Christine and Sanja Badanjak (2019), "Introducing PA-X: A new peace agreement '
    'database and dataset", Journal of Peace Research 56(3): 452-466'
)
STRENGTH = {"1": "1 of 3", "2": "2 of 3", "3": "3 of 3"}
MAX_TITLE = 300
MAX_PARTY = 200


class PaxError(Exception):
    """A PA-X file or id that cannot be imported; the message says why and what to do."""


@dataclass
class PaxResult:
    """What the import did: the process and agreement, counts, and what to tell the user."""

    process_slug: str
    agreement_key: str
    counts: ImportCounts
    notes: list[str] = field(default_factory=list)


def find_row(stream: BinaryIO, pax_id: int) -> dict[str, str]:
    """The PA-X row whose ``AgtId`` is ``pax_id``.

    The whole file is read by the shared CSV reader's rules, whichever row is wanted: a row
    of the wrong width (often a quote that is not closed, which shifts every row after it) or
    a cell holding a character no table can store refuses the file, naming line and column.
    """
    errors = ErrorList()
    try:
        csv_read._sniff(stream)
        with contextlib.closing(csv_read._rows(stream, errors)) as rows:
            found, count = _scan(rows, str(pax_id), errors)
    except CsvImportError as error:
        raise PaxError(_joined(error.lines())) from None
    if errors:
        raise PaxError(_joined(CsvImportError(errors.errors, errors.more).lines()))
    if found is None:
        raise PaxError(f"no agreement with AgtId {pax_id} among the file's {count:,} agreements")
    return found


def _scan(rows, pax_id: str, errors: ErrorList) -> tuple[dict[str, str] | None, int]:
    """(the row of ``pax_id`` or None, how many rows) after checking the header and every row."""
    first = next(rows, None)
    if first is None:
        errors.raise_if_any()
        raise PaxError("the file is empty")
    names = [name.strip() for name in first[1]]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise PaxError(
            "this is not a PA-X agreements file (pax_all_agreements_data.csv): it has no "
            + ", ".join(missing)
            + " column"
            + ("s" if len(missing) > 1 else "")
        )
    for name in names:
        if problem := unstorable_character(name):
            errors.add(1, "", f"a column name holds {problem}, which cannot be stored; remove it")
    found, count = None, 0
    for _, cells in csv_read.rows_as_wide_as_header(rows, names, errors):
        count += 1
        row = dict(zip(names, cells, strict=True))
        if found is None and row["AgtId"].strip() == pax_id:
            found = {**row, "_columns": names}
    return found, count


def _joined(lines: list[str], most: int = 10) -> str:
    """Errors in one message: the first ``most``, then how many more."""
    shown = lines[:most]
    if len(lines) > most:
        shown.append(f"... and {len(lines) - most} more")
    return "; ".join(shown)


def _lines(cell: str) -> list[str]:
    return [line.strip() for line in (cell or "").splitlines() if line.strip()]


def _is_name(line: str) -> bool:
    """PA-X lists signatories one per line, but some lines are sentences about them."""
    sentence = line.endswith(".") and len(line.split()) >= 5
    return len(line) <= MAX_PARTY and not sentence


def provisions(row: dict[str, str]) -> list[tuple[str, int]]:
    """(code, strength) of each provision the agreement has, in PA-X's column order."""
    columns = row["_columns"]
    start = columns.index(FIRST_PROVISION)
    found = []
    for code in columns[start:]:
        value = (row.get(code) or "").strip()
        if value in STRENGTH:
            found.append((code, int(value)))
    return found


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "process"


def agreement_document(row: dict[str, str], process: PeaceProcess | None, status: str) -> dict:
    """The bundle that creates or updates the agreement (and its process, when new)."""
    pax_id = row["AgtId"].strip()
    title = row["Agt"].strip()
    signatories = [name for name in _lines(row["Part"]) if _is_name(name)]
    third = [name for name in _lines(row.get("ThrdPart", "")) if _is_name(name)]
    url = PAX_URL.format(pax_id)
    summary = [
        f"From PA-X (AgtId {pax_id}): {title}." if len(title) > MAX_TITLE else "",
        f"PA-X status: {row.get('Status', '').strip()}; type {row.get('Agtp', '').strip()}, "
        f"stage {row.get('Stage', '').strip()} {row.get('StageSub', '').strip()}.",
        f"Peace process in PA-X: {row.get('PPName', '').strip()}.",
        "Signatories as PA-X lists them: " + "; ".join(_lines(row["Part"])),
    ]
    if row.get("ThrdPart", "").strip():
        summary.append("Third parties: " + "; ".join(_lines(row["ThrdPart"])))
    summary.append(f"Cite: {CITATION}.")
    if process is None:
        countries = "; ".join(part.strip() for part in row.get("Con", "").split("/"))
        process_values = {
            "slug": f"pax-{_slug(row.get('PPName', '') or title)}",
            "name": (row.get("PPName") or title).strip()[:200],
            "region": row.get("Reg", "").strip()[:200],
            "countries": countries[:500],
            "description": f"Created from PA-X: {row.get('PPName', '').strip()}",
            "status": "under_review",
        }
    else:
        process_values = {
            "slug": process.slug,
            "name": process.name,
            "region": process.region,
            "countries": process.countries,
            "description": process.description,
            "status": process.status,
        }
    known = {party.name: party for party in process.parties} if process else {}

    def party(name: str, kind: str) -> dict:
        # A party the process already has keeps its kind and short name.
        if name in known:
            return {"name": name, "short_name": known[name].short_name, "kind": known[name].kind}
        return {"name": name, "kind": kind}

    parties = [party(name, "other") for name in dict.fromkeys(signatories)]
    parties += [party(name, "mediator") for name in dict.fromkeys(third) if name not in signatories]
    terms = [
        {
            "key": f"pax-{code.lower()}",
            "kind": "other",
            "description": (
                f"{provision_name(code)} (PA-X {code}, strength {STRENGTH[str(strength)]})"
            ),
            "status": status,
        }
        for code, strength in provisions(row)
    ]
    return {
        "format": FORMAT,
        "process": process_values,
        "parties": parties,
        "sources": [{"url": url, "publisher": PUBLISHER, "title": title[:2000]}],
        "agreements": [
            {
                "key": f"pax-{pax_id}",
                "title": title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…",
                "signed_on": row["Dat"].strip() or None,
                "signatories": list(dict.fromkeys(signatories)),
                "summary": "\n".join(line for line in summary if line),
                "status": status,
                "sources": [{"url": url, "publisher": PUBLISHER}],
                "commitments": terms,
            }
        ],
    }


def import_pax_agreement(
    stream: BinaryIO, pax_id: int, slug: str | None = None, status: str | None = None
) -> PaxResult:
    """Create or update the agreement ``pax_id`` of a PA-X file; raise PaxError or BundleError."""
    row = find_row(stream, pax_id)
    process = None
    if slug:
        process = db.session.scalar(select(PeaceProcess).where(PeaceProcess.slug == slug))
        if process is None:
            raise PaxError(f"no process with slug {slug!r}")
    document = agreement_document(row, process, status or "under_review")
    imported, counts = import_bundle(document)
    key = document["agreements"][0]["key"]
    agreement = db.session.scalar(
        select(Agreement).where(Agreement.process_id == imported.id, Agreement.key == key)
    )
    agreement.pax_id = pax_id
    notes = [
        f"PA-X {pax_id}: {len(document['agreements'][0]['commitments'])} coded provisions as "
        f"terms, {len(document['parties'])} parties"
    ]
    left_out = [
        line for line in _lines(row["Part"]) + _lines(row.get("ThrdPart", "")) if not _is_name(line)
    ]
    if left_out:
        notes.append(
            f"{len(left_out)} line(s) of PA-X's signatories read as prose, not names; kept in "
            "the agreement's summary, not made parties"
        )
    return PaxResult(imported.slug, key, counts, notes)


__all__ = ["BundleError", "PaxError", "PaxResult", "import_pax_agreement"]

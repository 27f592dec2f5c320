"""Importing a process bundle: validate everything, then create or update by slug and keys.

Nothing is written when any value is wrong; every error names its JSON path, such as
``agreements[0].commitments[1].releases[3].count``. The caller commits (one transaction).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    Party,
    PeaceProcess,
)
from tracker.models.base import COMMITMENT_KINDS, PARTY_KINDS, REVIEW_STATUS
from tracker.services.entry.sources import SourceCache, assign
from tracker.services.interchange.bundle import FORMAT, BundleError, ImportCounts
from tracker.services.interchange.kept_columns import parse_kept
from tracker.services.interchange.writers import write_release, write_violence
from tracker.services.rules import fields as F


class Validator:
    """Collects errors by JSON path while cleaning a bundle."""

    def __init__(self):
        self.errors: list[tuple[str, str]] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def fields(self, raw: Any, path: str, parsers: Mapping[str, Any]) -> dict[str, Any]:
        """Parse an object's fields, recording each error under ``path.field``."""
        if not isinstance(raw, dict):
            self.error(path, "must be an object")
            return {}
        clean, errors = F.parse_fields(raw, parsers)
        for name, message in errors.items():
            self.error(f"{path}.{name}", message)
        return clean

    def items(self, raw: Any, path: str) -> list:
        """A list, or an error when the value is something else (missing gives [])."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.error(path, "must be a list")
            return []
        return raw

    def record_errors(self, errors: Mapping[str, str], path: str) -> None:
        for name, message in errors.items():
            self.error(f"{path}.{name}", message)


def _status(default: str):
    return F.choice(REVIEW_STATUS, default)


def _slug(value: Any) -> str:
    value = F.required_text(80)(value)
    if not F.is_slug(value):
        raise F.FieldError(f"{value!r} must be lower-case letters, digits and hyphens")
    return value


def clean_bundle(doc: Any, status: str | None = None) -> dict[str, Any]:
    """Validate a whole bundle; return the cleaned plan or raise :class:`BundleError`."""
    v = Validator()
    if not isinstance(doc, dict):
        raise BundleError([("$", "the bundle must be a JSON object")])
    if doc.get("format") != FORMAT:
        v.error("format", f"must be {FORMAT!r}; got {doc.get('format')!r}")
    default_status = status or "under_review"
    record_status = _status(default_status)

    def status_of(raw: Any) -> str:
        if status:
            return status
        try:
            return record_status(raw.get("status") if isinstance(raw, dict) else None)
        except F.FieldError:
            return default_status

    process = v.fields(
        doc.get("process"),
        "process",
        {
            "slug": _slug,
            "name": F.required_text(200),
            "region": F.text(200),
            "description": F.text(F.MAX_NOTES),
            "countries": F.text(500),
            "status": record_status,
        },
    )
    if status:
        process["status"] = status

    parties = []
    names: dict[str, str] = {}
    for index, raw in enumerate(v.items(doc.get("parties"), "parties")):
        path = f"parties[{index}]"
        party = v.fields(
            raw,
            path,
            {
                "name": F.required_text(200),
                "short_name": F.text(80),
                "kind": F.choice(PARTY_KINDS, "other"),
            },
        )
        if party.get("name"):
            if party["name"] in names.values():
                v.error(f"{path}.name", f"{party['name']!r} appears twice")
            names[party["name"]] = party["name"]
            if party.get("short_name"):
                names.setdefault(party["short_name"], party["name"])
            parties.append(party)
    existing = _existing_party_names(process.get("slug"))
    for name, full in existing.items():
        names.setdefault(name, full)

    def party_ref(value: Any, path: str, required: bool = False) -> str | None:
        if F.is_blank(value):
            if required:
                v.error(path, "is required")
            return None
        if not isinstance(value, str) or value.strip() not in names:
            v.error(path, f"{value!r} is not a party of this process (see 'parties')")
            return None
        return names[value.strip()]

    sources = {}
    for index, raw in enumerate(v.items(doc.get("sources"), "sources")):
        source = v.fields(
            raw,
            f"sources[{index}]",
            {
                "url": F.url,
                "publisher": F.text(200),
                "title": F.text(2000),
                "published_on": F.optional_date,
                "accessed_on": F.optional_date,
            },
        )
        if source.get("url"):
            sources[source["url"]] = source

    agreements = []
    agreement_keys = set()
    for a_index, raw in enumerate(v.items(doc.get("agreements"), "agreements")):
        path = f"agreements[{a_index}]"
        agreement = v.fields(
            raw,
            path,
            {
                "key": F.required_text(80),
                "title": F.required_text(300),
                "signed_on": F.optional_date,
                "summary": F.text(F.MAX_NOTES),
            },
        )
        if not isinstance(raw, dict):
            continue
        if agreement.get("key") in agreement_keys:
            v.error(f"{path}.key", f"{agreement['key']!r} appears twice")
        agreement_keys.add(agreement.get("key"))
        agreement["status"] = status_of(raw)
        agreement["signatories"] = [
            party_ref(name, f"{path}.signatories[{i}]", required=True)
            for i, name in enumerate(v.items(raw.get("signatories"), f"{path}.signatories"))
        ]
        agreement["sources"] = []
        for s_index, source in enumerate(v.items(raw.get("sources"), f"{path}.sources")):
            cleaned = v.fields(
                source, f"{path}.sources[{s_index}]", {"url": F.url, "publisher": F.text(200)}
            )
            if cleaned.get("url"):
                agreement["sources"].append(cleaned)
        agreement["commitments"] = _clean_commitments(
            v, raw, path, agreement.get("signed_on"), party_ref, status_of
        )
        agreements.append(agreement)

    milestones = []
    for index, raw in enumerate(v.items(doc.get("milestones"), "milestones")):
        path = f"milestones[{index}]"
        milestone = v.fields(
            raw,
            path,
            {
                "date": F.parse_date,
                "end_date": F.optional_date,
                "title": F.required_text(300),
                "notes": F.text(F.MAX_NOTES),
                "source_url": F.url_list,
            },
        )
        if (
            milestone.get("end_date")
            and milestone.get("date")
            and (milestone["end_date"] < milestone["date"])
        ):
            v.error(f"{path}.end_date", "is before the date")
        milestone["status"] = status_of(raw)
        milestones.append(milestone)

    violence = []
    seen_ids = set()
    for index, raw in enumerate(v.items(doc.get("violence"), "violence")):
        path = f"violence[{index}]"
        if not isinstance(raw, dict):
            v.error(path, "must be an object")
            continue
        report, errors = F.parse_violence(raw)
        kept, kept_errors = parse_kept(raw)
        report.update(kept)
        v.record_errors({**errors, **kept_errors}, path)
        if report.get("event_id_cnty"):
            if report["event_id_cnty"] in seen_ids:
                v.error(f"{path}.event_id_cnty", f"{report['event_id_cnty']!r} appears twice")
            seen_ids.add(report["event_id_cnty"])
        report["status"] = status_of(raw)
        if "claims" in raw:
            report["claims"] = [
                v.fields(claim, f"{path}.claims[{i}]", F.CLAIM_FIELDS)
                for i, claim in enumerate(v.items(raw.get("claims"), f"{path}.claims"))
            ]
        else:
            report["claims"] = [
                {"actor": actor, "stance": stance, "date": None, "notes": "", "source_url": []}
                for stance, key in (("claimed", "claimed_by"), ("denied", "denied_by"))
                for actor in report.get(key, [])
            ]
        violence.append(report)

    if v.errors:
        raise BundleError(v.errors)
    return {
        "process": process,
        "parties": parties,
        "sources": sources,
        "agreements": agreements,
        "milestones": milestones,
        "violence": violence,
    }


def _existing_party_names(slug: str | None) -> dict[str, str]:
    if not slug:
        return {}
    process = db.session.scalar(select(PeaceProcess).where(PeaceProcess.slug == slug))
    names: dict[str, str] = {}
    for party in process.parties if process else []:
        names[party.name] = party.name
        if party.short_name:
            names.setdefault(party.short_name, party.name)
    return names


def _clean_commitments(v, raw_agreement, path, signed_on, party_ref, status_of) -> list[dict]:
    commitments = []
    keys = set()
    raw_list = v.items(raw_agreement.get("commitments"), f"{path}.commitments")
    for c_index, raw in enumerate(raw_list):
        c_path = f"{path}.commitments[{c_index}]"
        commitment = v.fields(
            raw,
            c_path,
            {
                "key": F.required_text(80),
                "kind": F.choice(COMMITMENT_KINDS),
                "description": F.text(F.MAX_NOTES),
                "target": F.optional(F.integer(1)),
                "target_is_maximum": lambda value: bool(value),
                "unit": F.text(80),
                "deadline": lambda value: None if F.is_blank(value) else F.parse_date(value, True),
                "period_start": F.optional_date,
                "period_end": F.optional_date,
                "baseline_start": F.optional_date,
                "baseline_end": F.optional_date,
            },
        )
        if not isinstance(raw, dict):
            continue
        if commitment.get("key") in keys:
            v.error(f"{c_path}.key", f"{commitment['key']!r} appears twice")
        keys.add(commitment.get("key"))
        deadline = commitment.get("deadline")
        if deadline and signed_on and deadline < signed_on:
            v.error(f"{c_path}.deadline", "is before the agreement was signed")
        for start, end in (("period_start", "period_end"), ("baseline_start", "baseline_end")):
            if (
                commitment.get(start)
                and commitment.get(end)
                and commitment[end] < commitment[start]
            ):
                v.error(f"{c_path}.{end}", f"is before {start}")
        commitment["status"] = status_of(raw)
        commitment["obligated_party"] = party_ref(
            raw.get("obligated_party"), f"{c_path}.obligated_party"
        )
        commitment["beneficiary_party"] = party_ref(
            raw.get("beneficiary_party"), f"{c_path}.beneficiary_party"
        )
        commitment["status_history"] = []
        for h_index, change in enumerate(
            v.items(raw.get("status_history"), f"{c_path}.status_history")
        ):
            commitment["status_history"].append(
                v.fields(
                    change,
                    f"{c_path}.status_history[{h_index}]",
                    {
                        "date": F.parse_date,
                        "status": F.scale(0, 3, None),
                        "notes": F.text(F.MAX_NOTES),
                        "source_url": F.url_list,
                    },
                )
            )
        releases = []
        for r_index, release in enumerate(v.items(raw.get("releases"), f"{c_path}.releases")):
            r_path = f"{c_path}.releases[{r_index}]"
            if not isinstance(release, dict):
                v.error(r_path, "must be an object")
                continue
            if commitment.get("kind") not in (None, "prisoner_release"):
                v.error(r_path, "release records belong to prisoner_release commitments only")
            clean, errors = F.parse_release(release)
            v.record_errors(errors, r_path)
            clean["status"] = status_of(release)
            releases.append(clean)
        commitment["releases"] = releases
        commitments.append(commitment)
    return commitments


def import_bundle(doc: Any, status: str | None = None) -> tuple[PeaceProcess, ImportCounts]:
    """Validate, then write a bundle in the current transaction; the caller commits."""
    plan = clean_bundle(doc, status)
    counts = ImportCounts()
    sources = SourceCache(plan["sources"])

    values = plan["process"]
    process = db.session.scalar(select(PeaceProcess).where(PeaceProcess.slug == values["slug"]))
    if process is None:
        process = PeaceProcess(**values)
        db.session.add(process)
        counts.count("process", "added")
    else:
        counts.count("process", "updated" if assign(process, values) else "unchanged")

    parties = {party.name: party for party in process.parties}
    for values in plan["parties"]:
        party = parties.get(values["name"])
        if party is None:
            party = parties[values["name"]] = Party(process=process, **values)
            db.session.add(party)
            counts.count("party", "added")
        else:
            counts.count("party", "updated" if assign(party, values) else "unchanged")

    by_key = {agreement.key: agreement for agreement in process.agreements}
    for values in plan["agreements"]:
        commitments = values.pop("commitments")
        values["signatories"] = [parties[name] for name in values["signatories"]]
        values["sources"] = [
            sources.get(s["url"], s.get("publisher", "")) for s in values["sources"]
        ]
        agreement = by_key.get(values["key"])
        if agreement is None:
            agreement = Agreement(process=process, **values)
            db.session.add(agreement)
            counts.count("agreement", "added")
        else:
            counts.count("agreement", "updated" if assign(agreement, values) else "unchanged")
        for commitment_values in commitments:
            _write_commitment(agreement, commitment_values, parties, sources, counts)

    existing = {(m.date, m.title): m for m in process.milestones}
    for values in plan["milestones"]:
        values["sources"] = sources.many(values.pop("source_url"))
        milestone = existing.get((values["date"], values["title"]))
        if milestone is None:
            db.session.add(Milestone(process=process, **values))
            counts.count("milestone", "added")
        else:
            counts.count("milestone", "updated" if assign(milestone, values) else "unchanged")

    db.session.flush()
    for values in plan["violence"]:
        write_violence(process, values, sources, counts)
    db.session.flush()
    return process, counts


def _write_commitment(agreement, values, parties, sources, counts) -> None:
    releases = values.pop("releases")
    history = values.pop("status_history")
    values["obligated_party"] = parties.get(values["obligated_party"])
    values["beneficiary_party"] = parties.get(values["beneficiary_party"])
    commitment = next((c for c in agreement.commitments if c.key == values["key"]), None)
    if commitment is None:
        commitment = Commitment(agreement=agreement, **values)
        db.session.add(commitment)
        counts.count("commitment", "added")
    else:
        counts.count("commitment", "updated" if assign(commitment, values) else "unchanged")

    known = {(c.changed_on, c.status): c for c in commitment.status_changes}
    for change in history:
        change_values = {
            "changed_on": change["date"],
            "status": change["status"],
            "notes": change["notes"],
            "sources": sources.many(change["source_url"]),
        }
        existing = known.get((change["date"], change["status"]))
        if existing is None:
            db.session.add(CommitmentStatusChange(commitment=commitment, **change_values))
            counts.count("status_change", "added")
        else:
            counts.count(
                "status_change", "updated" if assign(existing, change_values) else "unchanged"
            )

    if commitment.id is None:
        db.session.flush()
    for release in releases:
        write_release(commitment, release, sources, counts)

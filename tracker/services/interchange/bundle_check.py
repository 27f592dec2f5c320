"""Checking a process bundle before anything is written: every value by the rule set of its kind.

The field parsers and cross-field rules are those of the forms and the CSV imports
(:mod:`tracker.services.rules.kinds`, :mod:`tracker.services.rules.fields`), so a value is
accepted or refused with the same message wherever it comes from. Every error names its JSON
path, such as ``agreements[0].commitments[1].releases[3].count``. Every string of the document,
read by a parser or not, is held to the character rule of the request edge and the CSV readers
(:mod:`tracker.services.rules.characters`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import PeaceProcess
from tracker.models.base import REVIEW_STATUS
from tracker.services.interchange.bundle import FORMAT, BundleError
from tracker.services.interchange.kept_columns import parse_kept
from tracker.services.interchange.writers import claims_from_lists
from tracker.services.rules import fields as F
from tracker.services.rules import kinds as K
from tracker.services.rules.characters import json_strings, unstorable_character

# Milestones and status changes cite their sources by URL (``;``-separated or a list).
_SOURCE_URLS: dict[str, Callable[[Any], Any]] = {"source_url": F.url_list}


class Validator:
    """Collects errors by JSON path while cleaning a bundle."""

    def __init__(self, status: str | None):
        self.errors: list[tuple[str, str]] = []
        self.status = status  # the --status option: overrides every record's own
        self.names: dict[str, str] = {}  # party name or short name -> name

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def fields(
        self,
        raw: Any,
        path: str,
        parsers: Mapping[str, Any],
        names: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Parse an object's fields, recording each error under ``path.field``."""
        if not isinstance(raw, dict):
            self.error(path, "must be an object")
            return {}
        clean, errors = F.parse_fields(raw, parsers, names)
        self.record_errors(errors, path)
        return clean

    def items(self, raw: Any, path: str) -> list:
        """A list, or an error when the value is something else (missing gives [])."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.error(path, "must be a list")
            return []
        return raw

    def objects(self, raw: Any, path: str) -> list[tuple[str, dict]]:
        """(path, object) for each object of a list; other values are errors."""
        found = []
        for index, item in enumerate(self.items(raw, path)):
            if isinstance(item, dict):
                found.append((f"{path}[{index}]", item))
            else:
                self.error(f"{path}[{index}]", "must be an object")
        return found

    def record_errors(self, errors: Mapping[str, str], path: str) -> None:
        for name, message in errors.items():
            self.error(f"{path}.{name}", message)

    def once(self, seen: set, value: Any, path: str) -> None:
        """An error when ``value`` (a key, an external id) was already seen in this list."""
        if value in seen:
            self.error(path, f"{value!r} appears twice")
        seen.add(value)

    def status_of(self, raw: Any, key: str = "status") -> str:
        """The review status a record gets: the option, else its own, else under review.

        ``key`` names the record's own review status (``review_status`` in a status history,
        whose ``status`` is the PAM value).
        """
        if self.status:
            return self.status
        try:
            return F.choice(REVIEW_STATUS, "under_review")(raw.get(key))
        except F.FieldError:
            return "under_review"

    def party(self, value: Any, path: str, required: bool = False) -> str | None:
        """The name of a party given by name or short name."""
        if F.is_blank(value):
            if required:
                self.error(path, "is required")
            return None
        if not isinstance(value, str) or value.strip() not in self.names:
            self.error(path, f"{value!r} is not a party of this process (see 'parties')")
            return None
        return self.names[value.strip()]


def clean_bundle(doc: Any, status: str | None = None) -> dict[str, Any]:
    """Validate a whole bundle; return the cleaned plan or raise :class:`BundleError`."""
    if not isinstance(doc, dict):
        raise BundleError([("$", "the bundle must be a JSON object")])
    v = Validator(status)
    for path, value, is_name in json_strings(doc):
        if problem := unstorable_character(value):
            what = "a field name here holds" if is_name else "holds"
            v.error(path or "$", f"{what} {problem}, which cannot be stored; remove it")
    if doc.get("format") != FORMAT:
        v.error("format", f"must be {FORMAT!r}; got {doc.get('format')!r}")
    process = v.fields(
        doc.get("process"),
        "process",
        {**K.PROCESS_FIELDS, "status": F.choice(REVIEW_STATUS, status or "under_review")},
    )
    if status:
        process["status"] = status
    plan = {
        "process": process,
        "parties": _parties(v, doc.get("parties"), process.get("slug")),
        "sources": _sources(v, doc.get("sources")),
        "agreements": _agreements(v, doc.get("agreements")),
        "milestones": _milestones(v, doc.get("milestones")),
        "violence": _violence(v, doc.get("violence")),
    }
    if v.errors:
        raise BundleError(v.errors)
    return plan


def _parties(v: Validator, raw: Any, slug: str | None) -> list[dict]:
    """The bundle's parties; fills ``v.names`` with theirs and the process's existing ones."""
    parties = []
    for path, item in v.objects(raw, "parties"):
        party = v.fields(item, path, K.PARTY_FIELDS)
        if party.get("name"):
            if party["name"] in v.names.values():
                v.error(f"{path}.name", f"{party['name']!r} appears twice")
            v.names[party["name"]] = party["name"]
            if party.get("short_name"):
                v.names.setdefault(party["short_name"], party["name"])
            parties.append(party)
    for name, full in _existing_party_names(slug).items():
        v.names.setdefault(name, full)
    return parties


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


def _sources(v: Validator, raw: Any) -> dict[str, dict]:
    """The bundle's sources by URL."""
    sources = {}
    for path, item in v.objects(raw, "sources"):
        source = v.fields(item, path, K.SOURCE_FIELDS)
        if source.get("url"):
            sources[source["url"]] = source
    return sources


def _agreements(v: Validator, raw: Any) -> list[dict]:
    """Agreements with their signatories, sources and commitments."""
    agreements, keys = [], set()
    for path, item in v.objects(raw, "agreements"):
        agreement = v.fields(item, path, K.AGREEMENT_FIELDS)
        if "key" in agreement:
            v.once(keys, agreement["key"], f"{path}.key")
        agreement["status"] = v.status_of(item)
        agreement["signatories"] = [
            v.party(name, f"{path}.signatories[{i}]", required=True)
            for i, name in enumerate(v.items(item.get("signatories"), f"{path}.signatories"))
        ]
        agreement["sources"] = [
            source
            for s_path, s_item in v.objects(item.get("sources"), f"{path}.sources")
            if (source := v.fields(s_item, s_path, {"url": F.url, "publisher": F.publisher})).get(
                "url"
            )
        ]
        agreement["commitments"] = _commitments(v, item, path, agreement.get("signed_on"))
        agreements.append(agreement)
    return agreements


def _commitments(v: Validator, agreement: dict, path: str, signed_on) -> list[dict]:
    """An agreement's commitments, by the rules of the commitment form."""
    commitments, keys = [], set()
    for c_path, item in v.objects(agreement.get("commitments"), f"{path}.commitments"):
        commitment = v.fields(item, c_path, K.COMMITMENT_FIELDS)
        if "key" in commitment:
            v.once(keys, commitment["key"], f"{c_path}.key")
        v.record_errors(K.commitment_rules(commitment, signed_on), c_path)
        commitment["status"] = v.status_of(item)
        for role in ("obligated_party", "beneficiary_party"):
            commitment[role] = v.party(item.get(role), f"{c_path}.{role}")
        commitment["status_history"] = _status_history(v, item, c_path)
        commitment["releases"] = _releases(v, item, c_path, commitment.get("kind"))
        commitments.append(commitment)
    return commitments


def _status_history(v: Validator, commitment: dict, path: str) -> list[dict]:
    """A commitment's status changes, by the rules of the status form; in the bundle an
    entry's ``status`` is the PAM value and ``review_status`` its review status."""
    history = []
    names = {"changed_on": "date", "pam_status": "status"}
    for h_path, item in v.objects(commitment.get("status_history"), f"{path}.status_history"):
        change = v.fields(item, h_path, K.STATUS_CHANGE_FIELDS | _SOURCE_URLS, names)
        change["status"] = v.status_of(item, "review_status")
        history.append(change)
    return history


def _releases(v: Validator, commitment: dict, path: str, kind: str | None) -> list[dict]:
    """A commitment's release records, by the rules of the CSV import."""
    releases = []
    for r_path, item in v.objects(commitment.get("releases"), f"{path}.releases"):
        if kind not in (None, "prisoner_release"):
            v.error(r_path, K.NOT_A_RELEASE_TERM)
        clean, errors = F.parse_release(item)
        v.record_errors(errors, r_path)
        clean["status"] = v.status_of(item)
        releases.append(clean)
    return releases


def _milestones(v: Validator, raw: Any) -> list[dict]:
    """Milestones, by the rules of the milestone form."""
    milestones = []
    for path, item in v.objects(raw, "milestones"):
        milestone = v.fields(item, path, K.MILESTONE_FIELDS | _SOURCE_URLS)
        v.record_errors(K.milestone_rules(milestone), path)
        milestone["status"] = v.status_of(item)
        milestones.append(milestone)
    return milestones


def _violence(v: Validator, raw: Any) -> list[dict]:
    """Violence reports, by the rules of the CSV import, with their claims."""
    reports, seen_ids = [], set()
    for path, item in v.objects(raw, "violence"):
        report, errors = F.parse_violence(item)
        kept, kept_errors = parse_kept(item)
        report.update(kept)
        v.record_errors({**errors, **kept_errors}, path)
        if report.get("event_id_cnty"):
            v.once(seen_ids, report["event_id_cnty"], f"{path}.event_id_cnty")
        report["status"] = v.status_of(item)
        if "claims" in item:
            report["claims"] = [
                v.fields(claim, c_path, F.CLAIM_FIELDS)
                for c_path, claim in v.objects(item.get("claims"), f"{path}.claims")
            ]
        else:
            report["claims"] = claims_from_lists(report)
        reports.append(report)
    return reports

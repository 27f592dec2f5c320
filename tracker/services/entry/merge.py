"""Three-way merge of a form saved over someone else's change.

A form carries the values it was opened with (its base). When the record changed meanwhile,
each field is compared three ways: a field only the other person changed keeps their value, a
field only this editor changed takes theirs, and a field both changed differently is a
conflict the editor resolves field by field. Nothing the other person wrote is overwritten
without the editor choosing to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tracker.services.entry.revisions import comparable

MINE, THEIRS = "mine", "theirs"


@dataclass
class Merge:
    """The result of a three-way merge: merged values and the fields both people changed."""

    merged: dict[str, Any]
    current: dict[str, Any]
    conflicts: list[str] = field(default_factory=list)


def three_way(kind: Any, base: dict, mine: dict, current: dict) -> Merge:
    """Merge ``mine`` (this editor's values) and ``current`` (saved meanwhile) from ``base``."""
    old, new, now = comparable(kind, base), comparable(kind, mine), comparable(kind, current)
    merged = dict(current)
    conflicts = []
    for name in mine:
        if new.get(name) == old.get(name):
            merged[name] = current.get(name)  # not changed here: theirs (or as it was)
        elif now.get(name) in (old.get(name), new.get(name)):
            merged[name] = mine[name]  # changed here only, or both the same way
        else:
            merged[name] = mine[name]
            conflicts.append(name)
    return Merge(merged=merged, current=current, conflicts=conflicts)


def _json_of(text: str | None):
    """What a form's hidden JSON field holds, or None when absent or not JSON."""
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past what Python can parse
        return None


def parse_base(text: str | None) -> dict | None:
    """The base a form sent (JSON), or None when absent or not an object."""
    value = _json_of(text)
    return value if isinstance(value, dict) else None


def parse_list(text: str | None) -> list[str] | None:
    """A list of strings a form sent as JSON (the warnings it showed), or None."""
    value = _json_of(text)
    return [str(item) for item in value] if isinstance(value, list) else None


def raw_value(value: Any) -> Any:
    """A stored (JSON-safe) value as a form would submit it."""
    if value is None:
        return ""
    if isinstance(value, bool | list | dict):
        return value
    return str(value)


def claim_rows(claims: list[dict]) -> list[dict]:
    """Claims shaped by the claim rules, as the form's claim rows submit them."""
    return [
        {
            "actor": claim.get("actor") or "",
            "stance": claim.get("stance") or "",
            "stated_on": claim.get("date") or "",
            "notes": claim.get("notes") or "",
            "source_url": "; ".join(claim.get("source_url") or []),
        }
        for claim in claims
    ]


def resolve(raw: dict, form: Any, base: dict | None) -> tuple[dict, list[str]]:
    """Apply the editor's per-field choices after a conflict: "theirs" takes the base value
    (the other person's, as shown side by side). Returns the raw values and the fields
    still lacking a choice."""
    names = [name for name in (form.get("must_choose") or "").split(",") if name]
    missing = []
    for name in names:
        choice = form.get(f"choose-{name}")
        if choice == THEIRS and base is not None and name in base and name in raw:
            raw[name] = claim_rows(base[name]) if name == "claims" else raw_value(base[name])
        elif choice != MINE:
            missing.append(name)
    return raw, missing

"""Columns of the source data sets that the tracker keeps as they come, and the data sets.

ACLED's exports carry columns the tracker does not compute with but that researchers filter
on (``disorder_type``, ``inter1``...); UCDP GED codes its own ``type_of_violence``. They are
stored, exported in the violence CSV and the bundle, and served by the API, by the same names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import PeaceProcess, ViolenceReport
from tracker.services.rules import fields as F
from tracker.services.rules.remembered import RememberedFields

ACLED = "ACLED"
UCDP_GED = "UCDP GED"
UCDP_GED_EXTRACT = "UCDP GED (reduced extract)"
# What each data set asks of those who show its data.
DATASETS = {
    ACLED: {
        "licence": "ACLED terms of use",
        "citation": "Armed Conflict Location & Event Data Project (ACLED); acleddata.com",
        "url": "https://acleddata.com/terms-of-use/",
    },
    UCDP_GED: {
        "licence": "CC BY 4.0",
        "citation": (
            'Sundberg, Ralph and Erik Melander (2013), "Introducing the UCDP Georeferenced '
            'Event Dataset", Journal of Peace Research 50(4): 523-532'
        ),
        "url": "https://ucdp.uu.se/downloads/",
    },
}
DATASETS[UCDP_GED_EXTRACT] = DATASETS[UCDP_GED]


def _type_of_violence(value: Any) -> int | None:
    """UCDP's code: 1 state-based, 2 non-state, 3 one-sided violence."""
    return F.scale(1, 3, None)(value)


KEPT_FIELDS = {
    "disorder_type": F.text(100),
    "civilian_targeting": F.text(100),
    "inter1": F.text(100),
    "inter2": F.text(100),
    "interaction": F.text(100),
    "admin3": F.text(200),
    "iso": F.text(10),
    "iso3": F.text(3),
    "region": F.text(100),
    "tags": F.text(F.MAX_NOTES),
    "timestamp": F.text(20),
    "original_event_type": F.text(100),
    "type_of_violence": _type_of_violence,
    "dataset": F.text(100),
    "licence": F.text(100),
}
KEPT_COLUMNS = tuple(KEPT_FIELDS)
REMEMBERED_KEPT_FIELDS = RememberedFields(KEPT_FIELDS, F.FieldError, optional=KEPT_COLUMNS)


def parse_kept(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The kept columns that ``raw`` has (absent ones are left out, so they change nothing)."""
    return REMEMBERED_KEPT_FIELDS.parse(raw)


def kept_values(report) -> dict[str, Any]:
    """A report's kept columns, by name (for exports and the API)."""
    return {name: getattr(report, name) for name in KEPT_COLUMNS}


def citation(dataset: str) -> dict[str, str] | None:
    """How to cite a data set (name, licence, citation, url), or None for our own records."""
    if dataset not in DATASETS:
        return None
    return {"name": dataset, **DATASETS[dataset]}


def dataset_citations(process: PeaceProcess, statuses=("published",)) -> list[dict[str, str]]:
    """The citations the data sets behind a process's shown reports ask for."""
    names = db.session.scalars(
        select(ViolenceReport.dataset)
        .where(
            ViolenceReport.process_id == process.id,
            ViolenceReport.status.in_(statuses),
            ViolenceReport.dataset != "",
        )
        .distinct()
        .order_by(ViolenceReport.dataset)
    )
    return [found for found in map(citation, names) if found]

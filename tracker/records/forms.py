"""Forms for every record kind. Fields carry no validators of their own: values are checked by
the entry service (the parsers of services/fields.py), so forms, CSV imports and bundles agree.
Every input is text (dates as 2020-04-08, numbers with inputmode=numeric) so what a researcher
typed is shown back unchanged after an error.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from tracker.models.base import (
    ACLED_EVENT_TYPES,
    COMMITMENT_KINDS,
    DATE_PRECISION,
    GEO_PRECISION_LABELS,
    PAM_STATUS_LABELS,
    PARTY_KINDS,
    TIME_PRECISION_LABELS,
    VERIFICATION,
)

DATE_HINT = "For example 2020-04-08 (or 08 April 2020)"
NUMBER = {"inputmode": "numeric", "autocomplete": "off"}


def loose(value: Any) -> Any:
    """Select coercion that never fails: ids become ints, blanks None, anything else stays."""
    if value is None or value == "":
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit()):
        return int(value)
    return str(value)


def options(pairs: Any, group: str | None = None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, optionally inside one <optgroup>."""
    return [SelectChoice(value, label, optgroup=group) for value, label in pairs]


def select(label: str, pairs: Any = (), **kwargs) -> SelectField:
    """A select validated by the entry service, not by WTForms."""
    return SelectField(label, choices=options(pairs), coerce=loose, validate_choice=False, **kwargs)


def words(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """Choices whose labels are the values with spaces for underscores."""
    return [(value, value.replace("_", " ")) for value in values]


def date_field(label: str) -> StringField:
    return StringField(label, render_kw={"autocomplete": "off"})


class SourceRow(Form):
    """One source of a record: reused by URL when it is already known."""

    url = StringField("URL", render_kw={"inputmode": "url", "autocomplete": "off"})
    publisher = StringField("Publisher")
    title = StringField("Title")


class ClaimRow(Form):
    """An actor's claim or denial of responsibility."""

    actor = StringField("Actor", render_kw={"list": "actor-names", "autocomplete": "off"})
    stance = select("Claimed or denied", [("claimed", "claimed"), ("denied", "denied")])
    stated_on = date_field("Date of the statement")
    source_url = StringField("Source URL", render_kw={"inputmode": "url"})
    notes = StringField("Notes")


class RecordForm(FlaskForm):
    """What every record form has: the version it was opened at and the warning confirmation."""

    version = HiddenField()
    seen_event = HiddenField()
    base = HiddenField()  # the values the form was opened with, for a three-way merge
    confirm_warnings = BooleanField("I have checked the warnings above; save anyway")
    save = SubmitField("Save")

    layout: tuple[tuple[str, tuple[str, ...]], ...] = ()
    hints: dict[str, str] = {}

    def raw(self) -> dict[str, Any]:
        """The submitted values by field name, as the entry service takes them."""
        skip = {"csrf_token", "version", "seen_event", "base", "confirm_warnings", "save"}
        return {name: field.data for name, field in self._fields.items() if name not in skip}


class SourcesMixin:
    sources = FieldList(FormField(SourceRow), min_entries=1, max_entries=20)


class ReleaseForm(SourcesMixin, RecordForm):
    commitment_id = select("Commitment")
    kind = select(
        "Kind of report",
        [("batch", "batch"), ("cumulative", "running total")],
    )
    date = date_field("Date")
    date_precision = select("Date precision", words(DATE_PRECISION))
    count = StringField("Number of people", render_kw=NUMBER)
    count_low = StringField("Low estimate (optional)", render_kw=NUMBER)
    count_high = StringField("High estimate (optional)", render_kw=NUMBER)
    location = StringField("Place")
    verification = select("Verification", words(VERIFICATION))
    notes = TextAreaField("Notes")

    layout = (
        ("Release", ("commitment_id", "kind", "date", "date_precision")),
        ("Numbers", ("count", "count_low", "count_high")),
        ("Details", ("location", "verification", "notes")),
    )
    hints = {
        "date": DATE_HINT,
        "count": "A whole number such as 100",
        "kind": "A batch adds to the total; a running total is the figure reported so far.",
    }


def event_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in ACLED_EVENT_TYPES]


def sub_event_choices() -> list[SelectChoice]:
    """Sub-event types grouped by event type (optgroups), so the pairing is visible without JS."""
    choices = options([("", "(none)")])
    for event, subs in ACLED_EVENT_TYPES.items():
        choices += options([(sub, sub) for sub in subs], group=event)
    return choices


class ViolenceForm(SourcesMixin, RecordForm):
    process_id = select("Process")
    event_id_cnty = StringField("Event id (optional, e.g. an ACLED id)")
    event_date = date_field("Date of the event")
    time_precision = select(
        "Date precision", [(k, f"{k}: {v}") for k, v in TIME_PRECISION_LABELS.items()]
    )
    event_type = select("Event type", [("", "Choose an event type"), *event_choices()])
    sub_event_type = SelectField(
        "Sub-event type", choices=sub_event_choices(), coerce=loose, validate_choice=False
    )
    actor1 = StringField("Actor 1 (perpetrator as reported)", render_kw={"list": "actor-names"})
    assoc_actor_1 = StringField("Associated actors of actor 1")
    actor2 = StringField("Actor 2 (target)", render_kw={"list": "actor-names"})
    assoc_actor_2 = StringField("Associated actors of actor 2")
    country = StringField("Country")
    admin1 = StringField("Province (admin1)")
    admin2 = StringField("District (admin2)")
    location = StringField("Place")
    latitude = StringField("Latitude", render_kw={"inputmode": "decimal"})
    longitude = StringField("Longitude", render_kw={"inputmode": "decimal"})
    geo_precision = select(
        "Place precision",
        [("", "unknown"), *((k, f"{k}: {v}") for k, v in GEO_PRECISION_LABELS.items())],
    )
    fatalities = StringField("Fatalities (best estimate)", render_kw=NUMBER)
    fatalities_low = StringField("Fatalities, low estimate", render_kw=NUMBER)
    fatalities_high = StringField("Fatalities, high estimate", render_kw=NUMBER)
    injuries = StringField("Injuries", render_kw=NUMBER)
    verification = select("Verification", words(VERIFICATION))
    notes = TextAreaField("Description")
    claims = FieldList(FormField(ClaimRow), min_entries=1, max_entries=20)

    layout = (
        ("Event", ("process_id", "event_id_cnty", "event_date", "time_precision")),
        ("Type", ("event_type", "sub_event_type")),
        ("Actors", ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")),
        (
            "Place",
            ("country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision"),
        ),
        ("Casualties", ("fatalities", "fatalities_low", "fatalities_high", "injuries")),
        ("Details", ("verification", "notes")),
    )
    hints = {
        "event_date": DATE_HINT,
        "sub_event_type": "Choose one listed under the event type you chose.",
        "latitude": "Between -90 and 90, e.g. 34.9461",
        "longitude": "Between -180 and 180, e.g. 69.2649",
    }


class ProcessForm(RecordForm):
    slug = StringField("Short name for addresses (slug)")
    name = StringField("Name")
    region = StringField("Region")
    countries = StringField("Countries")
    description = TextAreaField("Description")
    layout = (("Process", ("slug", "name", "region", "countries", "description")),)
    hints = {
        "slug": "Letters a-z, digits and single hyphens, e.g. afghanistan-2020",
        "countries": "Names or ISO codes separated by ;, e.g. Afghanistan. Imports naming "
        "other countries ask for confirmation.",
    }


class PartyForm(RecordForm):
    process_id = select("Process")
    name = StringField("Name")
    short_name = StringField("Short name")
    kind = select("Kind", words(PARTY_KINDS))
    layout = (("Party", ("process_id", "name", "short_name", "kind")),)


class AgreementForm(SourcesMixin, RecordForm):
    process_id = select("Process")
    key = StringField("Key")
    title = StringField("Title")
    signed_on = date_field("Signed on")
    summary = TextAreaField("Summary")
    signatories = SelectMultipleField(
        "Signatories", choices=[], coerce=loose, validate_choice=False
    )
    layout = (("Agreement", ("process_id", "key", "title", "signed_on", "signatories", "summary")),)
    hints = {
        "key": "Letters a-z, digits and single hyphens, e.g. doha",
        "signed_on": DATE_HINT,
        "signatories": "Hold Ctrl (or Cmd) to choose several.",
    }


class CommitmentForm(RecordForm):
    agreement_id = select("Agreement")
    key = StringField("Key")
    kind = select("Kind", words(COMMITMENT_KINDS))
    description = TextAreaField("Description")
    obligated_party_id = select("Obligated party")
    beneficiary_party_id = select("Beneficiary party (whose people are released)")
    target = StringField("Target", render_kw=NUMBER)
    target_is_maximum = BooleanField('The target is a maximum ("up to")')
    unit = StringField("Unit, e.g. prisoners")
    deadline = date_field("Deadline")
    period_start = date_field("Period start")
    period_end = date_field("Period end")
    baseline_start = date_field("Baseline start")
    baseline_end = date_field("Baseline end")
    layout = (
        ("Term", ("agreement_id", "key", "kind", "description")),
        ("Parties", ("obligated_party_id", "beneficiary_party_id")),
        ("Target", ("target", "target_is_maximum", "unit", "deadline")),
        (
            "Reduction in violence (only for that kind)",
            ("period_start", "period_end", "baseline_start", "baseline_end"),
        ),
    )
    hints = {
        "key": "Letters a-z, digits and single hyphens, e.g. gov-releases",
        "target": "For a countable term: a whole number such as 5000",
        "deadline": "On or after the signing. " + DATE_HINT,
        "period_start": DATE_HINT,
    }


class StatusChangeForm(SourcesMixin, RecordForm):
    commitment_id = select("Commitment (not countable)")
    changed_on = date_field("Date of the change")
    pam_status = select(
        "Implementation status",
        [("", "Choose a status")] + [(k, f"{k}: {v}") for k, v in PAM_STATUS_LABELS.items()],
    )
    notes = TextAreaField("Notes")
    layout = (("Status", ("commitment_id", "changed_on", "pam_status", "notes")),)
    hints = {"changed_on": DATE_HINT}


class MilestoneForm(SourcesMixin, RecordForm):
    process_id = select("Process")
    date = date_field("Date")
    end_date = date_field("End date (optional)")
    title = StringField("Title")
    notes = TextAreaField("Notes")
    layout = (("Milestone", ("process_id", "date", "end_date", "title", "notes")),)
    hints = {"date": DATE_HINT}


class SourceForm(RecordForm):
    url = StringField("URL", render_kw={"inputmode": "url"})
    publisher = StringField("Publisher")
    title = StringField("Title")
    published_on = date_field("Published on")
    accessed_on = date_field("Accessed on")
    layout = (("Source", ("url", "publisher", "title", "published_on", "accessed_on")),)


FORMS: dict[str, type[RecordForm]] = {
    "release": ReleaseForm,
    "violence": ViolenceForm,
    "process": ProcessForm,
    "party": PartyForm,
    "agreement": AgreementForm,
    "commitment": CommitmentForm,
    "status": StatusChangeForm,
    "milestone": MilestoneForm,
    "source": SourceForm,
}


class ActionForm(FlaskForm):
    """A one-button POST (publish, archive, restore): CSRF and the version seen."""

    version = HiddenField()


class SettingsForm(FlaskForm):
    """Admin settings."""

    review_required = BooleanField(
        "Publishing needs a second person (an author cannot publish their own records)"
    )
    save = SubmitField("Save settings")

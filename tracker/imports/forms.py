"""The upload form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange

STATUS_CHOICES = [
    ("under_review", "Under review (a second person publishes them)"),
    ("published", "Published"),
]


class UploadForm(FlaskForm):
    """Choose what to import into, the review status and the CSV file."""

    target = SelectField("Import into", validators=[InputRequired()], choices=[])
    status = SelectField("Review status of new and changed records", default="under_review")
    file = FileField(
        "CSV file (UTF-8, comma-separated)",
        validators=[FileRequired("Choose a CSV file to upload.")],
    )
    submit = SubmitField("Upload and preview")

    def __init__(self, targets, may_publish: bool, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = targets
        # Publishing takes a second person; only an admin's import may publish directly.
        self.status.choices = STATUS_CHOICES if may_publish else STATUS_CHOICES[:1]

    def target_parts(self) -> tuple[str, int]:
        """("violence" | "releases", id) from the chosen target."""
        kind, _, target_id = self.target.data.partition(":")
        return kind, int(target_id)


class ConfirmForm(FlaskForm):
    """Confirm or cancel a previewed upload; rows outside the process need a tick."""

    accept_outside = BooleanField("Import these rows too: they belong in this process")


class PaxForm(FlaskForm):
    """A PA-X file, the agreement's AgtId, and the process it belongs to."""

    file = FileField(
        "PA-X agreements file (pax_all_agreements_data.csv)",
        validators=[FileRequired("Choose the PA-X file to upload.")],
    )
    pax_id = IntegerField(
        "PA-X agreement id (AgtId)",
        validators=[
            InputRequired("Enter the agreement's AgtId, e.g. 2271."),
            NumberRange(1, 2_000_000_000, "Enter the agreement's AgtId, e.g. 2271."),
        ],
    )
    target_process = SelectField("Process", choices=[])
    status = SelectField("Review status of the agreement and its terms", default="under_review")
    submit = SubmitField("Import the agreement")

    def __init__(self, processes, may_publish: bool, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_process.choices = [("", "A new process, named as in PA-X"), *processes]
        self.status.choices = STATUS_CHOICES if may_publish else STATUS_CHOICES[:1]

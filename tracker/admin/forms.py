"""Admin forms: create an account, change a role, and plain CSRF-protected action buttons."""

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from tracker.models.base import ROLES

ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]


class CreateUserForm(FlaskForm):
    """A new account: its email, a display name and a role."""

    email = EmailField(
        "Email",
        validators=[
            DataRequired(message="Enter the email address."),
            # A light check (no extra package): something@something.something, no spaces.
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message="Enter an email address like name@example.org.",
            ),
            Length(max=254),
        ],
    )
    display_name = StringField("Display name", validators=[Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="researcher")


class RoleForm(FlaskForm):
    """Change an account's role."""

    role = SelectField("Role", choices=ROLE_CHOICES)


class ActionForm(FlaskForm):
    """A button that changes state: just the CSRF token."""

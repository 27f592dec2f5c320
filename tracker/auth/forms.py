"""Account forms, and the credential check the login view makes after counting the attempt."""

import secrets
from functools import cache

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from tracker.extensions import db
from tracker.models import User
from tracker.services.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    PasswordError,
    check_password_policy,
)

LOGIN_FAILED = "Email or password is incorrect."
PASSWORD_HINT = (
    f"At least {MIN_LENGTH} characters. Any characters; a few unrelated words make a good one. "
    "Commonly used passwords are refused."
)


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made once per process."""
    return generate_password_hash(secrets.token_hex(16))


def find_user_by_email(email: str) -> User | None:
    """The account with this email, compared case-insensitively."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def password_policy(form, field) -> None:
    """WTForms validator: the password policy of :mod:`tracker.services.accounts.passwords`."""
    try:
        check_password_policy(field.data or "")
    except PasswordError as error:
        message = str(error)
        raise ValidationError(message[0].upper() + message[1:] + ".") from error


def authenticate(email: str, password: str) -> User | None:
    """The active account with this email and password, or None.

    Exactly one password hash is checked whatever the email: an unknown email, a deactivated
    account and an active one take the same time, so timing tells none of them apart.
    """
    user = find_user_by_email(email)
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    matches = check_password_hash(stored, password)
    if user is None or not user.password_hash or not user.is_active or not matches:
        return None
    return user


class LoginForm(FlaskForm):
    """Email and password. One generic message on failure: it never says which emails exist.

    The form checks its fields; the login view counts the attempt against the throttle, then
    checks the credentials with :func:`authenticate`.
    """

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")


class ChangePasswordForm(FlaskForm):
    """The current password, then the new one twice."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    new_password = PasswordField("New password", validators=[DataRequired(), password_policy])
    confirm_password = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
    )
    submit = SubmitField("Change password")

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field) -> None:
        """The current password must be right."""
        if not self.user.check_password(field.data or ""):
            raise ValidationError("The current password is not right.")

    def validate_new_password(self, field) -> None:
        """A new password must differ from the current one."""
        if field.data and field.data == self.current_password.data:
            raise ValidationError("Choose a password different from the current one.")

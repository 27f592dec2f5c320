"""Account forms. The login form validates the user and hands it over as ``form.user``."""

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


class LoginForm(FlaskForm):
    """Email and password. One generic message on failure: it never says which emails exist."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")

    user: User | None = None

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then the credentials; set ``self.user`` on success."""
        if not super().validate(extra_validators):
            return False
        user = find_user_by_email(self.email.data)
        if user is None:
            # Spend the time of a real check, so timing does not tell which emails exist.
            check_password_hash(_dummy_hash(), self.password.data)
        if user is None or not user.is_active or not user.check_password(self.password.data):
            self.form_errors.append(LOGIN_FAILED)
            return False
        self.user = user
        return True


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

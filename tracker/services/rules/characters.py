"""Characters no table or CSV file can hold, for every edge that takes text in.

PostgreSQL text cannot hold NUL (U+0000), and a lone surrogate (U+D800 to U+DFFF) cannot be
encoded as UTF-8 at all; either, reaching a query or a write, fails deep inside the database
driver. The request edge (:mod:`tracker.inputs`) and the CSV reader refuse them with this rule.
"""

from __future__ import annotations

import re

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
NAMES = {"\x00": "a NUL character (U+0000)"}


def unstorable_character(value: str) -> str | None:
    """A description of the first character of ``value`` that cannot be stored, if any."""
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    char = found.group()
    return NAMES.get(char, f"an unpaired surrogate (U+{ord(char):04X})")

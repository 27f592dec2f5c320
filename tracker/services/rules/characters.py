"""Characters no table or CSV file can hold, for every edge that takes text in.

PostgreSQL text cannot hold NUL (U+0000), and a lone surrogate (U+D800 to U+DFFF) cannot be
encoded as UTF-8 at all; either, reaching a query or a write, fails deep inside the database
driver. The request edge (:mod:`tracker.inputs`), the CSV readers and the bundle import refuse
them with this rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
NAMES = {"\x00": "a NUL character (U+0000)"}


def unstorable_character(value: str) -> str | None:
    """A description of the first character of ``value`` that cannot be stored, if any."""
    if value.isascii() and "\x00" not in value:
        return None  # both tests run at C speed; most text is ASCII
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    char = found.group()
    return NAMES.get(char, f"an unpaired surrogate (U+{ord(char):04X})")


def json_strings(value: Any, where: str = "") -> Iterator[tuple[str, str, bool]]:
    """(JSON path, text, whether it is a field name) for every key and string inside a JSON
    document, in document order; paths read ``agreements[0].title`` (after ``where``, if any).
    No recursion, so nesting of any depth is walked."""
    pending = [(value, where)]
    while pending:
        value, where = pending.pop()
        if isinstance(value, str):
            yield where, value, False
        elif isinstance(value, dict):
            children = []
            for key, item in value.items():
                yield where, str(key), True
                children.append((item, f"{where}.{key}" if where else str(key)))
            pending.extend(reversed(children))
        elif isinstance(value, list):
            pending.extend(
                (item, f"{where}[{index}]") for index, item in reversed(list(enumerate(value)))
            )

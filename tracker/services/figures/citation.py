"""How to cite a figure: its permalink (filters fixed, the end date included), the date the data
was retrieved, and the counts behind it, as plain text and as BibTeX."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tracker.services.figures.wording import long_date

PUBLISHER = "Peace Process Tracker"
BIBTEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")
BIBTEX_WORDS = {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


@dataclass
class Citation:
    """One cited figure: what it is, where it lives, what it rests on, when it was read."""

    title: str  # the chart's title or the headline sentence
    process: str
    url: str  # the permalink
    retrieved: date
    as_of: date | None
    records: int
    sources: int
    key: str  # a BibTeX key, e.g. "ppt-afghanistan-2020-progress-2026-11-27"

    @property
    def basis(self) -> str:
        """ "Data as of 2 Sep 2020; 15 records from 12 sources"."""
        records = f"{self.records:,} record{'' if self.records == 1 else 's'}"
        sources = f"{self.sources:,} source{'' if self.sources == 1 else 's'}"
        return f"Data as of {long_date(self.as_of)}; {records} from {sources}"

    def plain_text(self) -> str:
        """A reference in plain text."""
        return (
            f"{PUBLISHER}. “{self.title}”. {self.process}. {self.basis}. "
            f"Retrieved {long_date(self.retrieved)} from {self.url}"
        )

    def bibtex(self) -> str:
        """A BibTeX @misc entry; special characters escaped, the URL left as it is."""
        note = f"{self.basis}. Retrieved {self.retrieved.isoformat()}"
        fields = [
            ("title", f"{{{bibtex_escape(self.title)}}}"),
            ("author", f"{{{PUBLISHER}}}"),
            ("year", str(self.retrieved.year)),
            ("howpublished", f"\\url{{{self.url}}}"),
            ("note", bibtex_escape(f"{self.process}. {note}")),
            ("urldate", self.retrieved.isoformat()),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}"


def bibtex_escape(text: str) -> str:
    """Escape LaTeX's special characters in a field value."""
    escaped = BIBTEX_SPECIAL.sub(lambda m: BIBTEX_WORDS.get(m.group(1), "\\" + m.group(1)), text)
    return escaped.replace("\u00a0", "~")  # LaTeX's no-break space


def citation_key(*parts: str) -> str:
    """A BibTeX key from its parts: letters, digits and hyphens only."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", "-".join(("ppt", *parts))).strip("-").lower()

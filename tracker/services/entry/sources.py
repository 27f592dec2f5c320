"""Helpers for writing records: sources reused by URL, and change-aware assignment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Source


class SourceCache:
    """Sources by URL: existing rows are reused, new ones created once per import."""

    def __init__(self, details: Mapping[str, Mapping[str, Any]] | None = None):
        self.details = dict(details or {})
        self.by_url: dict[str, Source] = {}

    def get(self, url: str, publisher: str = "") -> Source:
        """The source with this URL, created (with any known details) when new."""
        if url in self.by_url:
            return self.by_url[url]
        source = db.session.scalar(select(Source).where(Source.url == url))
        info = self.details.get(url, {})
        if source is None:
            source = Source(url=url, publisher=info.get("publisher") or publisher or "")
            db.session.add(source)
        assign(source, {k: v for k, v in info.items() if k != "url"})
        if publisher and not source.publisher:
            source.publisher = publisher
        self.by_url[url] = source
        return source

    def many(self, urls: Iterable[str], publishers: Iterable[str] = ()) -> list[Source]:
        """Sources for a list of URLs; ``publishers`` pairs with them where given."""
        names = list(publishers)
        return [
            self.get(url, names[index] if index < len(names) else "")
            for index, url in enumerate(urls)
        ]


def assign(obj: Any, values: Mapping[str, Any]) -> bool:
    """Set attributes that differ; return whether anything changed. Lists compare by identity."""
    changed = False
    for name, value in values.items():
        current = getattr(obj, name)
        if isinstance(value, list):
            if [id(item) for item in current] != [id(item) for item in value]:
                setattr(obj, name, value)
                changed = True
        elif current != value:
            setattr(obj, name, value)
            changed = True
    return changed

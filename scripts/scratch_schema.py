"""A PostgreSQL schema of one script run's own, so a script can point at any database."""

from __future__ import annotations

import contextlib
import secrets
from urllib.parse import quote


@contextlib.contextmanager
def postgres_schema(url: str, prefix: str):
    """A URL whose connections use a new schema ``<prefix>_<random>``; dropped after."""
    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{secrets.token_hex(4)}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

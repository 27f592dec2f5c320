"""Researcher forms without JavaScript: "Add another claim/source" posts, and the server adds
exactly one blank block and puts the focus (autofocus) in it, keeping every typed value."""

from __future__ import annotations

import re

from tests.records_support import post
from tests.test_records_violence import NEW, ids, report_data  # noqa: F401  - ids is a fixture


def blocks(page: str, prefix: str) -> list[str]:
    """The indexes of the blocks (claims or sources) on the page, in order."""
    return re.findall(rf'id="{prefix}-(\d+)-(?:actor|url)"', page)


def test_add_another_claim_adds_one_block_and_focuses_it(client, ids):  # noqa: F811
    page = post(client, NEW, report_data(ids, add_claim="1")).get_data(as_text=True)
    assert blocks(page, "claims") == ["0", "1", "2"]  # the two filled and ONE new blank block
    autofocused = re.findall(r"<input[^>]*autofocus[^>]*>", page)
    assert len(autofocused) == 1 and 'id="claims-2-actor"' in autofocused[0]
    assert 'value="ISIS-K"' in page and 'value="Taliban"' in page


def test_add_another_source_adds_one_block_and_focuses_it(client, ids):  # noqa: F811
    data = report_data(ids, add_source="1")
    data.update({"sources-0-url": "https://example.org/a", "sources-1-url": ""})
    page = post(client, NEW, data).get_data(as_text=True)
    assert blocks(page, "sources") == ["0", "1", "2"]
    autofocused = re.findall(r"<input[^>]*autofocus[^>]*>", page)
    assert len(autofocused) == 1 and 'id="sources-2-url"' in autofocused[0]


def test_a_plain_form_focuses_nothing(client, ids):  # noqa: F811
    page = client.get(NEW).get_data(as_text=True)
    assert "autofocus" not in re.sub(r"data-autofocus", "", page)

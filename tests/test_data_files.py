"""The raw sources match their recorded checksums; the article's claims are where we cite them."""

from __future__ import annotations

import re

import pytest

from comment_study.corpus import article, files as data
from conftest import ROOT


def recorded_checksums() -> dict[str, str]:
    readme = (ROOT / "data" / "README.md").read_text()
    return dict((path, digest) for digest, path in re.findall(r"`([0-9a-f]{64})`\s*\|\s*`(data/raw/[^`]+)`", readme)) | {
        path: digest for path, digest in re.findall(r"`(data/raw/[^`]+)`\s*\|\s*`([0-9a-f]{64})`", readme)}


def test_every_raw_file_has_a_recorded_checksum():
    raw = {f"data/raw/{p.name}" for p in (ROOT / "data/raw").iterdir()}
    assert raw and raw == set(recorded_checksums())


@pytest.mark.parametrize("relative", sorted(recorded_checksums()))
def test_raw_file_matches_its_recorded_checksum(relative):
    assert data.sha256(ROOT / relative) == recorded_checksums()[relative]


def test_article_claims_are_found_in_the_excerpt():
    figures = article.key_figures(data.article(ROOT))
    assert set(figures.index) == set(article.CLAIMS)
    assert all(row.figure in row.sentence for row in figures.itertuples())


def test_a_claim_missing_from_the_excerpt_fails_loudly():
    with pytest.raises(ValueError, match="no longer states the claim"):
        article.key_figures("An article about something else entirely.")


def test_disclosure_list_names_real_comments(comments):
    listed = data.disclosures(ROOT)
    assert listed["comment_id"].is_unique
    assert set(listed["comment_id"]) <= set(comments["comment_id"])
    assert set(listed["kind"]) <= {"abuse", "attraction"}

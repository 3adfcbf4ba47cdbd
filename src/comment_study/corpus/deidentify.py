"""The de-identified export: the form in which the repository ships the comments.

The original export holds every commenter's display name and self-reported place beside
every comment, and the full text of comments in which people disclose their own abuse. The
repository ships instead an export in the same format (``<date> · <N> comments``, then a
header ``Name (Location)`` and one line of text per comment) in which

- each display name is the commenter's stable pseudonym (``A001``, numbered by first
  appearance, exactly as :func:`comment_study.corpus.export.pseudonyms` numbers them);
- each location is the region the study uses (:mod:`comment_study.corpus.regions`), written
  so that the rules read it back as the same region (:func:`region_label`);
- inside the texts, a name that addresses or quotes another commenter (``@Name``, a leading
  ``Name:`` or ``Name,``, a display name in quotation marks; see
  :func:`comment_study.corpus.privacy.address_spans`) becomes that commenter's pseudonym, so
  that a reply still reads as a reply; a commenter's own display name becomes their own
  pseudonym; any other occurrence of an identifying display name becomes ``[name]``;
- the text of each protected comment (a disclosure, and the comments near one: see
  :mod:`comment_study.study.protected`) is replaced by a line marked as withheld, with the
  reason and the primary coder's paraphrase: ``[withheld: REASON] PARAPHRASE``.

:func:`render` is deterministic and idempotent: the same original gives byte-identical
output, and rendering the de-identified export again gives it back unchanged (tested).
Which comments are withheld, and their paraphrases, come from the study's data; the
command that joins them is ``python -m comment_study deidentify``.
"""

from __future__ import annotations

import re

import pandas as pd

from comment_study.corpus import privacy, regions

WITHHELD = re.compile(r"^\[withheld: (?P<reason>[^\[\]\n]+)\] (?P<paraphrase>\S.*)$")
"""A withheld text in the de-identified export: ``[withheld: REASON] PARAPHRASE``."""


def withheld_line(reason: str, paraphrase: str) -> str:
    """The line that stands for a withheld comment's text (one line; the marker cannot be mistaken for a header)."""
    reason, paraphrase = " ".join(str(reason).split()), " ".join(str(paraphrase).split())
    if not reason or "[" in reason or "]" in reason:
        raise ValueError(f"a withheld comment needs a reason without brackets, got {reason!r}")
    if not paraphrase:
        raise ValueError("a withheld comment needs a paraphrase")
    line = f"[withheld: {reason}] {paraphrase}"
    if line.endswith(")"):
        line += "."  # never the shape 'text (text)' of a header
    return line


def withheld(text: str) -> tuple[str, str] | None:
    """``(reason, paraphrase)`` if ``text`` is a withheld comment's line, else None."""
    match = WITHHELD.match(str(text))
    return (match["reason"], match["paraphrase"]) if match else None


def split_withheld(table: pd.DataFrame) -> pd.DataFrame:
    """Read the withheld marks of a parsed export: ``withheld`` holds the reason ("" if the text is the commenter's).

    A withheld comment's ``text`` becomes the paraphrase alone, and its ``n_words`` counts the
    paraphrase's words, so that no method reads the marker as if a commenter had written it.
    """
    from comment_study.corpus.export import count_words

    found = table["text"].map(withheld)
    out = table.copy()
    out["withheld"] = found.map(lambda f: f[0] if f else "")
    out["text"] = [f[1] if f else text for f, text in zip(found, table["text"])]
    out["n_words"] = out["text"].map(count_words).astype(int)
    return out


REGION_LABELS = {regions.US_UNSPECIFIED: "United States", "District of Columbia": "DC", "Washington": "WA"}
"""Regions written otherwise than by their name: a header cannot hold parentheses, the rules do not read
"District of Columbia", and the location table reads a bare "Washington" as unspecified (state or city)."""


def region_label(region: str, table: dict[str, str] | None = None) -> str:
    """The location the de-identified export writes for ``region``: one that the location table and rules read back as ``region``."""
    label = REGION_LABELS.get(region, region)
    back = (table or {}).get(label) or regions.region_by_rule(label) or regions.UNKNOWN
    if back != region:
        raise ValueError(f"the region {region!r} cannot be written so that the rules read it back (got {back!r})")
    return label


def mask_names(table: pd.DataFrame) -> pd.Series:
    """Each comment's text with the names in it replaced as the module docstring says.

    ``table`` needs ``comment_id``, ``author``, ``author_id``, ``text`` and the reply rules'
    ``reply_to`` and ``reply_basis`` (:func:`comment_study.corpus.threads.find_replies`): the
    name a reply addresses becomes the pseudonym of the commenter the rules found it answering.
    """
    rule = privacy.NameRule(table["author"].unique())
    ids_by_name: dict[str, set[str]] = {}
    for name, author_id in zip(table["author"], table["author_id"]):
        ids_by_name.setdefault(name.strip().casefold(), set()).add(author_id)
    author_of = table.set_index("comment_id")["author_id"]
    out = []
    for row in table.itertuples(index=False):
        text = str(row.text)
        addressed = privacy.addressed_name(text)
        spans = []
        for start, end, name in rule.spans(text):
            key = name.strip().casefold()
            if row.reply_basis == "address" and addressed and start == addressed[0]:
                replacement = author_of[int(row.reply_to)]
            elif key == row.author.strip().casefold():
                replacement = row.author_id
            elif len(ids_by_name.get(key, ())) == 1:
                replacement = next(iter(ids_by_name[key]))
            else:
                replacement = privacy.REDACTED
            spans.append((start, end, replacement))
        text = privacy.replace_spans(text, spans)
        own = row.author.strip().casefold()
        for pattern in rule.patterns:
            replacement = row.author_id if pattern.name.casefold() == own else privacy.REDACTED
            text = pattern.regex.sub(lambda m, r=replacement: ("@" if m.group(0).startswith("@") else "") + r, text)
        out.append(text)
    return pd.Series(out, index=table.index)


def render(table: pd.DataFrame, first_line: str, withheld_texts: dict[int, str],
           location_table: dict[str, str] | None = None) -> str:
    """The de-identified export of a parsed, enriched comment table (see the module docstring).

    ``withheld_texts`` maps the id of each protected comment to its :func:`withheld_line`;
    ``location_table`` is the table the export will be read with (data/locations.csv).
    """
    masked = mask_names(table)
    lines = [first_line]
    for row, text in zip(table.itertuples(index=False), masked):
        lines.append(f"{row.author_id} ({region_label(row.region, location_table)})")
        cid = int(row.comment_id)
        if cid in withheld_texts:
            if row.is_empty:
                raise ValueError(f"comment {cid} is empty: there is no text to withhold")
            lines.append(withheld_texts[cid])
        elif not row.is_empty:
            lines.append(text)
    return "\n".join(lines) + "\n"

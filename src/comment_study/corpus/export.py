"""Parse a comment export into one tidy row per comment, failing loudly on bad input.

The export format: a first line ``<date> · <N> comments``; then, for each comment,
a header line ``Display name (Location)`` followed by one line of text. One comment
in the study's file has no text line at all, and one comment's whole text has the
shape ``text (text)``, so a line's shape alone cannot say whether it is a header.
The parser therefore considers every way of reading the file and accepts it only if
exactly one reading exists (see :func:`read_comments`), reading the file twice rather than
holding it, so that its memory does not grow with the export.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd

HEADER = re.compile(r"^(?P<name>[^()%?:;\"\n]{1,60}) \((?P<location>[^()\n]{1,60})\)$")
"""A possible header: ``Name (Location)``. Display names have no ``% ? : ; "``."""

HEADER_SHAPE = re.compile(r"^[^()\n]{1,60} \([^()\n]{1,60}\)$")
"""The shape ``text (text)``, of header length, that a short comment text can share with headers."""

FIRST_LINE = re.compile(r"^(?P<date>.+?) · (?P<count>\d+) comments?$")

COLUMNS = [
    "comment_id", "author", "author_id", "location", "text",
    "n_words", "is_empty", "header_line", "text_line",
]


class ExportError(ValueError):
    """A comment export that cannot be read as one; the message names file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line = str(path), line
        where = f"{path}, line {line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class RawComment:
    """One comment as found in the file, with the line numbers it came from (1-based)."""

    author: str
    location: str
    text: str
    header_line: int
    text_line: int | None


def iter_lines(path: Path | str) -> Iterator[str]:
    """The export's lines one at a time, as :func:`read_lines` returns them, with the same errors.

    UTF-8 only: any other encoding is an error that names the line, not a guess. A byte-order
    mark and the ``\\r`` of Windows line endings are dropped. Blank lines at the very end (a common
    artefact of copying and pasting) are dropped; a blank line anywhere else is given, and the
    parser reports it with its line number. Only the blank lines seen since the last other line
    are held, so memory does not grow with the file.
    """
    offset, number, blanks, seen = 0, 0, [], False
    with open(path, "rb") as handle:
        for raw in handle:  # a UTF-8 sequence never holds the byte of "\\n", so lines can be decoded one by one
            number += 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise ExportError(path, number, f"is not valid UTF-8 (byte {offset + err.start}: {err.reason})") from None
            offset += len(raw)
            if number == 1 and text.startswith("\ufeff"):
                text = text[1:]
            line = text[:-1] if text.endswith("\n") else text
            line = line[:-1] if line.endswith("\r") else line
            if not line.strip():
                blanks.append(line)
                continue
            yield from blanks
            blanks.clear()
            seen = True
            yield line
    if not seen:
        raise ExportError(path, None, "is empty")


def read_lines(path: Path | str) -> list[str]:
    """Read the export as UTF-8 lines (see :func:`iter_lines`: the checks, and the blank lines at the end dropped)."""
    return list(iter_lines(path))


def parse_first_line(path: Path | str, line: str) -> tuple[str, int]:
    """Return the export's date and declared number of comments from its first line."""
    match = FIRST_LINE.match(line.strip())
    if not match:
        raise ExportError(
            path, 1,
            f"the first line must read '<date> · <N> comments', found {line[:80]!r}",
        )
    return match["date"], int(match["count"])


def is_header(line: str) -> bool:
    """Whether a line has the shape of a header (it may still be a comment's text)."""
    return HEADER.match(line) is not None


def has_header_shape(line: str) -> bool:
    """Whether a line could pass for a header by shape and length, whatever its characters."""
    return HEADER_SHAPE.match(line) is not None


FIRST = 1
"""The index of the first comment's header: line 2 of the file, after the date line."""


@dataclass
class Scan:
    """What one pass over an export finds: enough to count its readings, never its lines.

    A line that is not a header can only be a comment's text, so it ties the line before it to it
    as one comment; what lies between two such texts is a *block* of header-shaped lines, each a
    comment with no text or the text of the header before it. A block of one line has one reading;
    a block of two or more (``flexible``) can be read as several numbers of comments. ``valid`` is
    false when a blank line or a text line with no header before it allows no reading at all.
    """

    first_line: str
    n_lines: int = 1
    valid: bool = True
    fixed: int = 0
    """Comments every reading has: text lines with their headers, and blocks of one line."""
    flexible: list[tuple[int, int]] = field(default_factory=list)
    """Each block of two or more header-shaped lines: the index of its first line and its length."""
    parting: tuple[int, str] | None = None
    """The first header after which two readings part ways (its index, and the line after it)."""


def scan(path: Path | str) -> Scan:
    """Read the export once, holding three lines at a time, and describe its blocks (see :class:`Scan`)."""
    lines = iter_lines(path)
    found = Scan(next(lines))
    run_start, run, before = FIRST, 0, [False, False, ""]  # headers in the current run; the last two lines
    for i, line in enumerate(lines, start=FIRST):
        found.n_lines += 1
        header = is_header(line)
        if found.parting is None and header and before[0] and before[1] and i - 2 >= FIRST:
            found.parting = (i - 2, before[2])
        before = [before[1], header, line]
        if header:
            run_start, run = (i if run == 0 else run_start), run + 1
        elif not line.strip() or run == 0:
            found.valid, run = False, 0
        else:
            _close_block(found, run_start, run - 1)
            found.fixed, run = found.fixed + 1, 0
    _close_block(found, run_start, run)
    if found.parting is None and before[0] and before[1] and found.n_lines - 2 >= FIRST:
        found.parting = (found.n_lines - 2, before[2])  # the last two lines: one comment or two
    return found


def _close_block(found: Scan, start: int, length: int) -> None:
    """Count a block of ``length`` header-shaped lines that starts at line index ``start``."""
    if length <= 1:
        found.fixed += length
    else:
        found.flexible.append((start, length))


def block_readings(length: int, comments: int) -> int:
    """The readings of ``length`` header-shaped lines as ``comments`` comments of one or two lines each."""
    return math.comb(comments, length - comments) if (length + 1) // 2 <= comments <= length else 0


def reading_tables(flexible: list[tuple[int, int]]) -> list[dict[int, int]]:
    """For each j, the readings of the first j flexible blocks by their number of comments (0, 1, or 2 for more)."""
    tables = [{0: 1}]
    for _, length in flexible:
        table: dict[int, int] = {}
        for total, ways in tables[-1].items():
            for comments in range((length + 1) // 2, length + 1):
                table[total + comments] = min(2, table.get(total + comments, 0) + ways * block_readings(length, comments))
        tables.append(table)
    return tables


def _choose(flexible: list[tuple[int, int]], tables: list[dict[int, int]], target: int) -> list[int]:
    """The number of comments of each flexible block in the one reading with ``target`` comments among them."""
    counts = []
    for j in range(len(flexible) - 1, -1, -1):
        length = flexible[j][1]
        comments = next(c for c in range((length + 1) // 2, length + 1)
                        if tables[j].get(target - c, 0) and block_readings(length, c))
        counts.append(comments)
        target -= comments
    return counts[::-1]


def read_comments(path: Path | str) -> Iterator[RawComment]:
    """The comments of an export, one at a time, once it is proven that exactly one reading exists.

    Two passes over the file: the first (:func:`scan`) counts the readings with the declared number
    of comments (:func:`reading_tables`) and, when there is not exactly one, reports why with the file
    and line; the second follows the one reading. Neither holds the file: memory holds the longest
    block of header-shaped lines and one table per flexible block (a handful in a real export),
    never the comments already read. An ambiguous file is reported instead of silently resolved.
    """
    found = scan(path)
    _, declared = parse_first_line(path, found.first_line)
    if declared == 0:
        raise ExportError(path, 1, "declares 0 comments: nothing to study")
    tables = reading_tables(found.flexible) if found.valid else [{}]
    target = declared - found.fixed
    readings = tables[-1].get(target, 0)
    if readings == 0:
        _raise_first_failure(path, declared, sorted(found.fixed + t for t in tables[-1]), found.n_lines)
    if readings > 1:
        _raise_ambiguity(path, found.parting)
    return _walk(path, _choose(found.flexible, tables, target))


def _walk(path: Path | str, counts: list[int]) -> Iterator[RawComment]:
    """Follow the single reading through the file, each flexible block read as ``counts`` says."""
    chosen = iter(counts)
    lines = iter_lines(path)
    next(lines)
    run: list[tuple[int, str]] = []
    for i, line in enumerate(lines, start=FIRST):
        if is_header(line):
            run.append((i, line))
            continue
        *block, (at, head) = run
        yield from _read_block(block, chosen)
        yield _comment(at, head, i, line)
        run = []
    yield from _read_block(run, chosen)


def _read_block(block: list[tuple[int, str]], chosen: Iterator[int]) -> Iterator[RawComment]:
    """The comments of a block of header-shaped lines: each alone, or (the reading chose it) in pairs."""
    comments = len(block) if len(block) <= 1 else next(chosen)
    if comments == len(block):
        for at, head in block:
            yield _comment(at, head, None, "")
        return
    assert 2 * comments == len(block), "a block read in pairs has an even length in the one reading"
    for (at, head), (text_at, text) in zip(block[::2], block[1::2]):
        yield _comment(at, head, text_at, text)


def _comment(at: int, head: str, text_at: int | None, text: str) -> RawComment:
    """One comment from its header (line index ``at``) and its text (line index ``text_at``, or None)."""
    header = HEADER.match(head)
    assert header is not None
    return RawComment(header["name"], header["location"], text, at + 1, None if text_at is None else text_at + 1)


def _raise_first_failure(path: Path | str, declared: int, totals: list[int], n_lines: int) -> None:
    """Explain why no reading exists, naming the first line that breaks the format (a second pass, one line ahead)."""
    expect_header, previous_text = True, None
    lines = iter_lines(path)
    next(lines)
    line, number = next(lines, None), FIRST + 1
    while line is not None:
        following = next(lines, None)
        if expect_header:
            if is_header(line):
                expect_header = False
            elif line.strip() == "":
                raise ExportError(path, number, "blank line where a header 'Name (Location)' was expected")
            elif previous_text is None:
                raise ExportError(path, number, f"text line with no header before it: {line[:60]!r}")
            else:
                raise ExportError(
                    path, number,
                    f"two text lines in a row (lines {previous_text} and {number}); "
                    f"every comment's text must follow its own header: {line[:60]!r}",
                )
        else:
            if line.strip() == "":
                raise ExportError(
                    path, number,
                    f"blank line after the header on line {number - 1}; "
                    "a comment with no text has no text line at all",
                )
            if is_header(line) and (following is None or not is_header(following)):
                expect_header = False  # empty comment; this line starts the next one
            else:
                expect_header, previous_text = True, number
        line, number = following, number + 1
    if totals:
        found = ", ".join(str(k) for k in totals)
        raise ExportError(path, 1, f"declares {declared} comments but the file holds {found}")
    raise ExportError(path, n_lines, "ends before its last comment is complete")


def _raise_ambiguity(path: Path | str, parting: tuple[int, str] | None) -> None:
    """Name the first place where two readings of the file part ways."""
    if parting is not None:
        i, line = parting
        raise ExportError(
            path, i + 2,
            f"ambiguous: {line!r} could be the text of the comment headed on line "
            f"{i + 1} or the header of an empty-bodied comment",
        )
    raise ExportError(path, FIRST + 1, "can be read in more than one way")


def parse_export(path: Path | str) -> pd.DataFrame:
    """Parse an export file into the tidy comment table (display names still included)."""
    columns: dict[str, list] = {"author": [], "location": [], "text": [], "header_line": [], "text_line": []}
    for comment in read_comments(path):
        for name, values in columns.items():
            values.append(getattr(comment, name))
    table = pd.DataFrame({"comment_id": range(1, len(columns["text"]) + 1), **columns,
                          "text_line": pd.array(columns["text_line"], dtype="Int64")})
    table["author_id"] = pseudonyms(table["author"], table["location"])
    table["n_words"] = table["text"].map(count_words).astype(int)
    table["is_empty"] = table["text"].str.strip() == ""
    return table[COLUMNS]


def pseudonyms(authors: pd.Series, locations: pd.Series) -> pd.Series:
    """Give each commenter a stable pseudonym (A001, A002, ...) by first appearance.

    A commenter is a display name *and* its location: two people called "Rowan" in
    different states are two commenters, while the same name and place posting
    again is the same person.
    """
    keys = list(zip(authors, locations))
    order = {key: k for k, key in enumerate(dict.fromkeys(keys), start=1)}
    width = max(3, len(str(len(order))))
    return pd.Series([f"A{order[key]:0{width}d}" for key in keys], index=authors.index)


WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def count_words(text: str) -> int:
    """Count words as runs of letters or digits (apostrophes inside a word allowed)."""
    return len(WORD.findall(text))


def export_date(path: Path | str) -> str:
    """The date the export's first line gives."""
    return parse_first_line(path, read_lines(path)[0])[0]

"""Parse a comment export into one tidy row per comment, failing loudly on bad input.

The export format: a first line ``<date> · <N> comments``; then, for each comment,
a header line ``Display name (Location)`` followed by one line of text. One comment
in the study's file has no text line at all, and one comment's whole text has the
shape ``text (text)``, so a line's shape alone cannot say whether it is a header.
The parser therefore considers every way of reading the file and accepts it only if
exactly one reading exists (see :func:`split_comments`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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


def read_lines(path: Path | str) -> list[str]:
    """Read the export as UTF-8 lines; any other encoding is an error, not a guess.

    Blank lines at the very end (a common artefact of copying and pasting) are dropped; a blank
    line anywhere else stays, and the parser reports it with its line number.
    """
    raw = Path(path).read_bytes()
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ExportError(path, line, f"is not valid UTF-8 (byte {err.start}: {err.reason})") from None
    if content.startswith("\ufeff"):
        content = content[1:]
    if not content.strip():
        raise ExportError(path, None, "is empty")
    lines = [line[:-1] if line.endswith("\r") else line for line in content.split("\n")]
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()  # the newline that ends the last line, and blank lines pasted after it
    return lines


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


def split_comments(path: Path | str, lines: list[str], first: int, declared: int) -> list[RawComment]:
    """Split lines into comments, requiring exactly one reading with ``declared`` comments.

    Each header is followed by either one text line or, for an empty comment, directly
    by the next header. ``ways[i]`` counts the readings of ``lines[i:]`` by number of
    comments, so an ambiguous file is reported instead of silently resolved.
    """
    n = len(lines)
    ways: list[dict[int, int]] = [dict() for _ in range(n + 2)]
    ways[n] = {0: 1}
    for i in range(n - 1, first - 1, -1):
        if not is_header(lines[i]):
            continue
        counts: dict[int, int] = {}
        for nxt in (i + 1, i + 2):  # empty comment, or header plus one text line
            if nxt > n or (nxt == i + 2 and lines[i + 1].strip() == ""):
                continue
            for k, w in ways[nxt].items():
                counts[k + 1] = counts.get(k + 1, 0) + w
        ways[i] = counts
    readings = ways[first].get(declared, 0)
    if readings == 0:
        _raise_first_failure(path, lines, first, declared, ways[first])
    if readings > 1:
        _raise_ambiguity(path, lines, first, declared, ways)
    return _walk(lines, first, declared, ways)


def _walk(lines: list[str], first: int, declared: int, ways: list[dict[int, int]]) -> list[RawComment]:
    """Follow the single reading through the lines and collect the comments."""
    out: list[RawComment] = []
    i, left = first, declared
    while i < len(lines):
        header = HEADER.match(lines[i])
        assert header is not None
        if ways[i + 1].get(left - 1, 0):
            out.append(RawComment(header["name"], header["location"], "", i + 1, None))
            i += 1
        else:
            out.append(RawComment(header["name"], header["location"], lines[i + 1], i + 1, i + 2))
            i += 2
        left -= 1
    return out


def _raise_first_failure(path, lines, first, declared, totals: dict[int, int]) -> None:
    """Explain why no reading exists, naming the first line that breaks the format."""
    expect_header, previous_text = True, None
    for i in range(first, len(lines)):
        line, number = lines[i], i + 1
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
            if is_header(line) and (i + 1 == len(lines) or not is_header(lines[i + 1])):
                expect_header = False  # empty comment; this line starts the next one
            else:
                expect_header, previous_text = True, number
    if totals:
        found = ", ".join(str(k) for k in sorted(totals))
        raise ExportError(path, 1, f"declares {declared} comments but the file holds {found}")
    raise ExportError(path, len(lines), "ends before its last comment is complete")


def _raise_ambiguity(path, lines, first, declared, ways) -> None:
    """Name the first place where two readings of the file part ways."""
    for i in range(first, len(lines) - 1):
        if is_header(lines[i]) and is_header(lines[i + 1]) and ways[i + 1] and ways[i + 2]:
            raise ExportError(
                path, i + 2,
                f"ambiguous: {lines[i + 1]!r} could be the text of the comment headed on line "
                f"{i + 1} or the header of an empty-bodied comment",
            )
    raise ExportError(path, first + 1, "can be read in more than one way")


def parse_export(path: Path | str) -> pd.DataFrame:
    """Parse an export file into the tidy comment table (display names still included)."""
    lines = read_lines(path)
    _, declared = parse_first_line(path, lines[0])
    if declared == 0:
        raise ExportError(path, 1, "declares 0 comments: nothing to study")
    raw = split_comments(path, lines, 1, declared)
    table = pd.DataFrame(
        {
            "comment_id": range(1, len(raw) + 1),
            "author": [c.author for c in raw],
            "location": [c.location for c in raw],
            "text": [c.text for c in raw],
            "header_line": [c.header_line for c in raw],
            "text_line": pd.array([c.text_line for c in raw], dtype="Int64"),
        }
    )
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

"""Command line: apply the study's parsing to another comment export.

    python -m comment_study parse EXPORT.txt --out comments.csv [--keep-names]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from . import corpus, data, regions


def parse_command(args: argparse.Namespace) -> int:
    """Parse an export, write the tidy table, print a one-line summary."""
    table = corpus.parse_export(args.export)
    table = data.enrich(table, location_table=_location_table(args.locations))
    if not args.keep_names:
        table = table.drop(columns=["author"])
    write_csv_atomically(table, Path(args.out))
    n_empty = int(table["is_empty"].sum())
    n_reposts = int(table["duplicate_of"].notna().sum())
    n_replies = int(table["reply_to"].notna().sum())
    print(
        f"{args.export}: {len(table)} comments by {table['author_id'].nunique()} commenters "
        f"({n_empty} empty, {n_reposts} reposts, {n_replies} replies found) -> {args.out}"
    )
    return 0


def _location_table(path: str | None) -> dict[str, str] | None:
    return regions.load_location_table(path) if path else None


def write_csv_atomically(table, out: Path) -> None:
    """Write a CSV so that a failure leaves no half-written file behind."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    try:
        table.to_csv(tmp, index=False)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m comment_study",
        description="Tools of the comment study, for readers who bring their own comment export.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser(
        "parse",
        help="parse a comment export into one row per comment",
        description=(
            "Parse an export ('<date> · <N> comments', then a 'Name (Location)' header and one "
            "line of text per comment) into a CSV with one row per comment: comment_id, "
            "author_id (a pseudonym), location, region, text, n_words, is_empty, duplicate_of, "
            "reply_to. Display names are left out unless --keep-names is given. Bad input "
            "stops with an error naming the file and line, and writes nothing."
        ),
    )
    parse.add_argument("export", help="the comment export (UTF-8 text)")
    parse.add_argument("--out", required=True, help="where to write the CSV")
    parse.add_argument("--keep-names", action="store_true", help="keep the display names in an 'author' column")
    parse.add_argument("--locations", help="a CSV (location,region,basis) deciding places the rules cannot")
    parse.set_defaults(handler=parse_command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (corpus.ExportError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1

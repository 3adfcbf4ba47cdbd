"""Command line: apply the study's parsing to another comment export, or export the study.

    python -m comment_study parse EXPORT.txt --out comments.csv [--keep-names]
    python -m comment_study export-qdc --out codebook.qdc       # REFI-QDA codebook
    python -m comment_study export-qdpx --out study.qdpx        # REFI-QDA project
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from . import corpus, data, refi, regions


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
    _write_atomically(out, lambda tmp: table.to_csv(tmp, index=False))


def write_bytes_atomically(content: bytes, out: Path) -> None:
    """Write bytes so that a failure leaves no half-written file behind."""
    _write_atomically(out, lambda tmp: Path(tmp).write_bytes(content))


def _write_atomically(out: Path, write) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    try:
        write(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _study_root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve() if args.root else data.project_root()


def export_qdc_command(args: argparse.Namespace) -> int:
    """Write the codebook as a REFI-QDA codebook (.qdc); print a one-line summary."""
    root = _study_root(args)
    comments = data.comments(root)
    from . import codebook

    book = codebook.load(data.path("data/codebook.yml", root), set(comments["comment_id"]))
    write_bytes_atomically(refi.codebook_xml(book), Path(args.out))
    print(f"{args.out}: REFI-QDA codebook with {len(book.codes)} codes in {len(book.categories)} "
          f"categories and {len(book.tones)} tone codes")
    return 0


def export_qdpx_command(args: argparse.Namespace) -> int:
    """Write the coded corpus as a REFI-QDA project (.qdpx); print a one-line summary."""
    study = refi.load_study(_study_root(args))
    archive = refi.qdpx_bytes(study)
    write_bytes_atomically(archive, Path(args.out))
    counts = refi.summary(archive)
    print(f"{args.out}: REFI-QDA project with {counts['sources']} comments, {counts['codes']} codes, "
          f"{counts['codings_primary']} primary and {counts['codings_secondary']} second-coder codings, "
          f"{counts['notes']} memos")
    return 0


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

    shared = (
        "Reads data/codebook.yml, the raw comment export and the coding sheets of the book at --root "
        "(default: the book around the current folder, or $COMMENT_STUDY_ROOT), validates them, and "
        "stops with an error naming the file and line if they do not fit, writing nothing."
    )
    qdc = commands.add_parser(
        "export-qdc",
        help="export the codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA, QualCoder",
        description=(
            "Write the codebook in the REFI-QDA codebook format (version 1.5, namespace "
            "urn:QDA-XML:codebook:1.0): categories as non-codable parent codes, codes as codable "
            "children named by their id, with label, definition, include and exclude rules in their "
            "description; tone as three codes under a 'tone' parent. GUIDs are derived from the code "
            "ids, so a re-export diffs cleanly. " + shared
        ),
    )
    qdc.add_argument("--out", required=True, help="where to write the .qdc file")
    qdc.add_argument("--root", help="the book's root folder (with _config.yml and data/)")
    qdc.set_defaults(handler=export_qdc_command)

    qdpx = commands.add_parser(
        "export-qdpx",
        help="export the coded corpus as a REFI-QDA project (.qdpx)",
        description=(
            "Write a REFI-QDA project archive (version 1.5): project.qde plus one plain-text source "
            "per comment in sources/. Holds the codebook, every comment named by its id (display "
            "names never exported; names in the text redacted; disclosures paraphrased), the "
            "commenter's pseudonym and region as variables and cases, the primary and second "
            "coder's codings over whole comments (tone included), and each coder's memo as a note. "
            "Two exports are byte-identical. " + shared
        ),
    )
    qdpx.add_argument("--out", required=True, help="where to write the .qdpx file")
    qdpx.add_argument("--root", help="the book's root folder (with _config.yml and data/)")
    qdpx.set_defaults(handler=export_qdpx_command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (corpus.ExportError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1

"""Command line: apply the study's parsing and its rough dictionary coder to another comment export, or export the study.

    python -m comment_study parse EXPORT.txt --out comments.csv [--keep-names]
    python -m comment_study code EXPORT.txt --out coded.csv [--dictionary PATH] [--no-sentiment]
    python -m comment_study export-qdc --out codebook.qdc       # REFI-QDA codebook
    python -m comment_study export-qdpx --out study.qdpx        # REFI-QDA project
    python -m comment_study deidentify ORIGINAL.txt --out data/raw/nyt-comments-2019-09-28.deidentified.txt
    python -m comment_study export-codebook-csv --out codebook.csv  # codebook for Taguette
    python -m comment_study coding-kit --out kit/                   # a kit for coders outside the team
    python -m comment_study agree SHEET.csv                         # a returned sheet against the primary coding
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
from pathlib import Path


class _Imported:
    """A module imported when a command first uses it, so that ``--help`` and a usage error answer at once
    (the study's modules bring pandas, and pandas takes most of a second to import)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._name), attribute)


pd = _Imported("pandas")
deidentify = _Imported("comment_study.corpus.deidentify")
corpus = _Imported("comment_study.corpus.export")
data = _Imported("comment_study.corpus.files")
regions = _Imported("comment_study.corpus.regions")
threads = _Imported("comment_study.corpus.threads")
refi = _Imported("comment_study.exchange.refi")
quotes = _Imported("comment_study.study.quotes")
dictionary_module = _Imported("comment_study.analysis.dictionary")

PROGRESS_THRESHOLD = 2000
"""Inputs with more comments than this show a progress bar on stderr."""

CHUNK = 1000
"""Comments coded and scored per step, so the progress bar moves and memory stays flat."""

HELD_OUT = {"macro_f1": "0.58", "lowest_f1": "0.19", "highest_f1": "0.83"}
"""The study dictionary's F1 on the held-out half, as ``code --help`` states it.

tests/test_dictionary.py recomputes these from the data and the dictionary, so the help
text cannot go stale: change the dictionary or the coding and that test says what to write.
"""


def parse_command(args: argparse.Namespace) -> int:
    """Parse an export, write the tidy table, print a one-line summary."""
    table = corpus.parse_export(args.export)
    table = data.enrich(table, location_table=_location_table(args.locations))
    table["text"] = quotes.shown_texts(table, *quotes.withheld_reasons(table), redact_names=not args.keep_names)
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


def code_command(args: argparse.Namespace) -> int:
    """Parse an export, code it with the dictionary (and sentiment), write one row per comment, print code rates."""
    table = corpus.parse_export(args.export)
    if args.dictionary:
        rules = dictionary_module.load(args.dictionary)
    else:
        rules = dictionary_module.study_dictionary()
    prepared, gate = prepare_for_coding(table, _location_table(args.locations))
    del table  # the display names go no further (the name rule holds them, to redact them)
    n_counted, sums = 0, pd.Series(0, index=rules.ids, dtype="int64")

    def write(tmp: str) -> None:
        nonlocal n_counted, sums
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            for text, counted, code_sums in coded_csv_pieces(prepared, gate, rules, not args.no_sentiment, args.jobs):
                handle.write(text)
                n_counted, sums = n_counted + counted, sums + code_sums

    _write_atomically(Path(args.out), write)
    rates = (sums / n_counted).sort_values(ascending=False) if n_counted else pd.Series(dtype=float)
    print(
        f"{args.export}: {len(prepared)} comments, {n_counted} counted in rates "
        f"(not empty, not reposts) -> {args.out}"
    )
    print("dictionary code rates (rough; see --help): "
          + ", ".join(f"{code} {rate:.0%}" for code, rate in rates.items()))
    return 0


class Gate:
    """What ``code`` shows of a thread's comments, decided once for the whole thread (:func:`quotes.shown_texts`):
    the withheld comments' reasons and paraphrases, and the name rule of every display name in the thread."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.reasons, self.paraphrases = quotes.withheld_reasons(table)
        self.names = quotes.redactor(table)

    def shown(self, rows: pd.DataFrame) -> pd.Series:
        """The text each of ``rows`` (any part of the thread, its own words in ``coded_text``) is shown with:
        through the one gate, by the thread's rule."""
        return quotes.shown_texts(rows.assign(text=rows["coded_text"]), self.reasons, self.paraphrases, names=self.names)


def prepare_for_coding(table: pd.DataFrame, location_table: dict[str, str] | None = None) -> tuple[pd.DataFrame, Gate]:
    """The parsed table without display names, with region and repost link, in the output's column order, and the
    :class:`Gate` its texts are shown through (:func:`code_chunk` shows them chunk by chunk, where they are coded)."""
    table = deidentify.split_withheld(table)  # a withheld comment is read as its paraphrase
    gate = Gate(table)
    out = table.drop(columns=["author"])
    places = pd.Series(out["location"].unique())
    coarse = regions.coarsen(places, location_table).set_axis(places)
    out["region"] = out["location"].map(coarse["region"])
    out["duplicate_of"] = threads.find_reposts(table)
    out["coded_text"] = out["text"]  # what the dictionary and sentiment read: it never reaches the output
    out["text"] = ""  # filled chunk by chunk with what the gate shows (code_chunk): no unredacted text under this name
    first = ["comment_id", "author_id", "location", "region", "text", "n_words", "is_empty", "duplicate_of"]
    return out[first + [c for c in out.columns if c not in first]], gate


def code_chunk(chunk: pd.DataFrame, gate: Gate, rules: dictionary_module.Dictionary, sentiment: bool = True) -> pd.DataFrame:
    """Rows of :func:`prepare_for_coding` shown through its ``gate``, with their dictionary codes, what fired them,
    and sentiment scores."""
    found = dictionary_module.apply(rules, chunk["coded_text"])
    piece = found[rules.ids].assign(dictionary_matches=dictionary_module.explain(found, rules.ids))
    if sentiment:
        from comment_study.analysis import sentiment as sentiment_module

        piece = piece.join(sentiment_module.scores(chunk["coded_text"]))
    shown = chunk.assign(text=gate.shown(chunk).to_numpy())
    return shown.drop(columns="coded_text").join(piece)


def code_table(table: pd.DataFrame, rules: dictionary_module.Dictionary, location_table: dict[str, str] | None = None,
               sentiment: bool = True) -> pd.DataFrame:
    """One row per parsed comment: pseudonym, region, repost link, text, dictionary codes, what fired them, sentiment."""
    prepared, gate = prepare_for_coding(table, location_table)
    return pd.concat([code_chunk(prepared.iloc[i:i + CHUNK], gate, rules, sentiment)
                      for i in range(0, len(prepared), CHUNK)])


_WORKER: dict = {}
"""What each coding process was given once: the dictionary, whether to score sentiment, and the gate."""


def _start_worker(gate: Gate, rules: dictionary_module.Dictionary, sentiment: bool) -> None:
    _WORKER.update(rules=rules, sentiment=sentiment, gate=gate)
    if sentiment:
        from comment_study.analysis import sentiment as sentiment_module

        sentiment_module.score_text("")  # load both lexicons once, not in the first chunk


def _coded_piece(job: tuple[pd.DataFrame, bool]) -> tuple[str, int, pd.Series]:
    """One chunk coded: its CSV text (with the header if first), how many rows count in rates, and their code sums."""
    chunk, header = job
    rules = _WORKER["rules"]
    coded = code_chunk(chunk, _WORKER["gate"], rules, _WORKER["sentiment"])
    counted = coded[~coded["is_empty"] & coded["duplicate_of"].isna()]
    return coded.to_csv(index=False, header=header), len(counted), counted[rules.ids].sum().astype("int64")


def coded_csv_pieces(prepared: pd.DataFrame, gate: Gate, rules: dictionary_module.Dictionary, sentiment: bool = True,
                     jobs: int | None = None):
    """The coded CSV chunk by chunk, in input order, each with its rate counts; ``jobs`` processes code at once.

    Each chunk is coded and formatted where it is coded (one process per core by default), and
    written as it arrives, so the output never sits in memory whole; the pieces are the same
    whatever the number of processes (tested).
    """
    from tqdm import tqdm

    jobs = max(1, jobs or os.cpu_count() or 1)
    starts = range(0, len(prepared), CHUNK)
    work = ((prepared.iloc[i:i + CHUNK], i == 0) for i in starts)
    quiet = len(prepared) <= PROGRESS_THRESHOLD
    if jobs == 1 or len(starts) == 1:
        _start_worker(gate, rules, sentiment)
        pieces, pool = map(_coded_piece, work), None
    else:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        pool = context.Pool(min(jobs, len(starts)), initializer=_start_worker, initargs=(gate, rules, sentiment))
        pieces = pool.imap(_coded_piece, work)
    try:
        with tqdm(total=len(prepared), desc="coding", unit="comment", file=sys.stderr, disable=quiet) as bar:
            for start, piece in zip(starts, pieces):
                bar.update(min(CHUNK, len(prepared) - start))
                yield piece
    finally:
        if pool is not None:
            pool.terminate()


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


def _codebook(args: argparse.Namespace):
    """The book's codebook, validated against its comments."""
    from comment_study.coding import codebook

    root = _study_root(args)
    comments = data.comments(root)
    return codebook.load(data.path("data/codebook.yml", root), set(comments["comment_id"]))


def export_qdc_command(args: argparse.Namespace) -> int:
    """Write the codebook as a REFI-QDA codebook (.qdc); print a one-line summary."""
    book = _codebook(args)
    write_bytes_atomically(refi.codebook_xml(book), Path(args.out))
    print(f"{args.out}: REFI-QDA codebook with {len(book.codes)} codes in {len(book.categories)} "
          f"categories and {len(book.tones)} tone codes")
    return 0


def export_codebook_csv_command(args: argparse.Namespace) -> int:
    """Write the codebook as a Taguette codebook CSV (tag,description); print a one-line summary."""
    book = _codebook(args)
    write_bytes_atomically(refi.codebook_csv(book), Path(args.out))
    print(f"{args.out}: codebook CSV (tag,description) with {len(book.codes)} codes and {len(book.tones)} tone codes")
    return 0


def export_qdpx_command(args: argparse.Namespace) -> int:
    """Write the coded corpus as a REFI-QDA project (.qdpx); print a one-line summary."""
    from comment_study.study import load_study

    study = load_study(_study_root(args))
    archive = refi.qdpx_bytes(study)
    write_bytes_atomically(archive, Path(args.out))
    counts = refi.summary(archive)
    print(f"{args.out}: REFI-QDA project with {counts['sources']} comments, {counts['codes']} codes, "
          f"{counts['codings_primary']} primary and {counts['codings_secondary']} second-coder codings, "
          f"{counts['notes']} memos")
    return 0


def deidentify_command(args: argparse.Namespace) -> int:
    """Write the de-identified export of an original export; print a one-line summary."""
    from comment_study.study import protected

    root = _study_root(args)
    text = protected.deidentified_export(args.original, root)
    write_bytes_atomically(text.encode("utf-8"), Path(args.out))
    withheld = sum(line.startswith("[withheld: ") for line in text.split("\n"))
    print(f"{args.out}: de-identified export of {args.original} ({withheld} comments withheld, "
          f"sha256 {data.sha256(args.out)})")
    return 0


def coding_kit_command(args: argparse.Namespace) -> int:
    """Write the coding kit (instructions, codebook, sample comments, blank sheet) into a folder; print what it holds."""
    from comment_study.exchange import coding_kit as kit

    root = _study_root(args)
    comments = data.comments(root)
    made = kit.build(_codebook(args), comments)
    out = Path(args.out)
    for name, text in made.files.items():
        write_bytes_atomically(text.encode("utf-8"), out / name)
    print(f"{out}: coding kit for the {len(made.sample)} comments of the reliability sample "
          f"({', '.join(made.files)}); read README.md first")
    return 0


def agree_command(args: argparse.Namespace) -> int:
    """Validate a returned coding sheet and print its agreement with the primary coding, per code."""
    from comment_study.coding import human, sheets

    root = _study_root(args)
    comments = data.comments(root)
    book = _codebook(args)
    primary = sheets.load_sheet(data.path("data/coding/primary.csv", root), book, comments, complete=True)
    sheet = sheets.load_sheet(args.sheet, book, comments, complete=False)
    print(human.report(human.compare(sheet, primary, book), args.sheet))
    return 0


def whatif_command(args: argparse.Namespace) -> int:
    """Build the what-if book and print its report."""
    from comment_study.book import whatif

    result = whatif.run(Path(args.sheet), _study_root(args), Path(args.out).resolve() if args.out else None)
    print(result.report())
    return 0


def _book_command(command: argparse.ArgumentParser, handler, out_help: str) -> None:
    """The options every command that reads the book's data shares: where to write, and the book's root."""
    command.add_argument("--out", required=True, help=out_help)
    command.add_argument("--root", help="the book's root folder (with _config.yml and data/)")
    command.set_defaults(handler=handler)


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
        "Reads data/codebook.yml, the comment export and the coding sheets of the book at --root "
        "(default: the book around the current folder, or $COMMENT_STUDY_ROOT), validates them, and "
        "stops with an error naming the file and line if they do not fit, writing nothing."
    )
    exports = (
        ("export-qdc", ".qdc", export_qdc_command,
         "export the codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA, QualCoder",
         "Write the codebook in the REFI-QDA codebook format (version 1.5, namespace "
         "urn:QDA-XML:codebook:1.0): categories as non-codable parent codes, codes as codable "
         "children named by their id, with label, definition, include and exclude rules in their "
         "description; tone as three codes under a 'tone' parent. GUIDs are derived from the code "
         "ids, so a re-export diffs cleanly. "),
        ("export-codebook-csv", ".csv", export_codebook_csv_command,
         "export the codebook as a CSV (tag,description) for Taguette's codebook import",
         "Write the codebook as the CSV that Taguette imports (Taguette does not read a .qdc): "
         "columns tag,description, one row per codable code named by its id, in the .qdc's "
         "order, with the same description (label, category, definition, include and exclude "
         "rules, memo, examples); then the three tone codes. "),
        ("export-qdpx", ".qdpx", export_qdpx_command,
         "export the coded corpus as a REFI-QDA project (.qdpx)",
         "Write a REFI-QDA project archive (version 1.5): project.qde plus one plain-text source "
         "per comment in sources/. Holds the codebook, every comment named by its id (display "
         "names never exported; names in the text redacted; protected comments paraphrased), the "
         "commenter's pseudonym and region as variables and cases, the primary and second "
         "coder's codings over whole comments (tone included), and each coder's memo as a note. "
         "Two exports are byte-identical. "),
    )
    for name, suffix, handler, summary, description in exports:
        export = commands.add_parser(name, help=summary, description=description + shared)
        _book_command(export, handler, f"where to write the {suffix} file")

    deid = commands.add_parser(
        "deidentify",
        help="turn the original comment export into the de-identified export the repository ships",
        description=(
            "Write the de-identified export of ORIGINAL in the same format: display names replaced "
            "by the stable pseudonyms (A001, ...), locations by the study's regions, names that "
            "address or quote another commenter by that commenter's pseudonym (other identifying "
            "display names by [name]), and the text of every protected comment (a disclosure, or a "
            "comment near one: see comment_study.study.protected) by '[withheld: REASON] "
            "PARAPHRASE', the paraphrase being the primary coder's memo. Deterministic and "
            "idempotent: the same original gives byte-identical output, and the output given back "
            "comes out unchanged. " + shared
        ),
    )
    deid.add_argument("original", help="the original export (data/README.md gives its SHA-256)")
    _book_command(deid, deidentify_command, "where to write the de-identified export")

    code = commands.add_parser(
        "code",
        help="code each comment with the study's keyword dictionary (rough) and sentiment scores",
        description=(
            "Parse an export as 'parse' does (display names left out), then code every comment "
            "with a keyword dictionary and score its sentiment (TextBlob polarity and "
            "subjectivity, VADER compound). Writes one row per comment: comment_id, author_id "
            "(a pseudonym), location, region, text, n_words, is_empty, duplicate_of, a 0/1 column "
            "per code, dictionary_matches (the words that fired each code) and the three "
            "sentiment scores; then prints each code's rate among the comments that count "
            "(not empty, not reposts). Reply detection is not run: the dictionary reads each "
            "comment alone. "
            "DICTIONARY CODES ARE ROUGH. Scored against the study's primary coding (by reading, by an "
            "AI assistant session) on the "
            "half of its comments the dictionary's author never read, the study dictionary "
            f"reaches a macro-averaged F1 of {HELD_OUT['macro_f1']} (per code from "
            f"{HELD_OUT['lowest_f1']} to {HELD_OUT['highest_f1']}; 1 is perfect). It cannot see "
            "negation, irony, quotation or an argument made in other words. Treat its rates as a "
            "first look and read the comments; see the book's chapter 'Can a dictionary code "
            "the comments?'. Bad input stops with an error naming the file and line, and writes "
            "nothing."
        ),
    )
    code.add_argument("export", help="the comment export (UTF-8 text)")
    code.add_argument("--out", required=True, help="where to write the CSV")
    code.add_argument("--dictionary", help="another dictionary file in the format of the book's data/dictionary.yml "
                      "(default: the study's, which needs the book's folder)")
    code.add_argument("--no-sentiment", action="store_true",
                      help="leave out the sentiment scores and their columns (faster on large threads)")
    code.add_argument("--locations", help="a CSV (location,region,basis) deciding places the rules cannot")
    code.add_argument("--jobs", type=int, default=None,
                      help="processes that code at once (default: one per core; the output is the same)")
    code.set_defaults(handler=code_command)

    kit_parser = commands.add_parser(
        "coding-kit",
        help="write a kit for coders outside the team: instructions, codebook, sample comments, blank sheet",
        description=(
            "Write into --out: README.md (how to read and code: one row per comment, 0 or 1 per code, "
            "a tone from the scale, a one-sentence memo), codebook.txt (the codebook as plain text), "
            "comments.md (the seeded reliability sample, each comment with the comment listed before it "
            "and, for a reply, the comment it answers; pseudonyms and regions only, names in the text "
            "redacted, protected comments shown as their paraphrase) and sheet.csv (a blank coding "
            "sheet: the study's header, one row per sampled comment with only its id). Give the kit to "
            "a coder; check the returned sheet with 'agree'. " + shared
        ),
    )
    kit_parser.add_argument("--out", required=True, help="the folder to write the kit into")
    kit_parser.add_argument("--root", help="the book's root folder (with _config.yml and data/)")
    kit_parser.set_defaults(handler=coding_kit_command)

    agree_parser = commands.add_parser(
        "agree",
        help="check a returned coding sheet and report its agreement with the primary coding, per code",
        description=(
            "Validate SHEET (the columns of data/coding/secondary.csv, any subset of the comments) and "
            "print, per code and for tone, on the comments it codes: how often the sheet and the primary "
            "coding apply the code, percent agreement, Krippendorff's alpha with a bootstrap 95% interval, "
            "and the verdict by the book's rule (reliable, tentative, unreliable, or too few positives to "
            "judge when the primary coding applies the code to fewer than the minimum of the sheet's "
            "comments). A sheet with a bad value is "
            "refused with the file, the line, the column and the value. " + shared
        ),
    )
    agree_parser.add_argument("sheet", help="the returned coding sheet (CSV)")
    agree_parser.add_argument("--root", help="the book's root folder (with _config.yml and data/)")
    agree_parser.set_defaults(handler=agree_command)

    whatif_parser = commands.add_parser(
        "whatif",
        help="build the whole book from an edited primary coding sheet, and list what changed",
        description=(
            "Build the book from an edited copy of data/coding/primary.csv into _build/whatif/html, "
            "leaving data/ untouched (the book is built in a temporary copy). The build never stops "
            "on a claim that no longer holds: each such claim is shown as a box on its page. Prints "
            "the broken claims and the planned comparisons whose verdict changed. An edited sheet "
            "that is not a valid coding sheet stops with an error naming the file and line."
        ),
    )
    whatif_parser.add_argument("sheet", help="the edited primary coding sheet (the columns of data/coding/primary.csv)")
    whatif_parser.add_argument("--root", help="the book's root folder (with _config.yml and data/)")
    whatif_parser.add_argument("--out", help="where to put the what-if build (default: ROOT/_build/whatif)")
    whatif_parser.set_defaults(handler=whatif_command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (corpus.ExportError, ValueError, OSError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1

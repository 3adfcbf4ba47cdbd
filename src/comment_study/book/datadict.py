"""The data dictionary: what every column of every data file means, written once, here.

:func:`tables` pairs these descriptions with what the files hold now (column names, types,
non-missing counts), so the data-dictionary appendix is generated, never typed. A test checks
both ways: every column in a file has a description, and every description names a column
that exists. The code columns of a coding sheet are described by the codebook it was coded
with, which :file:`data/coding/rounds.yml` names. Only column names, types and counts are
shown: never a value, so no display name or location can reach the page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml

from comment_study.coding import codebook as codebook_module, human
from comment_study.corpus import export as corpus, files as data

PARSED_EXPORT = {
    "comment_id": "Position of the comment in the export, from 1: the study's stable reference to it.",
    "author": "The name in the header. In the de-identified export the repository ships, the commenter's "
              "pseudonym (the original's display name never enters the repository); with another "
              "export, its display name, kept in memory to tell commenters apart and never shown.",
    "author_id": "Pseudonym of the commenter (A001, A002, ...), numbered by first appearance. A commenter "
                 "is a display name together with its location.",
    "location": "The location in the header: in the de-identified export, the region already; with "
                "another export, the place as the commenter typed it, never shown.",
    "text": "The comment's text line exactly as in the export; empty for the comment with no text line. In "
            "the de-identified export a protected comment's line reads '[withheld: REASON] PARAPHRASE'. "
            "Reaches a page only through comment_study.study.quotes, which redacts names and refuses "
            "protected comments.",
    "n_words": "Number of words: runs of letters or digits, with apostrophes allowed inside a word.",
    "is_empty": "True for a comment whose header is followed by no text line.",
    "header_line": "Line of the export (counted from 1) that holds the comment's header 'Name (Location)'.",
    "text_line": "Line of the export that holds the comment's text; missing for the empty comment.",
}

ENRICHED = {
    "withheld": "Why the comment's text is withheld in the de-identified export (the reasons of "
                "comment_study.study.protected); empty for a comment shown in its own words. For a withheld "
                "comment, text then holds only the primary coder's paraphrase, and n_words counts its words.",
    "region": "Coarse region shown instead of the location: a US state, 'United States (unspecified)', "
              "a country, or 'Unknown'.",
    "region_basis": "How the region was decided: 'rule' (a state, postal code or country name), 'table' "
                    "(a row of data/locations.csv) or 'unresolved'.",
    "country_group": "'United States', 'Elsewhere' or 'Unknown', derived from region.",
    "duplicate_of": "For a repost, the id of the earlier comment by the same commenter that it repeats; "
                    "missing otherwise.",
    "reply_to": "The comment this one answers, as the reply rules found it; missing when no rule fired. "
                "The rules miss many replies, so this is a floor.",
    "reply_basis": "The reply rule that fired: 'address', 'quote' or 'cue'; empty when none did.",
}

ROUND3_CODE_COLUMNS = {
    code: f"Code {code} as recoded in round 3: 1 if the comment carries it, 0 if not (codebook version 4, "
          "data/codebook.yml)."
    for code in ("blame_government", "remedy_funding", "remedy_law", "tech_fix", "tech_doubt")
}
"""The five codes of round three, as columns of the round's own sheets."""

CSV_FILES = {
    "data/locations.csv": ("one self-reported location that the generic rules cannot decide, or would decide wrongly", {
        "location": "A location exactly as a commenter typed it.",
        "region": "The coarse region it is shown as (a US state, 'United States (unspecified)', a country "
                  "or 'Unknown').",
        "basis": "Why: the primary coder's reason for this region.",
    }),
    "data/repost_checks.csv": ("one comment that repeats an earlier comment by the same commenter", {
        "comment_id": "The repost.",
        "duplicate_of": "The earlier comment it repeats.",
        "note": "How the two differ, in the reader's words.",
    }),
    "data/reply_checks.csv": ("one comment read by hand to check the reply rules", {
        "comment_id": "The comment checked.",
        "sample": "'detected' (the rules flagged it as a reply) or 'random' (drawn from the comments "
                  "the rules did not flag, seed 20190928).",
        "is_reply": "The reader's judgement: 'yes' or 'no'.",
        "reply_to": "The comment it answers, by the reader's judgement; missing when it is no reply.",
        "note": "The reason for the judgement.",
    }),
    "data/disclosures.csv": ("one comment in which the commenter discloses their own abuse or attraction", {
        "comment_id": "The comment: counted and paraphrased, never quoted.",
        "kind": "'abuse' (the commenter's own experience of abuse) or 'attraction' (their own sexual "
                "attraction to children).",
        "note": "A paraphrase of what is disclosed, without detail.",
    }),
    "data/reply_stances.csv": ("one reply, as the reader recorded it, and its stance towards the comment it answers", {
        "comment_id": "The reply.",
        "reply_to": "The comment it answers (the coder's memo link or the hand check).",
        "stance": "'disputes', 'supports' or 'neither': how the reply treats the comment it answers "
                  "(one reading, not reliability-tested).",
        "note": "A paraphrase of what the reply does, the reason for the stance.",
    }),
    "data/coding/supplementary_sample.csv": ("one comment of the supplementary reliability sample", {
        "comment_id": "The comment, outside the main reliability sample and the codebook's examples.",
        "reason": "Why it was drawn: 'oversampled for CODE' (the primary coding marks it with a code that had "
                  "fewer positives than the minimum) or 'random' (drawn at random from the rest); drawn by "
                  "comment_study.coding.sheets.supplementary_sample, seed 20190930.",
    }),
    "data/coding/round3/primary_round3.csv": ("one comment as the primary coder recoded it in round 3", {
        "comment_id": "The comment recoded (all 343).",
        **ROUND3_CODE_COLUMNS,
        "memo_round3": "The primary coder's reason for the five round-3 codes; data/coding/primary.csv appends it "
                       "to the memo after 'Round 3:'.",
    }),
    "data/coding/round3/secondary_main.csv": ("one comment of the main reliability sample as the second coder coded it in round 3", {
        "comment_id": "The comment (the 86 of the main reliability sample).",
        **ROUND3_CODE_COLUMNS,
        "memo": "The second coder's reason for the five round-3 codes; data/coding/secondary.csv appends it to "
                "the memo after 'Round 3:'.",
    }),
    "data/coding/privacy_stance.csv": ("one comment coded privacy_liberty, read again for which side prevails", {
        "comment_id": "The comment (coded privacy_liberty in the primary coding).",
        "stance": "'liberty' (privacy, encryption or speech should hold), 'enforcement' (they must "
                  "yield) or 'both' (both held; one reading, not reliability-tested).",
        "value": "The value the comment chiefly weighs: 'encryption', 'privacy' or 'speech'.",
        "basis": "A paraphrase of the argument, the reason for the stance.",
    }),
}

SHEET = {
    "comment_id": "The comment coded.",
    "tone": "Overall tone: 'negative', 'mixed_or_neutral' or 'positive'; empty for the empty comment.",
    "memo": "The coder's one-sentence reason for the codes. For a disclosure it is the paraphrase the "
            "book shows instead of the comment. From round 3 on, the reason for the five round-3 codes "
            "follows after 'Round 3:'.",
}

RECODING_SHEET = {
    "comment_id": "The comment recoded.",
    "memo": "The coder's one-sentence reason for the recoded value.",
}

CODEBOOK_TOP = ("the codebook as a whole", {
    "version": "Version number, raised whenever a definition changes.",
    "unit": "The unit of analysis, in words.",
    "categories": "The categories codes are grouped in, in the order the book shows them.",
    "codes": "The codes (one entry each; see the next table).",
    "tone": "The tone scale (see the table after next).",
    "overlaps": "Pairs of codes whose rules send one and the same content to both, each with the rule: their "
                "co-occurrence is partly made by the rules, so the analysis plan describes such a pair and never "
                "tests it (version 4 on).",
})

CODEBOOK_CODES = ("one code", {
    "id": "Short snake_case name, used as the coding sheets' column.",
    "label": "Name shown in the book.",
    "category": "One of the codebook's categories.",
    "origin": "'a priori' (set before the reading) or 'inductive' (added during it).",
    "definition": "What the code means.",
    "include": "When to apply it, with typical cases.",
    "exclude": "When not to, naming the codes it is most easily confused with.",
    "examples": "Ids of comments that carry it, shown on its card in the codebook chapter.",
    "memo": "For an inductive code: why it was added.",
    "revised": "For a code changed between rounds: what changed and why.",
})

CODEBOOK_TONE = ("the tone scale", {
    "id": "Name of the tone column in the coding sheets.",
    "label": "Name shown in the book.",
    "definition": "What tone means and how it is judged.",
    "values": "The three values ('negative', 'mixed_or_neutral', 'positive'), each with its meaning.",
})

ROUNDS_TOP = ("the record of coding rounds", {
    "rounds": "The rounds in order (one entry each; see the next table).",
})

ROUNDS = ("one round of coding or revision", {
    "round": "Its number, from 1.",
    "codebook": "The codebook as it stood when the round ended.",
    "primary": "The primary coding sheet as it stood when the round ended.",
    "secondary": "The second coder's sheet as it stood when the round ended.",
    "recoded": "What was coded in the round: 'all', or a list of the codes recoded.",
    "note": "What happened in the round.",
    "secondary_round_file": "The second coder's recoding made in this round, when only some codes were recoded.",
    "supplementary": "The second coder's blind coding of the supplementary sample (every code and the tone).",
    "supplementary_sample": "The supplementary sample that sheet codes (comment_id, reason).",
    "clarified": "Codes whose wording was clarified without recoding.",
    "clarification_note": "What was clarified and why no recoding was needed.",
})

PLAN_TOP = ("the analysis plan (comment_study.analysis.plan)", {
    "permutations": "Rearrangements drawn for each author-level permutation test.",
    "seed": "Seed of those rearrangements (each set of compared comments draws its own from it).",
    "comparisons": "The planned comparisons (next table).",
})

PLAN = ("one planned entry: a grouping and the codes compared across it (one comparison per code)", {
    "id": "The entry's name; a comparison's id is id.code, and chapters glue its results as plan.id.code.field.",
    "codes": "The codes (or derived variables of comment_study.study.definitions) whose shares are compared.",
    "grouping": "What splits the comments in two: a code (with it or without) or a derived variable "
                "such as reply (the reader's record), answered, speaks_from_experience or in_us.",
    "labels": "The names of the two groups, as the chapters print them.",
    "subset": "A derived variable that restricts the entry to the comments for which it is true.",
    "test": "'fisher and author permutation': Fisher's exact test beside the author-level permutation test.",
    "kind": "'exploratory' (tested) or 'descriptive-only' (shares and intervals, no test; required for "
            "a code whose alpha is below .800). None is confirmatory: nothing was registered in advance.",
    "why": "Why the comparison is asked.",
})

TEXT_FILES = {
    "data/README.md": "What each data file is, who produced it and how, and the raw sources' checksums "
                      "(and the original export's, which the repository no longer holds).",
    "data/raw/nyt-article-excerpt-2019-09-28.txt": "Plain text of the article excerpt as captured; it has "
                                                   "no columns and is quoted only briefly.",
    "data/dictionary.yml": "The keyword dictionary of the dictionary chapter: per code, case-insensitive "
                           "patterns, optional exclude patterns and a note; validated and documented by "
                           "comment_study.analysis.dictionary (see data/README.md for how it was written).",
    "data/coding/human/README.md": "What to put in data/coding/human/ (coding sheets returned by human coders, "
                                   "made with the coding kit) and how each is checked and reported.",
}

ROUND3 = "data/coding/round3"
ROUND3_RECORD = {
    f"{ROUND3}/README.md": "What the round-3 files are, who produced them and how, and how they entered the sheets.",
    f"{ROUND3}/revised_codes.md": "The five revised or new codes (definition, include and exclude rules) in prose.",
    f"{ROUND3}/primary_round3_notes.md": "The primary coder's notes on the round-3 recoding: method, rules, "
                                         "boundary cases, counts.",
}
"""The record of round three kept as it was made: notes the book does not read (its two sheets are tables above)."""


HEADER_ONLY = (
    "The study kit's package carries only this file's header, not its rows: the rows are places as "
    "commenters typed them, which the kit leaves out for privacy (the de-identified export it carries "
    "already gives each comment's region). The counts below are therefore zero here; the book's own data "
    "dictionary, built from the repository, counts the rows of the full table."
)
"""The note on ``data/locations.csv`` when it is read from the study kit's package (see ``study_kit.locations_needed``)."""
ROWS_NEEDED = (
    "The study kit's package carries only the rows of this file whose location occurs in the de-identified "
    "export it carries, not the whole table (the other rows are places as commenters typed them, left out "
    "for privacy); the book's own data dictionary counts the rows of the full table."
)


@dataclass(frozen=True)
class Table:
    """One table of the dictionary: a file (or one level of a YAML file) and its columns."""

    name: str
    file: str
    row: str
    columns: pd.DataFrame  # column, type, non-missing, description (None when undescribed)
    unused: tuple[str, ...]  # descriptions that name no column of the file
    note: str = ""  # what a reader must know about the file as read here (the kit's header-only copy)


def _filled(value: object) -> bool:
    """Whether a cell or field holds something (not missing, not an empty string or list)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return False
    return not (isinstance(value, (str, list, dict)) and len(value) == 0)


def _frame_table(name: str, file: str, row: str, frame: pd.DataFrame, described: dict[str, str]) -> Table:
    rows = [{"column": c, "type": str(frame[c].dtype), "non-missing": int(frame[c].map(_filled).sum()),
             "description": described.get(c)} for c in frame.columns]
    unused = tuple(c for c in described if c not in frame.columns)
    return Table(name, file, row, pd.DataFrame(rows), unused)


def _records_table(name: str, file: str, row: str, records: list[dict], described: dict[str, str],
                   optional: frozenset[str] = frozenset()) -> Table:
    keys = list(dict.fromkeys(k for record in records for k in record))
    rows = []
    for key in keys:
        present = [r[key] for r in records if key in r and _filled(r[key])]
        kinds = " | ".join(sorted({type(v).__name__ for v in present})) or "none"
        rows.append({"column": key, "type": kinds, "non-missing": len(present), "description": described.get(key)})
    unused = tuple(c for c in described if c not in keys and c not in optional)
    return Table(name, file, row, pd.DataFrame(rows), unused)


def _csv(root: Path, file: str) -> pd.DataFrame:
    return pd.read_csv(root / file).convert_dtypes()


def _codebook_tables(root: Path, file: str) -> list[Table]:
    raw = yaml.safe_load((root / file).read_text(encoding="utf-8"))
    return [
        # overlaps came with version 4: the earlier rounds' codebooks lack it
        _records_table(file, file, CODEBOOK_TOP[0], [raw], CODEBOOK_TOP[1], frozenset({"overlaps"})),
        # memo and revised are optional in the schema: a codebook with no inductive or revised code lacks them
        _records_table(f"{file}: codes", file, CODEBOOK_CODES[0], raw.get("codes", []), CODEBOOK_CODES[1],
                       frozenset(codebook_module.CODE_FIELDS) - set(codebook_module.REQUIRED)),
        _records_table(f"{file}: tone", file, CODEBOOK_TONE[0], [raw.get("tone", {})], CODEBOOK_TONE[1]),
    ]


def _code_columns(root: Path, codebook_file: str) -> dict[str, str]:
    book = codebook_module.load(root / codebook_file)
    return {c.id: f"Code {c.label} ({c.category}): 1 if the comment carries it, 0 if not. "
                  f"Defined in {codebook_file}." for c in book.codes}


def sheets(root: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Every coding sheet that rounds.yml names, and every returned sheet in data/coding/human/, with its codebook and fixed columns."""
    spec = yaml.safe_load((root / "data/coding/rounds.yml").read_text(encoding="utf-8"))
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for entry in spec["rounds"]:
        for role in ("primary", "secondary"):
            found.setdefault(entry[role], (entry["codebook"], SHEET))
        if entry.get("supplementary"):
            found.setdefault(entry["supplementary"], (entry["codebook"], SHEET))
        if entry.get("secondary_round_file"):
            found.setdefault(entry["secondary_round_file"], (entry["codebook"], RECODING_SHEET))
    for path in sorted((root / human.FOLDER).glob("*.csv")):  # sheets returned by human coders
        found.setdefault(path.relative_to(root).as_posix(), ("data/codebook.yml", SHEET))
    return found


def codebooks(root: Path) -> list[str]:
    """The current codebook and every codebook a round ended with."""
    spec = yaml.safe_load((root / "data/coding/rounds.yml").read_text(encoding="utf-8"))
    return list(dict.fromkeys(["data/codebook.yml", *(entry["codebook"] for entry in spec["rounds"])]))


def tables(root: Path | None = None) -> list[Table]:
    """Every table of the data dictionary, read from the files as they are now."""
    root = root or data.project_root()
    raw = data.RAW_COMMENTS.as_posix()
    out = [
        _frame_table(f"{raw} (as parsed)", raw, "one comment, as corpus.parse_export reads the export",
                     corpus.parse_export(root / raw), PARSED_EXPORT),
        _frame_table("data.comments()", raw, "one comment: the parsed export with regions, reposts and replies",
                     data.comments(root), PARSED_EXPORT | ENRICHED),
    ]
    out += [_frame_table(file, file, row, _csv(root, file), described)
            for file, (row, described) in CSV_FILES.items()]
    if data.is_packaged(root):  # the kit's copy of the location table is cut down: say so beside it
        out = [replace(t, note=HEADER_ONLY if t.columns["non-missing"].max() == 0 else ROWS_NEEDED)
               if t.name == data.LOCATIONS.as_posix() else t for t in out]
    for file in codebooks(root):
        out += _codebook_tables(root, file)
    for file, (codebook_file, fixed) in sheets(root).items():
        described = {"comment_id": fixed["comment_id"], **_code_columns(root, codebook_file),
                     **{k: v for k, v in fixed.items() if k != "comment_id"}}
        frame = _csv(root, file)
        # a recoding sheet holds only the codes recoded: the codebook's other codes are not its columns
        if fixed is RECODING_SHEET:
            described = {k: v for k, v in described.items() if k in frame.columns or k in fixed}
        out.append(_frame_table(file, file, "one coded comment", frame, described))
    spec = yaml.safe_load((root / "data/coding/rounds.yml").read_text(encoding="utf-8"))
    out += [
        _records_table("data/coding/rounds.yml", "data/coding/rounds.yml", ROUNDS_TOP[0], [spec], ROUNDS_TOP[1]),
        _records_table("data/coding/rounds.yml: rounds", "data/coding/rounds.yml", ROUNDS[0], spec["rounds"], ROUNDS[1]),
    ]
    plan_file = "data/analysis_plan.yml"
    spec = yaml.safe_load((root / plan_file).read_text(encoding="utf-8"))
    out += [
        _records_table(plan_file, plan_file, PLAN_TOP[0], [spec], PLAN_TOP[1]),
        _records_table(f"{plan_file}: comparisons", plan_file, PLAN[0], spec["comparisons"], PLAN[1]),
    ]
    return out


def undescribed(root: Path | None = None) -> dict[str, list[str]]:
    """Columns that have no description, by table (empty when the dictionary is complete)."""
    return {t.name: t.columns.loc[t.columns["description"].isna(), "column"].tolist()
            for t in tables(root) if t.columns["description"].isna().any()}


def unused(root: Path | None = None) -> dict[str, list[str]]:
    """Descriptions that name no column of their file, by table (empty when none is stale)."""
    return {t.name: list(t.unused) for t in tables(root) if t.unused}


def uncovered_files(root: Path | None = None) -> list[str]:
    """Files under data/ that the dictionary neither tabulates nor describes in a sentence."""
    root = root or data.project_root()
    covered = {t.file for t in tables(root)} | set(TEXT_FILES) | set(ROUND3_RECORD)
    present = {p.relative_to(root).as_posix() for p in (root / "data").rglob("*") if p.is_file()}
    return sorted(present - covered)

"""What the privacy scans look for, without the repository holding it: salted hashes of every identifier.

The scans of tests/test_published.py look, in everything the study publishes, for

- ``name``: an identifying display name (the rule of ``comment_study.corpus.privacy.identifying_names``),
  in any letter case; ``exact``: a display name made of ordinary words ("Nobody special"), as written;
- ``address``: a display name, or the first word of one, that a comment of the original used to
  address or quote a commenter (``Juniper:``), found where it addresses (``@X``, ``X,``, ``X:``),
  ordinary words included;
- ``location``: a self-reported place finer than the region the book shows (the whole place, and
  its part before the first comma), unless its words occur in the comments or the article anyway;
- ``first``: the first word of each name and place above (so that a scan hashes longer stretches
  only where one could start);
- ``run``: a run of eight consecutive words of a protected comment (the original's words), except
  stock phrases: runs that an unprotected comment or the article also has (listed in
  ``tests/data/stock-phrases.txt``, with the reason).

The original export holds all of these; the repository must not. So the list is committed as
salted SHA-256 digests (``tests/data/identifiers.txt``), one per line, and a scan hashes what it
reads in the same way. Regenerate it, when the original is beside the repository, with

    PYTHONPATH=src .venv/bin/python tests/identifiers.py

(a test checks, wherever the original is found, that the committed list is what this gives).
A salted digest stops a reader from reading the names off the list, not from testing a guess:
whoever suspects a name can hash it. The list is a test aid, not a publication.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IDENTIFIERS = ROOT / "tests" / "data" / "identifiers.txt"
STOCK_PHRASES = ROOT / "tests" / "data" / "stock-phrases.txt"
SALT = "comment-study/issue-12/2019-09-28"
RUN = 8
MAX_NAME_WORDS = 6
WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return WORD.findall(str(text))


def digest(kind: str, tokens) -> str:
    return hashlib.sha256(f"{SALT}\0{kind}\0{' '.join(tokens)}".encode("utf-8")).hexdigest()[:24]


@dataclass
class Identifiers:
    """The salted digests by kind, and the longest name or place in words."""

    digests: dict[str, set[str]]
    max_words: int

    def find(self, text: str) -> dict[str, int]:
        """How many times each kind of identifier occurs in ``text`` (0 for none)."""
        found = {kind: 0 for kind in self.digests if kind != "first"}
        for kind, _ in self.matches(text):
            found[kind] += 1
        return found

    def matches(self, text: str) -> list[tuple[str, str]]:
        """Every identifier found in ``text``, as ``(kind, digest)``, in the order found."""
        cased = words(text)
        lower = [w.lower() for w in cased]
        out = []
        runs = self.digests.get("run", set())
        for i in range(len(lower) - RUN + 1):
            d = digest("run", lower[i:i + RUN])
            if d in runs:
                out.append(("run", d))
        firsts = self.digests.get("first", set())
        for i, word in enumerate(lower):
            if digest("first", [word]) not in firsts:  # no name or place starts with this word
                continue
            for n in range(1, min(self.max_words, len(lower) - i) + 1):
                for kind, tokens in (("name", lower[i:i + n]), ("location", lower[i:i + n]), ("exact", cased[i:i + n])):
                    d = digest(kind, tokens)
                    if d in self.digests.get(kind, ()):
                        out.append((kind, d))
        for match in ADDRESS.finditer(text):
            said = words(match.group("at") or match.group("lead") or "")
            # after "@" the name is the first words; opening a line, the whole stretch before the comma or colon
            parts = [said[:n] for n in range(1, min(len(said), self.max_words) + 1)] if match.group("at") else [said]
            for part in parts:
                d = digest("address", [w.lower() for w in part])
                if d in self.digests.get("address", ()):
                    out.append(("address", d))
                    break
        return out


ADDRESS = re.compile(r"@\s?(?P<at>[^\W_][\w' .-]{0,39})|^[ \t\"“]*(?P<lead>(?:[^\W_]+[ .'-]?){1,4}?)\s*[,:](?=\s)",
                     re.MULTILINE)
"""Where a name addresses someone: after ``@`` (the words that follow), or opening a line before a comma or colon
(the words before): a comment shown on its own line, as a page's text or a source file gives it."""


def load(path: Path = IDENTIFIERS) -> Identifiers:
    digests: dict[str, set[str]] = {}
    max_words = 1
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            if line.startswith("# max_words "):
                max_words = int(line.split()[-1])
            continue
        kind, value = line.split()
        digests.setdefault(kind, set()).add(value)
    return Identifiers(digests, max_words)


def generate(original: Path) -> tuple[str, str]:
    """The identifier list and the stock-phrase list, as text, from the original export."""
    import pandas as pd

    from comment_study.corpus import deidentify, export, files as data, privacy, regions
    from comment_study.study import protected, replies

    table = export.parse_export(original)
    location_table = regions.load_location_table(ROOT / data.LOCATIONS)
    comments = data.enrich(table, data.article(ROOT), location_table)
    sheet = pd.read_csv(ROOT / "data/coding/primary.csv", keep_default_na=False)
    links = replies.read_links(sheet, comments, data.reply_checks(ROOT))
    shielded = protected.ids(protected.reasons(comments, links, data.disclosures(ROOT)))
    rule = privacy.NameRule(comments["author"].unique())
    entries: set[tuple[str, str]] = set()
    firsts: set[str] = set()  # the first word of every name and place, to skip most words quickly
    longest = 1
    for pattern in rule.patterns:
        tokens = words(pattern.name)
        longest = max(longest, len(tokens))
        firsts.add(tokens[0].lower())
        if pattern.case_sensitive:
            entries.add(("exact", digest("exact", tokens)))
        else:
            entries.add(("name", digest("name", [w.lower() for w in tokens])))
    for text in comments["text"]:
        for start, end, _ in rule.spans(text):
            tokens = [w.lower() for w in words(text[start:end])]
            if tokens:
                longest = max(longest, len(tokens))
                entries.add(("address", digest("address", tokens)))
    shown = data.comments(ROOT)
    everyday = " ".join(w.lower() for w in words(" ".join(shown["text"]) + " " + data.article(ROOT)))
    region_words = {" ".join(w.lower() for w in words(r)) for r in set(comments["region"])}
    region_words |= {" ".join(w.lower() for w in words(deidentify.region_label(r, location_table)))
                     for r in set(comments["region"])}
    region_words |= {s.lower() for s in regions.STATES} | {n.lower() for n in regions.US_NAMES}
    for location in comments["location"].unique():
        for place in {location, location.split(",")[0]}:
            tokens = [w.lower() for w in words(place)]
            joined = " ".join(tokens)
            if len(joined) < 3 or joined in region_words or f" {joined} " in f" {everyday} ":
                continue
            longest = max(longest, len(tokens))
            firsts.add(tokens[0])
            entries.add(("location", digest("location", tokens)))
    texts = comments.set_index("comment_id")["text"]
    common = set().union(*(protected.word_runs(t) for c, t in texts.items() if c not in shielded))
    common |= protected.word_runs(data.article(ROOT))
    stock = set()
    for cid in sorted(shielded):
        for run in protected.word_runs(texts[cid]):
            if run in common:
                stock.add(run)
            else:
                entries.add(("run", digest("run", run.split())))
    for text in firsts:
        entries.add(("first", digest("first", [text])))
    longest = min(longest, MAX_NAME_WORDS)
    head = [
        "# Salted SHA-256 digests (first 24 hex digits) of what the privacy scans look for; see tests/identifiers.py.",
        "# Generated from the original export (data/README.md gives its checksum) by: PYTHONPATH=src python tests/identifiers.py",
        f"# max_words {longest}",
    ]
    body = [f"{kind} {value}" for kind, value in sorted(entries)]
    stock_text = "\n".join([
        "# Stock phrases: eight-word runs that a protected comment shares with an unprotected comment or with the",
        "# article excerpt. They are not evidence that a protected comment was quoted (the unprotected comment or the",
        "# article is shown in its own right), so the scans of tests/test_published.py do not look for them.",
        "# Generated with tests/data/identifiers.txt by tests/identifiers.py.",
        *sorted(stock),
    ])
    return "\n".join(head + body) + "\n", stock_text + "\n"


def main() -> int:
    from comment_study.corpus import files as data

    original = data.original_export(ROOT)
    if original is None:
        print("the original export is not beside the repository (see data/README.md)", file=sys.stderr)
        return 1
    identifiers, stock = generate(original)
    IDENTIFIERS.parent.mkdir(parents=True, exist_ok=True)
    IDENTIFIERS.write_text(identifiers, encoding="utf-8")
    STOCK_PHRASES.write_text(stock, encoding="utf-8")
    print(f"{IDENTIFIERS.relative_to(ROOT)}: {len(identifiers.splitlines()) - 3} digests; "
          f"{STOCK_PHRASES.relative_to(ROOT)}: {len(stock.splitlines()) - 4} stock phrases")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())

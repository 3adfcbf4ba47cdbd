"""Scans over everything the study publishes: every file of the built book and every tracked file.

What is looked for is the original's identifiers (tests/identifiers.py): identifying display
names, names that address a commenter, places finer than a region, and runs of eight words of a
protected comment (stock phrases excepted: tests/data/stock-phrases.txt says which and why).
They come as salted digests (tests/data/identifiers.txt), so the scans run for a reviewer who has
only the repository; where the original export is beside the repository, a test checks that the
list is what the original gives.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import subprocess
import sysconfig
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import identifiers
from comment_study.corpus import files as data
from conftest import ROOT, leaks

BINARY = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".eot", ".pdf", ".pickle", ".doctree"}


def _notebook_text(raw: str) -> str:
    """A notebook's sources and outputs as text, without the base64 of its images (random letters, not words)."""
    notebook = json.loads(raw)
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            for mime in [m for m in output.get("data", {}) if m.startswith("image/") and m != "image/svg+xml"]:
                del output["data"][mime]
    return json.dumps(notebook, ensure_ascii=False)


def readable(name: str, raw: bytes) -> list[tuple[str, str]]:
    """The text a reader gets from one published file: pages as text, archives opened, escapes undone."""
    if zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return [part for member in archive.namelist() if not member.endswith("/")
                    for part in readable(f"{name}!{member}", archive.read(member))]
    if Path(name).suffix.lower() in BINARY:
        return []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return []
    if Path(name).suffix.lower() in {".html", ".htm"}:
        text = BeautifulSoup(text, "html.parser").get_text("\n")
    else:
        if Path(name).suffix.lower() == ".ipynb":
            text = _notebook_text(text)
        text = html.unescape(text.replace("\\n", "\n").replace('\\"', '"'))
    return [(name, text)]


def scan(files: list[Path], base: Path, allowed: dict[str, set[str]] | None = None) -> dict[str, dict[str, int]]:
    """Each file (or archive member) where an identifier was found, with what was found.

    ``allowed`` maps a file to the kinds, or the single digests, that may occur in it (each
    exception is explained where it is listed).
    """
    allowed = allowed or {}
    ids = identifiers.load()
    found = {}
    for path in files:
        rel = path.relative_to(base).as_posix()
        for name, text in readable(rel, path.read_bytes()):
            hits: dict[str, int] = {}
            for kind, value in ids.matches(text):
                if kind not in allowed.get(rel, set()) and value not in allowed.get(rel, set()):
                    hits[kind] = hits.get(kind, 0) + 1
            if hits:
                found[name] = hits
    return found


def vendored(files: list[Path]) -> set[Path]:
    """The built files that are byte for byte a file of an installed package (the theme's scripts and styles).

    They are third-party code copied into the build; they hold no study data, and their words
    (icon names, colour names) are not the commenters'.
    """
    site = Path(sysconfig.get_paths()["purelib"])
    wanted = {p.name: p for p in files if "_static" in p.parts}
    digests = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in wanted.values()}
    out = set()
    for candidate in site.rglob("*"):
        if candidate.name in wanted and candidate.is_file():
            match = digests.get(hashlib.sha256(candidate.read_bytes()).hexdigest())
            if match is not None:
                out.add(match)
    return {p for p in files if any(p.read_bytes() == q.read_bytes() for q in out if q.name == p.name)}


BUILT_ALLOWED = {
    "searchindex.js": {
        "location c73b463eaa94d6d79cd6fa17",  # the stem of "Kingstone", a cited author
        "location cfb3d025e030b31e17b4032a",  # the stem of "concordance"
    },
}
"""Identifiers that may occur in a built file, and why. The search index holds word *stems*: it stems a cited
author's surname ("Kingstone") and the word "concordance" to words that are also places two commenters
typed. The place is not the commenter's here; it is a stem of other words."""


# --- the scanner, on small cases --------------------------------------------------------------

def test_the_identifier_list_finds_each_kind_in_a_small_fixture(tmp_path):
    salt_list = tmp_path / "ids.txt"
    entries = [("name", ["vexillarion"]), ("exact", ["Nobody", "special"]), ("address", ["juniper"]),
               ("location", ["crumbleton"]), ("run", "one two three four five six seven eight".split())]
    firsts = {"vexillarion", "nobody", "crumbleton"}
    salt_list.write_text("# max_words 2\n" + "".join(f"{k} {identifiers.digest(k, t)}\n" for k, t in entries)
                         + "".join(f"first {identifiers.digest('first', [w])}\n" for w in firsts))
    ids = identifiers.load(salt_list)
    assert ids.find("Ask VEXILLARION.")["name"] == 1
    assert ids.find("Ask Nobody special.")["exact"] == 1 and ids.find("ask nobody special")["exact"] == 0
    assert ids.find("Juniper: you are wrong")["address"] == 1 and ids.find("a sprig of juniper, here")["address"] == 0
    assert ids.find("@Juniper what")["address"] == 1
    assert ids.find("Written from (Crumbleton)")["location"] == 1
    assert ids.find("zero ONE two three four five six seven eight nine")["run"] == 1
    assert ids.find("one two three four five six seven")["run"] == 0


def test_archives_are_opened_and_escapes_undone(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sources/a.txt", "inner text")
        archive.writestr("project.qde", "<Note>a &amp; b</Note>")
    parts = dict(readable("study.qdpx", buffer.getvalue()))
    assert parts == {"study.qdpx!sources/a.txt": "inner text", "study.qdpx!project.qde": "<Note>a & b</Note>"}
    assert readable("page.html", b"<p>A<b>b</b></p>") == [("page.html", "A\nb")]


# --- the list itself --------------------------------------------------------------------------

def test_the_identifier_list_is_what_the_original_gives():
    original = data.original_export(ROOT)
    if original is None:
        pytest.skip("the original export is not beside the repository: the committed list stands in for it")
    ids, stock = identifiers.generate(original)
    assert ids == identifiers.IDENTIFIERS.read_text(encoding="utf-8"), "regenerate: PYTHONPATH=src python tests/identifiers.py"
    assert stock == identifiers.STOCK_PHRASES.read_text(encoding="utf-8")


def test_the_identifier_list_covers_every_kind():
    ids = identifiers.load()
    assert {kind: len(v) > 0 for kind, v in ids.digests.items()} == dict.fromkeys(
        ["address", "exact", "first", "location", "name", "run"], True)


def test_stock_phrases_are_shared_with_shown_text():
    # a stock phrase is excepted because an unprotected comment (or the article) has it too
    lines = [line for line in identifiers.STOCK_PHRASES.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    shown = " ".join(w.lower() for w in identifiers.words(" ".join(data.comments(ROOT)["text"]) + " " + data.article(ROOT)))
    assert all(f" {line} " in f" {shown} " for line in lines)


# --- every tracked file -----------------------------------------------------------------------

TRACKED_ALLOWED = {
    "data/locations.csv": {"location"},
    "tests/data/refi-qda/Project-mrt2019.xsd": {"name"},
}
"""Files that may hold one kind of identifier, and why: data/locations.csv lists the places commenters typed
(without saying who typed which), so that `deidentify` can be rerun on the original; see data/README.md.
The official REFI-QDA project schema (third-party text, copied unchanged as test data) uses an ordinary
English word that one commenter also chose as a one-word display name; it names no commenter."""


def tracked_files() -> list[Path]:
    result = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if result.returncode != 0:
        pytest.skip("not a git checkout: no list of tracked files")
    return [ROOT / name for name in result.stdout.decode("utf-8").split("\0") if name and (ROOT / name).is_file()]


def test_no_tracked_file_holds_a_display_name_a_precise_place_or_protected_words():
    files = tracked_files()
    assert ROOT / data.RAW_COMMENTS in files and len(files) > 50
    assert scan(files, ROOT, {k: v for k, v in TRACKED_ALLOWED.items()}) == {}


def test_the_original_export_is_not_tracked():
    names = {p.relative_to(ROOT).as_posix() for p in tracked_files()}
    assert data.ORIGINAL_COMMENTS.as_posix() not in names
    original = data.original_export(ROOT)
    if original is not None:
        content = original.read_bytes()
        assert not any(p.read_bytes() == content for p in tracked_files())


# --- every file of the built book -------------------------------------------------------------

@pytest.mark.build
def test_no_built_file_holds_a_display_name_a_precise_place_or_protected_words(built_book):
    html_root = built_book / "_build/html"
    files = sorted(p for p in html_root.rglob("*") if p.is_file())
    names = {p.relative_to(html_root).as_posix() for p in files}
    assert "searchindex.js" in names
    assert any(n.startswith("_sources/") for n in names)
    assert any(n.endswith(".ipynb") for n in names), "the notebook downloads"
    assert any(n.endswith(".qdpx") for n in names) and any(n.endswith(".qdc") for n in names), "the REFI downloads"
    third_party = vendored(files)
    assert third_party and all("_static" in p.parts for p in third_party)
    allowed = {f: {v.split()[1] for v in values} for f, values in BUILT_ALLOWED.items()}
    assert scan([p for p in files if p not in third_party], html_root, allowed) == {}


@pytest.mark.build
def test_the_pages_that_showed_protected_comments_now_paraphrase_them(built_book):
    def text(page: str) -> str:
        return BeautifulSoup((built_book / "_build/html" / f"chapters/{page}.html").read_text(encoding="utf-8"),
                             "html.parser").get_text("\n")

    assert "Comment 95 · " in text("conversation") and "protected: by the writer of disclosure 18" in text("conversation")
    assert "Comment 180 · " not in text("topics") or "protected: by the writer of disclosure 276" in text("topics")

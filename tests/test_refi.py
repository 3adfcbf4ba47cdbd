"""The REFI-QDA export: what goes in comes back out, nothing private leaks, and the files are stable.

The XML is read back with the standard library only and compared with the codebook and the
coding sheets as the package loads them. The structure is checked against the element order
and required attributes of the standard's schemas (Codebook.xsd, Project.xsd; written out
below from the schemas, not from the exporter), and both files are validated against the
official schemas, kept with their notice in ``tests/data/refi-qda/``. What QualCoder and Taguette
need beyond the schemas (a note's own selection, no empty source file, a CSV codebook) is
checked by reading the files the way those importers do.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

from comment_study.study import load_study
from comment_study import cli

from comment_study.coding import codebook, sheets as coding

from comment_study.corpus import files as data, privacy, regions

from comment_study.study import quotes

from comment_study.exchange import refi

from comment_study.book import sphinx_downloads
from conftest import ROOT, leaks

P = "{urn:QDA-XML:project:1.0}"
C = "{urn:QDA-XML:codebook:1.0}"

# GUIDType in both schemas: 8-4-4-4-12 hexadecimal digits, optionally in braces (whole value).
XSD_GUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}")


# --- fixtures: the real study, exported once ---------------------------------------------------

@pytest.fixture(scope="module")
def book(comments):
    return codebook.load(ROOT / "data/codebook.yml", set(comments["comment_id"]))


@pytest.fixture(scope="module")
def sheets(book, comments):
    return {
        "primary": coding.load_sheet(ROOT / "data/coding/primary.csv", book, comments, complete=True),
        "secondary": coding.load_sheet(ROOT / "data/coding/secondary.csv", book, comments, complete=False),
    }


@pytest.fixture(scope="module")
def study():
    return load_study(ROOT)


@pytest.fixture(scope="module")
def qdc(study) -> bytes:
    return refi.codebook_xml(study.book)


@pytest.fixture(scope="module")
def qdpx(study) -> bytes:
    return refi.qdpx_bytes(study)


@pytest.fixture(scope="module")
def archive(qdpx) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(qdpx)) as handle:
        return {name: handle.read(name) for name in handle.namelist()}


@pytest.fixture(scope="module")
def project(archive) -> ET.Element:
    return ET.fromstring(archive["project.qde"])


@pytest.fixture(scope="module")
def codebook_root(qdc) -> ET.Element:
    return ET.fromstring(qdc)


@pytest.fixture(scope="module")
def sources(project, archive) -> dict[int, tuple[ET.Element, str]]:
    """Each comment id -> (its TextSource element, its text as stored in the archive)."""
    out = {}
    for source in project.iter(P + "TextSource"):
        cid = int(re.fullmatch(r"Comment (\d+)", source.get("name")).group(1))
        path = source.get("plainTextPath")
        assert path.startswith("internal://")
        out[cid] = (source, archive["sources/" + path.removeprefix("internal://")].decode("utf-8"))
    return out


@pytest.fixture(scope="module")
def users(project) -> dict[str, str]:
    """User id (``primary``/``secondary``) -> GUID."""
    return {u.get("id"): u.get("guid") for u in project.iter(P + "User")}


def redactor(comments):
    return privacy.NameRule(comments["author"].unique()).redact


def variables_of(project: ET.Element, source: ET.Element) -> dict[str, str]:
    names = {v.get("guid"): v.get("name") for v in project.iter(P + "Variable")}
    out = {}
    for value in source.findall(P + "VariableValue"):
        ref, typed = list(value)
        out[names[ref.get("targetGUID")]] = typed.text
    return out


# --- the codebook -------------------------------------------------------------------------------

def test_codebook_file_holds_every_code_under_its_category_with_its_rules(codebook_root, book):
    assert codebook_root.tag == C + "CodeBook" and codebook_root.get("origin")
    parents = {child: parent for parent in codebook_root.iter(C + "Code") for child in parent.findall(C + "Code")}
    codable = {c.get("name"): c for c in codebook_root.iter(C + "Code") if c.get("isCodable") == "true"}
    assert set(codable) == set(book.ids) | {f"tone_{t}" for t in book.tones}
    for code in book.codes:
        element = codable[code.id]
        parent = parents[element]
        assert parent.get("name") == code.category and parent.get("isCodable") == "false"
        description = element.findtext(C + "Description")
        for part in (code.label, code.definition, code.include, code.exclude, code.memo, code.revised):
            assert part in description, (code.id, part[:40])
    for tone, meaning in book.tones.items():
        element = codable[f"tone_{tone}"]
        assert parents[element].get("name") == "tone" and meaning in element.findtext(C + "Description")
    top = [c.get("name") for c in codebook_root.find(C + "Codes")]
    assert top == [*book.categories, "tone"]


def test_code_sets_hold_the_codes_of_each_origin(codebook_root, book):
    names = {c.get("guid"): c.get("name") for c in codebook_root.iter(C + "Code")}
    sets = {s.get("name"): {names[m.get("guid")] for m in s.findall(C + "MemberCode")} for s in codebook_root.iter(C + "Set")}
    for origin in ("a priori", "inductive"):
        assert sets[f"Codes: {origin}"] == {c.id for c in book.codes if c.origin == origin}


def test_project_carries_the_same_codebook_as_the_codebook_file(codebook_root, project):
    def tree(element, ns):
        return [(c.get("guid"), c.get("name"), c.get("isCodable"), c.findtext(ns + "Description"), tree(c, ns))
                for c in element.findall(ns + "Code")]

    assert tree(project.find(f"{P}CodeBook/{P}Codes"), P) == tree(codebook_root.find(C + "Codes"), C)


def test_code_guids_follow_the_code_ids_not_their_order(book, codebook_root):
    shuffled = dataclasses.replace(book, codes=tuple(reversed(book.codes)))
    again = ET.fromstring(refi.codebook_xml(shuffled))
    guids = lambda root: {c.get("name"): c.get("guid") for c in root.iter(C + "Code")}
    assert guids(again) == guids(codebook_root)


# --- the project: sources, codings, memos -----------------------------------------------------

def test_every_comment_is_a_source_with_its_redacted_text(sources, comments, study):
    assert sorted(sources) == sorted(comments["comment_id"])
    redact = redactor(comments)
    reasons = dict(zip(study.protected_reasons["comment_id"], study.protected_reasons["reason"]))
    assert set(data.disclosures(ROOT)["comment_id"]) < set(reasons)
    for row in comments.itertuples(index=False):
        _, text = sources[row.comment_id]
        if row.comment_id in reasons:
            assert text.startswith(f"[withheld: {reasons[row.comment_id]}] ")
        elif row.is_empty:
            assert row.text == "" and text == refi.EMPTY_PLACEHOLDER.format(cid=row.comment_id)
        else:
            assert text == redact(row.text)
    assert any("[name]" in text for _, text in sources.values())


def test_no_source_file_is_empty_and_the_empty_comment_is_a_placeholder_without_codings(sources, archive, comments):
    assert all(raw.strip() for name, raw in archive.items() if name.startswith("sources/"))
    empty = comments.loc[comments["is_empty"], "comment_id"].tolist()
    assert empty  # the export has an empty comment: the placeholder is exercised
    for cid in empty:
        source, text = sources[cid]
        assert text.startswith("[") and text.endswith("]") and str(cid) in text
        assert all(s.find(P + "Coding") is None for s in source.findall(P + "PlainTextSelection"))


def test_protected_comments_are_the_primary_coders_paraphrase(sources, sheets, comments, study):
    memos = sheets["primary"].set_index("comment_id")["memo"]
    redact = redactor(comments)
    for cid in study.protected:
        assert sources[cid][1].endswith(redact(memos[cid]))


def test_pseudonym_region_replies_and_reposts_are_source_variables(sources, project, comments):
    for row in comments.itertuples(index=False):
        values = variables_of(project, sources[row.comment_id][0])
        assert values["comment_id"] == str(row.comment_id)
        assert values["commenter"] == row.author_id and values["region"] == row.region
        assert values.get("reply_to") == (None if pd.isna(row.reply_to) else str(int(row.reply_to)))
        repost = None if pd.isna(row.duplicate_of) else str(int(row.duplicate_of))
        assert values.get("repost_of") == repost
        assert values["counted_in_rates"] == ("true" if not row.is_empty and repost is None else "false")


def test_each_commenter_is_a_case_holding_their_comments(project, comments):
    sources = {s.get("guid"): int(s.get("name").split()[-1]) for s in project.iter(P + "TextSource")}
    cases = {case.get("name"): sorted(sources[r.get("targetGUID")] for r in case.findall(P + "SourceRef"))
             for case in project.iter(P + "Case")}
    expected = {a: sorted(int(i) for i in g["comment_id"]) for a, g in comments.groupby("author_id")}
    assert cases == expected


def test_codings_equal_each_coding_sheet(sources, project, users, sheets, book):
    code_names = {c.get("guid"): c.get("name") for c in project.iter(P + "Code")}
    for coder, sheet in sheets.items():
        expected = {(int(r.comment_id), c) for r in sheet.itertuples(index=False) for c in book.ids if getattr(r, c) == 1}
        expected |= {(int(r.comment_id), f"tone_{r.tone}") for r in sheet.itertuples(index=False) if r.tone}
        found = set()
        for cid, (source, text) in sources.items():
            for selection in source.findall(P + "PlainTextSelection"):
                if selection.get("creatingUser") != users[coder]:
                    continue
                assert (selection.get("startPosition"), selection.get("endPosition")) == ("0", str(len(text)))
                for item in selection.findall(P + "Coding"):
                    assert item.get("creatingUser") == users[coder]
                    pair = (cid, code_names[item.find(P + "CodeRef").get("targetGUID")])
                    assert pair not in found
                    found.add(pair)
        assert found == expected, coder


def test_whole_comment_positions_agree_whether_counted_in_code_points_or_utf16_units(sources):
    for source, text in sources.values():
        assert len(text.encode("utf-16-le")) // 2 == len(text)
        for selection in source.findall(P + "PlainTextSelection"):
            assert text[int(selection.get("startPosition")):int(selection.get("endPosition"))] == text


def test_memos_are_notes_attached_to_their_comments(project, sources, users, sheets, comments):
    redact = redactor(comments)
    notes = {n.get("guid"): n for n in project.iter(P + "Note")}
    assert len(notes) == sum(len(s) for s in sheets.values())
    for coder, sheet in sheets.items():
        for row in sheet.itertuples(index=False):
            source, _ = sources[row.comment_id]
            attached = [notes[r.get("targetGUID")] for r in source.findall(P + "NoteRef")]
            mine = [n for n in attached if n.get("creatingUser") == users[coder]]
            assert [n.findtext(P + "PlainTextContent") for n in mine] == [redact(row.memo)]


def qualcoder_annotations(project: ET.Element, sources) -> dict[tuple[int, str], str]:
    """The notes a QualCoder-style import keeps, read as its ``RefiImport`` reads them.

    A ``NoteRef`` on a text source marks the note as an annotation of that source; the note is
    kept only if it holds a ``PlainTextContent`` and a ``PlainTextSelection`` whose span lies in
    the source's text. Returns (comment id, creating user GUID) -> the memo.
    """
    referenced = {ref.get("targetGUID"): cid for cid, (source, _) in sources.items()
                  for ref in source.findall(P + "NoteRef")}
    kept = {}
    for note in project.iter(P + "Note"):
        cid = referenced.get(note.get("guid"))
        content, anchor = note.find(P + "PlainTextContent"), note.find(P + "PlainTextSelection")
        if cid is None or content is None or content.text is None or anchor is None:
            continue
        start, end = int(anchor.get("startPosition")), int(anchor.get("endPosition"))
        assert 0 <= start < end <= len(sources[cid][1]), (cid, start, end)
        kept[(cid, note.get("creatingUser"))] = content.text
    return kept


def test_every_memo_survives_an_import_that_keeps_only_anchored_notes(project, sources, users, sheets, comments):
    redact = redactor(comments)
    expected = {(int(row.comment_id), users[coder]): redact(row.memo)
                for coder, sheet in sheets.items() for row in sheet.itertuples(index=False)}
    assert qualcoder_annotations(project, sources) == expected
    for note in project.iter(P + "Note"):  # each note anchored to the whole comment it is about
        anchor = note.find(P + "PlainTextSelection")
        cid = int(re.search(r"comment (\d+)", note.get("name")).group(1))
        assert (anchor.get("startPosition"), anchor.get("endPosition")) == ("0", str(len(sources[cid][1])))


def test_source_sets_hold_the_reliability_sample_and_the_comments_counted_in_rates(project, sheets, comments):
    ids = {s.get("guid"): int(s.get("name").split()[-1]) for s in project.iter(P + "TextSource")}
    sets = {s.get("name"): sorted(ids[m.get("targetGUID")] for m in s.findall(P + "MemberSource"))
            for s in project.iter(P + "Set")}
    assert sets["Reliability sample"] == sorted(sheets["secondary"]["comment_id"])
    assert sets["Counted in rates"] == sorted(coding.coded(sheets["primary"], comments)["comment_id"])


# --- identifiers, structure, layout -------------------------------------------------------------

REFERENCES = {  # referring element -> the element kinds its targetGUID may name
    "CodeRef": {"Code"}, "SourceRef": {"TextSource"}, "MemberSource": {"TextSource"}, "MemberCode": {"Code"},
    "NoteRef": {"Note"}, "VariableRef": {"Variable"},
}


def test_guids_are_well_formed_unique_and_every_reference_resolves(project, codebook_root):
    for root in (project, codebook_root):
        kinds = {}
        for element in root.iter():
            for name in ("guid", "targetGUID", "creatingUser", "creatingUserGUID"):
                if element.get(name) is not None:
                    assert XSD_GUID.fullmatch(element.get(name)), (element.tag, element.get(name))
            if element.get("guid") and element.tag.split("}")[1] != "MemberCode":
                assert element.get("guid") not in kinds, element.get("guid")
                kinds[element.get("guid")] = element.tag.split("}")[1]
        for element in root.iter():
            tag = element.tag.split("}")[1]
            target = element.get("targetGUID") or (element.get("guid") if tag == "MemberCode" else None)
            if tag in REFERENCES:
                assert kinds.get(target) in REFERENCES[tag], (tag, target)
            for name in ("creatingUser", "creatingUserGUID"):
                if element.get(name):
                    assert kinds[element.get(name)] == "User"


def test_two_exports_are_byte_identical(study, qdc, qdpx):
    assert refi.codebook_xml(study.book) == qdc
    assert refi.qdpx_bytes(study) == qdpx


def test_archive_has_project_qde_at_its_root_and_every_source_inside_it(qdpx, project, archive):
    with zipfile.ZipFile(io.BytesIO(qdpx)) as handle:
        infos = handle.infolist()
        assert handle.testzip() is None
    assert infos[0].filename == "project.qde"
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
    paths = {"sources/" + s.get("plainTextPath").removeprefix("internal://") for s in project.iter(P + "TextSource")}
    assert paths == set(archive) - {"project.qde"}
    for path in paths:
        raw = archive[path]
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and b"\n" not in raw
        raw.decode("utf-8")
    assert archive["project.qde"].startswith(b'<?xml version="1.0" encoding="utf-8"?>')


# The element order (xsd:sequence) and required attributes of Project.xsd / Codebook.xsd.
SEQUENCES = {
    "Project": ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs", "Description", "NoteRef"],
    "Users": ["User"], "CodeBook": ["Codes", "Sets"], "Codes": ["Code"], "Code": ["Description", "NoteRef", "Code"],
    "Variables": ["Variable"], "Variable": ["Description"], "Cases": ["Case"],
    "Case": ["Description", "CodeRef", "VariableValue", "SourceRef", "SelectionRef"],
    "Sources": ["TextSource"], "Notes": ["Note"],
    "TextSource": ["Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef", "VariableValue"],
    "Note": ["Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef", "VariableValue"],
    "PlainTextSelection": ["Description", "Coding", "NoteRef"], "Coding": ["CodeRef", "NoteRef"],
    "Sets": ["Set"], "Set": ["Description", "MemberCode", "MemberSource", "MemberNote"],
    "VariableValue": ["VariableRef", "TextValue|BooleanValue|IntegerValue|FloatValue|DateValue|DateTimeValue"],
}
AT_MOST_ONCE = {"Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs", "Description",
                "Codes", "PlainTextContent", "CodeRef", "VariableRef"}
REQUIRED = {
    "Project": {"name"}, "User": {"guid"}, "Code": {"guid", "name", "isCodable"},
    "Variable": {"guid", "name", "typeOfVariable"}, "Case": {"guid"}, "TextSource": {"guid"}, "Note": {"guid"},
    "PlainTextSelection": {"guid", "startPosition", "endPosition"}, "Coding": {"guid"}, "Set": {"guid", "name"},
    "CodeRef": {"targetGUID"}, "SourceRef": {"targetGUID"}, "NoteRef": {"targetGUID"}, "VariableRef": {"targetGUID"},
    "MemberSource": {"targetGUID"},
}


@pytest.mark.parametrize("which", ["project", "codebook"])
def test_elements_come_in_the_schemas_order_with_their_required_attributes(which, project, codebook_root):
    root = project if which == "project" else codebook_root
    assert root.get("xmlns") is None and root.tag.startswith(P if which == "project" else C)
    for element in root.iter():
        tag = element.tag.split("}")[1]
        expected = REQUIRED.get(tag, set()) | ({"guid"} if tag == "MemberCode" and which == "codebook" else set())
        expected |= {"targetGUID"} if tag == "MemberCode" and which == "project" else set()
        assert expected <= set(element.attrib), (tag, element.attrib)
        children = [c.tag.split("}")[1] for c in element]
        if not children:
            continue
        order = SEQUENCES[tag]
        slot = [next(i for i, names in enumerate(order) if child in names.split("|")) for child in children]
        assert slot == sorted(slot), (tag, children)
        for child in set(children) & AT_MOST_ONCE:
            assert children.count(child) == 1, (tag, child)
    if which == "project":
        assert {c.tag.split("}")[1] for c in root.find(P + "CodeBook")} == {"Codes"}  # a project's sets are its own
        for variable in root.iter(P + "Variable"):
            assert variable.get("typeOfVariable") in {"Text", "Boolean", "Integer", "Float", "Date", "DateTime"}
    for code in root.iter((P if which == "project" else C) + "Code"):
        assert code.get("isCodable") in {"true", "false"} and re.fullmatch(r"#[0-9A-Fa-f]{6}", code.get("color"))


XSD_DIR = Path(__file__).parent / "data" / "refi-qda"
"""The standard's official schemas, copied unchanged with their notice (see its README.md)."""


@pytest.fixture(scope="module")
def schemas():
    import xmlschema  # pinned in requirements.txt: the schema test always runs

    return {"codebook": xmlschema.XMLSchema(str(XSD_DIR / "Codebook.xsd")),
            "project": xmlschema.XMLSchema(str(XSD_DIR / "Project-mrt2019.xsd"))}


def test_both_files_validate_against_the_official_schemas(schemas, qdc, archive):
    schemas["codebook"].validate(qdc.decode("utf-8"))
    schemas["project"].validate(archive["project.qde"].decode("utf-8"))


def test_the_schema_check_rejects_a_file_the_standard_forbids(schemas, archive):
    # A note's selection without its end position: the schema requires it, so validation must fail.
    broken = ET.fromstring(archive["project.qde"])
    anchor = next(broken.iter(P + "Note")).find(P + "PlainTextSelection")
    del anchor.attrib["endPosition"]
    assert not schemas["project"].is_valid(ET.tostring(broken, encoding="unicode"))


# --- Taguette's codebook -------------------------------------------------------------------------

def test_codebook_csv_has_taguettes_columns_and_the_qdc_codes_with_their_descriptions(study, codebook_root):
    raw = refi.codebook_csv(study.book)
    assert raw.decode("utf-8").split("\n", 1)[0] == "tag,description"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    codable = [(c.get("name"), c.findtext(C + "Description")) for c in codebook_root.iter(C + "Code")
               if c.get("isCodable") == "true"]
    assert [(r["tag"], r["description"]) for r in rows] == codable
    assert len({r["tag"] for r in rows}) == len(rows)


# --- privacy ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def texts(qdc, archive) -> dict[str, str]:
    """Every text and attribute value of the two XML files (parsed, so escapes hide nothing), and the sources."""
    out = {}
    for name, raw in (("codebook.qdc", qdc), ("project.qde", archive["project.qde"])):
        out[name] = "\n".join(v for e in ET.fromstring(raw).iter() for v in (e.text, e.tail, *e.attrib.values()) if v)
    out["sources/"] = "\n".join(raw.decode("utf-8") for name, raw in archive.items() if name.startswith("sources/"))
    return out


def test_no_display_name_place_or_protected_words_in_either_file(texts):
    # the identifiers of the original (tests/identifiers.py): display names, places finer than a
    # region, eight-word runs of protected comments; the comments are exported from the
    # de-identified export, through the quoting gate
    for name, text in texts.items():
        assert leaks(text) == {}, name


# --- the command line and the book's downloads --------------------------------------------------

def test_command_line_writes_the_same_bytes_as_the_package(tmp_path, qdc, qdpx):
    csv_book = refi.codebook_csv(load_study(ROOT).book)
    for command, name, expected in (("export-qdc", "codebook.qdc", qdc), ("export-qdpx", "study.qdpx", qdpx),
                                    ("export-codebook-csv", "codebook.csv", csv_book)):
        out = tmp_path / name
        result = subprocess.run([sys.executable, "-m", "comment_study", command, "--root", str(ROOT), "--out", str(out)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert out.read_bytes() == expected  # another process: nothing depends on hash seeds or run order
        assert result.stdout.count("\n") == 1 and str(out) in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codebook.csv", "codebook.qdc", "study.qdpx"]


@pytest.fixture
def book_copy(tmp_path) -> Path:
    """A minimal copy of the book (its data and a _config.yml) to break."""
    root = tmp_path / "book"
    shutil.copytree(ROOT / "data", root / "data")
    (root / "_config.yml").write_text("title: copy\n")
    return root


@pytest.mark.parametrize("command", ["export-qdc", "export-codebook-csv", "export-qdpx"])
@pytest.mark.parametrize("damage, message", [
    (("  - id: distress\n    label: Distress\n", "  - id: distress\n"), r"codebook\.yml: code 'distress': missing label"),
    (("\nunit: ", "\n  bad: [\nunit: "), r"codebook\.yml, line \d+: not valid YAML"),
])
def test_bad_codebook_exits_nonzero_with_the_file_named_and_writes_nothing(book_copy, tmp_path, capsys, command, damage, message):
    path = book_copy / "data/codebook.yml"
    assert damage[0] in path.read_text()
    path.write_text(path.read_text().replace(*damage, 1))
    out = tmp_path / "out" / "file"
    assert cli.main([command, "--root", str(book_copy), "--out", str(out)]) == 1
    assert re.search(message, capsys.readouterr().err)
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


@pytest.mark.parametrize("sheet", ["primary", "secondary"])
def test_bad_coding_sheet_exits_nonzero_naming_the_file_and_line(book_copy, tmp_path, capsys, sheet):
    path = book_copy / f"data/coding/{sheet}.csv"
    lines = path.read_text().splitlines(keepends=True)
    cells = lines[3].split(",")
    cells[1] = "2"
    lines[3] = ",".join(cells)
    path.write_text("".join(lines))
    out = tmp_path / "study.qdpx"
    assert cli.main(["export-qdpx", "--root", str(book_copy), "--out", str(out)]) == 1
    assert f"{sheet}.csv, line 4, column distress: '2' is not a code value" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".study.qdpx.*"))


def test_help_says_what_each_export_holds(capsys):
    for command, words in (("export-qdc", ["urn:QDA-XML:codebook:1.0", "non-codable", "--out"]),
                           ("export-qdpx", ["display", "memo", "byte-identical", "--root"])):
        with pytest.raises(SystemExit) as exit_:
            cli.main([command, "--help"])
        assert exit_.value.code == 0
        text = capsys.readouterr().out
        assert all(w in text for w in words), command


def test_download_files_are_rewritten_only_when_their_bytes_change(tmp_path):
    path = tmp_path / "downloads" / "file.qdc"
    assert sphinx_downloads.write_if_changed(path, b"one")
    stamp = path.stat().st_mtime_ns
    assert not sphinx_downloads.write_if_changed(path, b"one") and path.stat().st_mtime_ns == stamp
    assert sphinx_downloads.write_if_changed(path, b"two") and path.read_bytes() == b"two"
    assert sorted(p.name for p in path.parent.iterdir()) == ["file.qdc"]

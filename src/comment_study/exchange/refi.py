"""Export the codebook and the coded corpus in the REFI-QDA standard (version 1.5).

REFI-QDA (Rotterdam Exchange Format Initiative, https://www.qdasoftware.org) is the exchange
format of NVivo, ATLAS.ti, MAXQDA, QualCoder and others. It has two files:

- a **codebook** (``.qdc``): one XML document in the ``urn:QDA-XML:codebook:1.0`` namespace,
  valid against ``Codebook.xsd``;
- a **project** (``.qdpx``): a zip archive with ``project.qde`` (XML in the
  ``urn:QDA-XML:project:1.0`` namespace, valid against ``Project-mrt2019.xsd``) at its root and the
  source texts in a folder ``sources/``, referenced as ``plainTextPath="internal://<file>"``.

Beside them, :func:`codebook_csv` writes the codebook as the CSV (``tag,description``) that
Taguette imports, since Taguette does not read a ``.qdc``.

What this module relies on, and where it comes from:

- Element order, required attributes and the GUID pattern follow the standard's schemas
  (``Codebook.xsd`` and ``Project-mrt2019.xsd``, "QDA-XML version 1.0, 18 March 2019", MIT
  licence), copied unchanged into ``tests/data/refi-qda/`` where the tests validate every export
  against them: ``Project`` needs ``name``; ``Code`` needs ``guid``, ``name``, ``isCodable``;
  ``PlainTextSelection`` needs ``guid``, ``startPosition``, ``endPosition``; a project's
  ``CodeBook`` holds only ``Codes`` (its ``Sets`` are the project's); a ``Note`` has the type of
  a ``TextSource``; GUIDs match ``[0-9a-fA-F]{8}-...-[0-9a-fA-F]{12}``.
- How QualCoder imports a project is read in its importer, class ``RefiImport`` in
  ``src/qualcoder/refi.py`` of the QualCoder repository (github.com/ccbogel/QualCoder).
- The folder is ``sources`` in lower case: QualCoder's exporter cites the standard's section
  on the QDPX format for this and notes that ATLAS.ti rejects other spellings.
- Text positions count characters from 0 with the end excluded, the way QualCoder
  (``fulltext[pos0:pos1]``) and qualitative-coding's writer (``start + len(line)``) read and
  write them. Python counts code points; no exported text has a character outside the Basic
  Multilingual Plane, so programs that count UTF-16 units get the same numbers (tested).
- Plain texts are UTF-8 without a byte-order mark (a BOM read as a character would shift every
  position by one) and have no line breaks (each comment is one line of the export).
- QualCoder's importer reads a source's ``Description`` as its memo and a selection's
  ``Description`` as the coding memo. A ``NoteRef`` on a source makes the note an annotation of
  that source, which QualCoder keeps only when the note holds its own ``PlainTextSelection``
  (the span it annotates) and a ``PlainTextContent``; without them it drops the note. It does
  not read the ``SourceRef`` of a case, so cases arrive without their comments (said in the
  README). Taguette derives its codes' GUIDs with ``uuid5`` under a fixed namespace, as we do,
  so that a re-export diffs cleanly; it imports a codebook as CSV (``tag,description``), not as
  a ``.qdc``, so a CSV codebook is written beside the ``.qdc``.
- No source file is empty: an importer that reads a source expects text (qualitative-coding
  fails on an empty file), so the empty comment's source holds a bracketed placeholder that says
  so, and it has no codings.

Decisions (documented in README.md and the codebook chapter):

- Codes are named by their id (``blame_parents``), as in the book and the coding sheets; each
  code's ``Description`` holds its label, origin, definition, include and exclude rules,
  memo, revision note and example comments. Categories are non-codable parent codes.
- Tone is exported as three codes under a non-codable ``tone`` parent (``tone_negative`` and
  so on), applied to the whole comment like the other codes: a coding keeps who coded it,
  which a variable could not (the two coders' tones differ on some comments).
- Every comment is a text source named ``Comment NNN``; nothing is left out. Display names
  are never exported: the commenter is a pseudonym (``commenter`` variable, and one case per
  commenter), the place only its ``region``. Names inside the text are redacted as the book's
  quotes are, through the one quoting gate (:func:`comment_study.study.quotes.shown_texts`). A
  protected comment (a disclosure of the commenter's own abuse or attraction, or a comment near
  one: :mod:`comment_study.study.protected`) is replaced by the primary coder's paraphrase,
  marked as withheld with the reason: the book never reproduces those words, and the download
  is part of the book. The empty comment is a source holding a placeholder, with no codings. Reposts are exported and
  coded as in the sheet, with ``repost_of`` and ``counted_in_rates`` variables.
- Both coders are users. Each coder's codings of a comment form one whole-text selection
  created by that coder; the second coder's codings cover the reliability sample.
- Each coder's memo is a ``Note`` attached to the comment (``NoteRef``) and anchored to the whole
  comment by its own ``PlainTextSelection``, so that QualCoder keeps it as an annotation; it is
  repeated as the ``Description`` of that coder's coded selection, where QualCoder reads coding
  memos.
- Dates are optional in the standard. The study kept no coding times, so only sources and
  notes carry a date (QualCoder needs one on notes): the date of the thread, from the
  export's first line. With fixed zip entry times and order, two exports are byte-identical.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from comment_study.coding import codebook as codebook_module
from comment_study.coding import sheets as coding
from comment_study.corpus import export as corpus, files as data
from comment_study.study import quotes
from comment_study.study.model import WEAKER, Study, load_study
from comment_study.coding.codebook import Code, Codebook
from comment_study.coding.palette import MUTED, OKABE_ITO

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "comment_study (REFI-QDA 1.5 export)"
PROJECT_NAME = "What Went Wrong? Readers on the Online Child Abuse Imagery Crisis"

GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:comment-study:refi-qda")
"""Every GUID is ``uuid5(GUID_NAMESPACE, <what it names>)``: stable across runs and machines."""

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The earliest time a zip entry can carry: fixed, so that archives are byte-identical."""

SOURCES_FOLDER = "sources"
TONE_PARENT = "tone"
EMPTY_PLACEHOLDER = "[Comment {cid} has no text in the export: this placeholder stands in for it, uncoded.]"
"""The text of the empty comment's source: importers expect every source file to hold text."""

CATEGORY_COLOURS = OKABE_ITO[:6]
"""One colour per category, from the book's colour-blind-safe palette; tone is grey."""


def guid(name: str) -> str:
    """The stable, upper-case GUID of a named thing (``"code/distress"``, ``"source/12"``)."""
    return str(uuid.uuid5(GUID_NAMESPACE, name)).upper()


# --- the codebook ---------------------------------------------------------------------------

def tone_code_id(value: str) -> str:
    """The code id under which a tone value is exported (``tone_negative``)."""
    return f"{TONE_PARENT}_{value}"


def code_description(code: Code) -> str:
    """A code's label, origin, rules, memo and examples as one plain-text description."""
    parts = [
        f"{code.label} ({code.origin} code; category: {code.category})",
        f"Definition: {code.definition}",
        f"Apply when: {code.include}",
        f"Do not apply when: {code.exclude}",
    ]
    if code.memo:
        parts.append(f"Why it was added: {code.memo}")
    if code.revised:
        parts.append(f"Revised: {code.revised}")
    if code.examples:
        parts.append("Examples: comments " + ", ".join(str(e) for e in code.examples) + ".")
    return "\n\n".join(parts)


def _element(tag: str, attributes: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
    element = ET.Element(tag, attributes or {})
    if text is not None:
        element.text = text
    return element


def codes_element(book: Codebook) -> ET.Element:
    """``<Codes>``: each category a non-codable parent of its codes, then tone and its values."""
    codes = ET.Element("Codes")
    for position, category in enumerate(book.categories):
        members = book.in_category(category)
        colour = CATEGORY_COLOURS[position % len(CATEGORY_COLOURS)]
        parent = ET.SubElement(codes, "Code", {"guid": guid(f"category/{category}"), "name": category,
                                               "isCodable": "false", "color": colour})
        parent.append(_element("Description", text=(
            f"Category of the codebook ({len(members)} codes). Not applied itself: its codes are.")))
        for code in members:
            child = ET.SubElement(parent, "Code", {"guid": guid(f"code/{code.id}"), "name": code.id,
                                                   "isCodable": "true", "color": colour})
            child.append(_element("Description", text=code_description(code)))
    tone = ET.SubElement(codes, "Code", {"guid": guid(f"category/{TONE_PARENT}"), "name": TONE_PARENT,
                                         "isCodable": "false", "color": MUTED})
    tone.append(_element("Description", text=f"Overall tone: exactly one per non-empty comment. {book.tone_definition}"))
    for value, meaning in book.tones.items():
        child = ET.SubElement(tone, "Code", {"guid": guid(f"tone/{value}"), "name": tone_code_id(value),
                                             "isCodable": "true", "color": MUTED})
        child.append(_element("Description", text=_tone_description(value, meaning)))
    return codes


def origin_sets(book: Codebook, reference: str) -> list[ET.Element]:
    """Two code sets: the codes set before the reading and those added during it.

    A member code is referenced by ``guid`` in a codebook and by ``targetGUID`` in a project
    (``MemberCodeType`` in Codebook.xsd, ``CodeRefType`` in Project.xsd).
    """
    sets = []
    for origin, description in (("a priori", "Codes set from the research questions before the reading."),
                                ("inductive", "Codes added during the close reading; each has a memo saying why.")):
        element = _element("Set", {"guid": guid(f"set/origin/{origin}"), "name": f"Codes: {origin}"})
        element.append(_element("Description", text=description))
        for code in book.codes:
            if code.origin == origin:
                element.append(_element("MemberCode", {reference: guid(f"code/{code.id}")}))
        sets.append(element)
    return sets


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")


def codebook_xml(book: Codebook) -> bytes:
    """The codebook as a REFI-QDA ``.qdc`` document (UTF-8 bytes)."""
    root = _element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    root.append(codes_element(book))
    sets = ET.SubElement(root, "Sets")
    sets.extend(origin_sets(book, "guid"))
    return _serialise(root)


def codebook_csv(book: Codebook) -> bytes:
    """The codebook as a CSV for Taguette's codebook import: columns ``tag,description``, one row per codable code.

    The rows are the ``.qdc``'s codable codes in its order, named and described the same way
    (Taguette has no categories: the description names each code's category).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["tag", "description"])
    for category in book.categories:
        for code in book.in_category(category):
            writer.writerow([code.id, code_description(code)])
    for value, meaning in book.tones.items():
        writer.writerow([tone_code_id(value), _tone_description(value, meaning)])
    return buffer.getvalue().encode("utf-8")


def _tone_description(value: str, meaning: str) -> str:
    return f"Tone {value.replace('_', ' ')}: {meaning}"


# --- the project ----------------------------------------------------------------------------

def source_name(comment_id: int) -> str:
    """The name of a comment's text source (``Comment 012``)."""
    return f"Comment {comment_id:03d}"


def source_path(comment_id: int) -> str:
    """Where a comment's plain text lives inside the archive."""
    return f"{SOURCES_FOLDER}/{guid(f'source/{comment_id}')}.txt"


def source_texts(study: Study) -> dict[int, str]:
    """Each comment's exported text, through the quoting gate: names redacted, protected comments withheld and paraphrased."""
    memos = study.primary.sheet.set_index("comment_id")["memo"]
    reasons = dict(zip(study.protected_reasons["comment_id"].astype(int), study.protected_reasons["reason"]))
    shown = quotes.shown_texts(study.comments, reasons, {cid: str(memos[cid]) for cid in reasons})
    empty = dict(zip(study.comments["comment_id"].astype(int), study.comments["is_empty"]))
    return {cid: EMPTY_PLACEHOLDER.format(cid=cid) if empty[cid] and cid not in reasons else text
            for cid, text in zip(study.comments["comment_id"].astype(int), shown)}


def _is_missing(value) -> bool:
    return value is None or pd.isna(value)


VARIABLES = {
    "comment_id": ("Integer", "The comment's number in the export (1 = first), as the book cites it."),
    "commenter": ("Text", "The commenter's pseudonym (display name and place): display names are not exported."),
    "region": ("Text", "The commenter's self-reported location coarsened to a US state or a country."),
    "reply_to": ("Integer", "The comment this one answers, where the study's reply rules found one."),
    "repost_of": ("Integer", "The earlier comment this one repeats (same commenter), if it is a repost."),
    "counted_in_rates": ("Boolean", "False for the empty comment and for reposts, which the book's rates leave out."),
    "text_shown": ("Text", "What the source holds: the comment with names redacted, a paraphrase, or a placeholder."),
}
"""The per-comment variables: name -> (REFI-QDA type, description)."""


def comment_variables(row, protected: frozenset[int]) -> dict[str, object]:
    """A comment's variable values; a missing reply or repost is left out, not written empty."""
    cid = int(row.comment_id)
    if cid in protected:
        shown = "paraphrase: the comment is protected (a disclosure, or near one) and withheld"
    elif row.is_empty:
        shown = "a placeholder: the comment has no text in the export"
    else:
        shown = "the comment, with display names replaced by [name]"
    values = {
        "comment_id": cid,
        "commenter": row.author_id,
        "region": row.region,
        "reply_to": None if _is_missing(row.reply_to) else int(row.reply_to),
        "repost_of": None if _is_missing(row.duplicate_of) else int(row.duplicate_of),
        "counted_in_rates": bool(not row.is_empty and _is_missing(row.duplicate_of)),
        "text_shown": shown,
    }
    return {name: value for name, value in values.items() if value is not None}


def variable_value(name: str, value: object) -> ET.Element:
    """``<VariableValue>`` of one variable, typed as the variable is."""
    kind = VARIABLES[name][0]
    element = _element("VariableValue")
    element.append(_element("VariableRef", {"targetGUID": guid(f"variable/{name}")}))
    text = ("true" if value else "false") if kind == "Boolean" else str(value)
    element.append(_element(f"{kind}Value", text=text))
    return element


def codings_of(sheet_row, book: Codebook) -> list[str]:
    """The codes (tone included) a sheet row applies, as exported code ids, in codebook order."""
    codes = [c for c in book.ids if int(sheet_row[c]) == 1]
    if sheet_row["tone"]:
        codes.append(tone_code_id(sheet_row["tone"]))
    return codes


def _code_guid(code_id: str, book: Codebook) -> str:
    prefix = f"{TONE_PARENT}_"
    if code_id not in book.ids and code_id.startswith(prefix):
        return guid(f"tone/{code_id[len(prefix):]}")
    return guid(f"code/{code_id}")


def text_source(row, text: str, study: Study, sheets: dict[str, pd.DataFrame], redact) -> ET.Element:
    """One comment as a ``<TextSource>`` with its selections, codings, note references and variables."""
    cid = int(row.comment_id)
    primary = study.primary.key
    source = _element("TextSource", {
        "guid": guid(f"source/{cid}"), "name": source_name(cid),
        "plainTextPath": "internal://" + source_path(cid).split("/", 1)[1],
        "creatingUser": guid(f"user/{primary}"), "creationDateTime": study.thread_date,
    })
    source.append(_element("Description", text=source_description(row, study.protected)))
    notes = []
    for coder in study.coders:
        sheet = sheets[coder.key]
        if cid not in sheet.index:
            continue
        entry = sheet.loc[cid]
        notes.append(guid(f"note/{coder.key}/{cid}"))
        codes = codings_of(entry, study.book)
        if not codes:
            continue
        user = guid(f"user/{coder.key}")
        selection = ET.SubElement(source, "PlainTextSelection", {
            "guid": guid(f"selection/{coder.key}/{cid}"), "startPosition": "0",
            "endPosition": str(len(text)), "creatingUser": user,
        })
        selection.append(_element("Description", text=redact(entry["memo"])))
        for code_id in codes:
            item = ET.SubElement(selection, "Coding", {"guid": guid(f"coding/{coder.key}/{cid}/{code_id}"),
                                                       "creatingUser": user})
            item.append(_element("CodeRef", {"targetGUID": _code_guid(code_id, study.book)}))
    for note in notes:
        source.append(_element("NoteRef", {"targetGUID": note}))
    for name, value in comment_variables(row, study.protected).items():
        source.append(variable_value(name, value))
    return source


def source_description(row, protected: frozenset[int]) -> str:
    """A one-paragraph header for a comment: who (pseudonym, region), replies, reposts, what is shown."""
    cid = int(row.comment_id)
    parts = [f"Comment {cid} by commenter {row.author_id} ({row.region})."]
    if not _is_missing(row.reply_to):
        parts.append(f"Reply to comment {int(row.reply_to)}.")
    if not _is_missing(row.duplicate_of):
        parts.append(f"Repost of comment {int(row.duplicate_of)}: coded like it, left out of rates.")
    if row.is_empty:
        parts.append("Empty in the export: the source holds a placeholder; no codes, left out of rates.")
    if cid in protected:
        parts.append("Protected (a disclosure, or near one): the text is the primary coder's paraphrase, "
                     "never the commenter's words.")
    return " ".join(parts)


def note_element(coder: Coder, cid: int, memo: str, date: str, length: int) -> ET.Element:
    """A coder's memo on a comment as a ``<Note>``, anchored to the whole comment (``length`` characters).

    The comment's source refers to the note (``NoteRef``); the note's own ``PlainTextSelection``
    says which span it annotates, without which QualCoder drops a source's note.
    """
    note = _element("Note", {"guid": guid(f"note/{coder.key}/{cid}"),
                             "name": f"Memo on {source_name(cid).lower()} ({coder.key} coder)",
                             "creatingUser": guid(f"user/{coder.key}"), "creationDateTime": date})
    note.append(_element("PlainTextContent", text=memo))
    note.append(_element("PlainTextSelection", {
        "guid": guid(f"note-selection/{coder.key}/{cid}"), "startPosition": "0", "endPosition": str(length),
        "creatingUser": guid(f"user/{coder.key}"),
    }))
    return note


def project_description(study: Study) -> str:
    """The project's description: content note, provenance and what was changed for privacy."""
    n = len(study.comments)
    sample = len(study.secondary.sheet)
    return (
        "Content note: reader comments about child sexual abuse imagery. The project contains no such material.\n\n"
        f"The {n} reader comments posted under The New York Times' investigation \"The Internet Is Overrun "
        "With Images of Child Sexual Abuse. What Went Wrong?\" (28 September 2019), with the comment study's "
        "codebook and coding. Each source is one comment, coded as a whole (the unit of analysis). The primary "
        f"coder coded every comment; the second coder coded a seeded random sample of {sample} comments "
        "independently (see the book's reliability chapter). Each coder's memo is a note on the comment.\n\n"
        "Who coded (the two users): " + " ".join(f"{c.name}: {c.description}" for c in study.coders) + " "
        + WEAKER + " To add human coders, see the book's reliability chapter.\n\n"
        "Privacy: display names are not exported; commenters appear by pseudonym (one case each) and places "
        "only as a state or country. Names inside comments are replaced by the pseudonym of the commenter they "
        "address, or by [name]. Comments in which someone discloses their own abuse or sexual attraction to "
        "children, and the comments near one (their other comments, the replies to them, the comments that repeat "
        "their words), are replaced by the primary coder's paraphrase, marked as withheld. Please keep to these rules in anything you publish from this project."
    )


def project_xml(study: Study, texts: dict[int, str]) -> bytes:
    """The ``project.qde`` document of the archive (UTF-8 bytes)."""
    redact = quotes.redactor(study.comments)
    primary = study.primary
    root = _element("Project", {"xmlns": PROJECT_NS, "name": PROJECT_NAME, "origin": ORIGIN,
                                "creatingUserGUID": guid(f"user/{primary.key}")})
    users = ET.SubElement(root, "Users")
    for coder in study.coders:
        users.append(_element("User", {"guid": guid(f"user/{coder.key}"), "name": coder.name, "id": coder.key}))
    codebook = ET.SubElement(root, "CodeBook")
    codebook.append(codes_element(study.book))
    variables = ET.SubElement(root, "Variables")
    for name, (kind, description) in VARIABLES.items():
        variable = ET.SubElement(variables, "Variable", {"guid": guid(f"variable/{name}"), "name": name,
                                                         "typeOfVariable": kind})
        variable.append(_element("Description", text=description))
    cases = ET.SubElement(root, "Cases")
    for author_id, group in study.comments.groupby("author_id", sort=True):
        case = ET.SubElement(cases, "Case", {"guid": guid(f"case/{author_id}"), "name": author_id})
        ids = [int(i) for i in group["comment_id"]]
        case.append(_element("Description", text=(
            f"Commenter {author_id} (a pseudonym), region {group['region'].iloc[0]}: "
            f"{len(ids)} comment{'s' if len(ids) != 1 else ''} ({', '.join(str(i) for i in ids)}).")))
        for cid in ids:
            case.append(_element("SourceRef", {"targetGUID": guid(f"source/{cid}")}))
    sheets = {coder.key: coder.sheet.set_index("comment_id") for coder in study.coders}
    sources = ET.SubElement(root, "Sources")
    for row in study.comments.itertuples(index=False):
        sources.append(text_source(row, texts[int(row.comment_id)], study, sheets, redact))
    notes = ET.SubElement(root, "Notes")
    for coder in study.coders:
        for entry in coder.sheet.itertuples(index=False):
            cid = int(entry.comment_id)
            notes.append(note_element(coder, cid, redact(entry.memo), study.thread_date, len(texts[cid])))
    sets = ET.SubElement(root, "Sets")
    sets.extend(origin_sets(study.book, "targetGUID"))
    for key, name, description, members in (
        ("reliability-sample", "Reliability sample",
         "The comments the second coder coded independently (25% of the non-empty comments, seeded).",
         [int(i) for i in study.secondary.sheet["comment_id"]]),
        ("counted-in-rates", "Counted in rates",
         "The comments the book's rates count: neither empty nor a repost.",
         [int(i) for i in study.comments.loc[data.analysable(study.comments), "comment_id"]]),
    ):
        element = ET.SubElement(sets, "Set", {"guid": guid(f"set/{key}"), "name": name})
        element.append(_element("Description", text=description))
        for cid in members:
            element.append(_element("MemberSource", {"targetGUID": guid(f"source/{cid}")}))
    root.append(_element("Description", text=project_description(study)))
    return _serialise(root)


def _zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def qdpx_bytes(study: Study) -> bytes:
    """The project archive: ``project.qde`` first, then each comment's text in comment order."""
    texts = source_texts(study)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_zip_entry("project.qde"), project_xml(study, texts),
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        for cid in sorted(texts):
            archive.writestr(_zip_entry(source_path(cid)), texts[cid].encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def summary(archive: bytes) -> dict[str, int]:
    """Counts of what a ``.qdpx`` holds (sources, codes, users, codings per user, notes), read back from it."""
    with zipfile.ZipFile(io.BytesIO(archive)) as handle:
        root = ET.fromstring(handle.read("project.qde"))
    ns = {"q": PROJECT_NS}
    users = {u.get("guid"): u.get("id") for u in root.iterfind("q:Users/q:User", ns)}
    out = {
        "sources": len(root.findall("q:Sources/q:TextSource", ns)),
        "codes": sum(c.get("isCodable") == "true" for c in root.iter(f"{{{PROJECT_NS}}}Code")),
        "users": len(users),
        "cases": len(root.findall("q:Cases/q:Case", ns)),
        "notes": len(root.findall("q:Notes/q:Note", ns)),
    }
    for key in users.values():
        out[f"codings_{key}"] = 0
    for coding_element in root.iter(f"{{{PROJECT_NS}}}Coding"):
        out[f"codings_{users[coding_element.get('creatingUser')]}"] += 1
    return out

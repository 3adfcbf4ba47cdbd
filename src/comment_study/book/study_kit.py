"""The study kit: a student edition of every chapter, with the package and its data, in one zip.

A notebook downloaded from the book runs only inside the book's folder. The kit is what a
student takes away instead (``downloads/study-kit.zip`` in the built book, linked from the
landing page and the instructor guide; ``make kit`` writes it too):

- ``notebooks/<page>.ipynb``: the executed notebook of every page with code (the landing page,
  the chapters and the appendices) made for a student: every
  ``{glue:text}`` role replaced by its value (read from the glue outputs in the notebook,
  formatted as myst-nb formats it), exercises as numbered Markdown headings, admonitions as
  quotes, cross-references as their text (in the prose and in the Markdown that code cells
  showed: :mod:`comment_study.book.roles`, which also writes that Markdown plain when the
  student runs the cell again), and the worked solutions taken out;
- ``answers/<page>-answers.ipynb``: those solutions, one Markdown cell per exercise;
- ``comment_study-<version>-py3-none-any.whl``: the package with a copy of ``data/`` inside
  it (``comment_study/_data/data/``, with the REFI-QDA files the build wrote into
  ``_data/downloads/``, which the codebook chapter reads back), which :func:`comment_study.corpus.files.project_root`
  falls back to when no book folder is found, so a notebook runs in any folder; beside
  ``data/`` it holds a snapshot of the book's own files that the appendices read
  (:func:`comment_study.book.toc.book_files`: ``_toc.yml``, every page's source, the pins and ``bench.json``), taken
  when the wheel is built;
- ``requirements.txt`` (the book's pins, without the editable install) and a README with
  the two commands that set up a virtual environment and open JupyterLab.

The wheel carries the de-identified export and nothing else from ``data/raw/``, and of
``data/locations.csv`` only the rows that export needs (:func:`locations_needed`):
:func:`data_files` refuses any other raw file (such as the original export, with display
names), and :func:`check_deidentified` refuses an export whose commenters are not pseudonyms.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import io
import json
import re
import sys
import tomllib
import zipfile
from pathlib import Path

import nbformat

from comment_study.book import roles, toc
from comment_study.book.toc import book_files  # noqa: F401  (what the wheel carries for the appendices)
from comment_study.book import sphinx_downloads
from comment_study.book.sphinx_downloads import write_if_changed
from comment_study.corpus import export, files

KIT_NAME = sphinx_downloads.KIT_NAME
"""The kit's file name in the built HTML book's ``downloads/`` (:data:`sphinx_downloads.FOLDER`)."""

ALLOWED_RAW = (files.RAW_COMMENTS, files.RAW_ARTICLE)
"""The only files of ``data/raw/`` that the kit may carry."""

PSEUDONYM = re.compile(r"A\d{3,}")
ZIP_TIME = (2019, 9, 28, 0, 0, 0)
"""A fixed time for every zip entry, so that the same inputs make the same bytes."""


# -- the data the package carries -------------------------------------------------------------

def check_deidentified(path: Path) -> None:
    """Refuse an export that is not the de-identified one: its name, and every commenter a pseudonym."""
    if path.name != files.RAW_COMMENTS.name:
        raise ValueError(f"{path}: not the de-identified export ({files.RAW_COMMENTS.name}); refusing to package it")
    table = export.parse_export(path)
    named = table.loc[~table["author"].astype(str).str.fullmatch(PSEUDONYM.pattern), "comment_id"]
    if len(named):
        raise ValueError(
            f"{path}: comment {int(named.iloc[0])} (and {len(named) - 1} more) has a commenter that is "
            f"not a pseudonym (A001, A002, ...): not the de-identified export; refusing to package it"
        )


def data_files(root: Path) -> list[Path]:
    """Every file of ``root/data`` that the package carries, relative to ``root``; refuses what it must not carry."""
    out = []
    for path in sorted((root / "data").rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if relative.parent == files.RAW_COMMENTS.parent and relative not in ALLOWED_RAW:
            raise ValueError(
                f"{path}: data/raw/ may hold only {', '.join(p.name for p in ALLOWED_RAW)} in the study kit; "
                f"refusing to package it (the kit carries the de-identified export only)"
            )
        out.append(relative)
    check_deidentified(root / files.RAW_COMMENTS)
    return out


def locations_needed(root: Path) -> bytes:
    """``data/locations.csv`` with only the rows that the de-identified export needs to be read.

    The table lists the places commenters typed, so that ``deidentify`` can be rerun on the
    original; the de-identified export already gives regions, so the kit carries the header and
    the rows of locations that occur in it (none, as long as every region is named as the
    generic rules know it), not the towns.
    """
    import csv

    used = set(export.parse_export(root / files.RAW_COMMENTS)["location"])
    lines = (root / files.LOCATIONS).read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines[1:] if next(csv.reader([line]))[0] in used]
    return "".join(lines[:1] + kept).encode()


def built_downloads(root: Path) -> list[Path]:
    """The REFI-QDA files the build wrote into ``downloads/`` (the codebook chapter reads the project back).

    They are made from the de-identified data alone (:mod:`comment_study.book.sphinx_downloads`).
    """
    folder = Path(sphinx_downloads.FOLDER)
    names = (sphinx_downloads.CODEBOOK_FILE, sphinx_downloads.CODEBOOK_CSV_FILE, sphinx_downloads.PROJECT_FILE)
    return [folder / name for name in names if (root / folder / name).is_file()]


def _record_hash(content: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()


def _zip_write(archive: zipfile.ZipFile, name: str, content: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, content)


def wheel(root: Path) -> tuple[str, bytes]:
    """The package as a pure-Python wheel, with ``data/`` and the book's files under ``comment_study/_data/``: its file name and bytes."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name, version = project["name"].replace("-", "_"), project["version"]
    package = root / "src" / "comment_study"
    members: dict[str, bytes] = {}
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if path.is_file() and "__pycache__" not in relative.parts and relative.parts[0] != files.PACKAGED_DATA:
            members[f"comment_study/{relative.as_posix()}"] = path.read_bytes()
    for relative in data_files(root) + built_downloads(root) + book_files(root):
        content = locations_needed(root) if relative == files.LOCATIONS else (root / relative).read_bytes()
        members[f"comment_study/{files.PACKAGED_DATA}/{relative.as_posix()}"] = content
    info = f"{name}-{version}.dist-info"
    members[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {version}\n"
        f"Summary: {project['description']}\nRequires-Python: {project['requires-python']}\n"
    ).encode()
    members[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: comment_study.book.study_kit\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = "".join(f"{member},{_record_hash(content)},{len(content)}\n" for member, content in members.items())
    members[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            _zip_write(archive, member, content)
    return f"{name}-{version}-py3-none-any.whl", buffer.getvalue()


# -- the student notebooks --------------------------------------------------------------------

GLUE_ROLE = re.compile(r"\{glue(?::text)?:?\}`([^`]+)`")
FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<argument>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
TARGET = roles.TARGET
ADMONITION_TITLES = {"note": "Note", "tip": "Tip", "warning": "Warning", "important": "Important", "seealso": "See also"}


def glue_values(path: Path) -> dict[str, str]:
    """The ``text/plain`` of every value a page glued, by name, from the ``<page>.glue.json`` myst-nb writes.

    myst-nb takes the glue outputs out of the notebook it writes and keeps them in that file
    (for an executed page and for one whose outputs came from the cache alike).
    """
    if not path.is_file():
        return {}
    return {name: output["data"]["text/plain"] for name, output in json.loads(path.read_text(encoding="utf-8")).items()}


class Edition(roles.References):
    """What a page's student edition needs to know about the whole book: chapter numbers, titles, labels, exercises."""

    def student(self, page: str, notebook: nbformat.NotebookNode,
                values: dict[str, str]) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
        """The student notebook of a page's executed notebook and glued values, and its answer notebook."""
        prefix = f"{self.numbers[page]}." if page in self.numbers else ""
        exercises: dict[str, str] = {}
        answers: list[str] = []
        student = copy.deepcopy(notebook)
        student.metadata.pop("jupytext", None)  # the notebook is the source now: no paired MyST file
        for cell in student.cells:
            if cell.cell_type == "markdown":
                cell.source = self._markdown(page, cell.source, values, prefix, exercises, answers)
            for output in cell.get("outputs", []):  # Markdown a code cell showed in the book (roles.markdown)
                if "text/markdown" in output.get("data", {}):
                    output["data"]["text/markdown"] = self.plain(page, output["data"]["text/markdown"])
        student.cells = [cell for cell in student.cells if cell.cell_type != "markdown" or cell.source.strip()]
        title = self.titles.get(page, page)
        key = nbformat.v4.new_notebook(metadata=copy.deepcopy(student.metadata))
        key.cells = [nbformat.v4.new_markdown_cell(f"# Answers: {title}\n\nWorked solutions to the exercises of the "
                                                   f"chapter's student notebook ({Path(page).name}.ipynb).")]
        key.cells += [nbformat.v4.new_markdown_cell(answer) for answer in answers]
        return student, key

    def _markdown(self, page: str, text: str, values: dict[str, str], prefix: str,
                  exercises: dict[str, str], answers: list[str]) -> str:
        lines, out, prose, i = text.splitlines(), [], [], 0
        while i < len(lines):
            line = lines[i]
            opening = FENCE.match(line)
            if TARGET.match(line):
                i += 1
                continue
            if not opening:
                prose.append(line)
                i += 1
                continue
            if prose:  # roles may run over a line break: replace them in the whole run of prose
                out.append(self._inline(page, "\n".join(prose), values))
                prose = []
            fence, name, argument = opening["fence"], opening["name"], opening["argument"].strip()
            closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            j = i + 1
            options = {}
            while j < len(lines) and (option := OPTION.match(lines[j])):
                options[option["key"]] = option["value"].strip()
                j += 1
            body_start = j
            while j < len(lines) and not closing.match(lines[j]):
                j += 1
            body = self._markdown(page, "\n".join(lines[body_start:j]), values, prefix, exercises, answers).strip()
            i = j + 1
            out.extend(self._directive(name, argument, options, body, prefix, exercises, answers))
        if prose:
            out.append(self._inline(page, "\n".join(prose), values))
        return "\n".join(out)

    def _directive(self, name: str, argument: str, options: dict[str, str], body: str, prefix: str,
                   exercises: dict[str, str], answers: list[str]) -> list[str]:
        if name == "exercise":
            heading = f"Exercise {prefix}{len(exercises) + 1}"
            exercises[options.get("label", heading)] = heading
            return [f"### {heading}" + (f" ({argument})" if argument else ""), "", body]
        if name == "solution":
            answers.append(f"### Solution to {exercises.get(argument, argument)}\n\n{body}")
            return []
        if name == "admonition" or name in ADMONITION_TITLES:
            title = argument or ADMONITION_TITLES[name]
            return [f"> **{title}**", ">", *[f"> {line}".rstrip() for line in body.splitlines()], ""]
        return [body, ""] if body else []

    def _inline(self, page: str, line: str, values: dict[str, str]) -> str:
        from myst_nb.core.variables import format_plain_text

        def paste(match: re.Match) -> str:
            key, _, spec = match.group(1).rpartition(":") if ":" in match.group(1) else (match.group(1), "", "")
            if key not in values:
                raise ValueError(f"{page}: glued value {key!r} is not in the executed notebook")
            return format_plain_text(values[key], spec)

        return self.plain(page, GLUE_ROLE.sub(paste, line))


def student_editions(root: Path, notebooks: Path, glued: Path) -> dict[str, bytes]:
    """The student and answer notebooks of every page with code, by path in the kit.

    ``notebooks`` holds each page's executed notebook (``<page>.ipynb``, with its outputs: the
    HTML book's ``_sources``), ``glued`` the values each page glued (``<page>.glue.json``:
    myst-nb's output folder, ``_build/jupyter_execute``).
    """
    edition = Edition(root)
    out = {}
    for page in toc.pages(root):
        source = notebooks / f"{page.file}.ipynb"
        if not source.is_file():
            continue
        notebook = nbformat.read(source, as_version=4)
        if not any(cell.get("cell_type") == "code" for cell in notebook.cells):
            continue
        student, key = edition.student(page.file, notebook, glue_values(glued / f"{page.file}.glue.json"))
        name = Path(page.file).name
        out[f"notebooks/{name}.ipynb"] = nbformat.writes(student).encode()
        if len(key.cells) > 1:
            out[f"answers/{name}-answers.ipynb"] = nbformat.writes(key).encode()
    return out


# -- the kit ----------------------------------------------------------------------------------

README = """# Study kit: {title}

A student edition of the book's chapters, to run and change on your own computer.

- `notebooks/`: one notebook per chapter, one for the landing page and one for each appendix
  with code (the instructor guide, reproducing the book, ...). The numbers the book prints are
  written in; the exercises are at the end of each chapter's notebook.
- `answers/`: the worked solutions, one notebook per chapter, kept apart so that you can try
  the exercises first.
- `{wheel}`: the study's Python package, which carries the study's de-identified data
  (commenters are pseudonyms such as A001, places are regions, and comments disclosing a
  commenter's own abuse or attraction are paraphrased): the notebooks need no other file.
- `requirements.txt`: the exact versions of the libraries the book was built with.

Content note: the notebooks count and quote adults' public comments on reporting about child
sexual abuse imagery. They contain no abusive material.

## Set up and open (Python 3.11 or later)

In this folder, run:

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt {wheel}
    .venv/bin/jupyter lab notebooks

(On Windows: `py -m venv .venv`, then `.venv\\Scripts\\pip install ...` and `.venv\\Scripts\\jupyter lab notebooks`.)
"""


def requirements(root: Path) -> str:
    """The book's pinned requirements without the editable install of the package (the kit installs its wheel)."""
    lines = (root / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("-e ")).rstrip() + "\n"


def kit_bytes(root: Path, notebooks: Path, glued: Path) -> bytes:
    """The study kit as zip bytes: student and answer notebooks, the wheel, requirements and README."""
    wheel_name, wheel_bytes = wheel(root)
    title = yaml_title(root)
    members = {
        "README.md": README.format(title=title, wheel=wheel_name).encode(),
        "requirements.txt": requirements(root).encode(),
        wheel_name: wheel_bytes,
        **student_editions(root, notebooks, glued),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            _zip_write(archive, f"study-kit/{member}", content)
    return buffer.getvalue()


def yaml_title(root: Path) -> str:
    import yaml

    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["title"]


def build(root: Path, html: Path | None = None, glued: Path | None = None) -> Path:
    """Write the kit into the built HTML book's ``downloads/``, from its executed notebooks (``_sources/``)
    and the values myst-nb recorded (``glued``: by default ``_build/jupyter_execute``)."""
    html = html or root / "_build" / "html"
    target = html / sphinx_downloads.FOLDER / KIT_NAME
    write_if_changed(target, kit_bytes(root, html / "_sources", glued or root / "_build" / "jupyter_execute"))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the study kit into a built book's downloads/.")
    parser.add_argument("--root", default=".", help="the book's root folder (built with `make book`)")
    args = parser.parse_args(argv)
    try:
        print(build(Path(args.root).resolve()))
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

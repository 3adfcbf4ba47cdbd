"""The study kit: student notebooks that run with only the package installed, and a package that carries only de-identified data.

The packaging checks run on copies of ``data/``. The build checks take the kit that the
session's strict build wrote (``downloads/study-kit.zip``), unpack its wheel into a temporary
folder and execute the student notebooks of two chapters and of every appendix with code in
another, with ``PYTHONPATH`` pointing only at the unpacked wheel, no ``COMMENT_STUDY_ROOT`` and the
working folder outside any book.
"""

from __future__ import annotations

import base64
import html
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from comment_study.book import study_kit as kit
from comment_study.corpus import files as data

ROOT = Path(__file__).resolve().parents[1]
INVENTED_NAME = "Wilma Placeholder"  # a commenter's name made up for the test


def copy_data(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    for path in (tmp_path / "data").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return tmp_path


def test_packaging_refuses_an_export_named_like_the_original(tmp_path):
    root = copy_data(tmp_path)
    original = root / data.ORIGINAL_COMMENTS
    shutil.copyfile(root / data.RAW_COMMENTS, original)
    with pytest.raises(ValueError, match=re.escape(str(original))):
        kit.data_files(root)
    with pytest.raises(ValueError, match="not the de-identified export"):
        kit.check_deidentified(original)


def test_packaging_refuses_an_export_whose_commenters_are_not_pseudonyms(tmp_path):
    root = copy_data(tmp_path)
    export = root / data.RAW_COMMENTS
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if re.match(r"A\d+ \(", line))
    lines[first] = re.sub(r"^A\d+", INVENTED_NAME, lines[first])
    export.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ValueError, match=r"comment \d+ .*not a pseudonym") as refused:
        kit.data_files(root)
    assert INVENTED_NAME not in str(refused.value)  # the refusal names the comment, not the commenter


def test_the_wheel_carries_every_data_file_and_a_record_that_matches(tmp_path):
    name, content = kit.wheel(ROOT)
    assert name.endswith("-py3-none-any.whl")
    archive = zipfile.ZipFile(io.BytesIO(content))
    members = set(archive.namelist())
    expected = {f"comment_study/_data/{p.relative_to(ROOT).as_posix()}" for p in (ROOT / "data").rglob("*") if p.is_file()}
    assert expected <= members
    assert "comment_study/corpus/files.py" in members and not any("__pycache__" in m for m in members)
    assert not any(Path(m).name == data.ORIGINAL_COMMENTS.name or Path(m).name == data.ORIGINAL_NAME for m in members)
    record = next(m for m in members if m.endswith(".dist-info/RECORD"))
    for line in archive.read(record).decode().splitlines():
        member, digest, size = line.split(",")
        if member == record:
            continue
        body = archive.read(member)
        assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode(), member
        assert int(size) == len(body), member


def unpack_wheel(wheel: bytes, folder: Path) -> Path:
    folder.mkdir(parents=True)
    zipfile.ZipFile(io.BytesIO(wheel)).extractall(folder)
    return folder


def bare_environment(site: Path) -> dict[str, str]:
    """The environment of a student's Python: the unpacked wheel on the path, and no book root."""
    env = {k: v for k, v in os.environ.items() if k not in ("COMMENT_STUDY_ROOT", "PYTHONPATH")}
    return {**env, "PYTHONPATH": str(site)}


def run_with_the_wheel(wheel: bytes, code: str, tmp_path: Path) -> tuple[Path, list[str]]:
    """Run Python ``code`` in a folder outside any book with only the unpacked ``wheel`` on the path: the site and the words printed."""
    site = unpack_wheel(wheel, tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=elsewhere,
                            env=bare_environment(site))
    assert result.returncode == 0, result.stderr[-4000:]
    return site, result.stdout.split()


def test_the_package_finds_its_own_data_outside_any_book(tmp_path):
    site, (package, root, packaged_regions) = run_with_the_wheel(
        kit.wheel(ROOT)[1], "import comment_study; from comment_study.corpus import files; "
                            "print(comment_study.__file__); print(files.project_root()); "
                            "print(files.comments()['region'].str.replace(' ', '_').str.cat(sep=','))", tmp_path)
    assert Path(package).is_relative_to(site) and Path(root) == site / "comment_study" / "_data"
    assert packaged_regions == data.comments(ROOT)["region"].str.replace(" ", "_").str.cat(sep=",")


def test_the_appendices_read_the_book_files_the_wheel_carries_outside_any_book(tmp_path):
    """The contents, page sources, pins and build times are packaged, and the appendices' functions read them."""
    content = kit.wheel(ROOT)[1]
    archive = zipfile.ZipFile(io.BytesIO(content))
    for relative in kit.book_files(ROOT):
        assert archive.read(f"comment_study/_data/{relative.as_posix()}") == (ROOT / relative).read_bytes(), relative
    assert {"_toc.yml", "bench.json", "requirements.txt", "chapters/instructors.md"} <= {p.as_posix() for p in kit.book_files(ROOT)}
    _, printed = run_with_the_wheel(
        content, "from comment_study.corpus import files; from comment_study.book import bench, environment, toc; "
                 "root = files.project_root(); print(len(toc.pages(root))); "
                 "print(len(environment.packages(root))); print(bench.recorded(root)['clean_s'])", tmp_path)
    from comment_study.book import bench, environment, toc

    assert printed == [str(len(toc.pages(ROOT))), str(len(environment.packages(ROOT))),
                                     str(bench.recorded(ROOT)["clean_s"])]


def test_the_wheel_carries_no_town_from_the_location_table():
    archive = zipfile.ZipFile(io.BytesIO(kit.wheel(ROOT)[1]))
    packaged = archive.read(f"comment_study/_data/{data.LOCATIONS.as_posix()}").decode().splitlines()
    assert packaged[0] == (ROOT / data.LOCATIONS).read_text(encoding="utf-8").splitlines()[0]
    in_export = set(data.comments(ROOT)["location"])
    assert all(line.split(",")[0] in in_export for line in packaged[1:])


def test_the_student_edition_pastes_values_numbers_exercises_and_moves_solutions_out():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(
            "(overview)=\n# A page\n\nOf {glue:text}`n` comments, {glue:text}`share:.1%` carry it\n"
            "(see {numref}`Chapter %s\n<overview>`).\n\n"
            "```{exercise} 5 min\n:label: ex-one\n\nCount the {term}`codes <code>`.\n```\n\n"
            "```{solution} ex-one\n:class: dropdown\n\nThere are {glue:text}`n`.\n```\n"),
        nbformat.v4.new_code_cell("x = 1"),
    ])
    edition = kit.Edition(ROOT)
    number = edition.numbers["chapters/overview"]
    student, answers = edition.student("chapters/overview", notebook, {"n": "338", "share": "0.25"})
    text = student.cells[0].source
    assert "Of 338 comments, 25.0% carry it" in text and f"(see Chapter {number})" in text
    assert f"### Exercise {number}.1 (5 min)" in text and "Count the codes." in text
    assert "{" not in text and "There are" not in text and "(overview)=" not in text
    assert student.cells[1].source == "x = 1"
    assert answers.cells[-1].source == f"### Solution to Exercise {number}.1\n\nThere are 338."
    with pytest.raises(ValueError, match="chapters/overview: glued value 'n'"):
        edition.student("chapters/overview", notebook, {})


def test_markdown_a_cell_shows_keeps_myst_roles_in_the_book_and_is_plain_elsewhere(monkeypatch):
    """The instructor guide's tables: roles resolved by Sphinx in the book, written as their text in a student's Jupyter."""
    from comment_study.book import classes, roles

    monkeypatch.setenv("COMMENT_STUDY_ROOT", str(ROOT))
    plans = "\n".join(classes.plan_markdown(plan, ROOT) for plan in classes.PLANS)
    assert roles.ANY_ROLE.search(plans)  # the class plans link chapters and exercises with roles
    text = plans + "\n| Findings | {doc}`The thread at a glance </chapters/overview>` | {term}`codes <code>` |"
    monkeypatch.setenv(roles.IN_BOOK, "1")
    assert roles.markdown(text, "chapters/instructors").data == text
    monkeypatch.delenv(roles.IN_BOOK)
    shown = roles.markdown(text, "chapters/instructors").data
    assert not roles.ANY_ROLE.search(shown)
    assert "| Findings | The thread at a glance | codes |" in shown
    edition = kit.Edition(ROOT)
    chapter = edition.numbers["chapters/overview"]
    assert f"(Exercise {chapter}.1)" in shown  # {numref}`ex-overview-interval`: the exercise as the kit numbers it


def test_the_student_edition_writes_the_roles_of_stored_markdown_outputs_as_text():
    """The kit's notebooks show the book's last outputs before a student runs them: those are made plain too."""
    from comment_study.book import roles

    output = nbformat.v4.new_output("execute_result", data={
        "text/markdown": "| {doc}`The thread at a glance </chapters/overview>` | ({numref}`ex-overview-lift`) |",
        "text/plain": "<IPython.core.display.Markdown object>"})
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("table", outputs=[output])])
    edition = kit.Edition(ROOT)
    student, _ = edition.student("chapters/instructors", notebook, {})
    shown = student.cells[0].outputs[0]["data"]["text/markdown"]
    assert shown == f"| The thread at a glance | (Exercise {edition.numbers['chapters/overview']}.2) |"
    assert not roles.ANY_ROLE.search(shown)


def test_the_data_dictionary_says_when_it_reads_the_kits_header_only_location_table(tmp_path):
    """The wheel carries only the header of data/locations.csv: the dictionary read from it says so, not 0 rows silently."""
    from comment_study.book import datadict

    packaged = tmp_path / "comment_study" / data.PACKAGED_DATA
    packaged.mkdir(parents=True)
    copy_data(packaged)
    locations = packaged / data.LOCATIONS
    locations.write_bytes(kit.locations_needed(ROOT))
    assert data.is_packaged(packaged) and not data.is_packaged(ROOT)
    notes = {t.name: t.note for t in datadict.tables(packaged)}
    expected = datadict.HEADER_ONLY if len(locations.read_text(encoding="utf-8").splitlines()) == 1 else datadict.ROWS_NEEDED
    assert notes[data.LOCATIONS.as_posix()] == expected
    assert not any(note for name, note in notes.items() if name != data.LOCATIONS.as_posix())
    assert not any(t.note for t in datadict.tables(ROOT))  # the book's own dictionary reads the full table


# --- the kit the strict build wrote -----------------------------------------------------------

RUN = """
import sys, nbformat, comment_study
from nbclient import NotebookClient
for source, target in zip(sys.argv[1::2], sys.argv[2::2]):
    notebook = nbformat.read(source, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
    nbformat.write(notebook, target)
print(comment_study.__file__)
"""


def run_outside_the_book(archive: zipfile.ZipFile, pages: list[str], tmp_path: Path) -> dict[str, nbformat.NotebookNode]:
    """Execute the kit's student notebooks of ``pages`` in a folder outside any book, with only the kit's wheel on the path."""
    wheel = next(n for n in archive.namelist() if n.endswith(".whl"))
    site = unpack_wheel(archive.read(wheel), tmp_path / "site")
    student_dir = tmp_path / "student"
    student_dir.mkdir()
    arguments = []
    for page in pages:
        (student_dir / f"{page}.ipynb").write_bytes(archive.read(f"study-kit/notebooks/{page}.ipynb"))
        arguments += [f"{page}.ipynb", f"{page}-executed.ipynb"]
    result = subprocess.run([sys.executable, "-c", RUN, *arguments],
                            capture_output=True, text=True, cwd=student_dir, env=bare_environment(site))
    assert result.returncode == 0, result.stderr[-4000:]
    assert Path(result.stdout.strip()).is_relative_to(site), "the kernel's Python imported the package from the wheel"
    ran = {page: nbformat.read(student_dir / f"{page}-executed.ipynb", as_version=4) for page in pages}
    for page, notebook in ran.items():
        errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, page
        assert all(cell.execution_count for cell in notebook.cells if cell.cell_type == "code"), page
    return ran


def solution_lines(source: str) -> list[str]:
    """The lines of prose in a chapter source's solutions that hold no markup (read independently of the kit)."""
    blocks = re.findall(r"^```\{solution\}[^\n]*\n(.*?)^```$", source, re.MULTILINE | re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.startswith(":") and "{" not in line and "`" not in line]


@pytest.mark.build
@pytest.mark.parametrize("chapter", ["overview", "codebook"])
def test_a_student_notebook_runs_with_only_the_package_installed(built_book, tmp_path, chapter):
    html = built_book / "_build/html"
    assert 'href="downloads/study-kit.zip"' in (html / "intro.html").read_text(encoding="utf-8")
    assert 'href="../downloads/study-kit.zip"' in (html / "chapters/instructors.html").read_text(encoding="utf-8")
    archive = zipfile.ZipFile(html / "downloads" / kit.KIT_NAME)
    names = archive.namelist()
    wheel = next(n for n in names if n.endswith(".whl"))
    assert "study-kit/README.md" in names and "study-kit/requirements.txt" in names
    readme = archive.read("study-kit/README.md").decode()
    assert f"pip install -r requirements.txt {Path(wheel).name}" in readme and "jupyter lab" in readme
    assert "jupyterlab==" in archive.read("study-kit/requirements.txt").decode()

    answers = nbformat.reads(archive.read(f"study-kit/answers/{chapter}-answers.ipynb").decode(), as_version=4)

    student = nbformat.reads(archive.read(f"study-kit/notebooks/{chapter}.ipynb").decode(), as_version=4)
    prose = "\n".join(cell.source for cell in student.cells if cell.cell_type == "markdown")
    source = (built_book / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    n_exercises = len(re.findall(r"^```\{exercise\}", source, re.MULTILINE))
    assert n_exercises >= 2
    assert "{glue" not in prose and "{exercise}" not in prose and "{solution}" not in prose
    assert len(re.findall(r"^### Exercise \d+\.\d+", prose, re.MULTILINE)) == n_exercises
    key = "\n".join(cell.source for cell in answers.cells)
    assert len(re.findall(r"^### Solution to Exercise \d+\.\d+", key, re.MULTILINE)) == n_exercises
    lines = solution_lines(source)
    assert lines, "the chapter's solutions hold plain prose to look for"
    assert not [line for line in lines if line in prose], "a solution is in the student notebook"
    assert all(line in key for line in lines)
    run_outside_the_book(archive, [chapter], tmp_path)


def appendices_with_code(book: Path) -> list[str]:
    """The appendix pages (unnumbered, in a part) whose source has code, by file name."""
    from comment_study.book import toc

    return [Path(p.file).name for p in toc.pages(book) if p.part and not p.numbered
            and "{code-cell}" in toc.source(book, p.file).read_text(encoding="utf-8")]


@pytest.mark.build
def test_every_appendix_notebook_runs_with_only_the_package_installed(built_book, tmp_path):
    """The instructor guide, reproducing and environment appendices read the book's own files: the wheel's copy."""
    archive = zipfile.ZipFile(built_book / "_build/html/downloads" / kit.KIT_NAME)
    appendices = appendices_with_code(built_book)
    assert {"instructors", "reproducing", "environment"} <= set(appendices)
    ran = run_outside_the_book(archive, appendices, tmp_path)
    for page, notebook in ran.items():
        prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        assert "{glue" not in prose and "{numref}" not in prose, page
    plans = "\n".join(o.get("data", {}).get("text/markdown", "") for cell in ran["instructors"].cells
                      for o in cell.get("outputs", []))
    assert plans.count("minutes") >= 3, "the instructor guide's class plans were computed from the packaged sources"
    from comment_study.book import datadict, roles

    for page, notebook in ran.items():  # run again by the student, the Markdown a cell shows has no raw role
        shown = "\n".join(o.get("data", {}).get("text/markdown", "") for cell in notebook.cells
                          for o in cell.get("outputs", []))
        assert not roles.ANY_ROLE.search(shown), (page, roles.ANY_ROLE.search(shown))
    assert "{doc}" in (built_book / "chapters/instructors.md").read_text(encoding="utf-8")
    tables = "\n".join(o.get("data", {}).get("text/html", "") for cell in ran["data-dictionary"].cells
                       for o in cell.get("outputs", []))
    assert html.escape(datadict.HEADER_ONLY) in tables or html.escape(datadict.ROWS_NEEDED) in tables, \
        "the data dictionary says that the kit's location table is cut down"


@pytest.mark.build
def test_the_kit_holds_the_landing_page_every_chapter_and_appendix_with_code_and_the_answers(built_book):
    import yaml

    spec = yaml.safe_load((built_book / "_toc.yml").read_text(encoding="utf-8"))
    chapters = [entry["file"] for part in spec["parts"] if part.get("numbered") for entry in part["chapters"]]
    names = set(zipfile.ZipFile(built_book / "_build/html/downloads" / kit.KIT_NAME).namelist())
    notebooks = {n for n in names if n.startswith("study-kit/notebooks/")}
    pages = [Path(p).name for p in [spec["root"], *chapters]] + appendices_with_code(built_book)
    assert notebooks == {f"study-kit/notebooks/{page}.ipynb" for page in pages}
    for chapter in chapters:
        if "{solution}" in (built_book / f"{chapter}.md").read_text(encoding="utf-8"):
            assert f"study-kit/answers/{Path(chapter).name}-answers.ipynb" in names, chapter
    from comment_study.book import roles

    archive = zipfile.ZipFile(built_book / "_build/html/downloads" / kit.KIT_NAME)
    for name in sorted(notebooks):  # the outputs the kit ships, before any run, show no raw role either
        notebook = nbformat.reads(archive.read(name).decode(), as_version=4)
        shown = "\n".join(o.get("data", {}).get("text/markdown", "") for cell in notebook.cells
                          for o in cell.get("outputs", []))
        assert not roles.ANY_ROLE.search(shown), (name, roles.ANY_ROLE.search(shown))

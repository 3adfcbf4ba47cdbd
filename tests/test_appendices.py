"""The package code behind the appendices and the map: data dictionary, environment, build times, toc."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from comment_study.book import bench, classes, datadict, environment, toc

from comment_study.corpus import files as data
from conftest import ROOT, toc_pages


# --- the data dictionary ---------------------------------------------------------------------

def test_every_column_of_every_data_file_has_a_description():
    assert datadict.undescribed(ROOT) == {}


def test_every_description_names_a_column_that_exists():
    assert datadict.unused(ROOT) == {}


def test_every_file_under_data_is_in_the_dictionary():
    assert datadict.uncovered_files(ROOT) == []


def test_dictionary_reads_columns_types_and_counts_from_the_files():
    tables = {t.name: t.columns.set_index("column") for t in datadict.tables(ROOT)}
    sheet = pd.read_csv(ROOT / "data/coding/primary.csv")
    primary = tables["data/coding/primary.csv"]
    assert list(primary.index) == list(sheet.columns)
    assert primary.loc["comment_id", "non-missing"] == len(sheet)
    assert primary.loc["tone", "non-missing"] == sheet["tone"].notna().sum()  # the empty comment has none
    corpus = tables["data.comments()"]
    comments = data.comments(ROOT)
    assert list(corpus.index) == list(comments.columns)
    assert corpus.loc["duplicate_of", "non-missing"] == comments["duplicate_of"].notna().sum()


def test_a_new_column_without_a_description_is_reported(tmp_path):
    import shutil

    book = tmp_path / "book"
    shutil.copytree(ROOT / "data", book / "data")
    (book / "data").chmod(0o755)
    path = book / "data/repost_checks.csv"
    path.chmod(0o644)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",checked_by"] + [line + ",R1" for line in lines[1:]]) + "\n")
    assert datadict.undescribed(book) == {"data/repost_checks.csv": ["checked_by"]}


def test_a_new_data_file_is_reported_until_described(tmp_path):
    import shutil

    book = tmp_path / "book"
    shutil.copytree(ROOT / "data", book / "data")
    (book / "data").chmod(0o755)
    (book / "data/new.csv").write_text("a,b\n1,2\n")
    assert datadict.uncovered_files(book) == ["data/new.csv"]


def test_code_columns_are_described_by_the_codebook_they_were_coded_with():
    from comment_study.coding import codebook

    book = codebook.load(ROOT / "data/codebook.yml")
    table = next(t for t in datadict.tables(ROOT) if t.name == "data/coding/primary.csv").columns.set_index("column")
    for code in book.codes:
        assert code.label in table.loc[code.id, "description"]


# --- the environment -------------------------------------------------------------------------

def test_every_requested_package_is_pinned_and_installed_as_pinned():
    table = environment.packages(ROOT)
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.in").read_text().splitlines()]
    assert list(table["package"]) == [re.split(r"[<>=!~;\[ ]", line)[0] for line in lines if line]
    assert table["pinned"].notna().all(), table[table["pinned"].isna()]
    assert table["as pinned"].all(), table[~table["as pinned"]]


def test_pins_are_read_whatever_the_spelling_of_the_name(tmp_path):
    (tmp_path / "requirements.txt").write_text("Scikit_Learn==1.2.3\n    # via -r requirements.in\nfoo.bar==0.1 ; python_version > '3'\n")
    assert environment.pins(tmp_path / "requirements.txt") == {"scikit-learn": "1.2.3", "foo-bar": "0.1"}


def test_signature_names_the_running_python_and_packages():
    assert environment.signature() == environment.signature()
    assert len(environment.signature()) == 64


# --- build times -----------------------------------------------------------------------------

def test_committed_bench_json_has_every_figure_the_book_reads():
    figures = bench.load(ROOT)
    assert figures["clean_s"] > figures["cached_s"] > 0
    assert figures["chapters_s"]


def test_bench_json_times_every_page_of_the_toc_that_runs_code():
    figures = bench.load(ROOT)
    assert bench.untimed(ROOT, figures) == [], "run `make bench`: bench.json lacks these pages"
    assert figures["machine"] and figures["code"]["n"] > 0


def test_a_page_missing_from_bench_json_is_found():
    figures = bench.load(ROOT)
    page = next(p for p in toc_pages(ROOT) if p in figures["chapters_s"])
    fewer = {**figures, "chapters_s": {k: v for k, v in figures["chapters_s"].items() if k != page}}
    assert bench.untimed(ROOT, fewer) == [page]


def test_bench_json_missing_a_figure_is_an_error_naming_the_file(tmp_path):
    (tmp_path / "bench.json").write_text(json.dumps({"clean_s": 1.0}))
    with pytest.raises(ValueError, match="bench.json.*cached_s"):
        bench.load(tmp_path)


def test_missing_bench_json_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="make bench"):
        bench.load(tmp_path)


# --- the table of contents -------------------------------------------------------------------

def test_toc_pages_are_the_files_the_toc_lists_in_order():
    assert [p.file for p in toc.pages(ROOT)] == toc_pages(ROOT)


def test_chapter_descriptions_come_from_their_sources():
    corpus = next(p for p in toc.pages(ROOT) if p.file == "chapters/corpus")
    source = (ROOT / "chapters/corpus.md").read_text()
    assert corpus.title == "The corpus"
    assert f"Reading time: about {corpus.reading_minutes} minutes" in source
    assert corpus.objectives and all("{" not in o and "`" not in o for o in corpus.objectives)


def test_roles_are_reduced_to_their_text():
    assert toc.plain("say how {term}`reposts <repost>` and {term}`replies` work") == "say how reposts and replies work"


def test_a_toc_entry_without_a_source_is_an_error_naming_the_toc(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    with pytest.raises(FileNotFoundError, match="_toc.yml.*intro"):
        toc.pages(tmp_path)


def test_a_learning_objective_that_wraps_onto_the_next_line_is_read_whole():
    assert toc.bullets("- one that\n  goes on;\n- two.\n\nafter") == ["one that goes on;", "two."]
    overview = next(p for p in toc.pages(ROOT) if p.file == "chapters/overview")
    source = " ".join((ROOT / "chapters/overview.md").read_text().split())
    assert all(toc.plain(o) in toc.plain(source) for o in overview.objectives)
    assert overview.objectives[0].endswith("a thread of a few hundred comments")


# --- teaching: timed exercises, discussion prompts, 50-minute classes ------------------------------


def numbered_chapters():
    return [p for p in toc.pages(ROOT) if p.numbered]


def test_every_exercise_in_every_chapter_states_its_minutes():
    for page in numbered_chapters():
        source = toc.source(ROOT, page.file).read_text(encoding="utf-8")
        openings = source.count("{exercise}")  # counted independently of the parser
        assert len(page.exercises) == openings > 0, page.file
        assert all(minutes and 0 < minutes <= 45 for _, minutes in page.exercises), (page.file, page.exercises)


def test_every_chapter_ends_with_discussion_prompts():
    for page in numbered_chapters():
        source = toc.source(ROOT, page.file).read_text(encoding="utf-8")
        headings = [line for line in source.splitlines() if line.startswith("## ")]
        assert headings[-1] == "## Discussion prompts", page.file
        assert len(classes.discussion_prompts(ROOT, page.file)) >= 2, page.file


def test_every_class_plan_fills_fifty_minutes_with_exercises_and_prompts_that_exist():
    exercises = classes.exercise_minutes(ROOT)
    files = {p.file for p in toc.pages(ROOT)}
    assert len(classes.PLANS) >= 3
    for plan in classes.PLANS:
        assert set(plan.reading) <= files, plan.title
        timed = [s for s in plan.steps if s.exercise]
        assert timed and all(s.exercise in exercises and s.minutes is None for s in timed), plan.title
        total = sum(s.minutes for s in plan.steps if not s.exercise) + sum(exercises[s.exercise][1] for s in timed)
        assert total == classes.CLASS_MINUTES, (plan.title, total)
        for file, number in plan.prompts:
            assert 1 <= number <= len(classes.discussion_prompts(ROOT, file)), (plan.title, file, number)
        assert plan.prepare.strip()


def test_a_class_plan_renders_its_steps_minutes_and_links():
    plan = classes.PLANS[0]
    text = classes.plan_markdown(plan, ROOT)
    assert f"| **{classes.CLASS_MINUTES}** |" in text
    for step in plan.steps:
        assert step.what in text
        if step.exercise:
            assert f"{{numref}}`{step.exercise}`" in text
    for file in plan.reading:
        assert f"</{file}>`" in text


def test_an_exercise_without_minutes_is_refused_in_a_plan():
    step = classes.Step("untimed", exercise="ex-x")
    with pytest.raises(ValueError, match="ex-x"):
        classes.step_minutes(step, {"ex-x": ("chapters/x", None)})


def test_the_instructor_guide_is_written_for_instructors():
    source = (ROOT / "chapters/instructors.md").read_text(encoding="utf-8")
    for phrase in ("still growing", "after this guide was written", "human coding", ".md`"):
        assert phrase not in source, phrase

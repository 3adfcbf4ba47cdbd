"""The book as a reader receives it: a strict build, checked page by page.

These tests build temporary copies of the book (slow: marked ``build``).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from comment_study.study import load_study
from comment_study.corpus import files as data

from conftest import FIXTURES, ROOT, build, copy_book, partial_book, set_execution, toc_pages

pytestmark = pytest.mark.build

GLUE_ROLE = re.compile(r"\{glue:text\}`([^`:]+)(?::([^`]*))?`")


def html_pages(book: Path) -> list[Path]:
    return sorted((book / "_build" / "html").rglob("*.html"))


def page(book: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((book / "_build/html" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def glue_values(book: Path, name: str) -> dict:
    """The values a page's cells glued, as myst-nb recorded them during the build."""
    recorded = json.loads((book / "_build/jupyter_execute" / f"{name}.glue.json").read_text())
    return {key: python_value(output["data"]["text/plain"]) for key, output in recorded.items()}


def python_value(text: str) -> object:
    """A glued value back from its repr (``nan`` is the one float repr that is not a literal)."""
    return float(text) if text == "nan" else ast.literal_eval(text)


def test_every_toc_page_is_built(built_book):
    for name in toc_pages(built_book):
        assert (built_book / "_build/html" / f"{name}.html").is_file(), name


def test_no_error_output_or_traceback_reaches_a_page(built_book):
    for path in html_pages(built_book):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        text = soup.get_text()
        assert "Traceback" not in text, path
        assert not soup.select(".output.stderr, .output.error, .output.traceback"), path


def test_every_figure_has_alt_text(built_book):
    images = 0
    for path in html_pages(built_book):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for img in soup.select("main img, article img"):
            images += 1
            assert len(img.get("alt", "").strip()) > 20, f"{path.name}: {img}"
    assert images >= 3


def test_every_figure_is_numbered_and_captioned(built_book):
    soup = page(built_book, "chapters/corpus")
    figures = soup.select("figure")
    assert len(figures) >= 3
    assert all(f.select_one(".caption-number") and f.select_one("figcaption") for f in figures)


def test_glued_text_in_the_html_equals_the_values_the_cells_computed(built_book):
    for name in toc_pages(built_book):
        source = (built_book / f"{name}.md").read_text(encoding="utf-8")
        roles = GLUE_ROLE.findall(source)
        if not roles:
            continue
        values = glue_values(built_book, name)
        spans = [s.get_text() for s in page(built_book, name).select("span.pasted-text")]
        expected = [format(values[key], spec or "") for key, spec in roles]
        assert spans == expected, name


def test_glued_corpus_numbers_equal_an_independent_recount(built_book):
    values = glue_values(built_book, "chapters/corpus")
    lines = (ROOT / data.RAW_COMMENTS).read_text(encoding="utf-8").splitlines()
    declared = int(re.search(r"(\d+) comments", lines[0]).group(1))
    assert values["declared"] == declared == values["n_comments"]
    assert values["n_lines"] == len(lines)
    # each header line starts a comment; a comment without a text line is one line short
    assert values["n_empty"] == 2 * declared + 1 - len(lines)
    table = data.comments(ROOT)
    assert values["n_commenters"] == len(set(zip(table["author"], table["location"])))
    assert values["n_reposts"] == len(__import__("pandas").read_csv(ROOT / "data/repost_checks.csv"))


def test_no_memory_addresses_in_any_page(built_book):
    for path in html_pages(built_book):
        assert not re.search(r"0x[0-9a-f]{8,}", path.read_text(encoding="utf-8")), path.name


def page_outputs(book: Path, name: str) -> list:
    """Every code cell's outputs in the notebook the built book offers for a page (see :func:`outputs`)."""
    return outputs((book / "_build/html/_sources" / f"{name}.ipynb").read_text(encoding="utf-8"))


def outputs(text: str) -> list:
    """Every code cell's outputs in a notebook's text, with what differs between any two runs of the same
    code set aside: object addresses and pandas Styler ids."""
    text = re.sub(r"T_[0-9a-f]{5}(?=[_\"\\ ])", "T_<id>", re.sub(r"0x[0-9a-f]{6,}", "0x<address>", text))
    return [cell.get("outputs") for cell in json.loads(text)["cells"] if cell["cell_type"] == "code"]


def test_two_clean_builds_give_the_same_values_and_figures(built_book, second_built_book):
    """Two clean builds, each with its own zygote (comment_study.book.kernels), give the same values, figures and outputs."""
    second = second_built_book
    offered = [name for name in toc_pages(built_book) if (built_book / "_build/html/_sources" / f"{name}.ipynb").exists()]
    assert len(offered) > 20
    for name in offered:
        assert page_outputs(built_book, name) == page_outputs(second, name), name
    for name in toc_pages(built_book):
        if (built_book / "_build/jupyter_execute" / f"{name}.glue.json").exists():
            first, again = glue_values(built_book, name), glue_values(second, name)
            same = lambda a, b: a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)
            assert first.keys() == again.keys() and all(same(first[k], again[k]) for k in first), name  # NaN is NaN
    images = lambda book: {p.name: p.read_bytes() for p in (book / "_build/html/_images").iterdir()}
    assert images(built_book) == images(second)


FRESH = {
    "intro": "glues the study's key findings from the analysis plan",
    "chapters/corpus": "figures, tables and quoted comments",
    "chapters/reliability": "agreement with bootstrap intervals from seeded random numbers",
}
"""Pages run again in fresh kernels, each for what it exercises. The build runs pages in kernels forked
from a zygote that has imported the study; a fresh kernel is how Jupyter runs a student's notebook (the build starts
it through comment_study.book.kernel_launcher: Jupyter's launcher, with the socket for outputs unbounded)."""


def test_a_page_run_in_a_fresh_kernel_gives_what_the_forked_kernel_gave(built_book, tmp_path, monkeypatch):
    """Every output of these pages, run again each in a fresh kernel as Jupyter would, equals the output of the
    kernel forked in the build (the determinism test compares two forked builds: this shows forking changes nothing).
    They run in a copy of the book without its build folder, so the fresh kernels compute the study and the plan
    themselves rather than read what the build's kernels kept (comment_study.corpus.inputs.cached)."""
    from concurrent.futures import ThreadPoolExecutor

    import nbformat
    from comment_study.book import kernels

    assert "in forked kernels" in (built_book.parent / "build.out").read_text(encoding="utf-8")
    copy = shutil.copytree(built_book, tmp_path / "book", ignore=shutil.ignore_patterns("_build"))
    monkeypatch.delenv("COMMENT_STUDY_ROOT", raising=False)  # the build's kernels find the book as a reader's do

    def run_fresh(name: str) -> str:
        notebook = nbformat.read(built_book / "_build/jupyter_execute" / f"{name}.ipynb", as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        result = kernels.execute(notebook, str((copy / name).parent), 600, False, None)
        assert result.err is None, f"{name}: {result.err}"
        return nbformat.writes(result.nb)

    with ThreadPoolExecutor(max_workers=2) as pool:
        ran = dict(zip(FRESH, pool.map(run_fresh, FRESH)))
    for name, text in ran.items():
        assert outputs(text) == page_outputs(built_book, name), f"{name} ({FRESH[name]})"


def test_codebook_chapter_links_the_refi_qda_files_built_from_the_data(built_book):
    from comment_study.exchange import refi

    links = {a.get_text(strip=True): a["href"] for a in page(built_book, "chapters/codebook").select("a.download")}
    study = load_study(built_book)
    expected = {"codebook.qdc": refi.codebook_xml(study.book), "codebook.csv": refi.codebook_csv(study.book),
                "comment-study.qdpx": refi.qdpx_bytes(study)}
    assert set(links) == set(expected)
    for name, href in links.items():
        assert (built_book / "_build/html/chapters" / href).resolve().read_bytes() == expected[name], name


# --- a small book over a fixture corpus: escaping, and the cache ------------------------------

@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory) -> Path:
    """The book, built with its cache, over a seven-comment export full of markup and traps."""
    book = copy_book(tmp_path_factory.mktemp("fixture") / "book")
    raw = book / data.RAW_COMMENTS
    raw.chmod(0o644)
    shutil.copyfile(FIXTURES / "nasty-export.txt", raw)
    for name in ("reply_checks.csv", "repost_checks.csv", "disclosures.csv", "coding/primary.csv"):  # no coding: nothing protected
        path = book / "data" / name
        path.write_text(path.read_text().splitlines()[0] + "\n")
    (book / "data/locations.csv").write_text("location,region,basis\nAkron,Ohio,city in Ohio\n")
    partial_book(book, ["chapters/article", "chapters/corpus"], "# A fixture book\n\nSeven comments full of markup and traps.\n")
    set_execution(book, "cache")
    build(book)
    return book


def test_comment_text_renders_literally_and_does_nothing(fixture_book):
    html = (fixture_book / "_build/html/chapters/corpus.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    shown = soup.select("blockquote.comment-quote")
    assert len(shown) == 2
    text = " ".join(q.get_text() for q in shown)
    for literal in ['<script>document.title="x"</script>', "<b>bold</b>", "**b**", "`t`",
                    "{glue:text}`n_comments`", "| col |", "# Heading", "$1 and $2", "😀"]:
        assert literal in text, literal
    for quote in shown:
        assert not quote.select("script, b, strong, code, h1, table, .math")
        assert "tex2jax_ignore" in quote["class"]


def test_fixture_book_keeps_names_out(fixture_book):
    names = ["Ann Example", "Bob Sample", "Carl Tester", "Dana Fixture", "Eve Probe", "Gil Probe"]
    for path in html_pages(fixture_book):
        text = path.read_text(encoding="utf-8")
        assert not [n for n in names if n in text], path.name


def test_changed_data_file_shows_on_the_next_cached_build(fixture_book):
    before = glue_values(fixture_book, "chapters/corpus")["n_comments"]
    raw = fixture_book / data.RAW_COMMENTS
    content = raw.read_text(encoding="utf-8").replace("· 7 comments", "· 8 comments")
    raw.write_text(content.rstrip("\n") + "\nFay Extra (Iowa)\nOne more comment.\n", encoding="utf-8")
    build(fixture_book)  # cache mode: the code cells did not change, the data did
    assert glue_values(fixture_book, "chapters/corpus")["n_comments"] == before + 1
    spans = [s.get_text() for s in page(fixture_book, "chapters/corpus").select("span.pasted-text")]
    assert str(before + 1) in spans


def test_execution_cache_lives_in_the_books_own_build_folder(fixture_book):
    assert (fixture_book / "_build/.jupyter_cache").is_dir()
    assert not (fixture_book.parent / "_build").exists()


def test_unchanged_book_rebuild_reuses_the_cache(fixture_book):
    result = build(fixture_book)
    assert "Executing notebook" not in result.stdout + result.stderr

"""The build's own steps that make it faster, each checked to change nothing it produces.

- ``sphinx_lookups``: numbered references read a page's doctree once; pybtex's plugins are looked up once.
- ``sphinx_parallel.schedule`` and ``jobs``: the order pages run in, and how many run at once.
- ``jb``: a clean build starts the kernel zygote before Jupyter Book imports.
- ``sphinx_notebooks``: the offered notebooks and the study kit are written by a process of their own.

The strict builds of the whole book (tests/test_book.py, tests/test_product.py) check the pages these
steps produce: every numbered reference, every offered notebook, the kit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from sphinx.errors import ExtensionError

from comment_study.book import jb, kernels, sphinx_lookups, sphinx_notebooks, sphinx_parallel

ROOT = Path(__file__).resolve().parents[1]


# --- numbered references and bibliography plugins --------------------------------------------

class _Env:
    """What ``shared_doctree`` needs of Sphinx's environment: the pickles it holds, and a counted unpickling."""

    def __init__(self) -> None:
        self._pickled_doctree_cache = {"a": b"first pickle of a", "b": b"pickle of b"}
        self.unpickled: list[str] = []

    def get_doctree(self, docname: str):
        self.unpickled.append(docname)
        return SimpleNamespace(name=docname, pickle=self._pickled_doctree_cache[docname])


def test_a_pages_doctree_is_unpickled_once_for_its_numbered_references_and_again_if_its_pickle_changes():
    env, memo = _Env(), {}
    first = sphinx_lookups.shared_doctree(env, "a", memo)
    assert sphinx_lookups.shared_doctree(env, "a", memo) is first
    sphinx_lookups.shared_doctree(env, "b", memo)
    assert env.unpickled == ["a", "b"]
    env._pickled_doctree_cache["a"] = b"a written again"
    assert sphinx_lookups.shared_doctree(env, "a", memo).pickle == b"a written again"
    assert env.unpickled == ["a", "b", "a"]


def test_the_numbering_sees_the_environment_with_only_its_doctrees_remembered():
    env = _Env()
    env.toc_fignumbers = {"a": {"figure": {"fig-1": (3, 1)}}}
    seen = sphinx_lookups._ReadOnlyDoctrees(env, {})
    assert seen.toc_fignumbers is env.toc_fignumbers
    assert seen.get_doctree("a") is seen.get_doctree("a") and env.unpickled == ["a"]


def test_the_book_registers_the_bibliography_plugins_it_uses_once():
    import pybtex.plugin

    app = SimpleNamespace(extensions={"sphinxcontrib.bibtex": object()}, config=SimpleNamespace(bibtex_default_style="plain"))
    sphinx_lookups._register_bibliography_plugins(app)
    for group, name in (("pybtex.backends", "plaintext"), ("pybtex.style.formatting", "plain")):
        registered = pybtex.plugin._RUNTIME_PLUGINS[group][name]
        assert registered is pybtex.plugin.find_plugin(group, name)
        assert registered.__module__.startswith("pybtex.")  # the installed plugin, not a stand-in


# --- the order pages run in ------------------------------------------------------------------

def _page(tmp_path: Path, name: str, code: str, size: int = 10) -> tuple:
    path = tmp_path / f"{name}.md"
    path.write_text("x" * size)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    return name, path, notebook, None


def test_pages_run_longest_first_with_a_page_that_needs_no_plan_beside_the_first_that_computes_it(tmp_path):
    plan = "results = plan.results(study)"
    pages = [_page(tmp_path, "short", plan), _page(tmp_path, "framings", plan), _page(tmp_path, "conversation", plan),
             _page(tmp_path, "topics", "topics.stability(matrix)"), _page(tmp_path, "article", "print(1)")]
    timed = {"framings": 10.0, "conversation": 9.0, "topics": 6.0, "short": 1.0, "article": 0.5}
    order = [item[0] for item in sphinx_parallel.schedule(pages, timed)]
    assert order == ["framings", "topics", "conversation", "short", "article"]
    # when the first page needs no plan, or no page can stand beside it, the order is simply longest first
    assert [i[0] for i in sphinx_parallel.schedule(pages, {**timed, "topics": 20.0})] == \
        ["topics", "framings", "conversation", "short", "article"]
    only_plan = [p for p in pages if p[0] not in ("topics", "article")]
    assert [i[0] for i in sphinx_parallel.schedule(only_plan, timed)] == ["framings", "conversation", "short"]
    # without timings, the largest source first
    sized = [_page(tmp_path, "small", "1", 5), _page(tmp_path, "large", "1", 50)]
    assert [i[0] for i in sphinx_parallel.schedule(sized, {})] == ["large", "small"]


def test_one_more_page_runs_at_once_than_the_machine_has_cores_unless_the_book_says():
    assert sphinx_parallel.jobs(SimpleNamespace(comment_study_execution_jobs=0)) == (os.cpu_count() or 1) + 1
    assert sphinx_parallel.jobs(SimpleNamespace(comment_study_execution_jobs=2)) == 2


# --- the zygote started before Jupyter Book imports ------------------------------------------

def test_only_a_build_of_a_book_without_an_execution_cache_starts_the_zygote_early(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    assert jb._clean_build(["build", str(book)]) is None  # not a book
    (book / "_config.yml").write_text("title: t\n")
    assert jb._clean_build(["build", str(book)]) is None  # its pages do not run in forked kernels
    (book / "_config.yml").write_text(f"title: t\nsphinx:\n  extra_extensions: [{jb.PARALLEL}]\n")
    assert jb._clean_build(["build", str(book), "-W"]) is None  # no table of contents: no page to run
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: a\n- file: b\n")
    code = "# {}\n\n```{{code-cell}} ipython3\n1 + 1\n```\n"
    (book / "intro.md").write_text("# Intro\n")
    (book / "a.md").write_text(code.format("A"))
    (book / "b.md").write_text("# B\n")
    assert jb._clean_build(["build", str(book), "-W"]) is None  # one page with code runs in a fresh kernel
    (book / "b.md").write_text(code.format("B"))
    assert jb._clean_build(["build", str(book), "-W"]) == book.resolve()
    assert jb._clean_build(["clean", str(book)]) is None and jb._clean_build(["build", "--help"]) is None
    (book / "_build" / ".jupyter_cache").mkdir(parents=True)
    assert jb._clean_build(["build", str(book)]) is None  # pages may come from the cache: started only if needed


def test_the_zygote_started_early_is_handed_over_once(tmp_path):
    kernels.start_early(tmp_path, dict(os.environ))
    zygote = kernels.take_early()
    try:
        assert zygote is not None and zygote._process.poll() is None  # importing; sphinx_parallel forks from it
        assert kernels.take_early() is None
    finally:
        zygote.stop()
    assert zygote._process is None


# --- the offered notebooks and the kit, in a process of their own ----------------------------

def _executed(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A page"), nbformat.v4.new_code_cell("6 * 7")])
    nb.cells[1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "42"}, execution_count=1)]
    nb.cells[1].execution_count = 1
    path = tmp_path / "jupyter_execute" / "chapters" / "page.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def test_the_background_process_writes_each_page_it_is_sent_as_nbformat_writes_it(tmp_path):
    source = _executed(tmp_path)
    job = {"srcdir": str(tmp_path), "outdir": str(tmp_path / "html"), "cache": str(tmp_path / "no-cache"), "kit": False}
    (tmp_path / "job.json").write_text(json.dumps(job))
    lines = json.dumps(["chapters/page", str(source)]) + "\n"
    done = subprocess.run([sys.executable, "-m", "comment_study.book.sphinx_notebooks", str(tmp_path / "job.json")],
                          input=lines, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    offered = tmp_path / "html" / "_sources" / "chapters" / "page.ipynb"
    plain = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.read(source, as_version=4), plain)
    assert offered.read_bytes() == plain.read_bytes()


def test_a_page_is_offered_with_the_outputs_the_cache_holds_even_when_myst_nb_wrote_fewer(tmp_path):
    """A page myst-nb executed itself is written without its glue outputs; it is offered as every other page."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    executed = nbformat.read(_executed(tmp_path), as_version=4)
    glued = nbformat.v4.new_output("display_data", {"application/papermill.record/text/plain": "42"},
                                   metadata={"scrapbook": {"name": "answer", "mime_prefix": "application/papermill.record/"}})
    executed.cells[1].outputs.append(glued)
    cache = get_cache(tmp_path / "cache")
    record = cache.add_nb_to_project(str(tmp_path / "page.ipynb"))
    cache.cache_notebook_bundle(CacheBundleIn(executed, record.uri), check_validity=False)
    written = tmp_path / "written.ipynb"  # as myst-nb writes it: the glue output taken out
    nbformat.write(nbformat.read(_executed(tmp_path / "again"), as_version=4), written)
    offered = nbformat.reads(sphinx_notebooks.offered_notebook(written, tmp_path / "cache"), as_version=4)
    assert offered.cells[1].outputs[-1]["metadata"]["scrapbook"]["name"] == "answer"
    assert len(offered.cells[1].outputs) == 2
    assert sphinx_notebooks.offered_notebook(written, tmp_path / "no-cache") == nbformat.writes(
        nbformat.read(written, as_version=4)) + "\n"  # no cache: the notebook as written


def test_a_failure_of_the_background_process_fails_the_build_with_its_error(tmp_path):
    offering = object.__new__(sphinx_notebooks._Offering)
    offering.job = {"kit": False}
    errors = tmp_path / "offers.err"
    with open(errors, "w") as err:
        offering.process = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit('no such notebook: x.ipynb')"],
                                            stdin=subprocess.PIPE, stderr=err, text=True)
    offering._errors = errors
    with pytest.raises(ExtensionError, match="study kit failed:\nno such notebook: x.ipynb"):
        offering.finish(None)


def test_the_kit_digest_covers_the_offered_notebooks_but_not_sphinxs_copies_of_the_sources(tmp_path):
    out, glued = tmp_path / "html", tmp_path / "glued"
    (out / "_sources").mkdir(parents=True)
    glued.mkdir()
    digest = lambda: sphinx_notebooks.kit_inputs(ROOT, out, glued, "fingerprint")
    before = digest()
    (out / "_sources" / "intro.md.txt").write_text("Sphinx copies the page source here as it writes the page")
    assert digest() == before
    (out / "_sources" / "intro.ipynb").write_text("{}")
    assert digest() != before

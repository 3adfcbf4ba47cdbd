"""Kernels forked from the build's zygote (comment_study.book.kernels) behave as fresh kernels do.

tests/test_book.py runs pages of the built book again in fresh kernels and compares every
output; these tests pin the parts a page relies on, on a small notebook, in a few seconds.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import time

import nbformat
import pytest

from comment_study.book import kernels

CELLS = [
    "import os, sys\nprint(os.getcwd())\nprint(os.environ.get('COMMENT_STUDY_KERNEL_TEST'))",
    "print('to stderr', file=sys.stderr)",
    "import pandas as pd\npd.DataFrame([range(30)], columns=[f'c{i}' for i in range(30)])  # wider than 20 columns",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 1))\nax.plot([0, 1], [1, 0]);",
    "from myst_nb import glue\nglue('answer', 42, display=False)",
    "import matplotlib\nmatplotlib.get_backend()",
    "import numpy as np\nnp.random.default_rng(1).random(3).round(6).tolist()",
    "1 / 0",
]


def notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def outputs(nb: nbformat.NotebookNode) -> list:
    text = nbformat.writes(nb)
    text = re.sub(r"0x[0-9a-f]{6,}", "0x<address>", text)
    return [cell["outputs"] for cell in nbformat.reads(text, as_version=4).cells]


@pytest.fixture(scope="module")
def zygote():
    started = kernels.Zygote().start()
    os.environ["COMMENT_STUDY_KERNEL_TEST"] = "seen"  # after the start: each kernel gets the environment of its request
    yield started
    started.stop()
    del os.environ["COMMENT_STUDY_KERNEL_TEST"]


def parent(nb: nbformat.NotebookNode, tmp_path) -> int:
    """The process id of the parent of the kernel that ran ``nb`` (its last cell writes it to a file)."""
    return int((tmp_path / "parent.txt").read_text())


def test_a_forked_kernel_gives_what_a_fresh_kernel_gives(zygote, tmp_path):
    record = "import os\nopen('parent.txt', 'w').write(str(os.getppid()))"
    forked_nb, fresh_nb = notebook(), notebook()
    for nb in (forked_nb, fresh_nb):
        nb.cells.insert(0, nbformat.v4.new_code_cell(record))
    forked = kernels.execute(forked_nb, str(tmp_path), 60, True, zygote)
    assert zygote.failed is None and parent(forked.nb, tmp_path) == zygote._process.pid  # it was forked
    fresh = kernels.execute(fresh_nb, str(tmp_path), 60, True, None)
    assert parent(fresh.nb, tmp_path) == os.getpid()  # and this one was not
    forked.nb.cells, fresh.nb.cells = forked.nb.cells[1:], fresh.nb.cells[1:]
    assert outputs(forked.nb) == outputs(fresh.nb)
    cells = outputs(forked.nb)
    assert cells[0][0]["text"].splitlines() == [str(tmp_path), "seen"]  # the page's folder, the build's environment
    assert cells[1][0]["name"] == "stderr"
    assert "c29" in cells[2][0]["data"]["text/html"] and "..." in cells[2][0]["data"]["text/html"]  # as in a kernel
    assert "image/png" in cells[3][0]["data"]  # the inline backend shows the figure
    assert cells[4][0]["metadata"]["scrapbook"]["name"] == "answer"
    assert "matplotlib_inline" in cells[5][0]["data"]["text/plain"]
    assert cells[7][0]["ename"] == "ZeroDivisionError"


def test_forked_and_fresh_kernels_talk_over_sockets_of_their_own_not_tcp_ports(zygote, tmp_path):
    """A TCP port chosen for a kernel can be taken by another kernel before it binds it (kernels.TRANSPORT)."""
    cell = "from ipykernel.kernelapp import IPKernelApp\napp = IPKernelApp.instance()\nprint(app.transport, app.ip)"
    for fork in (zygote, None):
        nb = notebook()
        nb.cells = [nbformat.v4.new_code_cell(cell)]
        ran = kernels.execute(nb, str(tmp_path), 60, False, fork)
        transport, ip = ran.nb.cells[0].outputs[0]["text"].split()
        assert (transport, kernels.TRANSPORT) == ("ipc", "ipc") and ip.endswith("-ipc"), ip


@pytest.mark.parametrize("forked", [True, False], ids=["forked", "fresh"])
def test_a_burst_of_outputs_arrives_whole(zygote, tmp_path, forked):
    """Ten thousand outputs from one cell, all kept (kernels.UNBOUNDED, on the build's side and the kernel's,
    forked or fresh): a page of the book glues over two thousand values in one cell."""
    zygote = zygote if forked else None
    burst = "from IPython.display import display\nfor i in range(10_000):\n    display({'text/plain': str(i)}, raw=True)"
    nb = notebook()
    nb.cells = [nbformat.v4.new_code_cell(burst)]
    ran = kernels.execute(nb, str(tmp_path), 120, False, zygote)
    assert ran.err is None, ran.err
    assert [o["data"]["text/plain"] for o in ran.nb.cells[0].outputs] == [str(i) for i in range(10_000)]
    nb.cells = [nbformat.v4.new_code_cell("import zmq\nfrom ipykernel.kernelapp import IPKernelApp\n"
                                          "IPKernelApp.instance().iopub_thread.socket.getsockopt(zmq.SNDHWM)")]
    sending = kernels.execute(nb, str(tmp_path), 60, False, zygote)
    assert sending.nb.cells[0].outputs[0]["data"]["text/plain"] == str(kernels.UNBOUNDED)  # the kernel's side too


def test_a_failing_cell_fails_the_page_as_in_a_fresh_kernel(zygote, tmp_path):
    result = kernels.execute(notebook(), str(tmp_path), 60, False, zygote)
    assert result.err is not None and "ZeroDivisionError" in str(result.err)


def test_kernels_end_when_their_page_is_done_and_the_zygote_when_stopped(tmp_path):
    zygote = kernels.Zygote().start()
    km = kernels.ForkedKernelManager(zygote=zygote)
    from jupyter_cache.executors.utils import single_nb_execution
    import asyncio

    nb = notebook()
    nb.cells = nb.cells[:1]
    single_nb_execution(copy.deepcopy(nb), cwd=str(tmp_path), timeout=60, allow_errors=False, km=km)
    pid = km.provisioner.pid
    assert os.path.exists(f"/proc/{pid}")
    asyncio.run(km.shutdown_kernel(now=False))
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{pid}")
    process = zygote._process
    zygote.stop()
    assert process.poll() is not None


def test_only_this_pythons_ipykernel_is_forked():
    zygote = kernels.Zygote()
    assert zygote.serves([os.sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not zygote.serves(["/usr/bin/python3-other", "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not zygote.serves([os.sys.executable, "-m", "some_other_kernel", "-f", "c.json"])


def test_forked_kernels_do_not_share_numpy_random_state(zygote, tmp_path):
    nb = notebook()
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np\nprint(np.random.random())")]
    draws = {kernels.execute(copy.deepcopy(nb), str(tmp_path), 60, False, zygote).nb.cells[0].outputs[0]["text"]
             for _ in range(2)}
    assert len(draws) == 2 and zygote.failed is None


def test_the_zygote_refuses_to_import_what_binds_to_a_shell(monkeypatch):
    """A preloaded module that imports the inline backend would leave forked kernels without figures."""
    monkeypatch.setattr(kernels, "PRELOAD", (*kernels.PRELOAD, "matplotlib_inline.backend_inline"))
    with pytest.raises(RuntimeError, match="must not import"):
        kernels._serve()


def test_output_printed_while_the_zygote_imports_does_not_break_it(tmp_path):
    (tmp_path / "sitecustomize.py").write_text("print('hello from an import')\n")
    zygote = kernels.Zygote(env={**os.environ, "PYTHONPATH": str(tmp_path)}).start()
    try:
        nb = notebook()
        nb.cells = nb.cells[:1]
        kernels.execute(nb, str(tmp_path), 60, False, zygote)
        assert zygote.failed is None
    finally:
        zygote.stop()


def test_without_a_working_zygote_a_page_runs_in_a_fresh_kernel(tmp_path):
    broken = kernels.Zygote()
    broken._process = subprocess.Popen(["false"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # ends at once
    nb = notebook()
    nb.cells = nb.cells[:1]
    result = kernels.execute(nb, str(tmp_path), 60, False, broken)
    assert result.err is None and result.nb.cells[0].outputs[0]["text"].splitlines()[0] == str(tmp_path)
    assert broken.failed and "did not start" in broken.failed
    broken.stop()


def test_a_page_waits_for_every_output_and_fails_rather_than_lose_one(monkeypatch, tmp_path):
    """nbclient's default goes on without outputs that arrive more than 4 s after the kernel's reply."""
    import jupyter_cache.executors.utils as executors

    seen = {}
    monkeypatch.setattr(executors, "single_nb_execution", lambda nb, **options: seen.update(options) or "ran")
    assert kernels.execute(notebook(), str(tmp_path), 90, False, None) == "ran"
    assert seen["iopub_timeout"] == 90 and seen["raise_on_iopub_timeout"] is True
    assert kernels.outputs_wait(None)["iopub_timeout"] == 120

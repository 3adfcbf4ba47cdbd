"""Kernels forked from one process that has already imported the study, so a page does not pay for it.

Every page of the book starts a Python kernel and imports pandas, SciPy, Matplotlib, IPython and
this package before its first line of analysis runs: about 2.5 s of processor time a page, a
third of a clean build. A :class:`Zygote` is one process that imports all of that once
(:data:`PRELOAD`: imports, and one digest of the installed software; it reads no data and starts
no thread of its own)
and then, asked for a kernel, forks: the child runs exactly what ``python -m ipykernel_launcher
-f CONNECTION_FILE`` runs, in the page's directory and with the environment the kernel would
have had, and the modules it imports are already there, shared copy-on-write. It is the
fork-server pattern of :mod:`multiprocessing.forkserver` and of ``pytest-xdist``'s ``--boxed``,
applied to Jupyter kernels.

:class:`ForkedKernelManager` is a ``jupyter_client`` kernel manager whose provisioner asks the
zygote for the process instead of starting ``python``; everything else (connection file, ports,
messages, interrupt, shutdown) is the ordinary ``jupyter_client`` machinery, so nbclient and
jupyter-cache execute a notebook with it exactly as with a fresh kernel
(``single_nb_execution(..., km=ForkedKernelManager(zygote=...))``). A fresh kernel (no zygote, or
one that could not fork) is started as ``python -m comment_study.book.kernel_launcher``, which is
``ipykernel_launcher`` with the socket for outputs unbounded (:data:`UNBOUNDED`); a command line
that is not this Python's ``ipykernel_launcher`` is started the ordinary way.

Outputs are the same as a fresh kernel's: ``tests/test_kernels.py`` executes notebooks both ways
and compares every output. What a forked kernel shares with its zygote is imported code and the
digest of the installed software (:func:`comment_study.corpus.inputs.signature`);
matplotlib's inline backend, which binds itself to the running shell when it is imported, is
left for the child to import (:data:`AFTER_FORK`).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from comment_study.book.kernel_launcher import UNBOUNDED, kernel_app

PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "IPython.display", "IPython.core.formatters",
    "IPython.core.pylabtools", "numpy", "pandas", "pandas.io.formats.style", "pandas.io.formats.html",
    "pandas.core.reshape.reshape", "scipy.stats", "matplotlib", "matplotlib.pyplot", "matplotlib.ticker",
    "matplotlib.backends.backend_agg", "PIL.PngImagePlugin", "yaml", "jinja2",
    "myst_nb", "myst_nb.ext.glue",  # glue: nbformat, jsonschema and its format checkers, about 1.3 s a page
    "comment_study.study", "comment_study.analysis.plan", "comment_study.analysis.findings",
    "comment_study.analysis.conversation", "comment_study.analysis.topics", "comment_study.analysis.sentiment",
    "comment_study.analysis.dictionary", "comment_study.book.plots", "comment_study.book.style",
    "comment_study.book.claims", "comment_study.book.environment", "comment_study.coding.agreement",
    "comment_study.coding.validation", "comment_study.coding.human", "comment_study.corpus.article",
    "comment_study.exchange.refi", "comment_study.cli", "sklearn.metrics", "statsmodels.stats.inter_rater",
)
"""What the zygote imports before it forks: what (nearly) every page imports, and nothing else."""

AFTER_FORK = ("matplotlib_inline.backend_inline",)
"""Modules the zygote must not import: the inline backend registers its hooks with the shell that
exists when it is imported, so each kernel imports it once its own shell exists."""

READY_SECONDS, FORK_SECONDS = 120, 30
"""How long the build waits for the zygote's imports, and for a fork, before it starts kernels fresh instead."""

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
"""The backend a kernel uses (``ipykernel`` sets ``MPLBACKEND`` to it unless it is set)."""


# ------------------------------------------------------------------------------------------
# The zygote process: ``python -m comment_study.book.kernels``


def _serve() -> None:
    """Import :data:`PRELOAD`, say ``ready``, then fork one kernel per request line read from stdin.

    A request is a JSON object ``{"argv": [...], "cwd": ..., "env": {...}}`` (``argv``: the
    arguments after ``-m ipykernel_launcher``); the reply is ``{"pid": N}``. Children are
    reaped by the system (``SIGCHLD`` ignored), so a kernel that ends leaves no zombie; each
    child restores the default handler before anything else runs. The zygote ends when its
    stdin closes.
    """
    import importlib

    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything printed (by an import, say) goes where a kernel's output would, not into the protocol
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    if sys.path and sys.path[0] in ("", os.getcwd()):  # as ipykernel_launcher does before its imports
        del sys.path[0]
    _import_as_in_a_kernel("pandas")
    for name in PRELOAD:
        importlib.import_module(name)
    # The one call: the digest of the installed distributions that every kernel's fingerprint of the
    # book's inputs includes (reading their metadata takes a fifth of a second). A build installs nothing.
    from comment_study.corpus import inputs

    inputs.signature()
    leaked = [name for name in AFTER_FORK if name in sys.modules]
    if leaked:
        raise RuntimeError(f"the zygote must not import {leaked}")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        protocol.write("ready\n")
        zygote = os.getpid()
        for line in sys.stdin:
            request = json.loads(line)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                protocol.close()  # the kernel holds no end of the zygote's pipes: they close when the zygote ends
                _become_kernel(request, zygote)  # never returns
            protocol.write(json.dumps({"pid": pid}) + "\n")
    except BrokenPipeError:  # the build has gone (it ended, or stopped before it needed a kernel): so does the zygote
        os._exit(0)


class _KernelLike:
    """What ``get_ipython()`` returns in a kernel, as far as an import asks: a shell that has a kernel."""

    kernel = None


def _import_as_in_a_kernel(name: str) -> None:
    """Import ``name`` while ``get_ipython()`` answers as it does in a kernel.

    pandas decides at import whether it runs in a terminal (``display.max_columns`` 0) or in a
    Jupyter kernel (20) by asking ``get_ipython()`` whether it has a ``kernel``; imported by the
    zygote, where no shell exists, it would choose the terminal's value, and a table's text in
    a page would change.
    """
    import builtins
    import importlib

    builtins.get_ipython = _KernelLike  # type: ignore[attr-defined]
    try:
        importlib.import_module(name)
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]


def _become_kernel(request: dict[str, Any], zygote: int) -> None:
    """In the forked child: be ``python -m ipykernel_launcher ARGV`` in ``cwd`` with ``env``.

    What a fresh kernel would not share with its siblings is made its own: numpy's global random
    state is seeded afresh from the system (Python's ``random`` module does so itself after a fork).
    A kernel whose zygote has already gone ends at once; otherwise it ends when the zygote does.
    """
    code = 1
    try:
        if os.getppid() != zygote:
            return
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # its own process group, as jupyter_client starts a kernel, so an interrupt reaches it alone
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the kernel's stdin, as a launched kernel has it
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(zygote)  # as jupyter_client's launcher sets it, for its real parent
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        os.chdir(request["cwd"])
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        app = kernel_app().instance()  # what launch_new_instance() does (the socket for outputs unbounded), and:
        app.parent_handle = zygote  # end if the zygote ends (its default was read from the zygote's environment)
        app.initialize()
        app.start()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:  # noqa: BLE001 - report, then end the child, never return into the zygote's loop
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


# ------------------------------------------------------------------------------------------
# The build's side: start the zygote, ask it for kernels


class Zygote:
    """A running zygote process, started with :meth:`start`; :meth:`fork` is thread-safe."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self._process: subprocess.Popen | None = None
        self._env = env
        self._lock = threading.Lock()
        self._ready = False
        self.failed: str | None = None
        """Why the zygote could not fork a kernel, if it could not (its kernels then start fresh)."""

    def start(self) -> Zygote:
        """Start the process (it imports in the background; :meth:`fork` waits for it)."""
        self._process = subprocess.Popen([sys.executable, "-m", "comment_study.book.kernels"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True, env=self._env, cwd=Path.cwd())
        return self

    def serves(self, cmd: list[str]) -> bool:
        """Whether ``cmd`` is the command line this zygote can stand in for (never once it has failed)."""
        return (self.failed is None and len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"]
                and os.path.abspath(cmd[0]) == os.path.abspath(sys.executable))  # jupyter_client puts sys.executable there

    def fork(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """The process id of a new kernel running ``ipykernel_launcher ARGV`` in ``cwd`` with ``env``."""
        if self._process is None:
            raise RuntimeError("the zygote was not started")
        with self._lock:
            stdin = self._process.stdin
            assert stdin is not None
            while not self._ready:  # what Python printed as it started (a sitecustomize, say) is passed on
                line = self._readline(READY_SECONDS)
                if not line:
                    raise RuntimeError(f"the kernel zygote did not start (exit code {self._process.poll()})")
                self._ready = line == "ready\n"
                if not self._ready:
                    sys.stderr.write(line)
            stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
            stdin.flush()
            reply = self._readline(FORK_SECONDS)
        if not reply:
            raise RuntimeError(f"the kernel zygote ended (exit code {self._process.poll()})")
        return int(json.loads(reply)["pid"])

    def _readline(self, seconds: float) -> str:
        """The zygote's next line, or "" if it ends or says nothing for ``seconds`` (then it is ended)."""
        import select

        stdout = self._process.stdout if self._process else None
        assert stdout is not None
        if not select.select([stdout], [], [], seconds)[0]:
            self._process.kill()
            return ""
        return stdout.readline()

    def stop(self) -> None:
        """End the zygote (kernels it forked are not its children to wait for: they end on their own)."""
        if self._process is None:
            return
        process, self._process = self._process, None
        try:
            assert process.stdin is not None
            if not self._ready:  # still importing, no kernel forked: nothing to end politely
                process.kill()
            process.stdin.close()
            process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


_EARLY: list[Zygote] = []
"""A zygote started before the build's Sphinx was imported (:func:`start_early`), until the build takes it."""


def start_early(book: Path, env: dict[str, str]) -> None:
    """Start a zygote for a build of ``book`` now, for :func:`take_early` to hand to the build when it decides to run
    pages (``comment_study.book.jb`` does so for a clean build, before Jupyter Book and Sphinx import). One the
    build never takes is stopped when the build's process ends."""
    import atexit

    _EARLY.append(Zygote(env).start())
    atexit.register(_stop_untaken)


def _stop_untaken() -> None:
    zygote = take_early()
    if zygote is not None:
        zygote.stop()


def take_early() -> Zygote | None:
    """The zygote :func:`start_early` started, if any (once: the caller uses or stops it)."""
    return _EARLY.pop() if _EARLY else None


class _ForkedProcess:
    """What ``LocalProvisioner`` needs of a ``Popen``, for a kernel that is the zygote's child, not ours."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # its exit status went to the zygote, which let the system reap it
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _fresh(cmd: list[str]) -> list[str]:
    """The command line of a fresh kernel: this Python's ``-m ipykernel_launcher`` becomes
    ``-m comment_study.book.kernel_launcher`` (the same kernel, its socket for outputs unbounded); another, unchanged."""
    if len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"] and os.path.abspath(cmd[0]) == os.path.abspath(sys.executable):
        return [cmd[0], "-m", "comment_study.book.kernel_launcher", *cmd[3:]]
    return cmd


class ForkedProvisioner(LocalProvisioner):
    """``LocalProvisioner``, with the kernel's process forked by a :class:`Zygote`."""

    zygote: Zygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if self.zygote is None or not self.zygote.serves(cmd):
            return await super().launch_kernel(_fresh(cmd), **kwargs)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        env = dict(kwargs.get("env") or os.environ)
        try:
            pid = await asyncio.get_running_loop().run_in_executor(None, self.zygote.fork, cmd[3:], cwd, env)
        except (RuntimeError, OSError, ValueError) as err:  # no zygote to fork from: a fresh kernel, as without one
            self.zygote.failed = self.zygote.failed or str(err)
            return await super().launch_kernel(_fresh(cmd), **kwargs)
        self.process = _ForkedProcess(pid)
        self.pid = self.pgid = pid  # the child called setsid(): its process group is its own id
        self.cwd = cwd
        return self.connection_info

    async def wait(self) -> int | None:
        if isinstance(self.process, _ForkedProcess):
            while await self.poll() is None:
                await asyncio.sleep(0.02)
            code, self.process = self.process.returncode, None
            return code
        return await super().wait()


class ForkedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernels are forked by ``zygote`` (see the module's docstring), or
    started fresh when it is ``None``."""

    def __init__(self, zygote: Zygote | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._zygote = zygote
        self.clients: list = []

    def client(self, **kwargs: Any):
        """A client that keeps every output (see :data:`UNBOUNDED`), remembered so that :func:`execute` closes
        its channels (nbclient leaves them open for a kernel manager it was given)."""
        client = super().client(**kwargs)
        client.context.setsockopt(zmq.RCVHWM, UNBOUNDED)  # before its channels exist: their sockets take it
        self.clients.append(client)
        return client

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            provisioner.zygote = self._zygote
            self.provisioner = provisioner
        return await super()._async_pre_start_kernel(**kw)



def outputs_wait(timeout: int | None) -> dict[str, Any]:
    """How long nbclient waits for a cell's outputs once the kernel has replied, and what it does then.

    nbclient waits 4 s by default and then goes on without the outputs still on their way, with a
    warning nobody sees; on a loaded machine a cell that glues many values could take longer to
    deliver them. It waits as long as a cell may run (the book's execution timeout, 120 s when there
    is none), and a page whose outputs still do not arrive fails instead. (Outputs that were lost on
    the way, not late, were the cause of the glued values a loaded build once lacked: see
    :data:`UNBOUNDED`.)
    """
    return {"iopub_timeout": timeout or 120, "raise_on_iopub_timeout": True}


TRANSPORT = "tcp" if os.name == "nt" else "ipc"
"""How a page's kernel and the build talk: Unix sockets named after the kernel's connection file, where
there are any. Over TCP, jupyter_client picks free ports and the kernel binds them a moment later; a kernel
starting elsewhere on the machine in between can take one (``ZMQError: Address already in use``, seen when
two builds and the tests started kernels at once). Sockets named after the kernel cannot be taken."""


def _sockets() -> dict[str, str]:
    """Where a kernel's Unix sockets go: an absolute path, as the kernel runs in the page's folder."""
    if TRANSPORT != "ipc":
        return {}
    import tempfile
    import uuid

    return {"ip": os.path.join(tempfile.gettempdir(), f"kernel-{uuid.uuid4().hex[:16]}-ipc")}


def execute(notebook, cwd: str, timeout: int | None, allow_errors: bool, zygote: Zygote | None):
    """jupyter-cache's ``single_nb_execution`` of ``notebook`` in ``cwd``, in a kernel forked by
    ``zygote`` (a fresh kernel when it is ``None``); the kernel is shut down afterwards."""
    from jupyter_cache.executors.utils import single_nb_execution

    km = ForkedKernelManager(zygote=zygote, transport=TRANSPORT, **_sockets())
    result = None
    try:
        result = single_nb_execution(notebook, cwd=cwd, timeout=timeout, allow_errors=allow_errors,
                                     meta_override=True, km=km, **outputs_wait(timeout))
        return result
    finally:  # nbclient leaves a kernel manager it was given, and its client, running
        for client in km.clients:
            client.stop_channels()
        if km.has_kernel:  # a page that failed or timed out: no need to wait for a polite exit
            asyncio.run(km.shutdown_kernel(now=result is None or result.err is not None))


if __name__ == "__main__":
    _serve()

"""``python -m ipykernel_launcher``, with the socket that sends the kernel's outputs unbounded.

A page that must run in a fresh kernel (one page alone, a build with ``comment_study_fork_kernels:
false``, a zygote that could not fork) is started as ``python -m comment_study.book.kernel_launcher``
instead of ``python -m ipykernel_launcher`` (:class:`comment_study.book.kernels.ForkedProvisioner`):
the same steps, and the same kernel, but for :data:`UNBOUNDED`. Kernels forked from a zygote run
the same class (:func:`kernel_app`). This module imports nothing of the study, so a fresh kernel still imports for
itself everything its page needs, as Jupyter's would.
"""

from __future__ import annotations

import sys
from pathlib import Path

UNBOUNDED = 0
"""The high-water mark of the sockets that carry a kernel's outputs to the build: none. ZeroMQ's default keeps
1,000 messages on each side and drops the rest of a burst silently: a cell that glues two thousand values lost
hundreds of them, and a lost 'idle' left nbclient waiting until its timeout (tests/test_kernels.py). The build's
receiving socket has none (:class:`comment_study.book.kernels.ForkedKernelManager`), and neither has the sending
socket of every kernel the build starts, forked or fresh (:func:`kernel_app`)."""


def kernel_app():
    """ipykernel's ``IPKernelApp``, whose socket for outputs keeps every message (:data:`UNBOUNDED`)."""
    import zmq
    from ipykernel import kernelapp

    class Kernel(kernelapp.IPKernelApp):
        def init_iopub(self, context):
            context.setsockopt(zmq.SNDHWM, UNBOUNDED)  # the context's sockets made from now on take it
            super().init_iopub(context)

    return Kernel


if __name__ == "__main__":
    # as ipykernel_launcher: the working folder leaves the path while ipykernel imports (init_path puts it back)
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]
    kernel_app().launch_instance()

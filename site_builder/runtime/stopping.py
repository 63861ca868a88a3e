"""Stopping cleanly: SIGINT and SIGTERM end a command with one line and exit 130 or 143, never a traceback.

The command installs :func:`stop_on_signals`, which turns either signal into :class:`Stopped` in the
main thread, so every ``with`` block unwinds: the worker pool is terminated and the staging folder
removed, and the previous site stays as it was. Forked workers ignore SIGINT (the parent decides),
die quietly on SIGTERM, and are sent SIGTERM by the kernel if the parent dies, even by SIGKILL.

:func:`pause_point` is a hook for tests only: with ``CATALOGUE_TEST_PAUSE_AT=NAME`` the build stops at
the named point, writes ``NAME.reached`` (holding its process id) into ``CATALOGUE_TEST_PAUSE_DIR``
and waits there until ``NAME.resume`` appears, so a test can send a signal at an exact step.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
PAUSE_ENV = "CATALOGUE_TEST_PAUSE_AT"
PAUSE_DIR_ENV = "CATALOGUE_TEST_PAUSE_DIR"
PR_SET_PDEATHSIG = 1
_main_pid = [0]  # the process whose handler raises; a forked child that inherited the handler dies instead
_stopping = [False]  # once stopping, a second signal does not cut the clean-up short


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived. Like KeyboardInterrupt, not an Exception, so nothing swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.published = False  # set by the staging folder when the new site was already in place

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    if os.getpid() != _main_pid[0]:  # a worker forked before its initializer ran: die as the default would
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    if _stopping[0]:
        return
    _stopping[0] = True
    raise Stopped(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Stopped` (main thread only; restored after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    _main_pid[0], _stopping[0] = os.getpid(), False
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise_stopped)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done: for steps that must not be cut in two.

    Also the way to start helper threads and worker processes: they inherit the blocked mask, so the
    kernel hands the stop signals to the main thread, where they interrupt whatever it waits on. (A
    signal taken by a helper thread only sets a flag that the main thread checks when its wait ends,
    which for ``pool.map`` can be never.) Workers unblock them again in :func:`worker_init`.
    """
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no C library to load
        return None


LIBC = _libc()


def worker_init() -> None:
    """Run in each forked worker: quiet on SIGTERM, deaf to SIGINT, and gone when the parent is."""
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by the parent while it forked us
    prctl = getattr(LIBC, "prctl", None)  # Linux: the kernel sends SIGTERM when the parent dies
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the call
            os.kill(os.getpid(), signal.SIGTERM)


def pause_point(name: str) -> None:
    """Tests only (see the module docstring): wait here when ``CATALOGUE_TEST_PAUSE_AT`` names this point."""
    if os.environ.get(PAUSE_ENV) != name:
        return
    folder = Path(os.environ.get(PAUSE_DIR_ENV, "."))
    (folder / f"{name}.reached").write_text(str(os.getpid()), encoding="utf-8")
    while not (folder / f"{name}.resume").exists():
        time.sleep(0.01)

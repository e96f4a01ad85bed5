"""External programs, bounded: a time limit, an output limit and a memory limit, set by the caller
from the size of what the program is given (published/pdf.py: pdftotext and pdfinfo).

    out = run_bounded(["pdftotext", …], seconds=4.5, max_output=8 * MB, max_memory=GB)

The program runs in its own session (process group) with no stdin and no stderr. Its output is
read as it comes; past max_output, or when the time is up, the whole group is killed (SIGKILL)
and Overrun says which limit was reached. max_memory caps its address space (Linux), so a
program that grows without end fails instead of taking the machine. The caller turns an
Overrun into a finding on that file, and the batch goes on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass

MB = 1024 * 1024
_CHUNK = 256 * 1024


class Overrun(Exception):
    """The program was stopped at a limit: what is "time" or "output", limit in seconds or bytes."""

    def __init__(self, what: str, limit: float):
        super().__init__(f"{what} limit {limit} reached")
        self.what, self.limit = what, limit


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: bytes


def run_bounded(argv: list[str], *, seconds: float, max_output: int, max_memory: int | None = None) -> Finished:
    """Run argv to its end within the limits, or raise Overrun (the process group killed first).
    OSError when it cannot be started."""
    posix = os.name == "posix"
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=posix, close_fds=True)
    try:
        if max_memory and sys.platform.startswith("linux"):
            import resource

            try:
                resource.prlimit(proc.pid, resource.RLIMIT_AS, (max_memory, max_memory))
            except (OSError, ValueError):
                pass  # it has already ended, or the limit cannot be set here: time and output still bound it
        reader = _Reader(proc, max_output, posix)
        reader.start()
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            _kill(proc, posix)
            raise Overrun("time", seconds) from None
        finally:
            reader.join()
        if reader.overflowed:
            raise Overrun("output", max_output)
        return Finished(proc.returncode, bytes(reader.data))
    finally:
        if proc.poll() is None:
            _kill(proc, posix)
        proc.stdout.close()


class _Reader(threading.Thread):
    """Reads the program's output; kills the group when it passes max_output."""

    def __init__(self, proc: subprocess.Popen, max_output: int, posix: bool):
        super().__init__(daemon=True)
        self.proc, self.max_output, self.posix = proc, max_output, posix
        self.data = bytearray()
        self.overflowed = False

    def run(self) -> None:
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, _CHUNK)
            except OSError:
                return
            if not chunk:
                return
            self.data += chunk
            if len(self.data) > self.max_output:
                self.overflowed = True
                self.data.clear()
                _kill(self.proc, self.posix)
                return


def _kill(proc: subprocess.Popen, posix: bool) -> None:
    """SIGKILL to the program's whole process group (anything it started goes too), then reap it."""
    try:
        if posix:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass

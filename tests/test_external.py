"""nianbao/external.py: an external program stops at its time, output and memory limits, with its children."""

from __future__ import annotations

import os
import sys
import time

import pytest

from nianbao.external import MB, Overrun, run_bounded

PY = sys.executable


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (killed, not yet reaped by its parent) counts as gone
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[1].split()[0] != "Z"
    except OSError:
        return True


def test_a_program_within_its_limits_gives_its_output():
    done = run_bounded([PY, "-c", "import sys; sys.stdout.write('好' * 1000); sys.exit(3)"], seconds=30, max_output=MB)
    assert done.returncode == 3
    assert done.stdout.decode("utf-8") == "好" * 1000


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
def test_time_limit_kills_the_program_and_what_it_started(tmp_path):
    pid_file = tmp_path / "child.pid"
    script = ("import subprocess, sys, time; child = subprocess.Popen([sys.executable, '-c', 'import time; "
              f"time.sleep(600)']); open({str(pid_file)!r}, 'w').write(str(child.pid)); time.sleep(600)")
    start = time.monotonic()
    with pytest.raises(Overrun) as caught:
        run_bounded([PY, "-c", script], seconds=2, max_output=MB)
    assert caught.value.what == "time"
    assert caught.value.limit == 2
    assert time.monotonic() - start < 20
    child = int(pid_file.read_text())
    for _ in range(50):
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child), "the program's own child outlived the limit"


def test_output_limit_stops_a_flood_early():
    start = time.monotonic()
    with pytest.raises(Overrun) as caught:
        run_bounded([PY, "-c", "import sys\nwhile True: sys.stdout.write('x' * 65536)"], seconds=60,
                    max_output=2 * MB)
    assert caught.value.what == "output"
    assert time.monotonic() - start < 30


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the address-space limit is set on Linux")
def test_memory_limit_makes_a_growing_program_fail():
    done = run_bounded([PY, "-c", "x = bytearray(600 * 1024 * 1024)"], seconds=60, max_output=MB,
                       max_memory=256 * MB)
    assert done.returncode != 0  # MemoryError instead of 600 MB taken


def test_a_program_that_cannot_start_is_an_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        run_bounded([str(tmp_path / "no-such-program")], seconds=5, max_output=MB)

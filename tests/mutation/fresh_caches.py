"""pytest plugin of the mutation runs (`-p fresh_caches`): each test session starts with nianbao's function
caches empty, as in a fresh process.

mutmut runs the clean tests in its own process, then forks one child per mutant: a cache filled by the
clean run (narrative's wordings of a format, numfmt's parsed codes, …) would answer the child with what
the unmutated code computed, and a mutant in the code behind the cache would survive every test.

In a mutant's run it also bounds the memory the process may take (limit_memory): a mutant that loops forever
appending is stopped as a hang, before it takes the shared machine's memory."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time


def _clear(wanted) -> None:
    for name, module in list(sys.modules.items()):
        if not wanted(name):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name:
                clear()


# Memo dicts keyed by a part's content (the same styles part in every template is parsed once): filled by
# the clean run with what the unmutated code parsed, they would hand a forked mutant the original's looks,
# and a mutant of look.py's style parsing (fill, font, colours, the theme) would never run.
_MEMOS = {"nianbao.intake.xlsx_raw": ("_RICH", "_STYLES", "_THEMES", "_PROTECTION", "_MERGE_BOUNDS", "_PLACE",
                                      "_THIN")}


def _clear_memos() -> None:
    for name, attributes in _MEMOS.items():
        module = sys.modules.get(name)
        for attribute in attributes if module is not None else ():
            getattr(module, attribute).clear()


def pytest_sessionstart(session) -> None:
    _clear(lambda name: name == "nianbao" or name.startswith("nianbao."))
    _clear_memos()
    if "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", ""):  # a mutant's run (not the stats or clean run)
        limit_memory(int(os.environ.get("NIANBAO_MUTANT_MEMORY", MEMORY)))


MEMORY = 3 << 30  # bytes a mutant's process may grow by: a test run needs a few hundred MB


def limit_memory(grow: int, every: float = 0.2) -> None:
    """Kill this process (SIGKILL, exit −9: mutate.py counts it as a timeout) once its resident memory has
    grown by more than `grow` bytes. A mutant that loops forever appending (narrative's _topic_spans with
    find(topic, start - 1)) takes gigabytes a minute until mutmut's time limit: on a machine shared with
    other engineers' runs it would bring the kernel's out-of-memory killer onto their processes first.
    Resident memory of this process only: LibreOffice started by a test is not counted (an address-space
    rlimit would be inherited by it, and it reserves far more than it uses)."""
    page = os.sysconf("SC_PAGE_SIZE")

    def resident() -> int:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * page

    ceiling = resident() + grow

    def watch() -> None:
        while True:
            if resident() > ceiling:
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(every)

    threading.Thread(target=watch, name="mutant-memory-limit", daemon=True).start()


def pytest_runtest_setup(item) -> None:
    """The mutated module's caches again before each test: mutmut's stats run records which tests call each
    function, and a function behind a cache (narrative's _zero_words behind wordings) is called only by the
    first test that fills it, so its mutants would run against that one test alone."""
    mutated = os.environ.get("NIANBAO_MUTATED")
    if mutated:
        _clear(lambda name: name == mutated)
    _clear_memos()


try:  # a mutant is killed once a property test fails: shrinking the failing example serves only a reader
    from hypothesis import Phase, settings
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
else:  # loaded with the plugin, before any test module is imported, so every @settings inherits it
    settings.register_profile("mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate])
    settings.load_profile("mutation")

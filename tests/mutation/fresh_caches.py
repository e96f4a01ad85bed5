"""pytest plugin of the mutation runs (`-p fresh_caches`): each test session starts with nianbao's function
caches empty, as in a fresh process.

mutmut runs the clean tests in its own process, then forks one child per mutant: a cache filled by the
clean run (narrative's wordings of a format, numfmt's parsed codes, …) would answer the child with what
the unmutated code computed, and a mutant in the code behind the cache would survive every test."""

from __future__ import annotations

import os
import sys


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

"""pytest plugin of the mutation runs (`-p fresh_caches`): each test session starts with nianbao's function
caches empty, as in a fresh process.

mutmut runs the clean tests in its own process, then forks one child per mutant: a cache filled by the
clean run (narrative's wordings of a format, numfmt's parsed codes, …) would answer the child with what
the unmutated code computed, and a mutant in the code behind the cache would survive every test."""

from __future__ import annotations

import sys


def pytest_sessionstart(session) -> None:
    for name, module in list(sys.modules.items()):
        if name != "nianbao" and not name.startswith("nianbao."):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name:
                clear()

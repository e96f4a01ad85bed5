"""Last year's figures by agency, and where they came from: what the cross-year rules compare with.

The loaders live in previous.py; this module only holds the result, so state.py and
consolidate.py can use it without importing the loaders (which use them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nianbao.format.carried import cross_year_severity
from nianbao.format.figures import Figures
from nianbao.format.spec import all_formats


@dataclass
class Previous:
    source: str
    county: dict | None
    agencies: dict[str, Figures] = field(default_factory=dict)  # code -> last year's figures
    kind: str = "nianbao"  # nianbao | published
    states: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> cell key -> state (published)

    @property
    def severity(self) -> str | None:
        return cross_year_severity(self.kind)

    @property
    def shown(self) -> str:
        return Path(self.source).name or self.source

    def document_of(self, code: str | None, name: str | None = None) -> dict | None:
        """Last year's numbers-only report of an agency (by code, else by name), with the states of a
        published report's cells."""
        figures = self.agencies.get(code) if code else None
        if figures is None and name:  # not by code: by name (a renamed code, a report without one)
            code = next((c for c, f in self.agencies.items() if _plain(f.agency.get("name") or "") == _plain(name)),
                        None)
            figures = self.agencies.get(code) if code else None
        if figures is None:
            return None
        doc = figures.document()
        states = self.states.get(code)
        if states:
            doc["cell_states"] = {k: {"state": v} for k, v in states.items()}
        return doc

    def complete(self, code: str) -> bool:
        """Last year's figures of this agency hold every input (none printed unreadably)."""
        figures = self.agencies.get(code)
        if figures is None:
            return False
        tables = figures.tables()
        return all(tables.get(k) is not None for k in all_formats()[figures.format].input_keys())


def _plain(name: str) -> str:
    from .trust import _plain as plain

    return plain(name)

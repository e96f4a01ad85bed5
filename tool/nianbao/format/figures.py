"""A report's figures held compactly: what compile keeps of each of thousands of reports.

A report document's tables are a dict of about 200 cell keys. Held for every agency of a
province — and unpickled from the worker processes with fresh copies of every key string —
that is several KB per report. Compile keeps only the values, in the order of the format's
cell keys, and builds the dict while one output is being written, one report at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .spec import all_formats

HEAD = ("format", "year", "agency")  # the identity a numbers-only document carries, in summary.json's order


@lru_cache(maxsize=None)
def cell_keys(format_id: str) -> tuple[str, ...]:
    """The format's cell keys in spec order: the spec's own strings, shared by every report."""
    return tuple(all_formats()[format_id].cells)


@dataclass(frozen=True, slots=True)
class Figures:
    """The numbers of one report document: its identity (format, year, agency) and its tables as a tuple.

    tables() and document() give exactly what the document held, keyed in spec order; a cell the
    document lacked is None, and keys that are not cells of its format are dropped.
    """

    head: dict  # the document's format, year and agency, as far as it had them (format always)
    values: tuple  # the tables' values in cell_keys(format) order

    @classmethod
    def of(cls, doc: dict) -> Figures:
        """From a report document of a known format (KeyError otherwise)."""
        keys = cell_keys(doc["format"])
        tables = doc.get("tables")
        if not isinstance(tables, dict):
            tables = {}  # a JSON document without tables: every cell blank (the schema reported it)
        return cls({k: doc[k] for k in HEAD if k in doc}, tuple(tables.get(k) for k in keys))

    @property
    def format(self) -> str:
        return self.head["format"]

    @property
    def agency(self) -> dict:
        agency = self.head.get("agency")
        return agency if isinstance(agency, dict) else {}

    def tables(self) -> dict[str, Any]:
        return dict(zip(cell_keys(self.format), self.values, strict=True))

    def document(self) -> dict:
        """The numbers-only report document: format, year, agency and tables."""
        return {**self.head, "tables": self.tables()}

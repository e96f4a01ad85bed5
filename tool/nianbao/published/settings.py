"""Tolerances of the importer: one dataclass with named defaults, recorded in every document's provenance."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

DEFAULT_LINE_TOLERANCE = 3.0  # pt: PDF words whose vertical centres are this close share a line
DEFAULT_LABEL_COVERAGE = 0.6  # share of an official label's characters that must be found in the printed label
DEFAULT_LOOKAHEAD = 3  # rows after the expected one a printed label may match (missing rows)
DEFAULT_MAX_SPLITS = 20000  # run-together digits: candidate splits examined at most
DEFAULT_MAX_BYTES = 30 * 1024 * 1024  # a published report is well under this
DEFAULT_MAX_LINES = 100_000  # lines of text, rows of tables, summed over the document


@dataclass(frozen=True)
class ImportSettings:
    line_tolerance: float = DEFAULT_LINE_TOLERANCE
    label_coverage: float = DEFAULT_LABEL_COVERAGE
    lookahead: int = DEFAULT_LOOKAHEAD
    max_splits: int = DEFAULT_MAX_SPLITS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_lines: int = DEFAULT_MAX_LINES

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{f.name} must be a number >= 0, got {value!r}")
        if not 0 < self.label_coverage <= 1:
            raise ValueError(f"label_coverage must be in (0, 1], got {self.label_coverage!r}")

    @classmethod
    def resolve(cls, value: ImportSettings | dict | None) -> ImportSettings:
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if isinstance(value, dict):
            unknown = set(value) - {f.name for f in fields(cls)}
            if unknown:
                raise ValueError(f"unknown import settings: {sorted(unknown)}")
            return cls(**value)
        raise ValueError(f"cannot resolve import settings from {value!r}")

    def to_dict(self) -> dict:
        return asdict(self)

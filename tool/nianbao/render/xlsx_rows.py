"""A worksheet whose bulk number cells are made while the workbook is saved, not held until then.

xlsxwriter keeps every written cell as a Python object until close(). The 分部门明细 sheet of
a province's summary.xlsx has a column per cell key and a row per agency: 200 × 5000 = a
million cells, about 120 MB. DeferredRowsWorksheet takes those rows as one function of a
small per-row payload (an agency's Figures) and calls it row by row while xlsxwriter writes
the sheet's XML; xlsxwriter's own row and cell writers still produce every byte, so the
file is the same as with write_number.

This relies on two xlsxwriter internals, both checked: Worksheet._write_sheet_data() writes
<sheetData> from the cell table `self.table` (row -> {col: cell}), and a number cell is a
CellNumberTuple. If a new xlsxwriter stops calling _write_sheet_data, write_summary_xlsx
raises (assert_written) instead of leaving the figures out; tests compare the bytes with
cells written one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import CellNumberTuple, Worksheet

Cells = Callable[[Any], Iterable[tuple[int, "int | float", "Format | None"]]]  # payload -> (col, number, format)


class DeferredRowsWorksheet(Worksheet):
    """Pass as add_worksheet(name, worksheet_class=DeferredRowsWorksheet), write the sheet as usual,
    then defer_rows() for the bulk numbers. Deferred cells must lie inside the extent the ordinary
    cells give the sheet (the header rows span every column, and every deferred row has written
    cells), since xlsxwriter writes only rows and columns within that extent."""

    def __init__(self) -> None:
        super().__init__()
        self._deferred: dict[int, Any] = {}
        self._cells: Cells | None = None
        self._pending = False

    def defer_rows(self, rows: dict[int, Any], cells: Cells) -> None:
        """rows: row -> payload; cells(payload) gives that row's number cells, in any column order."""
        if self.constant_memory:
            raise ValueError("deferred rows need xlsxwriter's normal (not constant_memory) mode")
        self._deferred, self._cells, self._pending = rows, cells, bool(rows)

    def assert_written(self) -> None:
        """After close(): fail loudly if xlsxwriter never wrote the deferred rows."""
        if self._pending:
            raise RuntimeError(f"xlsxwriter did not write the deferred rows of sheet {self.name!r} "
                               "(Worksheet._write_sheet_data was not called); the installed xlsxwriter is unsupported")

    def _write_sheet_data(self) -> None:
        if not self._deferred:
            super()._write_sheet_data()
            return
        if self.dim_rowmin is None or not all(self.dim_rowmin <= r <= self.dim_rowmax for r in self._deferred):
            raise ValueError(f"deferred rows outside the written rows of sheet {self.name!r}")
        table = self.table
        self.table = _RowsView(table, self._deferred, self._cells, (self.dim_colmin, self.dim_colmax))
        try:
            super()._write_sheet_data()
        finally:
            self.table = table
        self._pending = False


class _RowsView(Mapping):
    """The cell table as xlsxwriter reads it while writing <sheetData>: the written cells plus, for a
    deferred row, its number cells, made when the row is first read (one row is kept at a time;
    xlsxwriter reads the rows in order, once for the row spans and once for the cells)."""

    def __init__(self, table: Mapping[int, dict], deferred: dict[int, Any], cells: Cells,
                 cols: tuple[int, int]) -> None:
        self._table, self._deferred, self._make, self._cols = table, deferred, cells, cols
        self._row: int | None = None
        self._row_cells: dict = {}

    def __getitem__(self, row: int) -> dict:
        if row not in self._deferred:
            return self._table.get(row, {})
        if row != self._row:
            cells = dict(self._table.get(row, {}))
            first, last = self._cols
            for col, number, fmt in self._make(self._deferred[row]):
                if not first <= col <= last:
                    raise ValueError(f"deferred cell ({row}, {col}) outside the written columns {first}..{last}")
                cells[col] = CellNumberTuple(number, fmt)
            self._row, self._row_cells = row, cells
        return self._row_cells

    def __contains__(self, row: object) -> bool:
        return row in self._table or row in self._deferred

    def __iter__(self) -> Iterator[int]:
        yield from self._table
        yield from (r for r in self._deferred if r not in self._table)

    def __len__(self) -> int:
        return len(self._table) + sum(r not in self._table for r in self._deferred)

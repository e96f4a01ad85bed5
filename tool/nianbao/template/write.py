"""Write one agency's template: stamped into a shared base workbook when the agency's name
and code allow it (fast), else built directly by workbook.py. Both give the same bytes."""

from __future__ import annotations

from pathlib import Path

from nianbao.format.carried import Carried
from nianbao.format.document import LEVELS, parse_level
from nianbao.format.spec import Format

from .stamp import stamp
from .workbook import template_bytes


def write_template(
    fmt: Format,
    year: int,
    agency: dict,
    path,
    *,
    document: dict | None = None,
    password: str | None = None,
    secret: bytes | None = None,
    carried: Carried | None = None,
) -> Path:
    """Write the template for one agency; with `document`, its inputs are filled from that report;
    with `carried`, last year's figures are stamped into it (format/carried.py)."""
    path = Path(path)
    agency = {k: v for k, v in agency.items() if v is not None}
    if agency.get("level"):
        try:
            agency["level"] = parse_level(str(agency["level"]))
        except ValueError:
            raise ValueError(f"unknown agency level {agency['level']!r}; use one of {', '.join(LEVELS)}") from None
    data = None
    if document is None and carried is None:  # a blank template: stamped into a shared base when it can be
        data = stamp(fmt, year, agency, password=password, secret=secret)
    if data is None:
        data = template_bytes(fmt, year, agency, document, password=password, secret=secret, carried=carried)
    path.write_bytes(data)  # written whole at the end: no half-written file, plain OSError on failure
    return path

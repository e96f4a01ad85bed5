"""Identity metadata every nianbao workbook carries, shared by the writer and the reader.

Stored twice, both of which survive a LibreOffice save (library-facts §7.1): as constant
defined names "nb.meta.<field>" (e.g. nb.meta.format = "gov-info-disclosure-2021") and as
custom document properties "nianbao.<field>". The fields:

    format            format spec id
    year              report year
    agency_name       the agency the template was issued to
    agency_code       its roster code (what consolidation matches on)
    agency_level      province | city | county | township (absent when unknown)
    template_version  nianbao.TEMPLATE_VERSION of the writer
    fingerprint       layout(fmt).fingerprint(): sheets, cell places and labels
    hmac              issuer MAC (absent unless the county used --secret-file)
    kind              "department" (an issued template) or "summary" (a compiled county workbook)

Protection passwords are a guard rail, not security; the reader re-checks everything and
the optional issuer MAC (HMAC-SHA256 with a county-held secret) proves which agency a
template was issued to.
"""

from __future__ import annotations

import hashlib
import hmac

META_NAME_PREFIX = "nb.meta."
PROPERTY_PREFIX = "nianbao."
META_FIELDS = ("format", "year", "agency_name", "agency_code", "agency_level", "template_version",
               "fingerprint", "hmac", "kind")
META_NAMES = {f: META_NAME_PREFIX + f for f in META_FIELDS}  # field -> defined name
PROPERTY_NAMES = {f: PROPERTY_PREFIX + f for f in META_FIELDS}  # field -> custom document property
KIND_DEPARTMENT = "department"
KIND_SUMMARY = "summary"

# The sheet-protection password of issued templates. It is public on purpose (shown by
# `nianbao template --help`): protection only stops accidental edits, a department that must
# unprotect a sheet can, and every returned workbook is re-checked anyway. A county that wants
# its own sets `nianbao template --password` (and `nianbao fill --password`).
DEFAULT_PASSWORD = "nianbao"


def issuer_mac(secret: bytes, format_id: str, year: int | str, agency_code: str, template_version: str) -> str:
    """HMAC-SHA256 (hex) binding a template to the agency it was issued to."""
    message = "|".join([format_id, str(year), agency_code, template_version]).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def identity_values(fmt, year: int, agency: dict, *, kind: str = KIND_DEPARTMENT,
                    secret: bytes | None = None) -> dict[str, str]:
    """The metadata fields of a workbook as strings, in META_FIELDS order; empty fields left out."""
    from nianbao import TEMPLATE_VERSION

    from .layout import layout

    code = str(agency.get("code") or "")
    values = {
        "format": fmt.id,
        "year": str(year),
        "agency_name": str(agency.get("name") or ""),
        "agency_code": code,
        "agency_level": str(agency.get("level") or ""),
        "template_version": TEMPLATE_VERSION,
        "fingerprint": layout(fmt).fingerprint(),
        "hmac": issuer_mac(secret, fmt.id, year, code, TEMPLATE_VERSION) if secret else "",
        "kind": kind,
    }
    return {f: values[f] for f in META_FIELDS if values[f]}


def name_constant(text: str) -> str:
    """A defined-name formula holding a text constant: ="…" with quotes doubled (read back by read._meta)."""
    return '="' + text.replace('"', '""') + '"'

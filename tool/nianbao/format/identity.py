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
    previous          last year's figures the cross-year rules need, written by `template --previous`
                      (absent otherwise; format/carried.py encodes them)

Protection passwords are a guard rail, not security; the reader re-checks everything and
the optional issuer MAC (HMAC-SHA256 with a county-held secret) proves which agency a
template was issued to. The MAC covers every field that changes how a report is judged
(SIGNED_FIELDS, and `previous` when the template carries it): editing the kind to "summary"
(fewer warnings), the level to "province" (other rules) or last year's figures (the 上年结转 they
are checked against) breaks it. Templates of LEGACY_MAC_VERSIONS carry the old MAC,
which covered only format, year, code and version: they still verify, with a note, as
department reports (legacy_mac).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

from nianbao.findings import Code, Finding, finding

META_NAME_PREFIX = "nb.meta."
PROPERTY_PREFIX = "nianbao."
META_FIELDS = ("format", "year", "agency_name", "agency_code", "agency_level", "template_version",
               "fingerprint", "hmac", "kind", "previous")
META_NAMES = {f: META_NAME_PREFIX + f for f in META_FIELDS}  # field -> defined name
PROPERTY_NAMES = {f: PROPERTY_PREFIX + f for f in META_FIELDS}  # field -> custom document property
KIND_DEPARTMENT = "department"
KIND_SUMMARY = "summary"

# The sheet-protection password of issued templates. It is public on purpose (shown by
# `nianbao template --help`): protection only stops accidental edits, a department that must
# unprotect a sheet can, and every returned workbook is re-checked anyway. A county that wants
# its own sets `nianbao template --password` (and `nianbao fill --password`).
DEFAULT_PASSWORD = "nianbao"


# What the MAC signs, in this order; a field absent from the workbook counts as its default.
SIGNED_FIELDS = ("format", "year", "agency_code", "agency_name", "agency_level", "kind", "template_version",
                 "fingerprint")
_DEFAULTS = {"kind": KIND_DEPARTMENT}
_MAC_TAG = "nianbao-issuer-mac-2"  # a new signed message gets a new tag (and a new TEMPLATE_VERSION)
# Template versions written before the MAC covered every identity field.
LEGACY_MAC_VERSIONS = frozenset({"2026.1"})
# Findings that mean "the issuer's signature does not vouch for this file".
MAC_FAILURES = frozenset({"HMAC_MISSING", "HMAC_MISMATCH", "HMAC_LEGACY_MISMATCH"})


def signed_message(values: Mapping[str, str]) -> bytes:
    """The bytes the MAC signs: the SIGNED_FIELDS exactly as the reader uses them (an absent field as
    its default), as a JSON array, so no value can run into the next (a name holding "|" or quotes).
    Nothing is normalised: " county" is not "county" to the rules, so it must not be to the MAC.
    Last year's figures, where a template carries them, are signed after the rest: a template without
    them signs what every earlier template signed, and removing or adding them breaks the MAC."""
    fields = [str(values.get(f) or _DEFAULTS.get(f, "")) for f in SIGNED_FIELDS]
    if values.get("previous"):
        fields.append(str(values["previous"]))
    return json.dumps([_MAC_TAG, *fields], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def issuer_mac(secret: bytes, values: Mapping[str, str]) -> str:
    """HMAC-SHA256 (hex) binding a workbook's identity fields to the county that issued it."""
    return hmac.new(secret, signed_message(values), hashlib.sha256).hexdigest()


def legacy_mac(secret: bytes, format_id: str, year: int | str, agency_code: str, template_version: str) -> str:
    """The MAC of LEGACY_MAC_VERSIONS templates: format, year, code and version only."""
    message = "|".join([format_id, str(year), agency_code, template_version]).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify_mac(meta: Mapping[str, str], secret: bytes) -> list[Finding]:
    """Findings on a workbook's issuer MAC (meta: its identity fields as read); [] when it verifies.

    A MAC is compared as bytes, so a signature holding any character is a mismatch, never a crash."""
    got = str(meta.get("hmac") or "").strip()  # the MAC itself is hex: spaces around it change nothing
    name, code = str(meta.get("agency_name") or ""), str(meta.get("agency_code") or "")
    if not got:
        return [finding(Code.HMAC_MISSING)]
    version = str(meta.get("template_version") or "")
    got_bytes = got.encode("utf-8", "backslashreplace")
    if hmac.compare_digest(got_bytes, issuer_mac(secret, meta).encode("ascii")):
        return []
    if version in LEGACY_MAC_VERSIONS:
        old = legacy_mac(secret, str(meta.get("format") or ""), str(meta.get("year") or ""), code, version)
        kind = str(meta.get("kind") or KIND_DEPARTMENT)
        if hmac.compare_digest(got_bytes, old.encode("ascii")) and kind == KIND_DEPARTMENT:
            return [finding(Code.HMAC_LEGACY, version=version)]
        return [finding(Code.HMAC_LEGACY_MISMATCH, version=version, agency=name, agency_code=code)]
    return [finding(Code.HMAC_MISMATCH, agency=name, agency_code=code)]


def mac_verified(findings) -> bool:
    """Whether findings from a read with a secret say the issuer's MAC vouched for the file."""
    return not any(f.rule in MAC_FAILURES for f in findings)


def identity_values(fmt, year: int, agency: dict, *, kind: str = KIND_DEPARTMENT,
                    secret: bytes | None = None, previous: str | None = None) -> dict[str, str]:
    """The metadata fields of a workbook as strings, in META_FIELDS order; empty fields left out.
    previous: last year's figures as carried.encode_previous wrote them."""
    from nianbao import TEMPLATE_VERSION

    from .layout import layout

    code = str(agency.get("code") or "")
    values: dict[str, str] = {
        "format": fmt.id,
        "year": str(year),
        "agency_name": str(agency.get("name") or ""),
        "agency_code": code,
        "agency_level": str(agency.get("level") or ""),
        "template_version": TEMPLATE_VERSION,
        "fingerprint": layout(fmt).fingerprint(),
        "hmac": "",
        "kind": kind,
        "previous": previous or "",
    }
    if secret:
        values["hmac"] = issuer_mac(secret, values)
    return {f: values[f] for f in META_FIELDS if values[f]}


def name_constant(text: str) -> str:
    """A defined-name formula holding a text constant: ="…" with quotes doubled (read back by read._meta)."""
    return '="' + text.replace('"', '""') + '"'

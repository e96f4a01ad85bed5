"""Identity metadata every nianbao workbook carries, shared by the writer and the reader.

Stored twice, both of which survive a LibreOffice save (library-facts §7.1): as constant
defined names "nb.meta.<field>" and as custom document properties "nianbao.<field>".
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
DEFAULT_PASSWORD = "nianbao"  # documented in the README; override with --password


def issuer_mac(secret: bytes, format_id: str, year: int | str, agency_code: str, template_version: str) -> str:
    message = "|".join([format_id, str(year), agency_code, template_version]).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()

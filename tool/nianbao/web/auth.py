"""Who may do what: department links (one unguessable token per agency) and the office login.

Link tokens are HMAC-SHA256(link key, agency code + generation), so `nianbao links` can print
the same links again from the key file while the database keeps only each token's SHA-256;
--rotate bumps the generation, and the old link stops working at once. A token is written for
people who copy it from paper: 28 characters of an alphabet without 0/o, 1/l/i (31 symbols,
28 × log2 31 = 138.7 bits), lower case, in groups of four (k7m2-x9pq-…); it is accepted in any
case, with or without the dashes. A link printed before this form (base64, 192 bits) keeps
opening its page until it is rotated: its hash stays in `legacy_hash` beside the new one. The office
signs in with a password hashed by Argon2id (memory-hard); there is no default password.
Office sessions are random tokens in an HttpOnly cookie, stored hashed, with a CSRF token each.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import secrets
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import journal
from .db import Database, now_iso

LINK_KEY = "link.key"
TOKEN_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, no 1/l/i: nothing to mistake on paper
TOKEN_CHARS = 28
TOKEN_BITS = TOKEN_CHARS * math.log2(len(TOKEN_ALPHABET))  # 138.7
TOKEN_GROUP = 4  # printed k7m2-x9pq-…
LEGACY_TOKEN_BYTES = 24  # the base64 tokens of earlier versions, still accepted
SESSION_SECONDS = 12 * 3600
SESSION_COOKIE = "nianbao_office"
_HASHER = PasswordHasher()  # argon2id, 64 MiB, t=3 (RFC 9106 second recommended option)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _private_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def link_key(folder: Path) -> bytes:
    path = folder / LINK_KEY
    if not path.exists():
        try:
            _private_file(path, secrets.token_hex(32).encode())
        except FileExistsError:
            pass
    return bytes.fromhex(path.read_text().strip())


def link_token(key: bytes, code: str, generation: int) -> str:
    """The link's token as printed: 28 symbols of TOKEN_ALPHABET in dashed groups of four."""
    mac = hmac.new(key, f"readable\n{code}\n{generation}".encode(), hashlib.sha256).digest()
    number, symbols = int.from_bytes(mac, "big"), []  # 256 bits mod 31^28: a bias below 2^-117
    for _ in range(TOKEN_CHARS):
        number, digit = divmod(number, len(TOKEN_ALPHABET))
        symbols.append(TOKEN_ALPHABET[digit])
    text = "".join(symbols)
    return "-".join(text[i:i + TOKEN_GROUP] for i in range(0, TOKEN_CHARS, TOKEN_GROUP))


def legacy_link_token(key: bytes, code: str, generation: int) -> str:
    """The token earlier versions printed for the same link (base64url of 24 bytes of the MAC)."""
    mac = hmac.new(key, f"{code}\n{generation}".encode(), hashlib.sha256).digest()[:LEGACY_TOKEN_BYTES]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def canonical_token(text: str) -> str:
    """A readable token as typed (any case, dashes or spaces or none) in the form its hash is kept."""
    return "".join(ch for ch in text.strip().lower() if ch not in "- ")


def readable_hash(key: bytes, code: str, generation: int) -> str:
    return token_hash(canonical_token(link_token(key, code, generation)))


def ensure_links(db: Database, key: bytes, codes: list[str], rotate: set[str] = frozenset()) -> dict[str, str]:
    """The current token of every code (created when missing, replaced when rotated)."""
    def write(conn):
        rows = {r["agency_code"]: r for r in conn.execute("SELECT agency_code, generation, token_hash FROM links")}
        out = {}
        for code in codes:
            row = rows.get(code)
            if row is None or code in rotate:
                gen = (row["generation"] if row else 0) + 1
                created = now_iso()
                conn.execute("INSERT OR REPLACE INTO links (agency_code, token_hash, generation, created_at, "
                             "legacy_hash) VALUES (?, ?, ?, ?, NULL)",
                             (code, readable_hash(key, code, gen), gen, created))
                journal.append(db.path.parent, "link", {"agency_code": code, "generation": gen, "created_at": created,
                                                        "form": "readable"})
            else:
                gen = row["generation"]
                if row["token_hash"] != readable_hash(key, code, gen):  # a link made before the readable form
                    conn.execute("UPDATE links SET token_hash = ?, legacy_hash = ? WHERE agency_code = ?",
                                 (readable_hash(key, code, gen), row["token_hash"], code))
            out[code] = link_token(key, code, gen)
        return out

    return db.write_now(write)


def link_hash(folder: Path):
    """(code, generation, form) -> (token_hash, legacy_hash) of the link made with this folder's key,
    for journal.restore: a link journalled without form "readable" was printed in the legacy form too."""
    key = link_key(folder)

    def hashes(code: str, generation: int, form: str | None) -> tuple[str, str | None]:
        legacy = None if form == "readable" else token_hash(legacy_link_token(key, code, generation))
        return readable_hash(key, code, generation), legacy

    return hashes


def agency_of_token(db: Database, token: str) -> str | None:
    """The agency a link token opens: its readable form as typed, or the exact legacy token."""
    if not token or len(token) > 64:
        return None
    exact = token_hash(token)  # a legacy token: moved to legacy_hash when ensure_links next runs
    row = db.one("SELECT agency_code FROM links WHERE token_hash IN (?, ?) OR legacy_hash = ?",
                 (token_hash(canonical_token(token)), exact, exact))
    return row[0] if row else None


# -- the office password

def set_password(db: Database, password: str) -> None:
    db.set_config(office_password_hash=_HASHER.hash(password))


def has_password(db: Database) -> bool:
    return db.get_config("office_password_hash") is not None


def check_password(db: Database, password: str) -> bool:
    stored = db.get_config("office_password_hash")
    if not stored or not password:
        return False
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    return secrets.token_urlsafe(12)


def password_from_file(db: Database, path: Path) -> None:
    """Set the office password from a file (first line), unless it is already the one stored."""
    password = path.read_text(encoding="utf-8").strip().splitlines()[0].strip() if path.exists() else ""
    if len(password) < 8:
        raise ValueError(f"办公室密码文件 {path} 为空或密码少于 8 个字符")
    if not check_password(db, password):
        set_password(db, password)


# -- office sessions

def open_session(db: Database) -> tuple[str, str]:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = time.time() + SESSION_SECONDS

    def write(conn):
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (time.time(),))
        conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (token_hash(token), csrf, now_iso(), expires))

    db.write_now(write)
    return token, csrf


def session_csrf(db: Database, token: str | None) -> str | None:
    """The session's CSRF token when the cookie names a live session, else None."""
    if not token or len(token) > 100:
        return None
    row = db.one("SELECT csrf, expires_at FROM sessions WHERE token_hash = ?", (token_hash(token),))
    if row is None or row["expires_at"] < time.time():
        return None
    return row["csrf"]


def close_session(db: Database, token: str | None) -> None:
    if token:
        db.write_now(lambda c: c.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),)))


def same_secret(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())

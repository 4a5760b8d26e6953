"""Secrets: where a station reads them, and how they are kept out of dumps and logs.

A station has three kinds of secret (docs/upkeep.md, "Secrets"):

* **user PINs** — only argon2id hashes are stored (``PinCredential``); nothing here;
* **passwords** (the central database's, an OPC UA login's) — in a file readable only
  by the station's user (mode 0600 or stricter), or passed as a systemd credential
  (``LoadCredential=`` / ``SetCredential=``: systemd puts the file in
  ``$CREDENTIALS_DIRECTORY/<name>``, mode 0400, visible to the service only);
* **the OPC UA private key** — ``pki/own/key.pem``, created 0600 (``hmi.devices.pki``).

:func:`read_secret` reads one (credential first, then the file, refusing a file other
users can read). :func:`redact` makes a config dump safe to show; :func:`redact_text`
does the same for free text (log lines): URL passwords (``scheme://user:PASS@host``),
``password=…``/``pin: …`` style values and PEM private keys become ``***``.
:class:`Scrubber` removes known secret *values* wherever they occur (the diagnostics
bundle's last line of defence).

Pure Python, no Qt: usable by the command line, the drivers and the log set-up.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: What a redacted value is replaced by.
MASK = "***"

#: Words that make a key secret wherever they appear in it (``PGPASSWORD``, ``db_password``).
_STRONG = ("password", "passwd", "passphrase", "secret")
#: Words that make a key secret only as its last word (``api_key``, ``pin``, ``auth_token``;
#: not ``keyboard``, ``max_pin_failures``, ``token_ttl_s``).
_WEAK = frozenset({"pin", "key", "token", "pwd", "pass", "apikey", "credential", "credentials",
                   "privatekey"})
#: A key ending like this names *where* a secret is, not the secret (``password_file``).
_LOCATION_SUFFIXES = ("_file", "_dir", "_path", "-file", "_directory", "file", "_env")


class SecretError(Exception):
    """A secret cannot be used; the message says what happened and what to do."""


# --------------------------------------------------------------------------- which keys


def is_secret_key(key: object) -> bool:
    """True for a config/field name whose value is a secret (see module docstring)."""
    if not isinstance(key, str) or not key:
        return False
    k = key.strip().lower()
    if k.endswith(_LOCATION_SUFFIXES):
        return False
    if any(w in k for w in _STRONG):
        return True
    words = [w for w in re.split(r"[^a-z0-9]+", k) if w]
    return bool(words) and words[-1] in _WEAK


# --------------------------------------------------------------------------- redaction

# scheme://user:PASSWORD@host — the password is everything between the first ':' after
# the user and the last '@' before the host part.
_URL_PASSWORD = re.compile(
    r"(?P<head>(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*+://[^\s:/@'\"]*:)(?P<pw>[^\s/'\"]*)(?P<at>@)")
# key=value, key: value, "key": "value", key = 'value' (the key decides: is_secret_key).
_KEY_VALUE = re.compile(
    r"(?<![A-Za-z0-9_.\-])(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*+)(?P<sep>[\"']?\s*[=:]\s*)"
    r"(?P<q>[\"']?)(?P<val>[^\s\"',;&)}\]]+)")
#: Substrings without which no key can be secret (a cheap test before the regex).
_HINTS = ("pass", "secret", "pin", "key", "token", "pwd", "credential")
_PEM_KEY = re.compile(
    r"-----BEGIN (?P<kind>[A-Z0-9 ]*PRIVATE KEY)-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
    re.DOTALL)


def redact_text(text: str) -> str:
    """``text`` with URL passwords, secret ``key=value`` pairs and PEM private keys masked."""
    if not text:
        return text
    out = text
    if "PRIVATE KEY-----" in out:
        out = _PEM_KEY.sub(
            lambda m: f"-----BEGIN {m['kind']}----- {MASK} -----END {m['kind']}-----", out)
    if "://" in out and "@" in out:
        out = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}{m['at']}" if m["pw"] else m[0], out)

    lowered = out.lower()
    if not any(w in lowered for w in _HINTS):  # the common case: nothing to look at
        return out

    def kv(m: re.Match[str]) -> str:
        if not is_secret_key(m["key"]) or m["val"] == MASK:
            return m[0]
        return f"{m['key']}{m['sep']}{m['q']}{MASK}"

    return _KEY_VALUE.sub(kv, out)


def url_passwords(text: str) -> list[str]:
    """The passwords written into URLs in ``text`` (``scheme://user:PASS@host``)."""
    return [m["pw"] for m in _URL_PASSWORD.finditer(text or "") if m["pw"]]


def secret_values(obj: Any) -> list[str]:
    """Every secret value in ``obj`` (as :func:`redact` would mask them): values of secret
    keys and URL passwords, for a :class:`Scrubber`."""
    if hasattr(obj, "model_dump") and callable(obj.model_dump):
        obj = obj.model_dump(mode="json")
    out: list[str] = []
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            if is_secret_key(key) and isinstance(value, (str, int)) and not isinstance(value, bool):
                out.append(str(value))
            out.extend(secret_values(value))
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            out.extend(secret_values(v))
    elif isinstance(obj, str):
        out.extend(url_passwords(obj))
    return out


def redact(obj: Any) -> Any:
    """A copy of ``obj`` (mappings, lists, strings, pydantic models) that is safe to show.

    Values of secret keys (:func:`is_secret_key`) become ``***`` — unless empty, so a
    dump still says that nothing is set — and every string is passed through
    :func:`redact_text` (a password inside a URL, a ``password=`` in a DSN)."""
    if hasattr(obj, "model_dump") and callable(obj.model_dump):
        obj = obj.model_dump(mode="json")
    if isinstance(obj, Mapping):
        out: dict[Any, Any] = {}
        for key, value in obj.items():
            if is_secret_key(key) and value not in (None, "", [], {}) and not isinstance(value, bool):
                out[key] = MASK
            else:
                out[key] = redact(value)
        return out
    if isinstance(obj, (list, tuple)):
        return [redact(v) for v in obj]
    if isinstance(obj, str):
        return redact_text(obj)
    if isinstance(obj, (bytes, bytearray)):
        return redact_text(bytes(obj).decode("utf-8", "replace"))
    return obj


class Scrubber:
    """Replaces known secret values (a password read from its file, an env value) by ``***``.

    Values shorter than :attr:`MIN_LEN` are ignored: masking every ``1234`` in a bundle
    would hide data without protecting anything (PINs are never in files)."""

    MIN_LEN = 4

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        for v in values:
            self.add(v)

    def add(self, value: str | None) -> None:
        if value and len(value.strip()) >= self.MIN_LEN:
            self._values.add(value.strip())

    def __len__(self) -> int:
        return len(self._values)

    def text(self, text: str) -> str:
        for v in sorted(self._values, key=len, reverse=True):  # longest first: no partial leftovers
            text = text.replace(v, MASK)
        return redact_text(text)

    def data(self, data: bytes) -> bytes:
        for v in sorted(self._values, key=len, reverse=True):
            data = data.replace(v.encode("utf-8"), MASK.encode())
        return data


# --------------------------------------------------------------------------- reading secrets


def check_private_file(path: Path, what: str) -> os.stat_result:
    """Refuse a secret file that is missing, not a regular file, or readable by others."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise SecretError(f"{what}: {path} does not exist; create it with the secret on one "
                          f"line and run: chmod 600 {path}") from None
    except OSError as exc:
        raise SecretError(f"{what}: cannot read {path} ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise SecretError(f"{what}: {path} is not a regular file")
    loose = stat.S_IMODE(st.st_mode) & 0o077
    if loose:
        raise SecretError(f"{what}: {path} can be read by other users (mode "
                          f"{stat.S_IMODE(st.st_mode):04o}); restrict it with: chmod 600 {path}")
    return st


def credential_path(name: str) -> Path | None:
    """``$CREDENTIALS_DIRECTORY/<name>`` if systemd passed that credential, else None."""
    base = os.environ.get("CREDENTIALS_DIRECTORY")
    if not base or not name or "/" in name or name in (".", ".."):
        return None
    p = Path(base) / name
    return p if p.is_file() else None


def read_secret(name: str, path: str | os.PathLike[str] | None = None, *,
                what: str | None = None) -> str:
    """The secret ``name``: the systemd credential of that name if there is one, else the
    first line of the file ``path`` (which only its owner may read).

    Raises :class:`SecretError` when neither is available, the file is readable by
    others, or it is empty."""
    what = what or name
    source = credential_path(name)
    if source is None:
        if path is None or str(path) == "":
            raise SecretError(f"{what}: no secret given; put it in a file readable only by "
                              f"the station's user (chmod 600) or pass it as the systemd "
                              f"credential {name!r} (LoadCredential={name}:/path/to/file)")
        source = Path(path)
    check_private_file(source, what)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"{what}: cannot read {source} ({exc})") from None
    value = text.splitlines()[0].strip() if text.strip() else ""
    if not value:
        raise SecretError(f"{what}: {source} is empty")
    return value


def secret_file_status(path: Path) -> str:
    """One line for a diagnostics report: does the file exist, and is its mode safe?"""
    try:
        st = path.stat()
    except FileNotFoundError:
        return f"{path}: missing"
    except OSError as exc:
        return f"{path}: unreadable ({exc.strerror or exc})"
    mode = stat.S_IMODE(st.st_mode)
    verdict = "ok" if not mode & 0o077 else "READABLE BY OTHERS: chmod 600 it"
    return f"{path}: mode {mode:04o}, {verdict}"

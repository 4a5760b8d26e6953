"""Electronic signatures bound to the content of the record they sign.

Binding
-------
A record (inspection result, recipe version, batch release …) is given as a
mapping. Its fingerprint is :func:`canonical_hash`:

    sha256( RFC 8785 canonical JSON of json_safe(record) )  → 64 lowercase hex digits

identified by the algorithm id :data:`HASH_ALG` = ``"sha256+rfc8785"`` (stored with
each signature so a later algorithm can be introduced without ambiguity).
``json_safe`` (``hmi.services.audit``) turns datetimes, UUIDs, Decimals etc. into
JSON deterministically. Key order and whitespace do not matter; any change of a value
does. The caller decides which fields make up "the record": include everything a
signer vouches for, and nothing that legitimately changes later (e.g. a sync flag).

Signing
-------
:meth:`SignatureService.sign` re-authenticates the signer with badge + PIN at the
moment of signing (wrong PINs count toward the badge lockout), checks the permission
the caller names, then stores a :class:`~hmi.store.security.Signature` event and an
audit entry in one transaction. The signature carries the printed name, the meaning
(:class:`Meaning`) and the time, as shown on screen and in reports.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from hmi.services.audit import HASH_ALG, AuditWriter, canonical_json
from hmi.services.auth import AuthService
from hmi.services.errors import OperatorError
from hmi.services.permissions import PermissionDenied, require
from hmi.store.base import new_id, utcnow
from hmi.store.events import append_event
from hmi.store.security import Signature

log = logging.getLogger(__name__)

__all__ = [
    "HASH_ALG",
    "Meaning",
    "SelfSignRefused",
    "SignatureCheck",
    "SignatureService",
    "canonical_hash",
]


class SelfSignRefused(OperatorError):
    """The signer is one of the people who may not sign this record (e.g. its author)."""


class Meaning(enum.StrEnum):
    """What a signature means (shown next to the printed name)."""

    PERFORMED = "Performed"
    REVIEWED = "Reviewed"
    APPROVED = "Approved"
    VERIFIED = "Verified"
    RELEASED = "Released"  # a quality hold released


def canonical_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 hex of the RFC 8785 canonical JSON of ``record`` (algorithm ``sha256+rfc8785``)."""
    if not isinstance(record, Mapping):
        raise TypeError(f"a signed record must be a mapping, not {type(record).__name__}")
    return hashlib.sha256(canonical_json(record)).hexdigest()


@dataclass(frozen=True)
class SignatureCheck:
    ok: bool
    reason: str
    expected_hash: str
    actual_hash: str | None


class SignatureService:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        auth: AuthService,
        audit: AuditWriter,
        station_id: str,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self._session_factory = session_factory
        self._auth = auth
        self._audit = audit
        self.station_id = station_id
        self._clock = clock

    def sign(
        self,
        *,
        badge: str,
        pin: str,
        meaning: Meaning | str,
        record_type: str,
        record_id: str,
        record: Mapping[str, Any],
        required_permission: str | None = None,
        comment: str = "",
        not_signers: Mapping[str, str] | None = None,
    ) -> Signature:
        """Re-authenticate the signer and store their signature over ``record``.

        Raises ``LoginError`` (wrong PIN, locked, unknown badge …) or
        :class:`~hmi.services.permissions.PermissionDenied`; in both cases no
        signature is stored. Returns the stored (detached) :class:`Signature`.
        ``comment`` (what the signer wrote) is stored with the signature; a caller that
        wants it bound includes it in ``record`` too. ``not_signers`` maps the badges
        that may not sign this record (e.g. the person who recorded it) to the message
        shown: such a signer is refused with :class:`SelfSignRefused` after
        re-authentication (so a badge alias cannot slip through), audited, nothing stored.
        """
        try:
            meaning = Meaning(meaning)
        except ValueError:
            allowed = ", ".join(m.value for m in Meaning)
            raise ValueError(f"unknown signature meaning {meaning!r} (use one of {allowed})") from None
        record_hash = canonical_hash(record)  # fail on an unhashable record before asking for a PIN

        actor = self._auth.reauthenticate(badge, pin)
        if not_signers and actor.badge in not_signers:
            with self._session_factory() as session:
                self._audit.record(
                    session, actor_badge=actor.badge, action="signature_refused",
                    entity=record_type, entity_id=str(record_id),
                    new={"meaning": meaning.value, "reason": "signer may not sign own record"},
                    detail=f"{actor.label} may not sign this record",
                )
                session.commit()
            raise SelfSignRefused(not_signers[actor.badge])
        if required_permission is not None:
            try:
                require(actor, required_permission, record=False)  # audited below
            except PermissionDenied:
                with self._session_factory() as session:
                    self._audit.record(
                        session,
                        actor_badge=actor.badge,
                        action="signature_refused",
                        entity=record_type,
                        entity_id=str(record_id),
                        new={"meaning": meaning.value, "missing_permission": required_permission},
                        detail=f"{actor.label} lacks {required_permission}",
                    )
                    session.commit()
                raise

        now = self._clock()
        signature_id = new_id()
        with self._session_factory() as session:
            entry = self._audit.record(
                session,
                actor_badge=actor.badge,
                action="sign",
                entity=record_type,
                entity_id=str(record_id),
                new={
                    "signature_id": signature_id,
                    "meaning": meaning.value,
                    "signer_name": actor.name,
                    "record_hash": record_hash,
                    "hash_alg": HASH_ALG,
                    **({"comment": comment} if comment else {}),
                },
                detail=f"{meaning.value} by {actor.label}",
            )
            signature = append_event(
                session,
                Signature(
                    id=signature_id,
                    station_id=self.station_id,
                    actor_badge=actor.badge,
                    recorded_at=now,
                    signer_badge=actor.badge,
                    signer_name=actor.name,
                    meaning=meaning.value,
                    signed_at=now,
                    record_type=record_type,
                    record_id=str(record_id),
                    record_hash=record_hash,
                    hash_alg=HASH_ALG,
                    audit_entry_id=entry.id,
                    comment=comment,
                ),
            )
            session.commit()
            session.refresh(signature)
            session.expunge(signature)
        log.info(
            "%s signed %s %s as %s (hash %s)",
            actor.badge, record_type, record_id, meaning.value, record_hash[:12],
        )
        return signature

    @staticmethod
    def verify(signature: Signature, record: Mapping[str, Any]) -> SignatureCheck:
        """Check that ``record`` is still exactly what ``signature`` was given."""
        if signature.hash_alg != HASH_ALG:
            return SignatureCheck(
                False,
                f"the signature uses an unknown hash method ({signature.hash_alg})",
                signature.record_hash,
                None,
            )
        actual = canonical_hash(record)
        if actual != signature.record_hash:
            return SignatureCheck(
                False, "the record was changed after it was signed", signature.record_hash, actual
            )
        return SignatureCheck(True, "the record is unchanged since it was signed",
                              signature.record_hash, actual)

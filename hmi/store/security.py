"""Who may do what, and the proof of what they did: users, roles, PINs, audit, signatures.

Master data (versioned, see :class:`~hmi.store.base.MasterMixin`):

* :class:`Role` — a named set of permission names (``hmi.services.permissions``).
* :class:`UserAccount` — one person, keyed by badge number (``code``).

Events (append-only, see :class:`~hmi.store.base.EventMixin`):

* :class:`PinCredential` — a PIN was set; the newest row per badge is the current PIN.
  Only the argon2id hash is stored, never the PIN.
* :class:`LoginAttempt` — every login or re-authentication, successful or not. Lockout
  is computed from these rows, so it survives a restart of the station.
* :class:`AuditEntry` — one link of the per-station, hash-chained audit trail written by
  ``hmi.services.audit.AuditWriter``.
* :class:`Signature` — an electronic signature bound to the canonical hash of the record
  it signs (``hmi.services.signatures``).

This module only declares tables; the rules live in ``hmi.services``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hmi.store.base import Base, EventMixin, MasterMixin

HEX_SHA256_LEN = 64


# --------------------------------------------------------------------------- master data


class Role(MasterMixin, Base):
    """A role (operator, team lead, maintenance, administrator…) and its permissions."""

    __tablename__ = "role"
    __table_args__ = (UniqueConstraint("code", "version"),)

    name: Mapped[str] = mapped_column(String(200))
    # Permission names such as "order.start" (see hmi.services.permissions).
    permissions: Mapped[list] = mapped_column(default=list)


class UserAccount(MasterMixin, Base):
    """A person who can log in at a station. ``code`` is the badge number."""

    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("code", "version"),)

    name: Mapped[str] = mapped_column(String(200))
    # Role codes; the latest released version of each role applies.
    roles: Mapped[list] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # UI language shown while this person is logged in ("de"); None: the station's language.
    language: Mapped[str | None] = mapped_column(String(16), nullable=True, default=None)


# --------------------------------------------------------------------------- events


class PinCredential(EventMixin, Base):
    """A PIN was set or changed for a badge (argon2id encoded hash only)."""

    __tablename__ = "pin_credential"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)

    badge: Mapped[str] = mapped_column(String(64), index=True)
    pin_hash: Mapped[str] = mapped_column(String(200))


class LoginAttempt(EventMixin, Base):
    """One login or re-authentication attempt and how it ended.

    ``reason`` is a short code: ``ok``, ``wrong_pin``, ``locked``, ``unknown_badge``,
    ``inactive``, ``no_pin``. Only ``wrong_pin`` counts toward a lockout.
    ``purpose`` is ``login`` or ``reauthenticate`` (e.g. before a signature).
    """

    __tablename__ = "login_attempt"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)

    badge: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(32), default="login")


class AuditEntry(EventMixin, Base):
    """One entry of the station's hash-chained audit trail.

    ``entry_hash`` is the SHA-256 over the RFC 8785 canonical JSON of every other
    column (see ``hmi.services.audit.entry_payload``); ``prev_hash`` is the
    ``entry_hash`` of the previous entry of the same station (64 zeros for the first).
    The acting person is ``actor_badge`` (from :class:`EventMixin`).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)

    occurred_at: Mapped[dt.datetime] = mapped_column()
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(100), index=True)
    entity_id: Mapped[str] = mapped_column(String(200), index=True)
    old_value: Mapped[object | None] = mapped_column(JSON, default=None)
    new_value: Mapped[object | None] = mapped_column(JSON, default=None)
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(HEX_SHA256_LEN))
    entry_hash: Mapped[str] = mapped_column(String(HEX_SHA256_LEN))
    hash_alg: Mapped[str] = mapped_column(String(32))


class Signature(EventMixin, Base):
    """An electronic signature: who signed which record, meaning what, and when.

    The signature is bound to the record by ``record_hash`` (algorithm ``hash_alg``,
    e.g. ``sha256+rfc8785``); if the record changes afterwards the hash no longer
    matches. ``audit_entry_id`` names the audit entry written with the signature.
    """

    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)

    signer_badge: Mapped[str] = mapped_column(String(64), index=True)
    signer_name: Mapped[str] = mapped_column(String(200))
    meaning: Mapped[str] = mapped_column(String(32))
    signed_at: Mapped[dt.datetime] = mapped_column()
    record_type: Mapped[str] = mapped_column(String(100), index=True)
    record_id: Mapped[str] = mapped_column(String(200), index=True)
    record_hash: Mapped[str] = mapped_column(String(HEX_SHA256_LEN))
    hash_alg: Mapped[str] = mapped_column(String(32))
    audit_entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # What the signer wrote with the signature (mandatory for some meanings, e.g. the
    # review of a failed check); part of the signed record, so it cannot be changed either.
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")

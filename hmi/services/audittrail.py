"""The audit trail for the screen: pages of entries in words, and the chain's verdict.

Team leads and administrators (``audit.view``) read who did what at the station and see
that nothing in the trail was changed, removed or inserted. :class:`AuditTrailService`
reads on the :class:`~hmi.services.worker.DbWorker` and answers with signals:

* **Entries** come through :func:`hmi.services.audit.recent_entries` (which checks
  ``audit.view``; a refusal is audited by the process-wide refusal recorder and reaches
  the screen as ``sig_refused`` with the refusal in words). Each page is turned into plain
  :class:`AuditRow` values: the person's name from the user master data, and whether the
  entry still matches its hash and links to the entry before it. ``load_older`` pages back
  (``before_seq``); given a filter it keeps reading pages until enough entries match (or
  :attr:`AuditTrailService.max_scan` entries were read), so a filter on a long trail does
  not need a tap per page.
* **The verdict** is :func:`hmi.services.audit.verify_station` (every hash and link, and the
  station's gap-free numbering over all event tables) — the same check as
  ``hmi audit verify``. It reads the whole trail (measured: 2.0 s for 20 000 audit entries
  on the 2-core development machine), so it runs on the service's own thread in one read
  transaction rather than on the DB worker, whose writes would wait for it;
  ``verify_on_worker=True`` puts it on the worker. The screen says "checking…" until
  ``sig_verdict`` brings it.

The functions :func:`action_text`, :func:`categories`, :func:`severity`,
:func:`who_text` and :func:`verdict_text` put the codes of the trail into words for the
screen (docs/audit.md lists the actions).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import rfc8785
from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, Signal
from sqlalchemy import select

from hmi.services.audit import (
    ACTION_BADGE_UNLOCKED,
    ACTION_KIOSK_EXIT,
    ACTION_KIOSK_EXIT_REFUSED,
    ACTION_LOCKOUT,
    ACTION_LOGIN,
    ACTION_LOGIN_FAILED,
    ACTION_LOGOUT,
    ACTION_PERMISSION_REFUSED,
    ACTION_PRUNE,
    ACTION_REAUTHENTICATE,
    ACTION_REAUTHENTICATE_FAILED,
    ACTION_SESSION_LOCK,
    ACTION_SESSION_UNLOCK,
    GENESIS_HASH,
    StationVerdict,
    compute_entry_hash,
    pruned_through,
    recent_entries,
    verify_station,
)
from hmi.services.i18n import tr
from hmi.services.permissions import AUDIT_VIEW, Actor, PermissionDenied, describe, require
from hmi.store.security import AuditEntry, UserAccount

log = logging.getLogger(__name__)
CTX = "AuditTrail"

#: Entries per page (one page is one ``recent_entries`` call).
PAGE_SIZE = 100
#: With a filter, ``load_older`` reads on until this many more entries match …
WANT_MATCHES = 40
#: … or this many entries were read in one go.
MAX_SCAN = 2000

# --------------------------------------------------------------------------- categories

SECURITY = "security"
QUALITY = "quality"
ORDERS = "orders"
SYNC = "sync"
#: The screen's filters, in order (``None``: everything).
CATEGORIES = (SECURITY, QUALITY, ORDERS, SYNC)

_SECURITY_ACTIONS = frozenset({
    ACTION_LOGIN, ACTION_LOGIN_FAILED, ACTION_REAUTHENTICATE, ACTION_REAUTHENTICATE_FAILED,
    ACTION_LOCKOUT, ACTION_BADGE_UNLOCKED, ACTION_LOGOUT, ACTION_PERMISSION_REFUSED,
    ACTION_KIOSK_EXIT, ACTION_KIOSK_EXIT_REFUSED, ACTION_SESSION_LOCK, ACTION_SESSION_UNLOCK,
    # refusals a service records itself (instead of the refusal recorder)
    "signature_refused", "reclassify_refused", "sync.quarantine_refused",
})
_QUALITY_ACTIONS = frozenset({"sign", "signature_refused"})
_QUALITY_PREFIXES = ("hold.", "disposition.", "spc.", "inspection.", "trace.")
_ORDER_PREFIXES = ("order.", "orders.", "recipe_", "instruction.", "tool.", "material.",
                   "label.")
_SYNC_ACTIONS = frozenset({ACTION_PRUNE, "masterdata.import"})
_SYNC_PREFIXES = ("sync.",)


def categories(action: str, entity: str = "") -> frozenset[str]:
    """The screen's filters an entry belongs to (none: it shows under "All" only)."""
    out: set[str] = set()
    if action in _SECURITY_ACTIONS or (action == "change" and entity == "pin_credential"):
        out.add(SECURITY)
    if action in _QUALITY_ACTIONS or action.startswith(_QUALITY_PREFIXES):
        out.add(QUALITY)
    if action.startswith(_ORDER_PREFIXES):
        out.add(ORDERS)
    if action in _SYNC_ACTIONS or action.startswith(_SYNC_PREFIXES):
        out.add(SYNC)
    return frozenset(out)


_ALARM_ACTIONS = frozenset({ACTION_LOCKOUT})


def severity(action: str) -> str:
    """``alarm`` (red): a badge was locked; ``warning`` (amber): a refusal or a failed
    sign-in; ``normal`` otherwise."""
    if action in _ALARM_ACTIONS:
        return "alarm"
    if action.endswith(("_failed", "refused")):
        return "warning"
    return "normal"


# --------------------------------------------------------------------------- words

#: What each action code means, by (action, entity) first, then by action.
_ACTION_ENTITY_TEXT: dict[tuple[str, str], str] = {
    ("acknowledge", "alarm"): QT_TRANSLATE_NOOP("AuditTrail", "Alarm acknowledged"),
    ("acknowledge", "downtime_stop"): QT_TRANSLATE_NOOP("AuditTrail", "Breakdown acknowledged"),
    ("change", "pin_credential"): QT_TRANSLATE_NOOP("AuditTrail", "PIN set or changed"),
}
_ACTION_TEXT: dict[str, str] = {
    ACTION_LOGIN: QT_TRANSLATE_NOOP("AuditTrail", "Logged in"),
    ACTION_LOGIN_FAILED: QT_TRANSLATE_NOOP("AuditTrail", "Login failed"),
    ACTION_REAUTHENTICATE: QT_TRANSLATE_NOOP("AuditTrail", "Confirmed with badge and PIN"),
    ACTION_REAUTHENTICATE_FAILED: QT_TRANSLATE_NOOP("AuditTrail",
                                                    "Confirmation with badge and PIN failed"),
    ACTION_LOCKOUT: QT_TRANSLATE_NOOP("AuditTrail", "Badge locked after wrong PINs"),
    ACTION_BADGE_UNLOCKED: QT_TRANSLATE_NOOP("AuditTrail", "Badge lockout ended early"),
    ACTION_LOGOUT: QT_TRANSLATE_NOOP("AuditTrail", "Logged out"),
    ACTION_PERMISSION_REFUSED: QT_TRANSLATE_NOOP("AuditTrail", "Permission refused"),
    ACTION_KIOSK_EXIT: QT_TRANSLATE_NOOP("AuditTrail", "Left kiosk mode"),
    ACTION_KIOSK_EXIT_REFUSED: QT_TRANSLATE_NOOP("AuditTrail", "Leaving kiosk mode refused"),
    ACTION_SESSION_LOCK: QT_TRANSLATE_NOOP("AuditTrail", "Screen locked"),
    ACTION_SESSION_UNLOCK: QT_TRANSLATE_NOOP("AuditTrail", "Screen unlocked"),
    ACTION_PRUNE: QT_TRANSLATE_NOOP("AuditTrail", "Old records pruned"),
    "change": QT_TRANSLATE_NOOP("AuditTrail", "Changed"),
    "sign": QT_TRANSLATE_NOOP("AuditTrail", "Electronic signature"),
    "signature_refused": QT_TRANSLATE_NOOP("AuditTrail", "Signature refused"),
    "reclassify_refused": QT_TRANSLATE_NOOP("AuditTrail", "Changing a downtime reason refused"),
    "classify": QT_TRANSLATE_NOOP("AuditTrail", "Downtime reason given"),
    "reclassify": QT_TRANSLATE_NOOP("AuditTrail", "Downtime reason changed"),
    "split": QT_TRANSLATE_NOOP("AuditTrail", "Downtime split"),
    "acknowledge": QT_TRANSLATE_NOOP("AuditTrail", "Acknowledged"),
    "repair": QT_TRANSLATE_NOOP("AuditTrail", "Repair logged"),
    "close": QT_TRANSLATE_NOOP("AuditTrail", "Breakdown closed"),
    "andon_call": QT_TRANSLATE_NOOP("AuditTrail", "Andon call raised"),
    "andon_acknowledge": QT_TRANSLATE_NOOP("AuditTrail", "Andon call acknowledged"),
    "andon_resolve": QT_TRANSLATE_NOOP("AuditTrail", "Andon call resolved"),
    "andon_cancel": QT_TRANSLATE_NOOP("AuditTrail", "Andon call cancelled"),
    "hold.place": QT_TRANSLATE_NOOP("AuditTrail", "Quality hold placed"),
    "hold.release": QT_TRANSLATE_NOOP("AuditTrail", "Quality hold released"),
    "disposition.scrap": QT_TRANSLATE_NOOP("AuditTrail", "Disposition: scrap"),
    "disposition.rework": QT_TRANSLATE_NOOP("AuditTrail", "Disposition: rework"),
    "disposition.use_as_is": QT_TRANSLATE_NOOP("AuditTrail", "Disposition: use as is"),
    "disposition.return_to_supplier": QT_TRANSLATE_NOOP("AuditTrail",
                                                        "Disposition: return to supplier"),
    "spc.limits_frozen": QT_TRANSLATE_NOOP("AuditTrail", "SPC control limits frozen"),
    "spc.limits_recalculated": QT_TRANSLATE_NOOP("AuditTrail", "SPC control limits recalculated"),
    "inspection.failed": QT_TRANSLATE_NOOP("AuditTrail", "Inspection failed"),
    "inspection.remeasured": QT_TRANSLATE_NOOP("AuditTrail", "Inspection measured again"),
    "trace.recall_report": QT_TRANSLATE_NOOP("AuditTrail", "Recall report made"),
    "order.start": QT_TRANSLATE_NOOP("AuditTrail", "Order started"),
    "order.pause": QT_TRANSLATE_NOOP("AuditTrail", "Order paused"),
    "order.resume": QT_TRANSLATE_NOOP("AuditTrail", "Order resumed"),
    "order.complete": QT_TRANSLATE_NOOP("AuditTrail", "Order completed"),
    "order.report": QT_TRANSLATE_NOOP("AuditTrail", "Order quantities reported"),
    "orders.import": QT_TRANSLATE_NOOP("AuditTrail", "Orders imported"),
    "recipe_approve": QT_TRANSLATE_NOOP("AuditTrail", "Recipe approved"),
    "recipe_download": QT_TRANSLATE_NOOP("AuditTrail", "Recipe downloaded to the machine"),
    "recipe_validate": QT_TRANSLATE_NOOP("AuditTrail", "Recipe checked at the machine"),
    "recipe_rollback": QT_TRANSLATE_NOOP("AuditTrail", "Recipe rolled back"),
    "instruction.step_done": QT_TRANSLATE_NOOP("AuditTrail", "Work-instruction step done"),
    "instruction.step_skipped": QT_TRANSLATE_NOOP("AuditTrail", "Work-instruction step skipped"),
    "instruction.step_refused": QT_TRANSLATE_NOOP("AuditTrail", "Work-instruction step refused"),
    "tool.reset": QT_TRANSLATE_NOOP("AuditTrail", "Tool life counter reset"),
    "material.loaded": QT_TRANSLATE_NOOP("AuditTrail", "Material lot loaded"),
    "material.lot_change": QT_TRANSLATE_NOOP("AuditTrail", "Material lot changed"),
    "material.refused": QT_TRANSLATE_NOOP("AuditTrail", "Material lot refused"),
    "material.units_recovered": QT_TRANSLATE_NOOP("AuditTrail",
                                                  "Material use recovered after a restart"),
    "label.printed": QT_TRANSLATE_NOOP("AuditTrail", "Label printed"),
    "label.reprinted": QT_TRANSLATE_NOOP("AuditTrail", "Label printed again"),
    "label.retried": QT_TRANSLATE_NOOP("AuditTrail", "Label print tried again"),
    "label.marked_printed": QT_TRANSLATE_NOOP("AuditTrail", "Label marked as printed"),
    "masterdata.import": QT_TRANSLATE_NOOP("AuditTrail", "Master data imported"),
    "sync.quarantine_resolved": QT_TRANSLATE_NOOP("AuditTrail", "Refused sync row marked resolved"),
    "sync.quarantine_retry_refused": QT_TRANSLATE_NOOP("AuditTrail",
                                                       "Refused sync row refused again"),
    "sync.quarantine_refused": QT_TRANSLATE_NOOP("AuditTrail",
                                                 "Settling a refused sync row refused"),
}


def action_text(action: str, entity: str = "", entity_id: str = "") -> str:
    """The action in words (an unknown code is shown as it is)."""
    if action == ACTION_PERMISSION_REFUSED and entity == "permission" and entity_id:
        return tr(CTX, "Refused: %1", describe(entity_id))
    text = _ACTION_ENTITY_TEXT.get((action, entity)) or _ACTION_TEXT.get(action)
    return tr(CTX, text) if text else action


def entity_text(entity: str, entity_id: str) -> str:
    """``user_account`` / ``1001`` → ``user account 1001``."""
    words = (entity or "").replace("_", " ").strip()
    return " ".join(p for p in (words, entity_id or "") if p)


# --------------------------------------------------------------------------- rows

#: AuditRow.link: how the entry stands in the chain.
LINK_OK = "ok"            # content matches its hash, links to the entry before it
LINK_START = "start"      # the first entry of the chain (links to the genesis)
LINK_PRUNED = "pruned"    # the oldest entry kept; older ones were pruned after sync
LINK_CHANGED = "changed"  # its content no longer matches its hash
LINK_BROKEN = "broken"    # it does not link to the entry before it


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as plain data for the screen."""

    seq: int
    occurred_at: dt.datetime
    actor_badge: str | None
    actor_name: str | None          # from the user master data; None: unknown badge
    action: str
    entity: str
    entity_id: str
    old: Any
    new: Any
    detail: str
    entry_hash: str
    prev_hash: str
    link: str                       # LINK_*
    prev_seq: int | None = None     # the audit entry before it (None: none read)

    @property
    def link_ok(self) -> bool:
        return self.link in (LINK_OK, LINK_START, LINK_PRUNED)

    @property
    def categories(self) -> frozenset[str]:
        return categories(self.action, self.entity)

    @property
    def severity(self) -> str:
        return "alarm" if not self.link_ok else severity(self.action)

    @property
    def action_text(self) -> str:
        return action_text(self.action, self.entity, self.entity_id)

    @property
    def who(self) -> str:
        return who_text(self.actor_badge, self.actor_name)


def who_text(badge: str | None, name: str | None, *, with_badge: bool = False) -> str:
    """The person's name if known, else the badge, else machine / system."""
    if not badge:
        return tr(CTX, "machine / system")
    if not name:
        return tr(CTX, "badge %1", badge)
    return tr(CTX, "%1 (badge %2)", name, badge) if with_badge else name


def _content_ok(entry: AuditEntry) -> bool:
    try:
        return compute_entry_hash(entry) == entry.entry_hash
    except (ValueError, TypeError, rfc8785.CanonicalizationError):
        return False


def _row(entry: AuditEntry, older: AuditEntry | None, names: dict[str, str],
         first_link: str) -> AuditRow:
    if not _content_ok(entry):
        link = LINK_CHANGED
    elif older is not None:
        link = LINK_OK if entry.prev_hash == older.entry_hash else LINK_BROKEN
    else:
        link = first_link
    return AuditRow(
        seq=entry.seq, occurred_at=entry.occurred_at, actor_badge=entry.actor_badge,
        actor_name=names.get(entry.actor_badge or ""), action=entry.action,
        entity=entry.entity, entity_id=entry.entity_id, old=entry.old_value,
        new=entry.new_value, detail=entry.detail or "", entry_hash=entry.entry_hash,
        prev_hash=entry.prev_hash, link=link,
        prev_seq=older.seq if older is not None else None)


@dataclass(frozen=True)
class AuditPage:
    """What one load read: ``rows`` newest first, and whether older entries exist."""

    rows: list[AuditRow]
    more: bool
    append: bool


# --------------------------------------------------------------------------- verdict


@dataclass(frozen=True)
class ChainVerdict:
    """:func:`verify_station`'s finding, as plain data."""

    ok: bool
    entries: int                     # audit entries checked
    events: int                      # events numbered (every table)
    last_seq: int | None             # the station's counter
    pruned_through: int
    problems: tuple[tuple[int | None, str], ...]   # (seq, message), by seq

    @classmethod
    def of(cls, v: StationVerdict) -> ChainVerdict:
        return cls(v.ok, v.entries, v.events, v.last_seq, v.pruned_through,
                   tuple((p.seq, p.message) for p in v.problems))

    @property
    def first_bad_seq(self) -> int | None:
        return next((seq for seq, _m in self.problems if seq is not None), None)


_ENTRY_SEQ = re.compile(r"^entry seq (\d+) ")


def verdict_text(v: ChainVerdict) -> tuple[str, str, str]:
    """(headline, note, severity) for the verdict tile."""
    if v.ok:
        if not v.events:
            return (tr(CTX, "Audit trail intact — no entries yet"),
                    tr(CTX, "Every action at this station will be recorded here."), "ok")
        last = v.last_seq or v.events
        first = v.pruned_through + 1 if v.pruned_through else 1
        head = tr(CTX, "Audit trail intact — %1 entries checked, numbering %2..%3 complete",
                  v.entries, first, last)
        note = (tr(CTX, "Every hash and link verified. Events up to seq %1 were pruned after "
                   "the central database confirmed them.", v.pruned_through)
                if v.pruned_through else
                tr(CTX, "Every entry matches its hash and links to the one before; no event "
                   "is missing."))
        return head, note, "ok"
    seq, message = next(((s, m) for s, m in v.problems if s is not None), v.problems[0])
    if seq is not None:
        # "entry seq 812 was changed …" → "entry was changed …": the headline names the seq
        m = _ENTRY_SEQ.match(message)
        if m and int(m.group(1)) == seq:
            message = "entry " + message[m.end():]
        head = tr(CTX, "AUDIT TRAIL BROKEN at seq %1: %2", seq, message.rstrip("."))
    else:
        head = tr(CTX, "AUDIT TRAIL BROKEN: %1", message.rstrip("."))
    more = len(v.problems) - 1
    note = (tr(CTX, "Further problems: %1. ", more) if more > 0 else "") + tr(
        CTX, "Tell the administrator now: `hmi audit verify` lists every problem; the central "
        "database's copy shows what the entries were.")
    return head, note, "alarm"


# --------------------------------------------------------------------------- service


def _names(session: Any) -> dict[str, str]:
    """Badge → the person's name (the newest version of each user)."""
    out: dict[str, str] = {}
    for code, name in session.execute(
            select(UserAccount.code, UserAccount.name).order_by(UserAccount.version)):
        out[code] = name
    return out


class AuditTrailService(QObject):
    """Reads the station's audit trail for the screen (``audit.view``) on the DB worker."""

    #: list[AuditRow]: every entry loaded so far, newest first (after each load).
    sig_entries = Signal(object)
    #: ChainVerdict: the chain was checked (``None``: a check started).
    sig_verdict = Signal(object)
    #: str: the person may not view the audit trail (the refusal in words; audited).
    sig_refused = Signal(str)
    #: str: reading or checking failed (what happened, what to do).
    sig_error = Signal(str)
    # the check thread's result, handed to the GUI thread (queued: the service lives there)
    _sig_check_done = Signal(int, object)

    def __init__(self, worker: Any, session_factory: Callable[[], Any], station_id: str, *,
                 page_size: int = PAGE_SIZE, want_matches: int = WANT_MATCHES,
                 max_scan: int = MAX_SCAN, verify_on_worker: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._sf = session_factory
        self.station_id = station_id
        self.page_size = page_size
        self.want_matches = want_matches
        self.max_scan = max_scan
        self._rows: list[AuditRow] = []
        self._more = False
        self._gen = 0
        self._loading = 0
        self._checking = 0
        self._check_running: Future | None = None
        self._check_next: tuple[int, Actor | None] | None = None
        self.verdict: ChainVerdict | None = None
        # The full check reads every event of the station (≈ 0.1 ms per audit entry on a
        # panel PC): on the one DB worker it would hold up every write for that long, so it
        # runs on its own thread with its own read transaction (SQLite WAL: readers never
        # wait for the writer, nor it for them).
        self._verify_pool = (None if verify_on_worker else
                             ThreadPoolExecutor(max_workers=1,
                                                thread_name_prefix="hmi-audit-verify"))
        self._sig_check_done.connect(self._check_done, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ state

    def rows(self) -> list[AuditRow]:
        """The entries loaded so far, newest first."""
        return list(self._rows)

    def row(self, seq: int) -> AuditRow | None:
        return next((r for r in self._rows if r.seq == seq), None)

    @property
    def more(self) -> bool:
        """Older entries exist beyond those loaded."""
        return self._more

    @property
    def loading(self) -> bool:
        return self._loading > 0

    @property
    def checking(self) -> bool:
        return self._checking > 0

    @property
    def busy(self) -> bool:
        return self.loading or self.checking

    def clear(self) -> None:
        """Forget what was loaded (a person logged out); late answers are dropped."""
        self._gen += 1
        self._rows = []
        self._more = False
        self.verdict = None
        self.sig_entries.emit([])

    # ------------------------------------------------------------------ loading

    def refresh(self, actor: Actor | None) -> Future:
        """Load the newest page for ``actor`` and check the chain.

        Entries come with ``sig_entries``, the verdict with ``sig_verdict``; someone without
        ``audit.view`` gets ``sig_refused`` (and no entries, no verdict)."""
        self.clear()
        fut = self._load(actor, None, None, append=False)
        self.verify(actor)
        return fut

    def load_older(self, actor: Actor | None,
                   match: Callable[[AuditRow], bool] | None = None) -> Future | None:
        """The next older page; with ``match`` (a pure function, run on the worker) pages on
        until :attr:`want_matches` more entries match or :attr:`max_scan` were read.
        None when nothing older exists."""
        if not self._rows or not self._more:
            return None
        return self._load(actor, self._rows[-1].seq, match, append=True)

    def _load(self, actor: Actor | None, before_seq: int | None,
              match: Callable[[AuditRow], bool] | None, *, append: bool) -> Future:
        gen = self._gen
        self._loading += 1
        return self._worker.submit(
            self._read, actor, before_seq, match, append,
            on_done=lambda page: self._loaded(gen, page),
            on_error=lambda exc: self._failed(gen, exc))

    def _read(self, actor: Actor | None, before_seq: int | None,
              match: Callable[[AuditRow], bool] | None, append: bool) -> AuditPage:
        n = self.page_size
        out: list[AuditRow] = []
        matched = 0
        with self._sf() as s:
            names: dict[str, str] | None = None
            while True:
                # one more than shown: the entry before the oldest shown, for its link
                batch = recent_entries(s, actor, self.station_id, limit=n + 1,
                                       before_seq=before_seq)
                if names is None:
                    names = _names(s)
                more = len(batch) > n
                shown = batch[:n]
                first_link = LINK_START
                if not more and shown and shown[-1].prev_hash != GENESIS_HASH:
                    pruned = pruned_through(s, self.station_id)
                    first_link = LINK_PRUNED if pruned else LINK_BROKEN
                for i, entry in enumerate(shown):
                    row = _row(entry, batch[i + 1] if i + 1 < len(batch) else None, names,
                               first_link)
                    out.append(row)
                    if match is not None and match(row):
                        matched += 1
                if (not more or match is None or matched >= self.want_matches
                        or len(out) >= self.max_scan):
                    return AuditPage(out, more, append)
                before_seq = shown[-1].seq

    def _loaded(self, gen: int, page: AuditPage) -> None:
        self._loading -= 1
        if gen != self._gen:
            return
        self._rows = (self._rows + page.rows) if page.append else list(page.rows)
        self._more = page.more
        self.sig_entries.emit(self.rows())

    def _failed(self, gen: int, exc: BaseException) -> None:
        self._loading -= 1
        if gen != self._gen:
            return
        if isinstance(exc, PermissionDenied):
            self.sig_refused.emit(str(exc))
            return
        log.error("audit trail not read", exc_info=exc)
        self.sig_error.emit(tr(CTX, "The audit trail could not be read from the station's "
                               "store (%1). Try again; if it stays, tell the administrator.",
                               exc))

    # ------------------------------------------------------------------ verdict

    def verify(self, actor: Actor | None) -> Future | None:
        """Check the whole chain and numbering (``verify_station``); ``sig_verdict`` with the
        result. A check already running is let finish and this one follows it."""
        gen = self._gen
        self.sig_verdict.emit(None)
        if self._check_running is not None:
            self._check_next = (gen, actor)
            return None
        return self._start_check(gen, actor)

    def _start_check(self, gen: int, actor: Actor | None) -> Future:
        self._checking += 1
        if self._verify_pool is None:  # on the DB worker (verify_on_worker=True)
            fut = self._worker.submit(self._check, actor,
                                      on_done=lambda v: self._checked(gen, v, None),
                                      on_error=lambda exc: self._checked(gen, None, exc))
        else:
            fut = self._verify_pool.submit(self._check, actor)
            fut.add_done_callback(lambda f: self._sig_check_done.emit(gen, f))
        self._check_running = fut
        return fut

    def _check(self, actor: Actor | None) -> ChainVerdict:
        # The entries' load audits a refusal; this check must not record it twice.
        require(actor, AUDIT_VIEW, where="AuditTrailService.verify", record=False)
        with self._sf() as s:  # one read transaction: the counter and the rows agree
            return ChainVerdict.of(verify_station(s, self.station_id))

    def _check_done(self, gen: int, fut: Future) -> None:
        exc = fut.exception()
        self._checked(gen, None if exc is not None else fut.result(), exc)

    def _checked(self, gen: int, verdict: ChainVerdict | None,
                 exc: BaseException | None) -> None:
        self._checking -= 1
        self._check_running = None
        follow, self._check_next = self._check_next, None
        if follow is not None and follow[0] == self._gen:
            self._start_check(*follow)  # a newer request: its answer is the one to show
            return
        if gen != self._gen:
            return
        if exc is None:
            self.verdict = verdict
            self.sig_verdict.emit(verdict)
        elif not isinstance(exc, PermissionDenied):  # refused: the entries' load says so
            log.error("audit trail not checked", exc_info=exc)
            self.sig_error.emit(tr(CTX, "The audit trail could not be checked (%1). Try again; "
                                   "if it stays, run `hmi audit verify` or tell the "
                                   "administrator.", exc))

    def shutdown(self) -> None:
        """Stop the check thread (a check under way is finished first)."""
        if self._verify_pool is not None:
            self._verify_pool.shutdown(wait=True, cancel_futures=True)

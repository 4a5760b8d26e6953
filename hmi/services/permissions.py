"""Permissions, the logged-in :class:`Actor`, and the check every service makes.

A permission is a dotted name (``order.start``). Roles (master data,
``hmi.store.security.Role``) list the permissions they grant; a person's
:class:`Actor` carries the union of their roles' permissions.

The check happens **inside the service** that does the work::

    class OrderService:
        @requires(ORDER_START)
        def start(self, actor: Actor, order_code: str) -> None: ...

Hiding or disabling a button is only a courtesy to the operator; a view that forgets
to do so still cannot start an order for someone without ``order.start``.

Every refusal is audited without the service doing anything: :func:`require` (and so
``@requires``) hands each :class:`PermissionDenied` to the process-wide *refusal
recorder* before raising it. The station sets the recorder at start-up
(:func:`set_refusal_recorder` with ``hmi.services.audit.RefusalAuditor``, which writes an
audit entry ``permission_refused`` on the database worker). A service that writes its own,
more specific refusal entry passes ``record=False`` so nothing is recorded twice.

:data:`DEFAULT_ROLES` is the permission matrix the project ships (the demo master data's
``[[roles]]`` and docs/audit.md hold exactly this table); a plant's own master data
replaces it (roles are versioned master data, docs/masterdata.md).

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import functools
import inspect
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP

from hmi.services.i18n import tr

log = logging.getLogger(__name__)

PRODUCTION_VIEW = "production.view"
ORDER_START = "order.start"
DOWNTIME_CLASSIFY = "downtime.classify"
DOWNTIME_RECLASSIFY = "downtime.reclassify"
INSPECTION_RECORD = "inspection.record"
INSPECTION_SIGN = "inspection.sign"
MAINTENANCE_LOG = "maintenance.log"
RECIPE_DOWNLOAD = "recipe.download"
RECIPE_APPROVE = "recipe.approve"
MASTERDATA_IMPORT = "masterdata.import"
USER_MANAGE = "user.manage"
AUDIT_VIEW = "audit.view"
ALARM_ACKNOWLEDGE = "alarm.acknowledge"
KIOSK_EXIT = "kiosk.exit"
TOOL_RESET = "tool.reset"
INSTRUCTION_SIGNOFF = "instruction.signoff"
SYNC_RESOLVE = "sync.resolve"

#: What each permission lets a person do, phrased to follow "may not …" / "to …".
PERMISSION_TEXT: dict[str, str] = {
    PRODUCTION_VIEW: QT_TRANSLATE_NOOP("permissions", "view production figures"),
    ORDER_START: QT_TRANSLATE_NOOP("permissions", "start an order"),
    DOWNTIME_CLASSIFY: QT_TRANSLATE_NOOP("permissions", "give a reason for a downtime"),
    DOWNTIME_RECLASSIFY: QT_TRANSLATE_NOOP("permissions", "change the reason of an already classified downtime"),
    INSPECTION_RECORD: QT_TRANSLATE_NOOP("permissions", "record inspection results"),
    INSPECTION_SIGN: QT_TRANSLATE_NOOP("permissions", "sign off inspection results"),
    MAINTENANCE_LOG: QT_TRANSLATE_NOOP("permissions", "log maintenance work"),
    RECIPE_DOWNLOAD: QT_TRANSLATE_NOOP("permissions", "download a recipe to the machine"),
    RECIPE_APPROVE: QT_TRANSLATE_NOOP("permissions", "approve a recipe"),
    MASTERDATA_IMPORT: QT_TRANSLATE_NOOP("permissions", "import master data"),
    USER_MANAGE: QT_TRANSLATE_NOOP("permissions", "manage users and PINs"),
    AUDIT_VIEW: QT_TRANSLATE_NOOP("permissions", "view the audit trail"),
    ALARM_ACKNOWLEDGE: QT_TRANSLATE_NOOP("permissions", "acknowledge alarms"),
    KIOSK_EXIT: QT_TRANSLATE_NOOP("permissions", "leave the station application"),
    TOOL_RESET: QT_TRANSLATE_NOOP("permissions", "reset a tool's life counter after maintenance"),
    INSTRUCTION_SIGNOFF: QT_TRANSLATE_NOOP("permissions", "sign off a work-instruction step"),
    SYNC_RESOLVE: QT_TRANSLATE_NOOP("permissions", "settle rows the central database refused (send again or mark resolved)"),
}

ALL_PERMISSIONS: frozenset[str] = frozenset(PERMISSION_TEXT)


@dataclass(frozen=True)
class RoleDefault:
    """One row of the shipped permission matrix."""

    code: str
    name: str
    permissions: frozenset[str]


_OPERATOR = frozenset({PRODUCTION_VIEW, ORDER_START, DOWNTIME_CLASSIFY, INSPECTION_RECORD,
                       RECIPE_DOWNLOAD, ALARM_ACKNOWLEDGE})

#: The shipped permission matrix (operator, team lead, maintenance, process engineer,
#: admin). Roles come from master data; this is what the demo master data (and a plant
#: that copies it) grants. A test keeps resources/masterdata/demo.toml and docs/audit.md
#: equal to this table.
DEFAULT_ROLES: tuple[RoleDefault, ...] = (
    RoleDefault("operator", "Operator", _OPERATOR),
    RoleDefault("team_lead", "Team lead", _OPERATOR | {
        DOWNTIME_RECLASSIFY, INSPECTION_SIGN, AUDIT_VIEW, INSTRUCTION_SIGNOFF}),
    RoleDefault("maintenance", "Maintenance technician", frozenset({
        PRODUCTION_VIEW, DOWNTIME_CLASSIFY, DOWNTIME_RECLASSIFY, MAINTENANCE_LOG,
        ALARM_ACKNOWLEDGE, TOOL_RESET})),
    RoleDefault("process_engineer", "Process engineer", frozenset({
        PRODUCTION_VIEW, RECIPE_DOWNLOAD, RECIPE_APPROVE, INSPECTION_SIGN, MASTERDATA_IMPORT,
        AUDIT_VIEW, ALARM_ACKNOWLEDGE})),
    RoleDefault("admin", "Administrator", ALL_PERMISSIONS),
)


def describe(permission: str) -> str:
    """Operator-facing text for ``permission`` (the name itself if it is unknown)."""
    text = PERMISSION_TEXT.get(permission)
    return tr("permissions", text) if text else tr("permissions", "use '%1'", permission)


@dataclass(frozen=True)
class Actor:
    """The person logged in at the station (or re-authenticated for a signature)."""

    badge: str
    name: str
    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = frozenset()
    #: UI language while this person is logged in (master data); None: the station's.
    language: str | None = None

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def label(self) -> str:
        """How the person is named in messages: ``Anna Berg (badge 1001)``."""
        return tr("permissions", "%1 (badge %2)", self.name, self.badge)


class PermissionDenied(Exception):
    """An action was refused because the person lacks a permission.

    ``operator_message`` (also ``str(exc)``) is meant for the screen.
    """

    def __init__(self, permission: str, actor: Actor | None, *, where: str = "") -> None:
        self.permission = permission
        self.actor = actor
        #: The service method (qualified name) that refused, for the audit trail.
        self.where = where
        if actor is None:
            message = tr("permissions", "Nobody is logged in. Log in with your badge to %1.",
                         describe(permission))
        else:
            message = tr("permissions", "%1 may not %2. Ask a team lead or an administrator.",
                         actor.label, describe(permission))
        self.operator_message = message
        super().__init__(message)


#: Called with every :class:`PermissionDenied` that :func:`require` raises.
RefusalRecorder = Callable[[PermissionDenied], None]
_refusal_recorder: RefusalRecorder | None = None


def set_refusal_recorder(recorder: RefusalRecorder | None) -> RefusalRecorder | None:
    """Install the process-wide refusal recorder (None: none); returns the previous one.

    The recorder must not block (submit the write to the database worker) and must not
    raise; if it does, the error is logged and the refusal is raised all the same.
    """
    global _refusal_recorder
    previous, _refusal_recorder = _refusal_recorder, recorder
    return previous


def refusal_recorder() -> RefusalRecorder | None:
    """The recorder :func:`set_refusal_recorder` installed, or None."""
    return _refusal_recorder


def _caller() -> str:
    try:
        frame = sys._getframe(2)  # require -> _caller: the frame that called require()
    except ValueError:  # pragma: no cover - no such frame
        return ""
    return getattr(frame.f_code, "co_qualname", frame.f_code.co_name)


def require(actor: Actor | None, permission: str, *, where: str = "",
            record: bool = True) -> Actor:
    """Return ``actor`` if they hold ``permission``; raise :class:`PermissionDenied` if not.

    A refusal is handed to the refusal recorder first (the audit trail), unless
    ``record`` is False — for a service that audits the refusal itself. ``where`` names
    the refusing service action (default: the calling function's qualified name).
    """
    if permission not in ALL_PERMISSIONS:
        # A typo here would make the check refuse everyone; say so loudly in the log.
        log.warning("permission check for unknown permission %r", permission)
    if actor is None or permission not in actor.permissions:
        where = where or _caller()
        log.info(
            "permission %s refused for %s in %s",
            permission,
            "nobody logged in" if actor is None else f"badge {actor.badge}",
            where or "?",
        )
        exc = PermissionDenied(permission, actor, where=where)
        recorder = _refusal_recorder
        if record and recorder is not None:
            try:
                recorder(exc)
            except Exception:  # noqa: BLE001 - the refusal itself must still happen
                log.exception("the refusal of %s could not be recorded", permission)
        raise exc
    return actor


F = TypeVar("F", bound=Callable[..., Any])


def requires(permission: str) -> Callable[[F], F]:
    """Decorate a service method ``(self, actor, ...)`` so it refuses actors lacking ``permission``.

    The check runs before the method body, for plain and ``async`` methods alike.
    ``actor`` may be passed positionally or by keyword.
    """

    def decorate(fn: F) -> F:
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(self, actor: Actor | None, *args, **kwargs):
                require(actor, permission, where=fn.__qualname__)
                return await fn(self, actor, *args, **kwargs)

            wrapper: Any = async_wrapper
        else:

            @functools.wraps(fn)
            def sync_wrapper(self, actor: Actor | None, *args, **kwargs):
                require(actor, permission, where=fn.__qualname__)
                return fn(self, actor, *args, **kwargs)

            wrapper = sync_wrapper
        wrapper.__required_permission__ = permission
        return wrapper

    return decorate

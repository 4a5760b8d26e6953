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

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

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
    PRODUCTION_VIEW: "view production figures",
    ORDER_START: "start an order",
    DOWNTIME_CLASSIFY: "give a reason for a downtime",
    DOWNTIME_RECLASSIFY: "change the reason of an already classified downtime",
    INSPECTION_RECORD: "record inspection results",
    INSPECTION_SIGN: "sign off inspection results",
    MAINTENANCE_LOG: "log maintenance work",
    RECIPE_DOWNLOAD: "download a recipe to the machine",
    RECIPE_APPROVE: "approve a recipe",
    MASTERDATA_IMPORT: "import master data",
    USER_MANAGE: "manage users and PINs",
    AUDIT_VIEW: "view the audit trail",
    ALARM_ACKNOWLEDGE: "acknowledge alarms",
    KIOSK_EXIT: "leave the station application",
    TOOL_RESET: "reset a tool's life counter after maintenance",
    INSTRUCTION_SIGNOFF: "sign off a work-instruction step",
    SYNC_RESOLVE: "settle rows the central database refused (send again or mark resolved)",
}

ALL_PERMISSIONS: frozenset[str] = frozenset(PERMISSION_TEXT)


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

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def label(self) -> str:
        """How the person is named in messages: ``Anna Berg (badge 1001)``."""
        return f"{self.name} (badge {self.badge})"


class PermissionDenied(Exception):
    """An action was refused because the person lacks a permission.

    ``operator_message`` (also ``str(exc)``) is meant for the screen.
    """

    def __init__(self, permission: str, actor: Actor | None) -> None:
        self.permission = permission
        self.actor = actor
        if actor is None:
            message = tr("permissions", "Nobody is logged in. Log in with your badge to %1.",
                         describe(permission))
        else:
            message = tr("permissions", "%1 may not %2. Ask a team lead or an administrator.",
                         actor.label, describe(permission))
        self.operator_message = message
        super().__init__(message)


def require(actor: Actor | None, permission: str) -> Actor:
    """Return ``actor`` if they hold ``permission``; raise :class:`PermissionDenied` if not."""
    if permission not in ALL_PERMISSIONS:
        # A typo here would make the check refuse everyone; say so loudly in the log.
        log.warning("permission check for unknown permission %r", permission)
    if actor is None or permission not in actor.permissions:
        log.info(
            "permission %s refused for %s",
            permission,
            "nobody logged in" if actor is None else f"badge {actor.badge}",
        )
        raise PermissionDenied(permission, actor)
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
                require(actor, permission)
                return await fn(self, actor, *args, **kwargs)

            wrapper: Any = async_wrapper
        else:

            @functools.wraps(fn)
            def sync_wrapper(self, actor: Actor | None, *args, **kwargs):
                require(actor, permission)
                return fn(self, actor, *args, **kwargs)

            wrapper = sync_wrapper
        wrapper.__required_permission__ = permission
        return wrapper

    return decorate

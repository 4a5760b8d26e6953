"""Helpers shared by the model modules, and the guard for master-data child rows.

Child rows of master data (BOM items, recipe parameters, shift definitions,
...) belong to exactly one version of their parent. Once that version is
released, the child rows are as immutable as the parent: the guard below
refuses to update, delete or add children of a released version. A change is a
new parent version carrying its own children.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import CheckConstraint, event
from sqlalchemy.orm import Session

from hmi.store.base import ImmutableRowError, MasterStatus


def one_of(column: str, values: Iterable[str], name: str | None = None) -> CheckConstraint:
    """A CHECK constraint limiting ``column`` to ``values`` (named for the convention)."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or f"{column}_allowed")


def _released_owner(obj: object):
    """The master-data row ``obj`` (a child row) belongs to, if that one is released."""
    owner = obj
    while (attr := getattr(type(owner), "__master_parent__", None)) is not None:
        owner = getattr(owner, attr)
        if owner is None:
            return None
    state = owner.__dict__.get("_sa_instance_state")
    status = owner.status
    if state is not None:
        hist = state.attrs.status.history
        if hist.deleted:
            status = hist.deleted[0]
        if state.key is None:  # a parent saved in this flush is still being built
            return None
    return owner if status == MasterStatus.RELEASED.value else None


@event.listens_for(Session, "before_flush")
def _guard_master_children(session: Session, flush_context, instances) -> None:
    with session.no_autoflush:
        for obj in list(session.deleted):
            if getattr(obj, "__versioned_master__", False):
                state = obj.__dict__["_sa_instance_state"]
                hist = state.attrs.status.history
                status = hist.deleted[0] if hist.deleted else obj.status
                if status == MasterStatus.RELEASED.value:
                    raise ImmutableRowError(
                        f"{type(obj).__name__} {obj.code} v{obj.version} is released and "
                        "cannot be deleted; retire it or make a new version"
                    )
        candidates = [
            o for o in (*session.new, *session.dirty, *session.deleted)
            if getattr(type(o), "__master_parent__", None) is not None
        ]
        for obj in candidates:
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            owner = _released_owner(obj)
            if owner is None:
                continue
            if obj in session.deleted and owner in session.deleted:
                continue  # reported above for the owner itself
            action = (
                "add to" if obj in session.new
                else "delete from" if obj in session.deleted
                else "change"
            )
            raise ImmutableRowError(
                f"cannot {action} {type(obj).__name__} of {type(owner).__name__} "
                f"{owner.code} v{owner.version}: that version is released and immutable; "
                "make a new version"
            )

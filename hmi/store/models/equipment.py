"""ISA-95 equipment hierarchy: enterprise > site > area > line > work cell/station > unit."""

from __future__ import annotations

import enum

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hmi.store.base import Base, MasterMixin
from hmi.store.models._common import one_of


class EquipmentLevel(enum.StrEnum):
    ENTERPRISE = "enterprise"
    SITE = "site"
    AREA = "area"
    LINE = "line"
    WORK_CENTER = "work_center"
    STATION = "station"
    UNIT = "unit"


#: Depth of each level; a child is always deeper than its parent.
LEVEL_DEPTH = {level.value: depth for depth, level in enumerate(EquipmentLevel)}


class Equipment(MasterMixin, Base):
    """One node of the equipment hierarchy (``code`` is its ISA-95 id)."""

    __tablename__ = "equipment"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        one_of("level", [lv.value for lv in EquipmentLevel]),
    )

    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    description: Mapped[str] = mapped_column(Text, default="")

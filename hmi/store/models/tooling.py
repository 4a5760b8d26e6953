"""Tools and fixtures (master data), tool lists per operation, tool life events.

A :class:`Tool` is one physical tool or fixture, identified by the code on its
label (scanned). Its life is counted in machine cycles (or shots): the cycles
made while it is mounted at a station. :class:`ToolEvent` records mounting,
unmounting, verification against the operation's :class:`ToolList`, and the
maintenance reset of the life counter (audited).
"""

from __future__ import annotations

import uuid

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hmi.store.base import Base, EventMixin, MasterMixin
from hmi.store.models._common import one_of


class Tool(MasterMixin, Base):
    """One physical tool or fixture (``code`` is what its label scans as)."""

    __tablename__ = "tool"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        one_of("life_unit", ["cycles", "shots"]),
        one_of("kind", ["tool", "fixture"]),
    )

    name: Mapped[str] = mapped_column(String(200))
    tool_type: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="tool")
    life_unit: Mapped[str] = mapped_column(String(8), default="cycles")
    # Cycles after which the tool must go to maintenance (None: no life limit).
    life_limit: Mapped[int | None] = mapped_column(Integer, default=None)
    # Warn from this many cycles on (None: 90 % of the limit).
    warn_at: Mapped[int | None] = mapped_column(Integer, default=None)
    # Parts counted per cycle (a 4-cavity mould makes 4 parts per shot).
    parts_per_cycle: Mapped[float] = mapped_column(Float, default=1.0)
    description: Mapped[str] = mapped_column(Text, default="")


class ToolList(MasterMixin, Base):
    """The tools and fixtures an operation needs (referenced by work-order operations)."""

    __tablename__ = "tool_list"
    __table_args__ = (UniqueConstraint("code", "version"),)

    name: Mapped[str] = mapped_column(String(200), default="")
    product_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)

    items: Mapped[list[ToolListItem]] = relationship(
        back_populates="tool_list", cascade="all, delete-orphan",
        order_by="ToolListItem.position", lazy="selectin",
    )


class ToolListItem(Base):
    __tablename__ = "tool_list_item"
    __table_args__ = (UniqueConstraint("tool_list_id", "tool_type"),)
    __master_parent__ = "tool_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tool_list_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tool_list.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    tool_type: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer, default=1)

    tool_list: Mapped[ToolList] = relationship(back_populates="items")


class ToolEvent(EventMixin, Base):
    """Something that happened to a tool at a station."""

    __tablename__ = "tool_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of(
            "kind",
            ["mounted", "unmounted", "verified", "refused", "cycles", "life_reset", "warned"],
        ),
    )

    tool_code: Mapped[str] = mapped_column(String(64), index=True)
    tool_version: Mapped[int | None] = mapped_column(Integer, default=None)
    kind: Mapped[str] = mapped_column(String(16))
    order_code: Mapped[str | None] = mapped_column(String(64), default=None)
    operation_sequence: Mapped[int | None] = mapped_column(Integer, default=None)
    # kind "cycles": cycles added; "life_reset": the count before the reset.
    cycles: Mapped[int | None] = mapped_column(Integer, default=None)
    reason: Mapped[str] = mapped_column(Text, default="")

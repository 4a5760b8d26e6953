"""Work order definitions (master data) and work order progress (events only)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hmi.store.base import Base, EventMixin, MasterMixin
from hmi.store.models._common import one_of


class WorkOrder(MasterMixin, Base):
    """A work order as planned (``code`` is the order number)."""

    __tablename__ = "work_order"
    __table_args__ = (UniqueConstraint("code", "version"),)

    product_code: Mapped[str] = mapped_column(String(64), index=True)
    product_version: Mapped[int | None] = mapped_column(Integer, default=None)
    bom_code: Mapped[str | None] = mapped_column(String(64), default=None)
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16), default="pcs")
    due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    priority: Mapped[int] = mapped_column(Integer, default=5)
    line_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    customer_ref: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    operations: Mapped[list[WorkOrderOperation]] = relationship(
        back_populates="work_order", cascade="all, delete-orphan",
        order_by="WorkOrderOperation.sequence", lazy="selectin",
    )


class WorkOrderOperation(Base):
    """One segment/operation of an order version, done at a station."""

    __tablename__ = "work_order_operation"
    __table_args__ = (UniqueConstraint("work_order_id", "sequence"),)
    __master_parent__ = "work_order"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    work_order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_order.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    station_code: Mapped[str | None] = mapped_column(String(64), default=None)
    line_code: Mapped[str | None] = mapped_column(String(64), default=None)
    work_instruction_code: Mapped[str | None] = mapped_column(String(64), default=None)
    recipe_code: Mapped[str | None] = mapped_column(String(64), default=None)
    inspection_plan_code: Mapped[str | None] = mapped_column(String(64), default=None)
    # Tools and fixtures this operation needs (a ToolList code).
    tool_list_code: Mapped[str | None] = mapped_column(String(64), default=None)
    ideal_cycle_time_s: Mapped[float | None] = mapped_column(Float, default=None)

    work_order: Mapped[WorkOrder] = relationship(back_populates="operations")


class WorkOrderEventKind(enum.StrEnum):
    RELEASED = "released"
    DISPATCHED = "dispatched"
    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    COMPLETED = "completed"
    ABORTED = "aborted"
    # A partial quantity reported by the operator (quantity_good / quantity_scrap).
    REPORTED = "reported"


class WorkOrderEvent(EventMixin, Base):
    """A step in an order's life at a station; the order's state is derived from these."""

    __tablename__ = "work_order_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("kind", [k.value for k in WorkOrderEventKind]),
    )

    order_code: Mapped[str] = mapped_column(String(64), index=True)
    order_version: Mapped[int] = mapped_column(Integer)
    operation_sequence: Mapped[int | None] = mapped_column(Integer, default=None)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200), default="")
    quantity_planned: Mapped[float | None] = mapped_column(Float, default=None)
    quantity_good: Mapped[float | None] = mapped_column(Float, default=None)
    quantity_scrap: Mapped[float | None] = mapped_column(Float, default=None)

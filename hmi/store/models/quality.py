"""Inspection plans (master data) and inspection results (events)."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hmi.store.base import Base, EventMixin, MasterMixin
from hmi.store.models._common import one_of


class InspectionPlan(MasterMixin, Base):
    """What to check on a product, how often, and within which limits."""

    __tablename__ = "inspection_plan"
    __table_args__ = (UniqueConstraint("code", "version"),)

    name: Mapped[str] = mapped_column(String(200))
    product_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)

    characteristics: Mapped[list[InspectionCharacteristic]] = relationship(
        back_populates="plan", cascade="all, delete-orphan",
        order_by="InspectionCharacteristic.position", lazy="selectin",
    )


class InspectionCharacteristic(Base):
    """A measured (variable) or judged (attribute) characteristic of a plan version."""

    __tablename__ = "inspection_characteristic"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        one_of("kind", ["variable", "attribute"]),
    )
    __master_parent__ = "plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("inspection_plan.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[float | None] = mapped_column(Float, default=None)
    lsl: Mapped[float | None] = mapped_column(Float, default=None)
    usl: Mapped[float | None] = mapped_column(Float, default=None)
    unit: Mapped[str] = mapped_column(String(16), default="")
    subgroup_size: Mapped[int] = mapped_column(Integer, default=1)
    # Inspect every N units and/or every N minutes (None: not by that measure).
    frequency_units: Mapped[int | None] = mapped_column(Integer, default=None)
    frequency_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    requires_signature: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[InspectionPlan] = relationship(back_populates="characteristics")


class InspectionResult(EventMixin, Base):
    """The values recorded for one characteristic (one subgroup) and the verdict."""

    __tablename__ = "inspection_result"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)

    plan_code: Mapped[str] = mapped_column(String(64), index=True)
    plan_version: Mapped[int] = mapped_column(Integer)
    characteristic_code: Mapped[str] = mapped_column(String(64), index=True)
    order_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    unit_serial: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    lot_code: Mapped[str | None] = mapped_column(String(64), default=None)
    # Measured values of the subgroup (variable) or [defect count] (attribute).
    values: Mapped[list] = mapped_column(default=list)
    passed: Mapped[bool] = mapped_column(Boolean)
    defect_code: Mapped[str | None] = mapped_column(String(64), default=None)
    comment: Mapped[str] = mapped_column(Text, default="")

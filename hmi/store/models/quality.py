"""Inspection plans and gauges (master data); inspection results, SPC limits and
nonconformance dispositions (events)."""

from __future__ import annotations

import datetime as dt
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
    # The operation (routing step name) this plan is for; None: any.
    operation: Mapped[str | None] = mapped_column(String(200), default=None)
    # Minutes a due inspection may wait before it is overdue (blocks starts, parts suspect).
    grace_minutes: Mapped[float] = mapped_column(Float, default=10.0)
    # A signer may not sign off an entry they made themselves.
    signer_must_differ: Mapped[bool] = mapped_column(Boolean, default=True)

    characteristics: Mapped[list[InspectionCharacteristic]] = relationship(
        back_populates="plan", cascade="all, delete-orphan",
        order_by="InspectionCharacteristic.position", lazy="selectin",
    )


class InspectionCharacteristic(Base):
    """A measured (variable) or judged (attribute) characteristic of a plan version."""

    __tablename__ = "inspection_characteristic"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        one_of("kind", ["variable", "attribute", "checklist"]),
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
    # Smallest step the gauge must resolve (e.g. 0.01); values finer are refused.
    resolution: Mapped[float | None] = mapped_column(Float, default=None)
    # Values outside these are impossible (a typing slip), not merely out of spec.
    physical_min: Mapped[float | None] = mapped_column(Float, default=None)
    physical_max: Mapped[float | None] = mapped_column(Float, default=None)
    # [{"trigger": "every_parts", "every": 50}, {"trigger": "first_piece"}, ...]
    # (hmi.services.inspection_due.Trigger); replaces frequency_units/minutes when set.
    frequencies: Mapped[list] = mapped_column(default=list)
    # Attribute characteristics: the defect codes an inspector may record.
    defect_codes: Mapped[list] = mapped_column(default=list)
    # SPC: chart ("xbar_r", "xbar_s", "imr", "p", "np", "c", "u"; None: no chart),
    # rule set ("nelson" or "western_electric") and reaction to a firing rule
    # ("note", "reinspect", "hold", "andon").
    chart: Mapped[str | None] = mapped_column(String(8), default=None)
    rule_set: Mapped[str] = mapped_column(String(20), default="nelson")
    reaction: Mapped[str] = mapped_column(String(16), default="note")
    # A gauge of this kind must be scanned for a measurement (None: no gauge needed).
    gauge_kind: Mapped[str | None] = mapped_column(String(64), default=None)

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
    operation_sequence: Mapped[int | None] = mapped_column(Integer, default=None)
    # The gauge used (scanned) and its calibration due date at the time.
    gauge_code: Mapped[str | None] = mapped_column(String(64), default=None)
    # Units this result covers (a partial-quantity inspection inspects fewer than made).
    quantity_inspected: Mapped[int | None] = mapped_column(Integer, default=None)
    # Why it was due (hmi.services.inspection_due.Trigger value), and SPC rules that fired
    # with it: [{"rule": 5, "points": [..], "text": ".."}].
    due_reason: Mapped[str | None] = mapped_column(String(20), default=None)
    rule_hits: Mapped[list] = mapped_column(default=list)
    # Defect counts of an attribute check: {"BURR": 2, "CRACK": 1}.
    defects: Mapped[dict] = mapped_column(default=dict)
    # A re-measurement names the result it re-measures in ``supersedes_id``; the old row stays.
    signature_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class Gauge(MasterMixin, Base):
    """A measuring instrument (``code`` is what its label scans as) and its calibration."""

    __tablename__ = "gauge"
    __table_args__ = (UniqueConstraint("code", "version"),)

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    resolution: Mapped[float | None] = mapped_column(Float, default=None)
    range_min: Mapped[float | None] = mapped_column(Float, default=None)
    range_max: Mapped[float | None] = mapped_column(Float, default=None)
    unit: Mapped[str] = mapped_column(String(16), default="")
    # Past this date the gauge may not be used until it is calibrated again.
    calibration_due: Mapped[dt.datetime | None] = mapped_column(default=None)


class SpcLimitsEvent(EventMixin, Base):
    """Control limits frozen for a characteristic from a chosen baseline (the newest event
    is in force; a recalculation is a new, audited event naming the one it replaces)."""

    __tablename__ = "spc_limits_event"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)

    plan_code: Mapped[str] = mapped_column(String(64), index=True)
    characteristic_code: Mapped[str] = mapped_column(String(64), index=True)
    chart: Mapped[str] = mapped_column(String(8))
    center: Mapped[float] = mapped_column(Float)
    ucl: Mapped[float] = mapped_column(Float)
    lcl: Mapped[float] = mapped_column(Float)
    # Second chart (R, S, MR) where the chart kind has one.
    center2: Mapped[float | None] = mapped_column(Float, default=None)
    ucl2: Mapped[float | None] = mapped_column(Float, default=None)
    lcl2: Mapped[float | None] = mapped_column(Float, default=None)
    sigma_within: Mapped[float | None] = mapped_column(Float, default=None)
    # The inspection results the baseline was computed from.
    baseline_ids: Mapped[list] = mapped_column(default=list)
    reason: Mapped[str] = mapped_column(Text, default="")


class DispositionEvent(EventMixin, Base):
    """What happens to nonconforming or suspect units: scrap, rework, use as is, return."""

    __tablename__ = "disposition_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("disposition", ["scrap", "rework", "use_as_is", "return_to_supplier"]),
        one_of("subject_kind", ["order", "lot", "serial", "inspection"]),
    )

    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_identifier: Mapped[str] = mapped_column(String(64), index=True)
    order_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    hold_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    disposition: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)
    defect_code: Mapped[str | None] = mapped_column(String(64), default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    signature_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

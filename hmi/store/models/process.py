"""Work instructions and recipes (master data); downloads, validations, deviations and
step completions (events)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hmi.store.base import Base, EventMixin, MasterMixin
from hmi.store.models._common import one_of


class WorkInstruction(MasterMixin, Base):
    """Step-by-step instructions for an operation (optionally for one product)."""

    __tablename__ = "work_instruction"
    __table_args__ = (UniqueConstraint("code", "version"),)

    name: Mapped[str] = mapped_column(String(200))
    product_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    # The operation (routing step name) this instruction is for; None: any operation.
    operation: Mapped[str | None] = mapped_column(String(200), default=None)

    steps: Mapped[list[WorkInstructionStep]] = relationship(
        back_populates="instruction", cascade="all, delete-orphan",
        order_by="WorkInstructionStep.position", lazy="selectin",
    )


class WorkInstructionStep(Base):
    """One step of an instruction version; may ask for a confirmation or a value."""

    __tablename__ = "work_instruction_step"
    __table_args__ = (
        UniqueConstraint("instruction_id", "position"),
        one_of("input_kind", ["none", "number", "text", "scan", "reading"]),
    )
    __master_parent__ = "instruction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instruction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_instruction.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    media_ref: Mapped[str | None] = mapped_column(String(500), default=None)
    requires_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    input_kind: Mapped[str] = mapped_column(String(8), default="none")
    input_label: Mapped[str] = mapped_column(String(200), default="")
    input_unit: Mapped[str] = mapped_column(String(16), default="")
    input_min: Mapped[float | None] = mapped_column(Float, default=None)
    input_max: Mapped[float | None] = mapped_column(Float, default=None)
    # Rich text: ``text`` is Markdown (Qt's CommonMark subset); a safety warning is
    # shown above it in the warning style.
    warning: Mapped[str] = mapped_column(Text, default="")
    # Page of a PDF ``media_ref`` to show (1-based); None: the first page.
    media_page: Mapped[int | None] = mapped_column(Integer, default=None)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    # A team lead must sign the step off (e-signature) before it counts as done.
    requires_signoff: Mapped[bool] = mapped_column(Boolean, default=False)
    # input_kind "scan": what the scan must be — "component" (a material of the
    # order's BOM; expected_code narrows it to one) or "tool" (a tool of the
    # operation's tool list; expected_code = tool type).
    scan_kind: Mapped[str | None] = mapped_column(String(16), default=None)
    expected_code: Mapped[str | None] = mapped_column(String(64), default=None)
    # input_kind "reading": the station tag whose live value is taken (limits above).
    reading_tag: Mapped[str | None] = mapped_column(String(100), default=None)
    # Tool types this step needs at hand (shown on the step).
    required_tools: Mapped[list] = mapped_column(default=list)

    instruction: Mapped[WorkInstruction] = relationship(back_populates="steps")


class Recipe(MasterMixin, Base):
    """Machine parameters for a product at a piece of equipment."""

    __tablename__ = "recipe"
    __table_args__ = (UniqueConstraint("code", "version"),)

    name: Mapped[str] = mapped_column(String(200))
    product_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    equipment_code: Mapped[str | None] = mapped_column(String(64), default=None)
    # A released recipe that needs a second person's approval before download.
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # Machine type the parameters fit (e.g. "PRESS-200T"); None: any.
    machine_type: Mapped[str | None] = mapped_column(String(64), default=None)

    parameters: Mapped[list[RecipeParameter]] = relationship(
        back_populates="recipe", cascade="all, delete-orphan",
        order_by="RecipeParameter.position", lazy="selectin",
    )


class RecipeParameter(Base):
    """One parameter of a recipe version: what is written to which device tag."""

    __tablename__ = "recipe_parameter"
    __table_args__ = (
        UniqueConstraint("recipe_id", "name"),
        one_of("data_type", ["real", "int", "bool"]),
    )
    __master_parent__ = "recipe"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipe_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("recipe.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    tag: Mapped[str] = mapped_column(String(300))
    data_type: Mapped[str] = mapped_column(String(8), default="real")
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16), default="")
    min_value: Mapped[float | None] = mapped_column(Float, default=None)
    max_value: Mapped[float | None] = mapped_column(Float, default=None)
    # Allowed |actual - setpoint| while running before a deviation is flagged
    # (None: the parameter is not watched).
    tolerance: Mapped[float | None] = mapped_column(Float, default=None)
    # Station tag whose live value is the parameter's actual value, when it differs
    # from the setpoint tag (e.g. a temperature setpoint vs. the measured temperature).
    actual_tag: Mapped[str | None] = mapped_column(String(300), default=None)

    recipe: Mapped[Recipe] = relationship(back_populates="parameters")


class RecipeDownloadEvent(EventMixin, Base):
    """A recipe was written to a device, and what reading it back showed."""

    __tablename__ = "recipe_download_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("result", ["ok", "failed", "verify_mismatch", "cancelled", "refused"]),
    )

    recipe_code: Mapped[str] = mapped_column(String(64), index=True)
    recipe_version: Mapped[int] = mapped_column(Integer)
    equipment_code: Mapped[str | None] = mapped_column(String(64), default=None)
    # indexed: a unit's birth record looks its order's recipe up (genealogy)
    order_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    result: Mapped[str] = mapped_column(String(16))
    # {parameter name: value read back from the device}
    verified_values: Mapped[dict] = mapped_column(default=dict)
    message: Mapped[str] = mapped_column(Text, default="")
    # {parameter name: value written}; [{parameter, expected, read_back, reason}]
    written_values: Mapped[dict | None] = mapped_column(default=None)
    mismatches: Mapped[list | None] = mapped_column(default=None)
    operation_sequence: Mapped[int | None] = mapped_column(Integer, default=None)


class RecipeValidationEvent(EventMixin, Base):
    """The operator checked a downloaded recipe (setpoint vs read-back) on screen."""

    __tablename__ = "recipe_validation_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("result", ["validated", "rejected"]),
    )

    recipe_code: Mapped[str] = mapped_column(String(64), index=True)
    recipe_version: Mapped[int] = mapped_column(Integer)
    order_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    operation_sequence: Mapped[int | None] = mapped_column(Integer, default=None)
    download_event_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    result: Mapped[str] = mapped_column(String(16))
    # [{parameter, setpoint, read_back, unit, ok}] as shown to the operator
    checklist: Mapped[list] = mapped_column(default=list)
    comment: Mapped[str] = mapped_column(Text, default="")


class RecipeDeviationEvent(EventMixin, Base):
    """A running value left (``started``) or came back within (``ended``) its tolerance."""

    __tablename__ = "recipe_deviation_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("kind", ["started", "ended"]),
    )

    recipe_code: Mapped[str] = mapped_column(String(64), index=True)
    recipe_version: Mapped[int] = mapped_column(Integer)
    order_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    parameter: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    setpoint: Mapped[float] = mapped_column(Float)
    actual: Mapped[float | None] = mapped_column(Float, default=None)
    tolerance: Mapped[float | None] = mapped_column(Float, default=None)
    source_ts: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The deviation's ``started`` event (on ``ended``).
    started_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class StepCompletionEvent(EventMixin, Base):
    """A work-instruction step done (or skipped) for an order: who, when, what value."""

    __tablename__ = "step_completion_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("result", ["done", "skipped", "refused"]),
    )

    order_code: Mapped[str] = mapped_column(String(64), index=True)
    order_version: Mapped[int | None] = mapped_column(Integer, default=None)
    operation_sequence: Mapped[int | None] = mapped_column(Integer, default=None)
    instruction_code: Mapped[str] = mapped_column(String(64))
    instruction_version: Mapped[int] = mapped_column(Integer)
    step_position: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(16))
    value_text: Mapped[str | None] = mapped_column(Text, default=None)
    value_number: Mapped[float | None] = mapped_column(Float, default=None)
    # Why a scan or value was refused, or why an optional step was skipped.
    reason: Mapped[str] = mapped_column(Text, default="")
    signoff_signature_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    signoff_badge: Mapped[str | None] = mapped_column(String(64), default=None)

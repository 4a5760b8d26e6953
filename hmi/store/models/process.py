"""Work instructions and recipes (master data), recipe downloads (events)."""

from __future__ import annotations

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

    steps: Mapped[list[WorkInstructionStep]] = relationship(
        back_populates="instruction", cascade="all, delete-orphan",
        order_by="WorkInstructionStep.position", lazy="selectin",
    )


class WorkInstructionStep(Base):
    """One step of an instruction version; may ask for a confirmation or a value."""

    __tablename__ = "work_instruction_step"
    __table_args__ = (
        UniqueConstraint("instruction_id", "position"),
        one_of("input_kind", ["none", "number", "text", "scan"]),
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

    recipe: Mapped[Recipe] = relationship(back_populates="parameters")


class RecipeDownloadEvent(EventMixin, Base):
    """A recipe was written to a device, and what reading it back showed."""

    __tablename__ = "recipe_download_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("result", ["ok", "failed", "verify_mismatch", "cancelled"]),
    )

    recipe_code: Mapped[str] = mapped_column(String(64), index=True)
    recipe_version: Mapped[int] = mapped_column(Integer)
    equipment_code: Mapped[str | None] = mapped_column(String(64), default=None)
    order_code: Mapped[str | None] = mapped_column(String(64), default=None)
    result: Mapped[str] = mapped_column(String(16))
    # {parameter name: value read back from the device}
    verified_values: Mapped[dict] = mapped_column(default=dict)
    message: Mapped[str] = mapped_column(Text, default="")

"""Material definitions, products and bills of material (master data), and the
material lots, loads, consumption, produced units, genealogy and holds recorded
at a station (events)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hmi.store.base import Base, EventMixin, MasterMixin
from hmi.store.models._common import one_of


class MaterialKind(enum.StrEnum):
    RAW = "raw"
    COMPONENT = "component"
    SUBASSEMBLY = "subassembly"
    PACKAGING = "packaging"
    CONSUMABLE = "consumable"


class Tracking(enum.StrEnum):
    """How produced items are identified."""

    SERIAL = "serial"
    LOT = "lot"
    NONE = "none"


class MaterialDefinition(MasterMixin, Base):
    """A material the station consumes (ISA-95 material definition)."""

    __tablename__ = "material_definition"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        one_of("kind", [k.value for k in MaterialKind]),
    )

    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default=MaterialKind.COMPONENT.value)
    lot_controlled: Mapped[bool] = mapped_column(Boolean, default=True)
    shelf_life_days: Mapped[int | None] = mapped_column(Integer, default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    # The GTIN on the supplier's GS1 label identifies the material when a lot is scanned.
    gtin: Mapped[str | None] = mapped_column(String(14), index=True, default=None)
    # Below this much left in a loaded lot (in the material's unit) the station warns.
    low_level: Mapped[float | None] = mapped_column(Float, default=None)
    # "unit": booked per produced unit from the BOM; "lot": a scanned lot is used up whole
    # (a grease cartridge, a bag) and goes into every unit made until the next lot.
    consumed_per: Mapped[str] = mapped_column(String(8), default="unit", server_default="unit")


class Product(MasterMixin, Base):
    """A material the station produces, with its ideal cycle time for OEE."""

    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        one_of("tracking", [t.value for t in Tracking]),
        CheckConstraint("ideal_cycle_time_s > 0", name="cycle_time_positive"),
    )

    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16), default="pcs")
    ideal_cycle_time_s: Mapped[float] = mapped_column(Float)
    tracking: Mapped[str] = mapped_column(String(8), default=Tracking.SERIAL.value)
    gtin: Mapped[str | None] = mapped_column(String(14), default=None)
    description: Mapped[str] = mapped_column(Text, default="")


class Bom(MasterMixin, Base):
    """Bill of materials for a product; items belong to this version."""

    __tablename__ = "bom"
    __table_args__ = (UniqueConstraint("code", "version"),)

    product_code: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Item quantities are per this many units of product.
    base_quantity: Mapped[float] = mapped_column(Float, default=1.0)

    items: Mapped[list[BomItem]] = relationship(
        back_populates="bom", cascade="all, delete-orphan", order_by="BomItem.position",
        lazy="selectin",
    )


class BomItem(Base):
    """One line of a BOM version (immutable with it)."""

    __tablename__ = "bom_item"
    __table_args__ = (UniqueConstraint("bom_id", "position"),)
    __master_parent__ = "bom"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bom_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bom.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    material_code: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))

    bom: Mapped[Bom] = relationship(back_populates="items")


# --------------------------------------------------------------------------- events


class MaterialLot(EventMixin, Base):
    """A lot became known at the station (received, labelled or produced)."""

    __tablename__ = "material_lot"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("origin", ["received", "produced", "split", "adjusted"]),
    )

    lot_code: Mapped[str] = mapped_column(String(64), index=True)
    material_code: Mapped[str] = mapped_column(String(64), index=True)
    origin: Mapped[str] = mapped_column(String(16), default="received")
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    supplier: Mapped[str | None] = mapped_column(String(200), default=None)
    supplier_lot: Mapped[str | None] = mapped_column(String(64), default=None)
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    parent_lot_code: Mapped[str | None] = mapped_column(String(64), default=None)
    order_code: Mapped[str | None] = mapped_column(String(64), default=None)


class MaterialLoadEvent(EventMixin, Base):
    """A lot was loaded onto (or unloaded from) a feeder/slot of the station."""

    __tablename__ = "material_load_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("kind", ["loaded", "unloaded"]),
    )

    kind: Mapped[str] = mapped_column(String(16))
    lot_code: Mapped[str] = mapped_column(String(64), index=True)
    material_code: Mapped[str] = mapped_column(String(64))
    equipment_code: Mapped[str] = mapped_column(String(64))
    slot: Mapped[str | None] = mapped_column(String(32), default=None)
    order_code: Mapped[str | None] = mapped_column(String(64), default=None)
    quantity: Mapped[float | None] = mapped_column(Float, default=None)


class MaterialConsumptionEvent(EventMixin, Base):
    """Quantity of a lot used up for an order (and possibly one produced unit)."""

    __tablename__ = "material_consumption_event"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)

    lot_code: Mapped[str] = mapped_column(String(64), index=True)
    material_code: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    order_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    order_version: Mapped[int | None] = mapped_column(Integer, default=None)
    operation_sequence: Mapped[int | None] = mapped_column(Integer, default=None)
    unit_serial: Mapped[str | None] = mapped_column(String(64), default=None)


class ProducedUnit(EventMixin, Base):
    """A serial-numbered unit or a lot of product came off the station."""

    __tablename__ = "produced_unit"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("kind", ["serial", "lot"]),
        one_of("disposition", ["good", "scrap", "rework"]),
    )

    kind: Mapped[str] = mapped_column(String(8))
    identifier: Mapped[str] = mapped_column(String(64), index=True)
    product_code: Mapped[str] = mapped_column(String(64))
    product_version: Mapped[int | None] = mapped_column(Integer, default=None)
    order_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    order_version: Mapped[int | None] = mapped_column(Integer, default=None)
    quantity: Mapped[float] = mapped_column(Float, default=1.0)
    unit: Mapped[str] = mapped_column(String(16), default="pcs")
    disposition: Mapped[str] = mapped_column(String(8), default="good")
    scrap_reason: Mapped[str | None] = mapped_column(String(64), default=None)


class GenealogyLink(EventMixin, Base):
    """``parent`` (a produced unit or lot) contains ``child`` (a consumed lot or unit)."""

    __tablename__ = "genealogy_link"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("parent_kind", ["serial", "lot"]),
        one_of("child_kind", ["serial", "lot"]),
        # the forward trace asks "was this link corrected?" — almost never: a tiny index
        Index("ix_genealogy_link_supersedes_id", "supersedes_id",
              sqlite_where=text("supersedes_id IS NOT NULL"),
              postgresql_where=text("supersedes_id IS NOT NULL")),
    )

    parent_kind: Mapped[str] = mapped_column(String(8))
    parent_identifier: Mapped[str] = mapped_column(String(64), index=True)
    child_kind: Mapped[str] = mapped_column(String(8))
    child_identifier: Mapped[str] = mapped_column(String(64), index=True)
    child_material_code: Mapped[str | None] = mapped_column(String(64), default=None)
    quantity: Mapped[float | None] = mapped_column(Float, default=None)
    order_code: Mapped[str | None] = mapped_column(String(64), default=None)


class HoldEvent(EventMixin, Base):
    """A lot, unit or order was put on hold or released from it."""

    __tablename__ = "hold_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("kind", ["placed", "released"]),
        one_of("subject_kind", ["lot", "serial", "order"]),
    )

    hold_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject_kind: Mapped[str] = mapped_column(String(8))
    subject_identifier: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    order_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    # Releasing a hold is signed by a team lead.
    signature_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

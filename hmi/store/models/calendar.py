"""Shift calendars (master data): shifts and breaks are child rows of a version."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hmi.store.base import Base, MasterMixin


class ShiftCalendar(MasterMixin, Base):
    """Shifts of a line or site in one IANA time zone."""

    __tablename__ = "shift_calendar"
    __table_args__ = (UniqueConstraint("code", "version"),)

    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    equipment_code: Mapped[str | None] = mapped_column(String(64), default=None)

    shifts: Mapped[list[ShiftDefinition]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan",
        order_by="ShiftDefinition.position", lazy="selectin",
    )


class ShiftDefinition(Base):
    """A shift: local start/end ("HH:MM"; end <= start crosses midnight) on weekdays.

    ``weekdays`` lists ISO weekday numbers (1 = Monday) on which the shift
    *starts*.
    """

    __tablename__ = "shift_definition"
    __table_args__ = (UniqueConstraint("calendar_id", "name"),)
    __master_parent__ = "calendar"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    calendar_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shift_calendar.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))
    weekdays: Mapped[list] = mapped_column(default=list)

    calendar: Mapped[ShiftCalendar] = relationship(back_populates="shifts")
    breaks: Mapped[list[ShiftBreak]] = relationship(
        back_populates="shift", cascade="all, delete-orphan",
        order_by="ShiftBreak.position", lazy="selectin",
    )


class ShiftBreak(Base):
    """A break inside a shift (local "HH:MM" times); planned breaks are not downtime."""

    __tablename__ = "shift_break"
    __table_args__ = (UniqueConstraint("shift_id", "position"),)
    __master_parent__ = "shift"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shift_id: Mapped[int] = mapped_column(
        ForeignKey("shift_definition.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64), default="Break")
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))
    planned: Mapped[bool] = mapped_column(Boolean, default=True)

    shift: Mapped[ShiftDefinition] = relationship(back_populates="breaks")

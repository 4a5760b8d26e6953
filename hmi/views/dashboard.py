"""KPI dashboard for the running shift: readable from 3 m.

OEE and its three factors as huge numbers, then scrap rate, throughput, MTBF,
MTTR and first-pass yield (from the station's inspections), the loss
waterfall of the shift so far and its hourly output. Everything comes from
one :class:`~hmi.services.shiftkpi.ShiftKpis` (the pure KPI arithmetic); the
view only formats.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.widgets.bignumber import BigNumber
from hmi.widgets.charts import LossWaterfall
from hmi.widgets.hourly import HourlyBars
from hmi.widgets.tiles import ShrinkLabel


def pct(value: float | None) -> str | None:
    return None if value is None else f"{value * 100:.1f}"


def oee_severity(value: float | None) -> str:
    """World class ≥ 85 %; below 60 % is a warning (Nakajima's figures, docs/kpi.md)."""
    if value is None:
        return "normal"
    return "warning" if value < 0.60 else "normal"


def hours_minutes(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    m = int(round(seconds / 60))
    return f"{m // 60}:{m % 60:02d}"


#: Waterfall steps outside planned production time are drawn as planned (blue), not as losses.
_PLANNED_KEYS = ("unscheduled", "breaks", "setup")


def waterfall_step(step: Any) -> tuple[str, float, str]:
    """A kpi.WaterfallStep as the LossWaterfall widget takes it (a gain is a negative loss)."""
    if step.kind == "total":
        return step.label, step.seconds, "total"
    if step.kind == "gain":
        return step.label, -step.seconds, "loss"
    return step.label, -step.seconds, "planned" if step.key in _PLANNED_KEYS else "loss"


class DashboardView(QWidget):
    def __init__(self, kpis: Any, timezone: str, parent: QWidget | None = None, *,
                 fpy: Any = None) -> None:
        """``fpy(start, end, on_done)`` delivers first-pass yield (hmi.services.fpy.FpyResult)
        of the inspections in a window (None: no quality module, the slot says so)."""
        super().__init__(parent)
        self.setObjectName("screen")
        self._fpy_loader = fpy
        self._tz = zoneinfo.ZoneInfo(timezone)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(8)
        top = QHBoxLayout()
        heading = QVBoxLayout()
        heading.setSpacing(0)
        self.title = ShrinkLabel(self.tr("Shift KPIs"), self)
        self.title.setObjectName("screenTitle")
        heading.addWidget(self.title)
        # The window under the title: it may be long, the range buttons must stay whole.
        self.window_label = ShrinkLabel("", self)
        self.window_label.setObjectName("hint")
        heading.addWidget(self.window_label)
        top.addLayout(heading, 1)
        self._kpis = kpis
        self._range = "shift"
        self._ranges = QButtonGroup(self)
        self.range_buttons: dict[str, QPushButton] = {}
        for key, text in (("shift", self.tr("Shift")), ("today", self.tr("Today")),
                          ("yesterday", self.tr("Yesterday")), ("week", self.tr("7 days"))):
            b = QPushButton(text, self)
            b.setCheckable(True)
            b.setMinimumHeight(64)
            b.setStyleSheet("min-height: 64px; font-size: 18px; padding: 0 10px;")
            b.clicked.connect(lambda _=False, k=key: self.set_range(k))
            self._ranges.addButton(b)
            self.range_buttons[key] = b
            top.addWidget(b)
        self.range_buttons["shift"].setChecked(True)
        lay.addLayout(top)
        self.warning = QLabel("", self)
        self.warning.setObjectName("message")
        self.warning.setWordWrap(True)
        self.warning.setProperty("severity", "warning")
        self.warning.hide()
        lay.addWidget(self.warning)

        big = QGridLayout()
        big.setSpacing(10)
        self.oee = BigNumber(self.tr("OEE"), "%", self)
        self.availability = BigNumber(self.tr("Availability"), "%", self)
        self.performance = BigNumber(self.tr("Performance"), "%", self)
        self.quality = BigNumber(self.tr("Quality"), "%", self)
        for i, w in enumerate((self.oee, self.availability, self.performance, self.quality)):
            w.setMinimumHeight(150)
            big.addWidget(w, 0, i)
        self.good = BigNumber(self.tr("Good parts"), "", self)
        self.scrap_rate = BigNumber(self.tr("Scrap rate"), "%", self)
        self.throughput = BigNumber(self.tr("Throughput"), self.tr("good/h"), self)
        self.mtbf = BigNumber(self.tr("MTBF"), "h:mm", self)
        self.mttr = BigNumber(self.tr("MTTR"), "h:mm", self)
        self.fpy = BigNumber(self.tr("First-pass yield"), "%", self)
        small = QGridLayout()
        small.setSpacing(8)
        for i, w in enumerate((self.good, self.scrap_rate, self.throughput, self.mtbf, self.mttr,
                               self.fpy)):
            w.setMinimumHeight(110)
            w.value.setStyleSheet("font-size: 44px;")
            small.addWidget(w, 0, i)
        lay.addLayout(big)
        lay.addLayout(small)
        charts = QHBoxLayout()
        self.waterfall = LossWaterfall(self)
        self.waterfall.setMinimumHeight(220)
        self.hourly = HourlyBars(timezone, self)
        self.hourly.setMinimumHeight(220)
        charts.addWidget(self.waterfall, 2)
        charts.addWidget(self.hourly, 1)
        lay.addLayout(charts, 1)
        kpis.sig_kpis_changed.connect(self._live_kpis)
        if getattr(kpis, "last", None) is not None:
            self.show_kpis(kpis.last)

    def _live_kpis(self, k: Any) -> None:
        if self._range == "shift":
            self.show_kpis(k)

    def set_range(self, key: str) -> None:
        """Shift (live), or a stored range: today, yesterday, the last 7 days."""
        from hmi.services import shiftcal

        self._range = key
        self.range_buttons[key].setChecked(True)
        if key == "shift":
            if self._kpis.last is not None:
                self.show_kpis(self._kpis.last)
            return
        now = self._kpis.last.now if self._kpis.last else dt.datetime.now(dt.UTC)
        today = now.astimezone(self._tz).date()
        one = dt.timedelta(days=1)
        if key == "today":
            window, label = shiftcal.day_interval(today, self._tz), self.tr("Today")
        elif key == "yesterday":
            window, label = shiftcal.day_interval(today - one, self._tz), self.tr("Yesterday")
        else:
            from hmi.services.timeline import Interval

            window = Interval(shiftcal.day_interval(today - 6 * one, self._tz).start,
                              shiftcal.day_interval(today, self._tz).end)
            label = self.tr("Last 7 days")
        self.window_label.setText(self.tr("Loading…"))
        self._kpis.range_kpis(window, label, lambda k: self._range == key and self.show_kpis(k))

    def show_kpis(self, k: Any) -> None:
        r = k.oee
        local_start, local_end = k.window.start.astimezone(self._tz), k.window.end.astimezone(self._tz)
        if k.window.seconds > 26 * 3600:  # several days: dates, not times
            start, end = f"{local_start:%d.%m.}", f"{local_end - dt.timedelta(seconds=1):%d.%m.}"
        else:
            start, end = f"{local_start:%a %H:%M}", f"{local_end:%H:%M}"
        self.title.setText(self.tr("KPIs · %1").replace("%1", k.shift_name))
        self.window_label.setText(self.tr("%1–%2 · so far %3 h:mm planned production")
                                  .replace("%1", start).replace("%2", end)
                                  .replace("%3", hours_minutes(r.planned_production_s) or "0:00"))
        no_ideal = self.tr("no ideal cycle time") if not k.ideal_cycle_s else ""
        self.oee.set_value(pct(r.oee), severity=oee_severity(r.oee), note=no_ideal)
        self.availability.set_value(pct(r.availability),
                                    note=self.tr("%1 h:mm unplanned stops").replace(
                                        "%1", hours_minutes(r.unplanned_stop_s) or "0:00"))
        perf_note = ""
        if r.performance_exceeded:
            perf_note = self.tr("over 100 %: check the ideal cycle time")
        elif k.ideal_cycle_s:
            perf_note = self.tr("ideal %1 s per part").replace("%1", f"{k.ideal_cycle_s:g}")
        self.performance.set_value(pct(r.performance),
                                   severity="alarm" if r.performance_exceeded else "normal",
                                   note=perf_note or no_ideal)
        self.quality.set_value(pct(r.quality), note=self.tr("%1 scrap").replace("%1", str(r.scrap)))
        self.good.set_value(f"{r.good:,}".replace(",", "\u2009"))
        self.scrap_rate.set_value(pct(r.scrap_rate))
        self.throughput.set_value(None if r.good_per_run_hour is None
                                  else f"{r.good_per_run_hour:.0f}",
                                  note=self.tr("per hour of run time"))
        self.mtbf.set_value(hours_minutes(r.mtbf_s),
                            note=self.tr("%1 failure(s)").replace("%1", str(r.failures)))
        self.mttr.set_value(hours_minutes(r.mttr_s))
        self._load_fpy(k)
        warnings = list(r.warnings)
        self.warning.setText("\n".join(warnings))
        self.warning.setVisible(bool(warnings))
        # Losses of zero are left out: fewer, readable bars (the totals still add up).
        self.waterfall.set_steps([waterfall_step(step) for step in r.waterfall
                                  if step.kind == "total" or abs(step.seconds) >= 1.0])
        self.hourly.set_hours([(h.timestamp(), g, s) for h, g, s in k.hourly],
                              target_per_hour=(3600 / k.ideal_cycle_s) if k.ideal_cycle_s else None)

    def _load_fpy(self, k: Any) -> None:
        if self._fpy_loader is None:
            self.fpy.set_value(None, note=self.tr("no quality module"))
            return
        rng = self._range
        end = None if rng == "shift" else k.window.end
        self._fpy_loader(k.window.start, end, lambda r: self._range == rng and self.show_fpy(r))

    def show_fpy(self, r: Any) -> None:
        """First-pass yield: passed first time ÷ inspected (units), with its base."""
        if not r.inspected:
            self.fpy.set_value(None, note=self.tr("nothing inspected yet"))
            return
        note = self.tr("%1 of %2 inspected").replace("%1", str(r.first_pass)) \
            .replace("%2", str(r.inspected))
        if r.reworked:
            note += self.tr(" · %1 reworked").replace("%1", str(r.reworked))
        # Below 95 % first-pass is worth a look: rework and re-inspection cost capacity.
        self.fpy.set_value(f"{r.percent:.1f}", note=note,
                           severity="warning" if r.percent < 95.0 else "normal")

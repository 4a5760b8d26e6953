"""Turning a MachineSnapshot into what tiles show (text, severity, stale, note).

One place decides how a machine value is presented, so every screen marks a
stale value the same way and no screen shows an old value as current.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from hmi.services.production import STATE_SEVERITY, MachineSnapshot


def tr(text: str) -> str:
    return QCoreApplication.translate("presenters", text)


def state_label(state: str | None) -> str:
    labels = {
        "running": tr("RUNNING"),
        "idle": tr("IDLE"),
        "starved": tr("STARVED"),
        "blocked": tr("BLOCKED"),
        "changeover": tr("CHANGEOVER"),
        "faulted": tr("FAULTED"),
        "stopped": tr("STOPPED"),
        "unknown": tr("UNKNOWN STATE"),
    }
    return labels.get(state or "", tr("NO DATA"))


def duration_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def link_text(snap: MachineSnapshot) -> tuple[str, str]:
    """Header text and severity for the machine link."""
    if snap.connected:
        return tr("Link OK"), "normal"
    if snap.connection in ("reconnecting", "connecting") and snap.values:
        return tr("Link lost – reconnecting"), "alarm"
    if snap.connection == "connecting" or not snap.values:
        return tr("Connecting to machine…"), "warning"
    return tr("Machine link down"), "alarm"


@dataclass(frozen=True)
class Shown:
    text: str
    severity: str = "normal"
    stale: bool = False
    note: str = ""


def stale_note(snap: MachineSnapshot, tag: str, tz: dt.tzinfo) -> str:
    v = snap.values.get(tag)
    if v is None:
        return tr("no value received yet")
    when = v.source_ts.astimezone(tz).strftime("%H:%M:%S")
    if not snap.connected:
        return tr("STALE · value of %1").replace("%1", when)
    return tr("STALE · %1 · %2").replace("%1", v.quality.upper()).replace("%2", when)


def machine_state(snap: MachineSnapshot, now: dt.datetime, tz: dt.tzinfo) -> Shown:
    if snap.state is None:
        return Shown(tr("NO DATA"), "normal", True, stale_note(snap, "state", tz))
    current = snap.is_current("state")
    since = ""
    if snap.state_since is not None:
        since = tr("for %1").replace("%1", duration_text((now - snap.state_since).total_seconds()))
    text = state_label(snap.state)
    if snap.state == "faulted" and snap.fault_code:
        text = f"{text} {snap.fault_code}"
    if not current:
        return Shown(text, "normal", True, stale_note(snap, "state", tz))
    return Shown(text, STATE_SEVERITY.get(snap.state, "unknown"), False, since)


def count(snap: MachineSnapshot, kind: str, tz: dt.tzinfo) -> Shown:
    tag = "good_count" if kind == "good" else "scrap_count"
    value = snap.good if kind == "good" else snap.scrap
    text = f"{value:,}".replace(",", "\u2009")
    since = ""
    if snap.counting_since is not None:
        since = tr("since %1").replace("%1", snap.counting_since.astimezone(tz).strftime("%H:%M"))
    if not snap.is_current(tag):
        return Shown(text, "normal", True, stale_note(snap, tag, tz))
    return Shown(text, "normal", False, since)


def number(snap: MachineSnapshot, tag: str, tz: dt.tzinfo, *, decimals: int = 1,
           low: float | None = None, high: float | None = None) -> Shown:
    v = snap.values.get(tag)
    if v is None:
        return Shown("—", "normal", True, tr("no value received yet"))
    try:
        text = f"{float(v.value):.{decimals}f}"
    except (TypeError, ValueError):
        text = str(v.value)
    if not snap.is_current(tag):
        return Shown(text, "normal", True, stale_note(snap, tag, tz))
    severity, note = "normal", ""
    if low is not None and float(v.value) < low:
        severity, note = "alarm", tr("below low limit %1").replace("%1", f"{low:g}")
    elif high is not None and float(v.value) > high:
        severity, note = "alarm", tr("above high limit %1").replace("%1", f"{high:g}")
    return Shown(text, severity, False, note)


def scanner_link(state: str) -> tuple[str, str]:
    """Header text and severity for a serial scanner's link state."""
    if state == "connected":
        return tr("Scanner OK"), "normal"
    if state in ("connecting", ""):
        return tr("Scanner…"), "warning"
    return tr("Scanner unplugged"), "alarm"


def scan_text(scan) -> str:
    """A scan as a person can read it: control characters named, the symbology in words."""
    shown = "".join(
        "⟨GS⟩" if ch == "\x1d" else (ch if ch.isprintable() else f"⟨{ord(ch):02X}⟩")
        for ch in scan.text)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    kind = scan.symbology_name if scan.symbology else tr("no symbology identifier")
    return f"{shown}  ({kind})"


#: Unsent events older than this make the sync indicator amber even while online.
SYNC_LAG_WARN_S = 300.0


def sync_status(status) -> tuple[str, str]:
    """Header text and severity for sync with the central database.

    ``status`` has ``online`` (bool), ``backlog`` (unsent events), ``oldest_unsent_s``
    (age of the oldest, None when nothing waits), ``quarantined`` (rows the central side
    refused) and ``disk_warning`` (the backlog budget is filling up). Quiet when all is
    sent; amber while the link is down or events wait too long; red when rows were
    refused or the disk budget is nearly full (someone must act). Short: the header
    also carries the machine state, alarms and andon calls."""
    backlog = int(getattr(status, "backlog", 0) or 0)
    age = getattr(status, "oldest_unsent_s", None)
    waiting = _compact(backlog) if backlog else ""
    if backlog and age is not None:
        waiting += " · " + duration_text(age)
    if getattr(status, "disk_warning", False):
        return tr("⇅ DISK FULL SOON · %1").replace("%1", waiting), "alarm"
    if getattr(status, "quarantined", 0):
        return tr("⇅ %1 REFUSED").replace("%1", str(status.quarantined)), "alarm"
    if not getattr(status, "online", False):
        return (tr("⇅ OFFLINE %1").replace("%1", waiting) if waiting
                else tr("⇅ OFFLINE")), "warning"
    if backlog and age is not None and age > SYNC_LAG_WARN_S:
        return tr("⇅ behind · %1").replace("%1", waiting), "warning"
    return (tr("⇅ ✓") if not backlog else tr("⇅ %1").replace("%1", waiting)), "normal"


def _compact(n: int) -> str:
    """1234 → "1 234", 1234567 → "1.2 M" (a header has no room for long numbers)."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} M"
    return f"{n:,}".replace(",", "\u2009")


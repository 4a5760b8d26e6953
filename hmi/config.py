"""The station file: typed, validated once at start.

A station is described by one TOML file (see ``resources/stations/*.toml`` for
commented examples and docs/configuration.md for every key). :func:`load`
parses and validates it completely before anything else starts; an invalid
file raises :class:`ConfigError` whose message names the file, the key and the
reason for every problem found, so the app never starts half-configured.
"""

from __future__ import annotations

import math
import os
import re
import sys
import tomllib
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

DATATYPES = ("bool", "int16", "uint16", "int32", "uint32", "float32", "float64", "string")
MACHINE_SCHEMES = ("opc.tcp", "modbus+tcp", "modbus+rtu", "sim")
MACHINE_STATES = (
    "running",
    "idle",
    "starved",
    "blocked",
    "changeover",
    "faulted",
    "stopped",
)
#: Logical tags every station needs for live production.
REQUIRED_TAGS = ("state", "good_count", "scrap_count")

Ident = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$"),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StationSection(_Strict):
    """Where the station sits in the ISA-95 equipment hierarchy."""

    site: Ident
    area: Ident
    line: Ident
    id: Ident
    name: str = Field(min_length=1, max_length=80)
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name such as 'Europe/Berlin')") from None
        return v


class TagConfig(_Strict):
    """One machine signal: logical name → device address."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    address: str = Field(min_length=1)
    datatype: Literal[DATATYPES] = "float64"  # type: ignore[valid-type]
    unit: str = ""
    label: str = ""
    sampling_ms: int = Field(default=100, ge=10, le=60_000)
    deadband: float = Field(default=0.0, ge=0.0)
    access: Literal["r", "rw"] = "r"
    # Linear scaling of the device value: engineering = raw * scale + offset.
    scale: float = 1.0
    offset: float = 0.0
    # Shown on the live screen as a process value (with a trend).
    process_value: bool = False
    low_limit: float | None = None
    high_limit: float | None = None

    @model_validator(mode="after")
    def _limits_ordered(self) -> TagConfig:
        if self.low_limit is not None and self.high_limit is not None and self.low_limit >= self.high_limit:
            raise ValueError(f"low_limit ({self.low_limit}) must be below high_limit ({self.high_limit})")
        if self.scale == 0 or not math.isfinite(self.scale) or not math.isfinite(self.offset):
            raise ValueError("scale must be a finite non-zero number and offset finite")
        if (self.scale != 1.0 or self.offset != 0.0) and self.datatype in ("bool", "string"):
            raise ValueError(f"scale/offset only apply to numeric tags, not {self.datatype}")
        return self


SECURITY_POLICIES = ("None", "Basic256Sha256", "Aes128Sha256RsaOaep", "Aes256Sha256RsaPss")


class OpcUaSection(_Strict):
    """``[machine.opcua]``: how an OPC UA connection is secured and how the station logs in.

    Checked here as far as the file alone allows; the password file's permissions
    are checked when the connection is set up (``hmi.devices.pki``).
    """

    # Declared first: the validators below read it.
    allow_insecure: bool = False
    security_policy: Literal[SECURITY_POLICIES] = "Basic256Sha256"  # type: ignore[valid-type]
    security_mode: Literal["Sign", "SignAndEncrypt"] = "SignAndEncrypt"
    auth: Literal["anonymous", "username", "certificate"] = "anonymous"
    username: str = Field(default="", validate_default=True)
    # A file holding the password (mode 0600); passwords never go into the station file.
    password_file: str = Field(default="", validate_default=True)
    pki_dir: str = "{data_dir}/pki"
    # Default: urn:<site>:<station id>:hmi
    application_uri: str = ""

    @field_validator("security_policy")
    @classmethod
    def _insecure_needs_consent(cls, v: str, info: ValidationInfo) -> str:
        if v == "None" and not info.data.get("allow_insecure", False):
            raise ValueError(
                "'None' sends everything unsigned and unencrypted; set allow_insecure = true "
                "to accept that (isolated networks or the loopback simulator only)"
            )
        return v

    @field_validator("auth")
    @classmethod
    def _certificate_needs_policy(cls, v: str, info: ValidationInfo) -> str:
        if v == "certificate" and info.data.get("security_policy") == "None":
            raise ValueError("certificate login needs a security policy other than 'None'")
        return v

    @field_validator("username", "password_file")
    @classmethod
    def _only_for_username_login(cls, v: str, info: ValidationInfo) -> str:
        auth = info.data.get("auth")
        if auth == "username" and not v.strip():
            raise ValueError("required when auth = 'username'")
        if auth is not None and auth != "username" and v:
            raise ValueError(f"only used with auth = 'username' (auth is {auth!r})")
        return v

    @field_validator("application_uri")
    @classmethod
    def _uri(cls, v: str) -> str:
        if v and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+", v):
            raise ValueError(f"{v!r} is not a URI (e.g. urn:acme:st-10:hmi)")
        return v


class MachineSection(_Strict):
    """How the station reaches its machine."""

    url: str
    # Simulator options (sim:// only).
    seed: int = 1
    speed: float = Field(default=1.0, gt=0, le=1000)
    cycle_time_s: float = Field(default=1.5, gt=0)
    # Scenario file to play (sim:// only), relative to the station file; "" = none.
    scenario: str = ""
    # Which face of the simulator the station reads (sim:// only).
    sim_protocol: Literal["opcua", "modbus"] = "opcua"
    # Raw state code → machine state (defaults match the built-in simulator).
    state_codes: dict[str, Literal[MACHINE_STATES]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: {str(i + 1): s for i, s in enumerate(MACHINE_STATES)}
    )
    counter_bits: Literal[16, 32] = 32
    tags: list[TagConfig] = Field(min_length=1)
    # OPC UA security and login (opc.tcp:// and sim://).
    opcua: OpcUaSection = OpcUaSection()

    @field_validator("url")
    @classmethod
    def _scheme(cls, v: str) -> str:
        scheme = urlsplit(v).scheme
        if scheme not in MACHINE_SCHEMES:
            raise ValueError(
                f"unsupported address {v!r}: the scheme must be one of "
                + ", ".join(f"{s}://" for s in MACHINE_SCHEMES)
            )
        if scheme != "sim" and not urlsplit(v).hostname and scheme != "modbus+rtu":
            raise ValueError(f"{v!r} has no host name")
        return v

    @field_validator("state_codes")
    @classmethod
    def _codes_are_ints(cls, v: dict[str, str]) -> dict[str, str]:
        for key in v:
            if not re.fullmatch(r"-?\d+", key):
                raise ValueError(f"state code {key!r} is not an integer")
        return v

    @model_validator(mode="after")
    def _tags_complete(self) -> MachineSection:
        names = [t.name for t in self.tags]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"tag names must be unique; repeated: {', '.join(dupes)}")
        missing = [n for n in REQUIRED_TAGS if n not in names]
        if missing:
            raise ValueError(
                "the tag map needs the logical tags " + ", ".join(REQUIRED_TAGS)
                + "; missing: " + ", ".join(missing)
            )
        return self

    @model_validator(mode="after")
    def _modbus_plan_fits(self) -> MachineSection:
        """Modbus URL options, addresses and (RTU) the line capacity are checked at load time."""
        if self.scheme not in ("modbus+tcp", "modbus+rtu"):
            return self
        from hmi.devices.base import ConfigError as DeviceConfigError
        from hmi.devices.base import open_driver

        try:
            open_driver(self.url, self.device_tags(), on_value=lambda _v: None, on_state=lambda _s: None)
        except DeviceConfigError as exc:
            raise ValueError(str(exc)) from None
        return self

    def device_tags(self) -> list:
        """The tag map as the drivers' :class:`hmi.devices.base.Tag` objects."""
        from hmi.devices.base import Tag

        return [Tag(name=t.name, address=t.address, datatype=t.datatype, unit=t.unit,
                    sampling_ms=t.sampling_ms, deadband=t.deadband, access=t.access,
                    scale=t.scale, offset=t.offset)
                for t in self.tags]

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme

    def state_name(self, code: object) -> str | None:
        try:
            return self.state_codes.get(str(int(code)))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None


class DatabaseSection(_Strict):
    # Path of the station's own SQLite database (its system of record).
    local: str = "{data_dir}/station.sqlite"
    # Optional central PostgreSQL, e.g. postgresql+psycopg://mes@db/plant
    central_url: str = ""
    # Master-data files imported at start (idempotent: unchanged records stay).
    masterdata: list[str] = Field(default_factory=list)
    # The station role's password for central_url: a file readable only by the station's
    # user (mode 0600) or a libpq passfile; never the URL itself (docs/sync.md).
    central_password_file: str = ""
    # Seconds between sync runs while online (a new event also wakes it).
    sync_interval_s: float = Field(default=2.0, gt=0, le=3600)
    # Unsent events the station may hold (days offline); a warning at 80 % of it.
    backlog_budget: int = Field(default=10_000_000, gt=0)

    @field_validator("central_url")
    @classmethod
    def _pg(cls, v: str) -> str:
        if v and not v.startswith(("postgresql://", "postgresql+psycopg://")):
            raise ValueError("central_url must be a PostgreSQL URL (postgresql+psycopg://user@host/db)")
        return v


#: Named scanner suffixes (case-insensitive in the file); "" means NONE.
SCANNER_SUFFIXES = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "TAB": b"\t", "NONE": b""}


def _framing_bytes(v: str, key: str, limit: int) -> bytes:
    """The bytes a prefix/suffix string stands for (each character one byte, U+0000…U+00FF)."""
    if len(v) > limit:
        raise ValueError(f"{key} is {len(v)} characters long; at most {limit} are allowed")
    wide = sorted({c for c in v if ord(c) > 0xFF})
    if wide:
        raise ValueError(
            f"{key} may only hold byte values (\\u0000 to \\u00ff); {''.join(wide)!r} is not one"
        )
    return v.encode("latin-1")


class CodeRuleConfig(_Strict):
    """One of the plant's own barcode formats (docs/scanning.md): a full-match regex whose
    named groups (material, lot, serial, …) say what the code carries."""

    kind: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
    pattern: str = Field(min_length=1, max_length=500)
    name: str = ""

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        import re

        try:
            rx = re.compile(v)
        except re.error as exc:
            raise ValueError(f"the pattern {v!r} is not a valid regular expression: {exc} "
                             "(use a TOML literal string, '…', so backslashes stay)") from None
        if rx.fullmatch(""):
            raise ValueError(f"the pattern {v!r} matches an empty code; it would take every scan")
        return v


class ScannerSection(_Strict):
    """Barcode scanners: one serial scanner and/or keyboard-wedge scanners (docs/scanners.md)."""

    # Serial port of a scanner, best its udev link /dev/serial/by-id/…; empty: keyboard-wedge only.
    port: str = ""
    baud: int = Field(default=9600, gt=0)
    bytesize: Literal[5, 6, 7, 8] = 8
    parity: Literal["N", "E", "O", "M", "S"] = "N"
    stopbits: Literal[1, 1.5, 2] = 1
    # Bytes the scanner sends before / after every code. suffix: CR, LF, CRLF, TAB, NONE,
    # or the bytes themselves as a TOML string ("\u0003" = ETX). prefix: the bytes ("\u0002").
    prefix: str = ""
    suffix: str = "CR"
    # Silence that ends a code when suffix = NONE; with a suffix, an unfinished code older
    # than this is discarded (so it is never glued to the next scan). 0 = never.
    frame_timeout_ms: int = Field(default=100, ge=0, le=10_000)
    # Longer codes are refused (serial and wedge), with a message to the operator.
    max_length: int = Field(default=512, ge=8, le=65_536)
    # Keyboard-wedge (USB HID) scanners, told apart from typing by the gaps between keys.
    wedge: bool = True
    wedge_max_interkey_ms: int = Field(default=35, ge=5, le=200)
    wedge_min_length: int = Field(default=4, ge=2, le=1000)
    wedge_terminator: Literal["ENTER", "TAB", "ENTER_OR_TAB"] = "ENTER"
    # The plant's own code formats, tried in order after GS1 ([[scanner.codes]]).
    codes: list[CodeRuleConfig] = Field(default_factory=list)

    @field_validator("port")
    @classmethod
    def _port(cls, v: str) -> str:
        return v.strip()

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        _framing_bytes(v, "prefix", 16)
        return v

    @field_validator("suffix")
    @classmethod
    def _suffix(cls, v: str) -> str:
        name = v.strip(" ").upper()
        if name in SCANNER_SUFFIXES or name == "":
            return name or "NONE"
        if v.replace(" ", "").isalnum():
            raise ValueError(
                f"unknown suffix {v!r}: use CR, LF, CRLF, TAB or NONE, or give the bytes "
                'themselves as a string such as "\\u0003" (ETX)'
            )
        _framing_bytes(v, "suffix", 8)
        return v

    @model_validator(mode="after")
    def _frames_can_end(self) -> ScannerSection:
        if self.port and self.suffix == "NONE" and self.frame_timeout_ms == 0:
            raise ValueError(
                "with suffix = NONE a code can only end by silence: set frame_timeout_ms "
                "(e.g. 50) or configure the scanner to send a CR suffix"
            )
        return self

    @property
    def prefix_bytes(self) -> bytes:
        return _framing_bytes(self.prefix, "prefix", 16)

    @property
    def suffix_bytes(self) -> bytes:
        if self.suffix in SCANNER_SUFFIXES:
            return SCANNER_SUFFIXES[self.suffix]
        return _framing_bytes(self.suffix, "suffix", 8)

    def serial_options(self) -> dict[str, Any]:
        """Keyword arguments for :class:`hmi.devices.scanner.SerialScanner` (besides callbacks)."""
        return {
            "port": self.port,
            "baudrate": self.baud,
            "bytesize": self.bytesize,
            "parity": self.parity,
            "stopbits": self.stopbits,
            "prefix": self.prefix_bytes,
            "suffix": self.suffix_bytes,
            "frame_timeout": self.frame_timeout_ms / 1000,
            "max_length": self.max_length,
        }


class NumberingSection(_Strict):
    """Serial and lot numbers of what the station makes (docs/scanning.md, "Numbering").

    The templates are checked with ``hmi.services.serials.SerialScheme`` when the station
    starts (a template without a station-unique part is refused: two stations could
    hand out the same number while offline)."""

    serial: str = Field(default="{station}-{yymmdd}-{seq:05d}", min_length=1, max_length=100)
    lot: str = Field(default="{station}-L{yymmdd}-{seq:03d}", min_length=1, max_length=100)
    expected_per_period: int | None = Field(default=None, gt=0)
    # Where the day of {yymmdd} changes; empty: the station's time zone.
    timezone: str = ""
    # Numbers go on GS1 labels: at most 20 characters of the GS1 character set.
    gs1: bool = False
    # {prefix}: each station's short, unique prefix (the same table in every station file).
    prefixes: dict[str, str] = Field(default_factory=dict)


class LabelsSection(_Strict):
    """Labels for produced units and lots (docs/labels.md)."""

    # When a label is made: each serial unit, each lot (at order completion and on demand),
    # or only on demand.
    print_on: Literal["unit", "lot", "demand"] = "demand"
    # A ZPL network printer "host:port" (port 9100); empty: labels are written as files.
    printer: str = ""
    file_format: Literal["pdf", "png"] = "pdf"
    out_dir: str = "{data_dir}/labels"
    spool: str = "{data_dir}/print-spool.sqlite"
    width_mm: float = Field(default=100.0, gt=10, le=300)
    height_mm: float = Field(default=50.0, gt=10, le=300)
    dpi: Literal[203, 300, 600] = 203


class TraceabilitySection(_Strict):
    """Material verification at the station (docs/materials.md)."""

    # Every lot-controlled BOM material must be loaded (by scan) before an order starts.
    verify_materials: bool = True
    # A loaded lot warns with less than this many units' worth left (material low_level
    # in the master data takes precedence).
    low_parts: int = Field(default=20, ge=0)
    # Recall reports (CSV + PDF) are written here.
    reports_dir: str = "{data_dir}/reports"


class UiSection(_Strict):
    language: str = "en"
    kiosk: bool = False
    width: int = Field(default=1280, ge=800)
    height: int = Field(default=800, ge=480)
    # Lock the screen after this many seconds without a touch (0 = never): live machine
    # status stays visible read-only; any action asks for badge + PIN again.
    lock_after_s: int = Field(default=120, ge=0)
    # Log the person out after this many seconds without a touch (0 = never).
    idle_logout_s: int = Field(default=300, ge=0)
    # Several operators signed in at this station at once (hand-over keeps both until
    # the leaving one logs out); false: a new login replaces the person signed in.
    multi_operator: bool = False
    # The on-screen keyboard and keypad for every text and number field (no physical
    # keyboard needed); false on a station with a keyboard.
    on_screen_keyboard: bool = True
    # Repaint rate cap for live values and charts.
    # Snapshots and charts at most this often; 30 keeps tag-to-pixel p99 within the
    # sampling interval + 50 ms (docs/performance.md), 10 adds up to 100 ms.
    max_fps: int = Field(default=30, ge=1, le=60)


class SecuritySection(_Strict):
    max_pin_failures: int = Field(default=5, ge=1, le=20)
    failure_window_min: int = Field(default=10, ge=1)
    lockout_min: int = Field(default=5, ge=1)


class UpkeepSection(_Strict):
    """Local housekeeping (docs/upkeep.md)."""

    # Events already confirmed by the central database and older than this are pruned
    # from the station's store (never an unsent one). 0 = keep everything.
    retention_days: int = Field(default=90, ge=0)
    # A standalone station (no central_url) has nobody to send to: prune it too?
    prune_standalone: bool = False
    # Rotating log files: where, how large each, how many kept.
    log_dir: str = "{data_dir}/logs"
    log_max_mb: int = Field(default=10, ge=1, le=1024)
    log_backups: int = Field(default=5, ge=1, le=100)
    # Warn an administrator when the disk holding the store (and its audit trail) has
    # less than this free.
    audit_min_free_mb: int = Field(default=2048, ge=16)


class HistorySection(_Strict):
    """The bounded local process-value history (docs/process-history.md)."""

    # Every sample is kept at full rate for this long, then only as buckets.
    full_rate_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    # Width of the downsampled buckets (min/max/avg/first/last per bucket).
    bucket_s: int = Field(default=60, ge=1, le=3600)
    # Buckets older than this are dropped.
    keep_days: float = Field(default=90.0, gt=0, le=3660)
    # Size cap of the history file; the oldest data goes first when it is reached.
    max_mb: int = Field(default=1024, ge=16)
    path: str = "{data_dir}/history.sqlite"

    @model_validator(mode="after")
    def _windows_nest(self) -> HistorySection:
        if self.bucket_s > self.full_rate_hours * 3600:
            raise ValueError(f"bucket_s ({self.bucket_s}) must not exceed the full-rate window "
                             f"({self.full_rate_hours} h)")
        if self.keep_days * 24 < self.full_rate_hours:
            raise ValueError(f"keep_days ({self.keep_days}) must cover the full-rate window "
                             f"({self.full_rate_hours} h)")
        return self


class ProductionSection(_Strict):
    """``[production]``: what live production and the KPIs measure against (docs/kpi.md)."""

    # Ideal cycle time per part when no running order names a product that has one
    # (0 = the machine section's cycle_time_s for sim://, else unknown: performance shows "—").
    ideal_cycle_time_s: float = Field(default=0.0, ge=0.0, le=86_400.0)
    # Shift calendar (master-data code) for planned time and breaks; "" = the calendar
    # whose equipment is this station's line, else the only calendar there is.
    shift_calendar: str = ""


class DowntimeSection(_Strict):
    """``[downtime]``: how stops are detected and when the operator is asked for a reason."""

    # "state": stops follow the machine state tag; "count": a stop starts when no part is
    # counted for no_count_cycles x the ideal cycle time (machines without a usable state tag).
    detect: Literal["state", "count"] = "state"
    # Stops shorter than this are micro-stops (performance loss, never prompted).
    # 0 = micro_stop_cycles x the ideal cycle time.
    micro_stop_s: float = Field(default=0.0, ge=0.0, le=3600.0)
    micro_stop_cycles: float = Field(default=10.0, gt=0.0, le=1000.0)
    no_count_cycles: float = Field(default=5.0, ge=1.0, le=1000.0)
    # Scrap within this many seconds after a stop ends counts as startup rejects (OEE losses).
    startup_window_s: float = Field(default=300.0, ge=0.0, le=86_400.0)
    # The reason suggested for a stop that begins while a BOM material is empty
    # (e.g. "MAT-STARVED"); empty: no suggestion.
    shortage_reason: str = ""


ALARM_PRIORITIES = ("critical", "high", "medium", "low")


class AlarmFaultCode(_Strict):
    """One row of the fault-code table: the PLC's fault code -> operator text."""

    code: int = Field(ge=1)
    text: str = Field(min_length=1, max_length=200)
    priority: Literal[ALARM_PRIORITIES] = "high"  # type: ignore[valid-type]
    # What the operator should do (shown under the alarm text).
    help: str = ""


class AlarmTag(_Strict):
    """A boolean machine tag that is an alarm while it is true (or false, with active_when)."""

    tag: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    text: str = Field(min_length=1, max_length=200)
    priority: Literal[ALARM_PRIORITIES] = "medium"  # type: ignore[valid-type]
    active_when: bool = True
    help: str = ""


class AlarmsSection(_Strict):
    """``[alarms]``: fault-code texts and alarm tags (docs/configuration.md)."""

    fault_codes: list[AlarmFaultCode] = Field(default_factory=list)
    tags: list[AlarmTag] = Field(default_factory=list)
    # Text for a fault code missing from the table ({code} is replaced).
    unknown_text: str = "Machine fault {code} (not in the alarm table: tell maintenance)"

    @model_validator(mode="after")
    def _unique(self) -> AlarmsSection:
        codes = [f.code for f in self.fault_codes]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError("fault codes must be unique; repeated: " + ", ".join(map(str, dupes)))
        tags = [t.tag for t in self.tags]
        dupes_t = sorted({t for t in tags if tags.count(t) > 1})
        if dupes_t:
            raise ValueError("alarm tags must be unique; repeated: " + ", ".join(dupes_t))
        return self

    def for_code(self, code: int) -> AlarmFaultCode:
        """The table row for ``code``, or a generic one built from ``unknown_text``."""
        for row in self.fault_codes:
            if row.code == code:
                return row
        return AlarmFaultCode(code=code, text=self.unknown_text.replace("{code}", str(code)))


class StationConfig(_Strict):
    station: StationSection
    machine: MachineSection
    database: DatabaseSection = DatabaseSection()
    scanner: ScannerSection = ScannerSection()
    ui: UiSection = UiSection()
    security: SecuritySection = SecuritySection()
    history: HistorySection = HistorySection()
    production: ProductionSection = ProductionSection()
    downtime: DowntimeSection = DowntimeSection()
    alarms: AlarmsSection = AlarmsSection()
    numbering: NumberingSection = NumberingSection()
    labels: LabelsSection = LabelsSection()
    traceability: TraceabilitySection = TraceabilitySection()
    upkeep: UpkeepSection = UpkeepSection()

    @model_validator(mode="after")
    def _alarm_tags_exist(self) -> StationConfig:
        names = {t.name for t in self.machine.tags}
        missing = [a.tag for a in self.alarms.tags if a.tag not in names]
        if missing:
            raise ValueError("alarms.tags name tags that are not in the tag map: " + ", ".join(missing))
        return self

    # Set by load(): where the file was, for resolving relative paths.
    source: Path | None = Field(default=None, exclude=True)

    def tag(self, name: str) -> TagConfig | None:
        return next((t for t in self.machine.tags if t.name == name), None)

    @property
    def default_ideal_cycle_s(self) -> float | None:
        """Ideal seconds per part when no running order says: ``[production]``, else the
        simulator's cycle for ``sim://``, else unknown (None)."""
        return self.production.ideal_cycle_time_s or (
            self.machine.cycle_time_s if self.machine.scheme == "sim" else 0.0) or None

    def device_tags(self) -> list:
        """The tag map as the drivers' :class:`hmi.devices.base.Tag` objects."""
        return self.machine.device_tags()

    def opcua_security(self, data_dir: Path) -> Any:
        """``[machine.opcua]`` as the driver's :class:`hmi.devices.pki.OpcUaSecurity`."""
        from hmi.devices.pki import OpcUaSecurity

        o = self.machine.opcua
        return OpcUaSecurity(
            policy=o.security_policy, mode=o.security_mode, allow_insecure=o.allow_insecure,
            auth=o.auth, username=o.username,
            password_file=self.resolve_path(o.password_file, data_dir) if o.password_file else None,
            pki_dir=self.resolve_path(o.pki_dir, data_dir),
            application_uri=o.application_uri or f"urn:{self.station.site}:{self.station.id}:hmi",
        )

    def process_tags(self) -> list[TagConfig]:
        return [t for t in self.machine.tags if t.process_value]

    def resolve_path(self, value: str, data_dir: Path) -> Path:
        """Expand ``{data_dir}`` and ``~``; relative paths are relative to the file."""
        p = Path(os.path.expanduser(value.replace("{data_dir}", str(data_dir))))
        if not p.is_absolute() and self.source is not None:
            p = self.source.parent / p
        return p

    def local_db_url(self, data_dir: Path) -> str:
        return "sqlite:///" + str(self.resolve_path(self.database.local, data_dir))

    def history_path(self, data_dir: Path) -> Path:
        return self.resolve_path(self.history.path, data_dir)


class ConfigError(Exception):
    """The station file cannot be used; ``errors`` lists every problem."""

    def __init__(self, path: Path, errors: list[str]):
        self.path = path
        self.errors = errors
        super().__init__("\n".join(f"{path}: {e}" for e in errors))


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after", "function-before", "literal"):  # pydantic internals
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _message(err: dict[str, Any]) -> str:
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if err["type"] == "extra_forbidden":
        msg = "unknown key (check the spelling; see docs/configuration.md)"
    elif err["type"] == "missing":
        msg = "required key is missing"
    return msg


def parse(text: str, path: Path) -> StationConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from None
    try:
        cfg = StationConfig.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = _loc(err["loc"])
            errors.append(f"{loc}: {_message(err)}")
        raise ConfigError(path, errors) from None
    return cfg.model_copy(update={"source": path.resolve()})


def load(path: str | Path) -> StationConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [f"cannot be read: {exc}"]) from None
    return parse(text, path)


def installed_data_dir() -> Path:
    """Where an installed wheel keeps resources/ and migrations/ (pyproject data-files)."""
    return Path(sys.prefix) / "share" / "openmes-hmi"


def resources_dir() -> Path:
    """``resources/`` beside the package (source tree), else the installed copy."""
    tree = Path(__file__).resolve().parents[1] / "resources"
    if tree.is_dir():
        return tree
    installed = installed_data_dir() / "resources"
    return installed if installed.is_dir() else tree


def demo_config_path() -> Path:
    return resources_dir() / "stations" / "demo.toml"

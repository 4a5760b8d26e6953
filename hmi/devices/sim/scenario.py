"""Scripted simulator scenarios: a TOML file of timed events, validated strictly.

Format (every key in docs/simulator.md)::

    [scenario]
    name = "Shift with faults"   # optional
    seed = 7                     # optional default for --seed
    speed = 60.0                 # optional default for --speed
    random = true                # false: no random stops at all, only the script
    max_press_force = 32.0       # optional: the PLC clamps the force setpoint to this (kN)

    [[event]]
    at = "120s"                  # simulated time since the simulator started
    action = "fault"
    code = 103
    duration = "300s"            # optional: without it the state holds until "start"

Durations are ``"90s"``, ``"5m"``, ``"1h30m"``, ``"1.5h"`` or a plain number of
seconds (TOML integer/float or a numeric string).

Design
------
* Pure: ``tomllib`` and dataclasses only, no protocol library, so the model and
  the configuration checks can use it anywhere.
* All-or-nothing: :func:`parse_scenario` collects *every* problem before it
  raises :class:`ScenarioError`, each as ``event[3].action: reason`` (zero-based
  index, like the station file's ``machine.tags[1]``), and the message prefixes
  each with the file. A scenario with any bad event is never returned, so
  nothing is ever partly applied.
* Each action names exactly which keys it needs (:data:`ACTIONS`); an unknown key
  is an error rather than silently ignored, so a typo cannot change the script.
* Events are returned sorted by ``at``; events at the same time keep file order.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hmi.devices.base import ConfigError

__all__ = [
    "ACTIONS",
    "COUNTER_TAGS",
    "SETPOINT_TAGS",
    "Scenario",
    "ScenarioError",
    "ScenarioEvent",
    "format_duration",
    "load_scenario",
    "parse_duration",
    "parse_scenario",
]

UINT32_MAX = 2**32 - 1
INT16_MAX = 2**15 - 1

#: action -> (required keys, optional keys) besides ``at`` and ``action``
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "fault": (frozenset({"code"}), frozenset({"duration"})),
    "changeover": (frozenset(), frozenset({"duration"})),
    "starve": (frozenset(), frozenset({"duration"})),
    "block": (frozenset(), frozenset({"duration"})),
    "idle": (frozenset(), frozenset({"duration"})),
    "stop": (frozenset(), frozenset()),
    "start": (frozenset(), frozenset()),
    "setpoint": (frozenset({"tag", "value"}), frozenset()),
    "scrap_rate": (frozenset({"value"}), frozenset()),
    "counter": (frozenset({"tag", "value"}), frozenset()),
}
#: setpoint event ``tag``: the temperature setpoint, or a recipe setpoint changed
#: "at the machine panel" (see ``MachineModel.set_recipe_setpoint``)
SETPOINT_TAGS = ("temperature", "press_force", "hold_time", "stroke", "double_stroke")
#: counter event ``tag`` (the station's logical counter names)
COUNTER_TAGS = ("good_count", "scrap_count")

_SCENARIO_KEYS = frozenset({"name", "seed", "speed", "random", "max_press_force"})
_DURATION = re.compile(
    r"^(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?$"
)
_DURATION_HINT = "use e.g. 90s, 5m, 1h30m or a number of seconds"


class ScenarioError(ConfigError):
    """A scenario file cannot be used; ``errors`` lists every problem (without the file)."""

    def __init__(self, source: str, errors: list[str]) -> None:
        self.source = source
        self.errors = list(errors)
        super().__init__("\n".join(f"{source}: {e}" for e in self.errors))


@dataclass(frozen=True)
class ScenarioEvent:
    """One scripted event. Unused fields are None."""

    at: float
    action: str
    index: int  # position in the file (for messages)
    code: int | None = None
    duration: float | None = None
    tag: str | None = None
    value: float | int | None = None  # int for "counter"

    def describe(self) -> str:
        parts = [f"{self.action} at {format_duration(self.at)}"]
        if self.code is not None:
            parts.append(f"code {self.code}")
        if self.tag is not None:
            parts.append(self.tag)
        if self.value is not None:
            parts.append(f"= {self.value}")
        if self.duration is not None:
            parts.append(f"for {format_duration(self.duration)}")
        return " ".join(parts)


@dataclass(frozen=True)
class Scenario:
    name: str = ""
    seed: int | None = None
    speed: float | None = None
    random: bool = True
    events: tuple[ScenarioEvent, ...] = ()
    source: str = ""
    #: kN; the simulated PLC clamps the press force setpoint to this (None: model default)
    max_press_force: float | None = None


def parse_duration(value: object) -> float:
    """``"90s"``, ``"5m"``, ``"1h30m"``, ``"1.5h"``, ``"42"``, ``42``, ``1.5`` -> seconds.

    Raises ValueError (with the reason) for anything else, negatives included.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration ({_DURATION_HINT})")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        try:
            seconds = float(text)
        except ValueError:
            match = _DURATION.match(text)
            if not text or match is None:
                raise ValueError(f"{value!r} is not a duration ({_DURATION_HINT})") from None
            h, m, s = (float(match.group(k) or 0.0) for k in ("h", "m", "s"))
            seconds = h * 3600.0 + m * 60.0 + s
    else:
        raise ValueError(f"{value!r} is not a duration ({_DURATION_HINT})")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{value!r} is not a duration (it must be a finite time >= 0)")
    return seconds


def format_duration(seconds: float) -> str:
    """Seconds -> ``1h30m``, ``2m05s``, ``42s``, ``0.5s`` (for messages and logs)."""
    if seconds != int(seconds):
        return f"{seconds:g}s"
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{h}h" + (f"{m:02d}m" if m or sec else "") + (f"{sec:02d}s" if sec else "")
    if m:
        return f"{m}m" + (f"{sec:02d}s" if sec else "")
    return f"{sec}s"


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), [f"cannot be read: {exc}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [f"not valid TOML: {exc}"]) from None
    return parse_scenario(data, str(path), default_name=path.stem)


def parse_scenario(data: Mapping[str, Any], source: str = "<scenario>", *,
                   default_name: str = "") -> Scenario:
    """Validate parsed TOML; raise :class:`ScenarioError` listing every problem."""
    errors: list[str] = []
    for key in data:
        if key not in ("scenario", "event"):
            errors.append(f"{key}: unknown key (expected a [scenario] table and [[event]] entries)")

    head = data.get("scenario", {})
    name, seed, speed, random_on = default_name, None, None, True
    if not isinstance(head, Mapping):
        errors.append("scenario: must be a table ([scenario])")
        head = {}
    for key in head:
        if key not in _SCENARIO_KEYS:
            errors.append(
                f"scenario.{key}: unknown key (allowed: {', '.join(sorted(_SCENARIO_KEYS))})"
            )
    if "name" in head:
        if isinstance(head["name"], str):
            name = head["name"]
        else:
            errors.append("scenario.name: must be text")
    if "seed" in head:
        if isinstance(head["seed"], int) and not isinstance(head["seed"], bool):
            seed = head["seed"]
        else:
            errors.append(f"scenario.seed: {head['seed']!r} is not a whole number")
    if "speed" in head:
        raw = head["speed"]
        if _is_number(raw) and math.isfinite(raw) and 0 < raw <= 1000:
            speed = float(raw)
        else:
            errors.append(f"scenario.speed: {raw!r} must be a number > 0 and <= 1000")
    if "random" in head:
        if isinstance(head["random"], bool):
            random_on = head["random"]
        else:
            errors.append(f"scenario.random: {head['random']!r} must be true or false")
    max_force: float | None = None
    if "max_press_force" in head:
        raw = head["max_press_force"]
        if _is_number(raw) and math.isfinite(raw) and raw > 0:
            max_force = float(raw)
        else:
            errors.append(f"scenario.max_press_force: {raw!r} must be a number of kN > 0")

    raw_events = data.get("event", [])
    events: list[ScenarioEvent] = []
    if not isinstance(raw_events, list):
        errors.append("event: must be an array of tables ([[event]])")
        raw_events = []
    for i, raw in enumerate(raw_events):
        event = _parse_event(i, raw, errors)
        if event is not None:
            events.append(event)
    if errors:
        raise ScenarioError(source, errors)
    events.sort(key=lambda e: (e.at, e.index))
    return Scenario(name=name, seed=seed, speed=speed, random=random_on, events=tuple(events),
                    source=source, max_press_force=max_force)


# --------------------------------------------------------------------------- internals


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse_event(i: int, raw: object, errors: list[str]) -> ScenarioEvent | None:
    where = f"event[{i}]"
    if not isinstance(raw, Mapping):
        errors.append(f"{where}: must be a table ([[event]])")
        return None
    before = len(errors)
    at: float | None = None
    if "at" not in raw:
        errors.append(f"{where}.at: required (when the event happens, e.g. \"2m\")")
    else:
        try:
            at = parse_duration(raw["at"])
        except ValueError as exc:
            errors.append(f"{where}.at: {exc}")

    action = raw.get("action")
    if action is None:
        errors.append(f"{where}.action: required (one of {', '.join(sorted(ACTIONS))})")
        return None
    if not isinstance(action, str) or action not in ACTIONS:
        errors.append(
            f"{where}.action: unknown action {action!r} "
            f"(expected one of {', '.join(sorted(ACTIONS))})"
        )
        return None
    required, optional = ACTIONS[action]
    allowed = {"at", "action"} | required | optional
    for key in raw:
        if key not in allowed:
            errors.append(
                f"{where}.{key}: unknown key for action {action!r} "
                f"(allowed: {', '.join(sorted(allowed))})"
            )
    for key in sorted(required):
        if key not in raw:
            errors.append(f"{where}.{key}: required for action {action!r}")

    fields: dict[str, Any] = {}
    if "code" in raw and "code" in required | optional:
        code = raw["code"]
        if isinstance(code, int) and not isinstance(code, bool) and 1 <= code <= INT16_MAX:
            fields["code"] = code
        else:
            errors.append(f"{where}.code: {code!r} must be a whole number 1..{INT16_MAX}")
    if "duration" in raw and "duration" in optional:
        try:
            duration = parse_duration(raw["duration"])
        except ValueError as exc:
            errors.append(f"{where}.duration: {exc}")
        else:
            if duration <= 0:
                errors.append(f"{where}.duration: must be longer than 0 s")
            fields["duration"] = duration
    if "tag" in raw and "tag" in required:
        choices = SETPOINT_TAGS if action == "setpoint" else COUNTER_TAGS
        if raw["tag"] in choices:
            fields["tag"] = raw["tag"]
        else:
            errors.append(
                f"{where}.tag: {raw['tag']!r} cannot be used with action {action!r} "
                f"(expected one of {', '.join(choices)})"
            )
    if "value" in raw and "value" in required:
        value = raw["value"]
        if action == "setpoint" and raw.get("tag") == "double_stroke":
            if isinstance(value, bool) or value in (0, 1):
                fields["value"] = float(bool(value))
            else:
                errors.append(f"{where}.value: {value!r} must be true or false (or 1 / 0)")
        elif problem := _value_problem(action, value):
            errors.append(f"{where}.value: {value!r} {problem}")
        else:
            fields["value"] = float(value) if action != "counter" else int(value)
    if len(errors) > before or at is None:
        return None
    return ScenarioEvent(at=at, action=action, index=i, **fields)


def _value_problem(action: str, value: object) -> str:
    if not _is_number(value) or not math.isfinite(value):  # type: ignore[arg-type]
        return "must be a finite number"
    if action == "scrap_rate" and not 0.0 <= value <= 1.0:  # type: ignore[operator]
        return "must be a fraction between 0 and 1"
    if action == "counter":
        if not isinstance(value, int) or not 0 <= value <= UINT32_MAX:
            return f"must be a whole number 0..{UINT32_MAX} (a UInt32 counter)"
    return ""

"""What a scanned code says: GS1 element strings and the plant's own code patterns.

Public API
----------
``parse_scan(scan_or_text, *, symbology=None, rules=None, strict=True) -> ScanContent``
    Interpret one scan (a :class:`hmi.devices.scanner.Scan`, or its text with or
    without an AIM identifier such as ``"]C1"``). Raises :class:`ScanError`.
``parse_gs1(text, *, symbology=None) -> ScanContent``
    Parse GS1 data only (FNC1/GS form or HRI ``"(01)…(10)…"``).
``gs1_element_string(gtin, *, serial=None, lot=None, expiry=None, production_date=None,
quantity=None, net_weight_kg=None) -> GS1String``
    Build the content of a GS1 label: ``.hri`` ``"(01)…(17)…(10)…"`` and ``.data``
    (the FNC1 form, GS between fields, as a scanner sends it).
``CodeRules.from_config(entries) -> CodeRules``
    The station's internal code patterns (``kind`` + regex with named groups),
    validated at load (:class:`CodeRulesError` names the rule).
``ScanContent``, ``Quantity``, ``GS1String`` — our own result records; callers never
see biip types.
``ScanError(OperatorError)`` — ``reason`` (``"check_digit"``, ``"date"``,
``"unknown_ai"``, ``"truncated"``, ``"too_long"``, ``"format"``, ``"duplicate_ai"``,
``"no_match"``), ``shown`` (the code as read, control characters visible) and ``ai``.
``show_code(text) -> str`` — a code for display: GS as ``<GS>``, other control
characters by name or ``<0xNN>``.

How a scan is read
------------------
* AIM identifier of a GS1 symbology (``]C1`` GS1-128, ``]d2`` GS1 DataMatrix,
  ``]Q3`` GS1 QR, ``]e0`` GS1 DataBar, ``]J1`` GS1 DotCode): GS1 element strings;
  anything wrong with them is a :class:`ScanError` saying what.
* ``]E0``/``]E4`` (EAN-13/UPC-A/EAN-8): a bare GTIN (check digit verified).
* Any other AIM identifier (``]C0`` Code 128, ``]d1`` Data Matrix, ``]Q1`` QR, …):
  not GS1 — the internal rules, first match wins.
* No identifier (scanner not set to send it): HRI ``(NN)…`` is GS1; else the
  internal rules; else data that clearly is GS1 (contains GS, or starts with
  AI 00/01/02 and its digits) is parsed as GS1; else nothing matched.

Parsing is done by biip (``biip>=5.2,<5.3``, GS1 AI table, dates, decimals, check
digits); this module walks the element strings with biip's primitives so that a
refusal can name the element and the exact reason (expected check digit, month
13, lot longer than 20, …). The GS1 rules applied: dates YYMMDD with DD = 00 mean
the last day of the month; two-digit years are within −49…+50 years of today;
variable-length fields end at GS (FNC1) or at the end of the data; GS is accepted
between any two fields and before the first.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from biip import ParseConfig, ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString, GS1ElementStrings
from biip.gs1_messages import GS1Message

from hmi.services.errors import OperatorError
from hmi.services.i18n import tr

__all__ = [
    "GS",
    "GS1_SYMBOLOGIES",
    "CodeRule",
    "CodeRules",
    "CodeRulesError",
    "GS1String",
    "Quantity",
    "ScanContent",
    "ScanError",
    "gs1_element_string",
    "parse_gs1",
    "parse_scan",
    "show_code",
]

#: ASCII group separator: how scanners send FNC1 between GS1 fields.
GS = "\x1d"

#: AIM identifiers whose data are GS1 element strings (same set as hmi.devices.scanner).
GS1_SYMBOLOGIES: frozenset[str] = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})
#: AIM identifiers of EAN/UPC: the data are a bare GTIN.
_GTIN_SYMBOLOGIES: frozenset[str] = frozenset({"]E0", "]E4"})

_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_CONFIG = ParseConfig(separator_chars=(GS,))
_CTX = "scan"

# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Quantity:
    """An amount read from a code: ``value`` in ``unit``, taken from AI ``ai``."""

    value: Decimal
    unit: str
    ai: str


@dataclass(frozen=True)
class ScanContent:
    """What a scan says, independent of the library that parsed it."""

    #: "gs1" (GS1 element strings or a bare GTIN), "internal" (a plant pattern) or
    #: "unknown" (nothing matched; only with ``strict=False``).
    kind: str
    #: The text as read (AIM identifier removed), control characters kept.
    raw: str
    #: AIM identifier ("]C1"), None when the scanner sent none.
    symbology: str | None = None
    gtin: str | None = None
    lot: str | None = None
    serial: str | None = None
    expiry: dt.date | None = None
    production_date: dt.date | None = None
    best_before: dt.date | None = None
    sscc: str | None = None
    quantity: Quantity | None = None
    #: Variable measures by AI ("3103" → Decimal("1.250")), decimals applied.
    measures: dict[str, Decimal] = field(default_factory=dict)
    #: Every GS1 element's raw value by AI, in the order read.
    elements: dict[str, str] = field(default_factory=dict)
    #: Internal codes: the rule's kind ("lot", "tool", "gauge", "badge", …).
    code_kind: str | None = None
    #: Internal codes: the rule's named groups.
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        """The code for display (control characters visible)."""
        return show_code(self.raw)

    def hri(self) -> str:
        """GS1 data as "(01)…(10)…" ("" for other codes)."""
        return "".join(f"({ai}){value}" for ai, value in self.elements.items())


@dataclass(frozen=True)
class GS1String:
    """GS1 label content: ``hri`` "(01)…(21)…" and ``data`` with GS after variable fields."""

    hri: str
    data: str

    def __str__(self) -> str:
        return self.hri


class ScanError(OperatorError):
    """A scanned code was refused; the message says what was read and why."""

    def __init__(self, text: str, reason: str, why: str, *, ai: str | None = None,
                 hint: str | None = None) -> None:
        self.text = text
        self.reason = reason
        self.ai = ai
        self.shown = show_code(text)
        self.why = why
        msg = tr(_CTX, "Scan “%1” refused: %2.", self.shown, why)
        msg += " " + (hint or tr(_CTX, "Scan the label again; if it is refused again the label "
                                        "is faulty: set the item aside and tell the team lead."))
        super().__init__(msg)


class CodeRulesError(ValueError):
    """The configured internal code patterns cannot be used; ``errors`` lists each problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


# --------------------------------------------------------------------------- display

_CONTROL_NAMES = {
    0x00: "NUL", 0x02: "STX", 0x03: "ETX", 0x04: "EOT", 0x09: "TAB", 0x0A: "LF",
    0x0D: "CR", 0x1B: "ESC", 0x1C: "FS", 0x1D: "GS", 0x1E: "RS", 0x1F: "US", 0x7F: "DEL",
}


def show_code(text: str, limit: int = 80) -> str:
    """``text`` for a message: GS as ``<GS>``, control characters visible, long codes cut."""
    out = []
    for ch in text:
        o = ord(ch)
        if o < 0x20 or o == 0x7F or 0x80 <= o < 0xA0:
            out.append(f"<{_CONTROL_NAMES.get(o, f'0x{o:02X}')}>")
        else:
            out.append(ch)
    if len(out) > limit:
        return "".join(out[:limit]) + f"… ({len(text)})"
    return "".join(out)


# --------------------------------------------------------------------------- internal rules


@dataclass(frozen=True)
class CodeRule:
    """One internal code pattern: codes that fully match ``pattern`` are of ``kind``."""

    kind: str
    pattern: re.Pattern[str]
    name: str


_KIND = re.compile(r"[a-z][a-z0-9_-]{0,31}")


class CodeRules:
    """The station's internal code patterns, tried in order; the first full match wins."""

    def __init__(self, rules: Iterable[CodeRule] = ()) -> None:
        self.rules: tuple[CodeRule, ...] = tuple(rules)

    @classmethod
    def from_config(cls, entries: Iterable[Mapping[str, Any]] | None) -> CodeRules:
        """Build from config entries ``{"kind": "lot", "pattern": "...", "name": "..."}``.

        Every entry is checked (kind given and lower-case, pattern compiles and cannot
        match an empty code, no unknown keys); all problems are reported together in
        one :class:`CodeRulesError`, each naming its rule.
        """
        rules: list[CodeRule] = []
        errors: list[str] = []
        for i, entry in enumerate(entries or (), 1):
            if not isinstance(entry, Mapping):
                errors.append(f"code rule {i}: expected a table with kind and pattern")
                continue
            kind = entry.get("kind")
            name = str(entry.get("name") or (f"{kind}" if kind else f"#{i}"))
            label = f"code rule {i} ({name})"
            extra = sorted(set(entry) - {"kind", "pattern", "name"})
            if extra:
                errors.append(f"{label}: unknown key(s) {', '.join(extra)} "
                              "(allowed: kind, pattern, name)")
            if not isinstance(kind, str) or not _KIND.fullmatch(kind):
                errors.append(f"{label}: kind must be a lower-case word such as \"lot\", "
                              f"\"tool\", \"gauge\" or \"badge\" (got {kind!r})")
            pattern = entry.get("pattern")
            if not isinstance(pattern, str) or not pattern:
                errors.append(f"{label}: pattern is missing")
                continue
            try:
                rx = re.compile(pattern)
            except re.error as exc:
                errors.append(f"{label}: pattern {pattern!r} is not a valid regular "
                              f"expression: {exc}")
                continue
            if rx.fullmatch(""):
                errors.append(f"{label}: pattern {pattern!r} matches an empty code; "
                              "it would accept anything")
                continue
            if isinstance(kind, str):
                rules.append(CodeRule(kind=kind, pattern=rx, name=name))
        if errors:
            raise CodeRulesError(errors)
        return cls(rules)

    @property
    def kinds(self) -> list[str]:
        """The kinds in rule order, each once."""
        return list(dict.fromkeys(r.kind for r in self.rules))

    def match(self, text: str) -> tuple[CodeRule, dict[str, str]] | None:
        """The first rule that matches all of ``text`` and its named groups, or None."""
        for rule in self.rules:
            m = rule.pattern.fullmatch(text)
            if m:
                return rule, {k: v for k, v in m.groupdict().items() if v is not None}
        return None

    def __len__(self) -> int:
        return len(self.rules)


# --------------------------------------------------------------------------- entry points


def _split_aim(text: str) -> tuple[str | None, str]:
    if len(text) >= 3 and _AIM.match(text):
        return text[:3], text[3:]
    return None, text


def _looks_gs1(text: str) -> bool:
    """Without an AIM identifier: does this clearly claim to be GS1 data?"""
    return (GS in text or _HRI_START.match(text) is not None
            or re.match(r"0[12]\d{14}|00\d{18}", text) is not None)


_HRI_START = re.compile(r"\s*\(\d{2,4}\)")


def parse_scan(scan: Any, *, symbology: str | None = None, rules: CodeRules | None = None,
               strict: bool = True) -> ScanContent:
    """Interpret a scan; see the module docstring for the order of the rules.

    ``scan`` is a :class:`hmi.devices.scanner.Scan` (its ``text`` and ``symbology``
    are used) or a ``str`` (an AIM identifier at its start is split off unless
    ``symbology`` is given). With ``strict=False`` a code nothing matches comes back
    as kind ``"unknown"`` instead of raising; faulty GS1 data always raises.
    """
    if isinstance(scan, str | bytes):
        text = scan.decode("utf-8", "replace") if isinstance(scan, bytes) else scan
        if symbology is None:
            symbology, text = _split_aim(text)
    else:
        text = scan.text
        symbology = symbology or scan.symbology
    rules = rules or CodeRules()
    if symbology in GS1_SYMBOLOGIES:
        return parse_gs1(text, symbology=symbology)
    if symbology in _GTIN_SYMBOLOGIES:
        return _bare_gtin(text, symbology)
    if symbology is None and _HRI_START.match(text):
        return parse_gs1(text, symbology=None)
    hit = rules.match(text)
    if hit is not None:
        rule, groups = hit
        return ScanContent(
            kind="internal", raw=text, symbology=symbology, code_kind=rule.kind, fields=groups,
            lot=groups.get("lot") or (text if rule.kind == "lot" else None),
            serial=groups.get("serial") or (text if rule.kind == "serial" else None),
            gtin=groups.get("gtin"),
        )
    if symbology is None and _looks_gs1(text):
        return parse_gs1(text, symbology=None)
    if not strict:
        return ScanContent(kind="unknown", raw=text, symbology=symbology)
    kinds = ", ".join(rules.kinds)
    if symbology is not None and symbology not in GS1_SYMBOLOGIES:
        why = (tr(_CTX, "it is not a GS1 code (%1) and matches none of this station's "
                        "codes (%2)", symbology, kinds) if kinds else
               tr(_CTX, "it is not a GS1 code (%1) and this station knows no other codes",
                  symbology))
    else:
        why = (tr(_CTX, "it matches none of this station's codes (GS1, %1)", kinds) if kinds
               else tr(_CTX, "it is not a GS1 code and this station knows no other codes"))
    raise ScanError(text, "no_match", why, hint=tr(
        _CTX, "Check that you scanned the right label (the GS1 or lot label of the material)."))


def parse_gs1(text: str, *, symbology: str | None = None) -> ScanContent:
    """Parse GS1 element strings (FNC1/GS form, or HRI "(01)…(10)…")."""
    body = text.strip(" \r\n\t")
    if _HRI_START.match(body):
        elements = _walk_hri(text, body)
    else:
        elements = _walk_fnc1(text, body.lstrip(GS))
    return _content(text, symbology, elements)


def _bare_gtin(text: str, symbology: str | None) -> ScanContent:
    digits = text.strip()
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise ScanError(text, "format", tr(_CTX, "an EAN/UPC code must be 8, 12 or 13 digits"))
    _check_digit(text, "01", "GTIN", digits)
    gtin = digits.zfill(14)
    return ScanContent(kind="gs1", raw=text, symbology=symbology, gtin=gtin,
                       elements={"01": gtin})


# --------------------------------------------------------------------------- GS1 walking


def _ai_or_fail(text: str, rest: str) -> GS1ApplicationIdentifier:
    try:
        return GS1ApplicationIdentifier.extract(rest)
    except ParseError:
        head = show_code(rest[:6])
        raise ScanError(text, "unknown_ai", tr(
            _CTX, "no GS1 application identifier starts at “%1”", head)) from None


def _walk_fnc1(text: str, body: str) -> list[GS1ElementString]:
    if not body:
        raise ScanError(text, "format", tr(_CTX, "the code is empty"))
    out: list[GS1ElementString] = []
    rest = body
    while rest:
        ai = _ai_or_fail(text, rest)
        data = rest[len(ai.ai):].split(GS, 1)[0]
        try:
            es = GS1ElementString.extract(rest, config=_CONFIG)
        except ParseError:
            raise _diagnose(text, ai, data, hri=False) from None
        rest = rest[len(es):]
        if rest and not rest.startswith(GS) and ai.separator_required:
            # A variable-length field must end at GS or at the end of the data.
            limit = _max_length(ai)
            if limit is not None and len(es.pattern_groups[-1]) >= limit:
                raise ScanError(text, "too_long", tr(
                    _CTX, "%1 (AI %2) is longer than %3 characters (or the GS separator after "
                          "it is missing)", _title(ai), ai.ai, limit), ai=ai.ai)
            raise ScanError(text, "format", tr(
                _CTX, "%1 (AI %2) contains “%3”, a character GS1 does not allow",
                _title(ai), ai.ai, show_code(rest[:1])), ai=ai.ai)
        rest = rest.lstrip(GS)
        out.append(es)
    return out


_HRI_PART = re.compile(r"\((\d{2,4})\)([^(]*)")


def _walk_hri(text: str, body: str) -> list[GS1ElementString]:
    hri = "".join(body.split())
    out: list[GS1ElementString] = []
    pos = 0
    while pos < len(hri):
        m = _HRI_PART.match(hri, pos)
        if not m:
            raise ScanError(text, "format", tr(
                _CTX, "expected “(AI)” at “%1”", show_code(hri[pos:pos + 8])))
        ai_text, value = m.group(1), m.group(2)
        ai = _ai_or_fail(text, ai_text + value)
        if ai.ai != ai_text:
            raise ScanError(text, "unknown_ai", tr(
                _CTX, "(%1) is not a GS1 application identifier", ai_text))
        try:
            es = GS1ElementString.parse(ai_text + value, config=_CONFIG)
        except ParseError:
            raise _diagnose(text, ai, value, hri=True) from None
        out.append(es)
        pos = m.end()
    return out


_DATE_AIS = frozenset({"11", "12", "13", "15", "16", "17"})
# GS1 "file-safe" character set 82, allowed in X fields.
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]")


def _title(ai: GS1ApplicationIdentifier) -> str:
    names = {"10": tr(_CTX, "the lot"), "21": tr(_CTX, "the serial number"),
             "01": tr(_CTX, "the GTIN"), "17": tr(_CTX, "the expiry date"),
             "11": tr(_CTX, "the production date"), "15": tr(_CTX, "the best-before date"),
             "30": tr(_CTX, "the quantity"), "37": tr(_CTX, "the count")}
    return names.get(ai.ai, ai.description)


def _fixed_digits(ai: GS1ApplicationIdentifier) -> int | None:
    m = re.fullmatch(r"N\d\+N(\d+)", ai.format)
    return int(m.group(1)) if m else None


def _max_length(ai: GS1ApplicationIdentifier) -> int | None:
    m = re.search(r"\.\.(\d+)\]?$", ai.format)
    return int(m.group(1)) if m else None


def _diagnose(text: str, ai: GS1ApplicationIdentifier, data: str, *, hri: bool) -> ScanError:
    """Why biip refused the element ``ai`` with ``data`` (the characters up to GS)."""
    name = _title(ai)
    n = _fixed_digits(ai)
    if n is not None:
        head = data[:n]
        if len(data) < n:
            return ScanError(text, "truncated", tr(
                _CTX, "%1 (AI %2) needs %3 digits but only %4 were read (“%5”); the code is cut "
                      "short", name, ai.ai, n, len(data), show_code(data)), ai=ai.ai)
        if hri and len(data) > n:
            return ScanError(text, "format", tr(
                _CTX, "%1 (AI %2) has %3 digits, expected %4", name, ai.ai, len(data), n),
                ai=ai.ai)
        if not head.isdigit():
            return ScanError(text, "format", tr(
                _CTX, "%1 (AI %2) must be %3 digits, read “%4”", name, ai.ai, n,
                show_code(head)), ai=ai.ai)
        if ai.ai in _DATE_AIS:
            why = _date_problem(head)
            if why:
                return ScanError(text, "date", tr(
                    _CTX, "%1 (AI %2) “%3” is not a valid date: %4", name, ai.ai, head, why),
                    ai=ai.ai)
    limit = _max_length(ai)
    if limit is not None:
        if not data:
            return ScanError(text, "format", tr(_CTX, "%1 (AI %2) is empty", name, ai.ai),
                             ai=ai.ai)
        if len(data) > limit:
            return ScanError(text, "too_long", tr(
                _CTX, "%1 (AI %2) is longer than %3 characters", name, ai.ai, limit), ai=ai.ai)
        if ai.format.split("+")[-1].startswith("X"):
            bad = next((c for c in data if not _CSET82.fullmatch(c)), None)
            if bad is not None:
                return ScanError(text, "format", tr(
                    _CTX, "%1 (AI %2) contains “%3”, a character GS1 does not allow",
                    name, ai.ai, show_code(bad)), ai=ai.ai)
        elif not data.isdigit():
            return ScanError(text, "format", tr(
                _CTX, "%1 (AI %2) must be digits, read “%3”", name, ai.ai, show_code(data)),
                ai=ai.ai)
    return ScanError(text, "format", tr(
        _CTX, "%1 (AI %2) “%3” does not fit its GS1 format %4", name, ai.ai, show_code(data),
        ai.format), ai=ai.ai)


def _date_problem(yymmdd: str) -> str | None:
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    if not 1 <= month <= 12:
        return tr(_CTX, "there is no month %1", month)
    year = 2000 + int(yymmdd[:2])
    last = calendar.monthrange(year, month)[1]
    if day > last:
        return tr(_CTX, "month %1 has no day %2", month, day)
    return None


def _check_digit(text: str, ai: str, what: str, digits: str) -> None:
    if not digits.isdigit():
        return
    expected = gs1_standard_check_digit(digits[:-1])
    if int(digits[-1]) != expected:
        raise ScanError(text, "check_digit", tr(
            _CTX, "the %1 %2 has a wrong check digit (%3, expected %4)", what, digits,
            digits[-1], expected), ai=ai, hint=tr(
            _CTX, "Scan the label again; if it is refused again the label is misprinted: set "
                  "the item aside and tell the team lead."))


_MEASURE_UNITS = {
    "310": "kg", "311": "m", "312": "m", "313": "m", "314": "m2", "315": "l", "316": "m3",
    "330": "kg", "331": "m", "332": "m", "333": "m", "334": "m2", "335": "l", "336": "m3",
    "337": "kg/m2", "320": "lb", "340": "lb",
}
#: Measures that can stand for the quantity of a lot, in this order.
_QUANTITY_MEASURES = ("310", "315", "316", "311", "314")


def measure_unit(ai: str) -> str:
    """The unit of a variable-measure AI such as "3103" ("kg"), or "" if not known here."""
    return _MEASURE_UNITS.get(ai[:3], "")


def _content(text: str, symbology: str | None, elements: list[GS1ElementString]) -> ScanContent:
    values: dict[str, str] = {}
    for es in elements:
        ai = es.ai.ai
        if ai in values and values[ai] != es.value:
            raise ScanError(text, "duplicate_ai", tr(
                _CTX, "AI %1 appears twice with different values (“%2” and “%3”)", ai,
                values[ai], es.value), ai=ai)
        values[ai] = es.value
        for what, err in (("GTIN", es.gtin_error), ("SSCC", es.sscc_error),
                          ("GLN", es.gln_error)):
            if err:
                _check_digit(text, ai, what, es.value)
                raise ScanError(text, "format", tr(_CTX, "the %1 %2 is not valid (%3)", what,
                                                  es.value, err), ai=ai)
        if ai in ("30", "37") and not es.value:
            raise ScanError(text, "format", tr(_CTX, "the quantity (AI %1) is empty", ai), ai=ai)

    dates = {es.ai.ai: es.date for es in elements if es.date is not None}

    def value(ai: str) -> str | None:
        return values.get(ai) or None

    def date(ai: str) -> dt.date | None:
        return dates.get(ai)

    measures = {es.ai.ai: es.decimal for es in elements
                if es.decimal is not None and es.ai.ai[:2] in ("31", "32", "33", "34", "35", "36")}
    quantity: Quantity | None = None
    for ai in ("30", "37"):
        v = value(ai)
        if v:
            quantity = Quantity(Decimal(int(v)), "pcs", ai)
            break
    if quantity is None:
        for prefix in _QUANTITY_MEASURES:
            hit = next((ai for ai in measures if ai.startswith(prefix)), None)
            if hit is not None:
                quantity = Quantity(measures[hit], _MEASURE_UNITS[prefix], hit)
                break
    return ScanContent(
        kind="gs1", raw=text, symbology=symbology,
        gtin=value("01") or value("02"), lot=value("10"), serial=value("21"),
        expiry=date("17"), production_date=date("11"), best_before=date("15"),
        sscc=value("00"), quantity=quantity, measures=measures, elements=values,
    )


# --------------------------------------------------------------------------- building


def gs1_element_string(
    gtin: str,
    *,
    serial: str | None = None,
    lot: str | None = None,
    expiry: dt.date | None = None,
    production_date: dt.date | None = None,
    quantity: int | None = None,
    net_weight_kg: Decimal | float | str | None = None,
) -> GS1String:
    """The GS1 element string for a label: fixed-length fields first, GS after each
    variable-length field but the last. Each element is validated (GTIN check digit,
    lot/serial at most 20 characters of GS1's character set); ``ValueError`` says which.

    ``gtin`` may be 8, 12, 13 or 14 digits (padded to 14). ``net_weight_kg`` becomes
    AI 310n with as many decimals as needed (at most 6 digits in all).
    """
    g = gtin.strip()
    if not g.isdigit() or len(g) not in (8, 12, 13, 14):
        raise ValueError(f"GTIN {gtin!r} must be 8, 12, 13 or 14 digits")
    g = g.zfill(14)
    if gs1_standard_check_digit(g[:-1]) != int(g[-1]):
        raise ValueError(f"GTIN {gtin!r} has a wrong check digit "
                         f"(expected {gs1_standard_check_digit(g[:-1])})")
    parts: list[tuple[str, str]] = [("01", g)]
    if production_date is not None:
        parts.append(("11", production_date.strftime("%y%m%d")))
    if expiry is not None:
        parts.append(("17", expiry.strftime("%y%m%d")))
    if net_weight_kg is not None:
        parts.append(_weight(net_weight_kg))
    if quantity is not None:
        if not 0 < int(quantity) < 10**8:
            raise ValueError(f"quantity {quantity!r} must be 1…99999999")
        parts.append(("30", str(int(quantity))))
    for ai, v in (("10", lot), ("21", serial)):
        if v is not None:
            if not v or len(v) > 20 or not all(_CSET82.fullmatch(c) for c in v):
                raise ValueError(f"AI {ai} value {v!r} must be 1–20 characters of the GS1 "
                                 "character set (letters, digits, !\"%&'()*+,-./:;<=>?_)")
            parts.append((ai, v))
    elements = GS1ElementStrings()
    for ai, v in parts:
        try:
            elements.append(GS1ElementString.parse(ai + v, config=_CONFIG))
        except ParseError as exc:
            raise ValueError(f"AI {ai} value {v!r}: {exc}") from None
    msg = GS1Message.from_element_strings(elements)
    return GS1String(hri=msg.as_hri(), data=msg.value)


def _weight(kg: Decimal | float | str) -> tuple[str, str]:
    d = Decimal(str(kg))
    if d < 0:
        raise ValueError(f"net weight {kg!r} must not be negative")
    for decimals in range(0, 7):
        scaled = d * (Decimal(10) ** decimals)
        if scaled == scaled.to_integral_value() and scaled < 10**6:
            return f"310{decimals}", f"{int(scaled):06d}"
        if scaled >= 10**6:
            break
    raise ValueError(f"net weight {kg!r} kg does not fit AI 310n (6 digits)")

"""Label content: what a product label says, its GS1-128 barcode and its ZPL II text (Qt-free).

Public API (docs/labels.md):

* :class:`LabelData` — one label: product code/name, identifier (serial or lot),
  quantity + unit, date, order, optional GTIN and expiry. Validates on creation
  (:class:`LabelError`, a message for the screen).
* :class:`BarcodeContent` — what the barcode encodes: ``data`` as a scanner
  transmits it (GS1: element string, ``\\x1d`` (GS) where FNC1 separates a
  variable-length field), ``hri`` (the human-readable line, GS1 as
  ``(01)…(21)…``), ``gs1`` (FNC1 in first position → AIM ``]C1``).
* :func:`barcode_content(label)` — GS1-128 when the label has a GTIN, else a
  plain Code 128 of the identifier.
* :func:`gs1_element_string(label)` — the GS1 element string: GTIN (01),
  expiry (17), serial (21) or lot (10), and for a lot its count (30) or net
  weight in kg (310n); fixed-length fields first so at most one FNC1 separator
  is needed.
* :func:`gtin14(gtin)` — a GTIN-8/12/13/14 checked (mod-10 check digit) and
  padded to 14 digits.
* :func:`barcode_modules(content)` — the Code 128 bar pattern (``"1"`` = dark
  module) from python-barcode (``Gs1_128`` or ``Code128``); the label widget
  draws exactly these modules, aligned to device pixels.
* :func:`barcode_svg(content)` — the same symbol as SVG (python-barcode's SVGWriter).
* :func:`render_data(label, captions=None)` — the plain dict the Qt renderer
  (:mod:`hmi.widgets.label_render`) and the print queue's PDF/PNG jobs take.
* :class:`ZplLayout` and :func:`zpl(label, layout=ZplLayout())` — ZPL II text
  of a 4 x 2 inch label at 203 dpi by default (any size/dpi), one ``^XA … ^XZ``
  format: UTF-8 text (``^CI28``, ``^FH`` escapes), a Code 128 barcode (``^BC``)
  whose field data selects subsets and FNC1 with invocation codes (``>;`` start
  C, ``>:`` start B, ``>5``/``>6`` switch to C/B, ``>8`` FNC1), so a GS1 label
  works on any ZPL II firmware (no dependency on ``^BC`` mode D).
* :func:`zpl_code128_field(content)` — just that ``^FD`` data.

Captions on the label ("Lot", "Qty", …) are plain English by default; the caller
passes translated ones (``captions=``) since this module stays Qt-free.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from barcode.codex import Code128, Gs1_128
from barcode.writer import SVGWriter

from hmi.services.i18n import tr

__all__ = [
    "DEFAULT_CAPTIONS",
    "GS",
    "BarcodeContent",
    "LabelData",
    "LabelError",
    "ZplLayout",
    "barcode_content",
    "barcode_modules",
    "barcode_svg",
    "gs1_element_string",
    "gtin14",
    "render_data",
    "zpl",
    "zpl_code128_field",
]

#: The group separator a scanner sends where the symbol has an FNC1 separator.
GS = "\x1d"
#: python-barcode's stand-in for FNC1 inside the data of ``Gs1_128``.
_PB_FNC1 = "\xf1"

#: GS1 AI encodable character set 82 (the characters allowed in lot and serial).
_CSET82 = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$")

DEFAULT_CAPTIONS: dict[str, str] = {
    "serial": "Serial",
    "lot": "Lot",
    "quantity": "Qty",
    "date": "Date",
    "order": "Order",
    "expiry": "Use by",
}


CTX = "labels"


def _kind_text(kind: str) -> str:
    """'Serial' / 'Lot' for messages (the label's identifier kind)."""
    return {"serial": tr(CTX, "Serial"), "lot": tr(CTX, "Lot")}.get(kind, kind.capitalize())


class LabelError(ValueError):
    """A label cannot be made from this data; the message says what and what to do."""

    def __init__(self, message: str) -> None:
        self.operator_message = message
        super().__init__(message)


def gtin14(gtin: str) -> str:
    """Check a GTIN-8/12/13/14 (digits, mod-10 check digit) and return it as 14 digits."""
    s = (gtin or "").strip()
    if not s.isdigit() or len(s) not in (8, 12, 13, 14):
        raise LabelError(
            tr(CTX, "GTIN '%1' is not 8, 12, 13 or 14 digits. Correct the product's GTIN in "
                    "the master data.", gtin)
        )
    body, check = s[:-1], int(s[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    expected = (10 - total % 10) % 10
    if check != expected:
        raise LabelError(
            tr(CTX, "GTIN %1 has check digit %2, but %3 is correct. Correct the product's GTIN "
                    "in the master data.", gtin, check, expected)
        )
    return s.zfill(14)


@dataclass(frozen=True)
class LabelData:
    """What one label shows. ``identifier_kind`` says whether ``identifier`` is a serial or a lot."""

    product_code: str
    product_name: str
    identifier: str
    identifier_kind: Literal["serial", "lot"]
    quantity: Decimal | int | float | str
    unit: str
    date: dt.date
    order_code: str
    gtin: str | None = None
    expiry: dt.date | None = None

    def __post_init__(self) -> None:
        if self.identifier_kind not in ("serial", "lot"):
            raise LabelError(
                f"Identifier kind {self.identifier_kind!r} is neither 'serial' nor 'lot'."
            )
        if not self.identifier:
            raise LabelError(tr(CTX, "The label has no serial or lot number. Book the unit first, "
                                  "then print."))
        if not self.product_code:
            raise LabelError(tr(CTX, "The label has no product code."))
        try:
            qty = Decimal(str(self.quantity))
        except InvalidOperation:
            raise LabelError(tr(CTX, "Quantity '%1' is not a number.", self.quantity)) from None
        if not qty.is_finite() or qty <= 0:
            raise LabelError(tr(CTX, "Quantity %1 must be more than zero.", self.quantity))
        object.__setattr__(self, "quantity", qty)
        if isinstance(self.date, dt.datetime) or not isinstance(self.date, dt.date):
            raise LabelError(f"Label date {self.date!r} must be a calendar date.")
        if self.expiry is not None and (
            isinstance(self.expiry, dt.datetime) or not isinstance(self.expiry, dt.date)
        ):
            raise LabelError(f"Expiry {self.expiry!r} must be a calendar date.")
        if self.gtin:
            object.__setattr__(self, "gtin", gtin14(self.gtin))
            if len(self.identifier) > 20 or not _CSET82.match(self.identifier):
                raise LabelError(
                    tr(CTX, "%1 '%2' cannot go into a GS1 barcode: at most 20 characters of "
                            "letters, digits and - . / _ etc., no spaces.",
                       _kind_text(self.identifier_kind), self.identifier)
                )
        else:
            object.__setattr__(self, "gtin", None)

    @property
    def quantity_text(self) -> str:
        q = self.quantity.normalize() if isinstance(self.quantity, Decimal) else self.quantity
        text = format(q, "f")
        return f"{text} {self.unit}".strip()


@dataclass(frozen=True)
class BarcodeContent:
    """The data a barcode encodes (as a scanner transmits it) and its human-readable line."""

    data: str
    hri: str
    gs1: bool
    #: GS1 only: the (AI, value) pairs in symbol order.
    fields: tuple[tuple[str, str], ...] = field(default=())


def _yymmdd(d: dt.date) -> str:
    return d.strftime("%y%m%d")


def gs1_element_string(label: LabelData) -> BarcodeContent:
    """The GS1-128 element string of a GS1 label (it must have a GTIN)."""
    if not label.gtin:
        raise LabelError(
            tr(CTX, "Product %1 has no GTIN, so its label cannot carry a GS1 barcode.",
               label.product_code)
        )
    fixed: list[tuple[str, str]] = [("01", label.gtin)]
    if label.expiry is not None:
        fixed.append(("17", _yymmdd(label.expiry)))
    variable: list[tuple[str, str]] = []
    variable.append(("21" if label.identifier_kind == "serial" else "10", label.identifier))
    if label.identifier_kind == "lot":
        qty = label.quantity
        assert isinstance(qty, Decimal)
        if label.unit.lower() == "kg":
            # 310n: net weight in kg with n decimals, six digits.
            exp = -qty.normalize().as_tuple().exponent  # type: ignore[operator]
            n = max(0, min(5, exp))
            digits = int((qty * (Decimal(10) ** n)).to_integral_value())
            if digits > 999_999 or qty * (Decimal(10) ** n) != digits:
                raise LabelError(tr(CTX, "Net weight %1 kg does not fit GS1 AI 310n (six digits).",
                                          qty))
            fixed.append((f"310{n}", f"{digits:06d}"))
        else:
            if qty != qty.to_integral_value() or qty > 99_999_999:
                raise LabelError(
                    tr(CTX, "Quantity %1 %2 is not a whole count of at most 8 digits, so it "
                            "cannot go into GS1 AI 30. Use kg or a whole count.", qty, label.unit)
                )
            variable.append(("30", str(int(qty))))
    ordered = fixed + variable
    data = "".join(ai + value for ai, value in fixed)
    data += GS.join(ai + value for ai, value in variable)
    hri = "".join(f"({ai}){value}" for ai, value in ordered)
    return BarcodeContent(data=data, hri=hri, gs1=True, fields=tuple(ordered))


def barcode_content(label: LabelData) -> BarcodeContent:
    """GS1-128 when the label has a GTIN, otherwise a plain Code 128 of the identifier."""
    if label.gtin:
        return gs1_element_string(label)
    ident = label.identifier
    if any(ord(c) < 32 or ord(c) > 126 for c in ident):
        raise LabelError(
            tr(CTX, "%1 '%2' has characters Code 128 cannot carry.",
               _kind_text(label.identifier_kind), ident)
        )
    return BarcodeContent(data=ident, hri=ident, gs1=False)


def _symbol(content: BarcodeContent) -> Code128:
    if content.gs1:
        return Gs1_128(content.data.replace(GS, _PB_FNC1))
    return Code128(content.data)


def barcode_modules(content: BarcodeContent) -> str:
    """The bar pattern, one character per module: ``"1"`` dark, ``"0"`` light (no quiet zone)."""
    return _symbol(content).build()[0]


def barcode_svg(content: BarcodeContent, *, module_mm: float = 0.33, height_mm: float = 15.0) -> bytes:
    """The barcode as an SVG document (python-barcode's SVGWriter), human-readable line below."""
    sym = _symbol(content)
    sym.writer = SVGWriter()
    out = io.BytesIO()
    sym.write(out, {"module_width": module_mm, "module_height": height_mm}, text=content.hri)
    return out.getvalue()


def render_data(label: LabelData, captions: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The plain, JSON-ready dict the Qt label renderer takes (and PDF/PNG print jobs store)."""
    cap = {**DEFAULT_CAPTIONS, **(captions or {})}
    content = barcode_content(label)
    return {
        "product_name": label.product_name,
        "product_code": label.product_code,
        "identifier_caption": cap[label.identifier_kind],
        "identifier": label.identifier,
        "barcode_modules": barcode_modules(content),
        "barcode_text": content.hri,
        "quantity_text": f"{cap['quantity']} {label.quantity_text}",
        "date_text": f"{cap['date']} {label.date.isoformat()}",
        "order_text": f"{cap['order']} {label.order_code}" if label.order_code else "",
        "expiry_text": f"{cap['expiry']} {label.expiry.isoformat()}" if label.expiry else "",
    }


# --------------------------------------------------------------------------- ZPL II


@dataclass(frozen=True)
class ZplLayout:
    """Label size and printer resolution. The default is 4 x 2 inch at 203 dpi (812 x 406 dots)."""

    width_in: float = 4.0
    height_in: float = 2.0
    dpi: int = 203

    @property
    def width_dots(self) -> int:
        return round(self.width_in * self.dpi)

    @property
    def height_dots(self) -> int:
        return round(self.height_in * self.dpi)


def _zpl_text(text: str) -> str:
    """Field data for ``^FH^FD``: ``^``, ``~``, ``_`` and control characters as ``_hh`` (UTF-8)."""
    out = []
    for ch in text:
        if ch in "^~_" or ord(ch) < 32:
            out.extend(f"_{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def zpl_code128_field(content: BarcodeContent) -> str:
    """``^FD`` data for ``^BC`` (mode N) with explicit subsets and FNC1 invocation codes.

    Digit pairs go in subset C, everything else in subset B; a GS1 symbol starts
    with FNC1 (``>8``) and each GS separator becomes ``>8``. A run of at least
    four digits (or the digits at the very start/end) switches to C; an odd run
    puts its first digit in B so C only ever gets whole pairs (ZPL would drop an
    unpaired digit before a code shift).
    """
    data = content.data
    out: list[str] = []
    i, n = 0, len(data)

    def digit_run(at: int) -> int:
        j = at
        while j < n and data[j].isdigit():
            j += 1
        return j - at

    first = digit_run(0)
    mode = "C" if content.gs1 or first >= 2 and (first % 2 == 0 or first >= 4) else "B"
    out.append(">;" if mode == "C" else ">:")
    if content.gs1:
        out.append(">8")
    while i < n:
        ch = data[i]
        if ch == GS:
            out.append(">8")
            i += 1
            continue
        run = digit_run(i)
        if mode == "C":
            if run >= 2:
                out.append(data[i : i + 2])
                i += 2
                continue
            out.append(">6")
            mode = "B"
            continue
        # subset B
        if run >= 4 or (run >= 2 and i + run == n and run % 2 == 0):
            if run % 2:
                out.append(ch)
                i += 1
            out.append(">5")
            mode = "C"
            continue
        if ch == ">":
            out.append("><")
        elif ch in "^~" or not 32 <= ord(ch) <= 126:
            raise LabelError(f"Character {ch!r} cannot be sent in a ZPL Code 128 barcode.")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def zpl(
    label: LabelData,
    layout: ZplLayout = ZplLayout(),
    *,
    captions: Mapping[str, str] | None = None,
    copies: int = 1,
) -> str:
    """The ZPL II text of one label (one ``^XA … ^XZ`` format, ``copies`` prints via ``^PQ``)."""
    if copies < 1:
        raise LabelError(tr(CTX, "The number of copies must be at least 1."))
    d = render_data(label, captions)
    content = barcode_content(label)
    w, h = layout.width_dots, layout.height_dots
    dpmm = layout.dpi / 25.4
    m = round(2.5 * dpmm)  # margin
    inner = w - 2 * m

    def mm(v: float) -> int:
        return max(1, round(v * dpmm))

    # Module width: the widest whole number of dots that fits with 10-module quiet zones.
    modules = len(d["barcode_modules"]) + 20
    module = max(1, min(4, inner // modules))
    bar_h = mm(12)
    y_name, y_ident, y_bar = m, m + mm(7), m + mm(15)
    y_hri = y_bar + bar_h + mm(1)
    y_foot = h - m - mm(4)
    # ^FB does not elide: too long a line overprints itself. Font 0 averages about 0.55
    # of its height per character: the name shrinks to 75 %, then what cannot fit is cut.
    name_w = inner - mm(25)
    name_h = min(mm(5.5), max(round(mm(5.5) * 0.75), int(name_w / (0.55 * max(1, len(d["product_name"]))))))
    most = max(1, int(name_w / (name_h * 0.55)))
    if len(d["product_name"]) > most:
        d["product_name"] = d["product_name"][: most - 1] + "…"
    ident_line = f"{d['identifier_caption']} {d['identifier']}"
    ident_h = min(mm(6.5), max(mm(3), int(inner / (0.55 * len(ident_line)))))
    lines = [
        "^XA",
        "^CI28",  # UTF-8 field data
        f"^PW{w}",
        f"^LL{h}",
        "^LH0,0",
        # product name big, code small at the right
        f"^FO{m},{y_name}^A0N,{name_h},{round(name_h * 0.92)}^FB{name_w},1,0,L^FH^FD{_zpl_text(d['product_name'])}^FS",
        f"^FO{w - m - mm(25)},{y_name}^A0N,{mm(3)},{mm(2.6)}^FB{mm(25)},1,0,R^FH^FD{_zpl_text(d['product_code'])}^FS",
        # identifier big and bold (font 0 is bold)
        f"^FO{m},{y_ident}^A0N,{ident_h},{round(ident_h * 0.92)}^FB{inner},1,0,L^FH^FD"
        f"{_zpl_text(ident_line)}^FS",
        # barcode: quiet zone of 10 modules left of the bars, our own human-readable line
        f"^BY{module}",
        f"^FO{m + 10 * module},{y_bar}^BCN,{bar_h},N,N,N,N^FD{zpl_code128_field(content)}^FS",
        f"^FO{m},{y_hri}^A0N,{mm(3)},{mm(2.6)}^FB{inner},1,0,L^FH^FD{_zpl_text(d['barcode_text'])}^FS",
        # quantity, date, order (and expiry) at the bottom
        f"^FO{m},{y_foot}^A0N,{mm(4)},{mm(3.6)}^FH^FD{_zpl_text(d['quantity_text'])}^FS",
        f"^FO{m + inner // 3},{y_foot}^A0N,{mm(4)},{mm(3.6)}^FH^FD{_zpl_text(d['date_text'])}^FS",
    ]
    if d["expiry_text"]:
        lines.append(
            f"^FO{m + 2 * inner // 3},{y_foot}^A0N,{mm(4)},{mm(3.6)}^FH^FD{_zpl_text(d['expiry_text'])}^FS"
        )
    if d["order_text"]:
        # small, at the top right under the product code
        lines.append(
            f"^FO{w - m - mm(25)},{y_name + mm(3.5)}^A0N,{mm(3)},{mm(2.6)}^FB{mm(25)},1,0,R^FH^FD"
            f"{_zpl_text(d['order_text'])}^FS"
        )
    if copies > 1:
        lines.append(f"^PQ{copies}")
    lines.append("^XZ")
    return "\n".join(lines) + "\n"

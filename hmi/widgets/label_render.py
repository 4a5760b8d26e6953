"""Drawing a product label for Qt's print system: to an image, a PDF or a printer.

Public API:

* :class:`LabelView` — the plain data a label shows (texts plus the Code 128
  bar pattern); :meth:`LabelView.from_dict` takes the dict that
  ``hmi.services.labels.render_data`` makes (this module imports no service).
* :func:`paint_label(painter, width_px, height_px, dpi, data)` — the layout, in
  device pixels at ``dpi``: product name big, identifier big and bold, the
  barcode with its human-readable line, quantity, date (and expiry/order).
* :func:`render_label(data, size_mm=(100, 50), dpi=300) -> QImage` — white,
  grayscale, ``dpi`` stored in the image.
* :func:`label_to_png(data, path, size_mm, dpi)` — the same, saved as PNG.
* :func:`label_to_pdf(data, path, size_mm)` — one page of exactly ``size_mm``
  (QPdfWriter, no margins, vector bars).
* :func:`print_label(data, printer, size_mm)` — onto a ``QPrinter`` (page size
  set to the label, full page).
* :func:`barcode_png(modules, module_px=3, height_px=120) -> bytes` — the bars
  alone as PNG, quiet zones included.

Bars are drawn from the module pattern, each module a whole number of device
pixels, so a 203/300 dpi printer gets bars exactly on its dot grid (a scaled
bitmap would blur bar widths and cost scan reliability). The quiet zone is ten
modules each side. Nothing is ever elided from the identifier or the barcode
line: such text shrinks to fit; only the product name is elided (after shrinking to 75 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtPrintSupport import QPrinter

__all__ = [
    "LabelView",
    "barcode_png",
    "label_to_pdf",
    "label_to_png",
    "paint_label",
    "print_label",
    "render_label",
]

#: Modules of light space required each side of a Code 128 symbol.
QUIET_MODULES = 10
_MM_PER_IN = 25.4


@dataclass(frozen=True)
class LabelView:
    """Everything drawn on a label, already formatted (captions included)."""

    product_name: str
    identifier: str
    barcode_modules: str
    barcode_text: str
    product_code: str = ""
    identifier_caption: str = ""
    quantity_text: str = ""
    date_text: str = ""
    order_text: str = ""
    expiry_text: str = ""

    def __post_init__(self) -> None:
        if not self.barcode_modules or set(self.barcode_modules) - {"0", "1"}:
            raise ValueError("barcode_modules must be a non-empty string of '0' and '1'")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LabelView:
        names = {f.name for f in fields(cls)}
        return cls(**{k: str(v) for k, v in data.items() if k in names})


def _view(data: LabelView | Mapping[str, Any]) -> LabelView:
    return data if isinstance(data, LabelView) else LabelView.from_dict(data)


def _font(px: float, *, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(["DejaVu Sans", "Noto Sans", "Arial", "sans-serif"])
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    return f


def _fit_font(text: str, px: float, width: int, *, bold: bool = False) -> QFont:
    """The font at ``px`` pixels, made smaller until ``text`` fits ``width`` (never elided)."""
    f = _font(px, bold=bold)
    w = QFontMetrics(f).horizontalAdvance(text)
    if w > width > 0:
        f = _font(px * width / w * 0.98, bold=bold)
    return f


def _draw_bars(painter: QPainter, modules: str, x: int, y: int, module_px: int, height: int) -> None:
    i, n = 0, len(modules)
    while i < n:
        if modules[i] == "1":
            j = i
            while j < n and modules[j] == "1":
                j += 1
            painter.fillRect(QRect(x + i * module_px, y, (j - i) * module_px, height), Qt.GlobalColor.black)
            i = j
        else:
            i += 1


def paint_label(
    painter: QPainter, width_px: int, height_px: int, dpi: float, data: LabelView | Mapping[str, Any]
) -> None:
    """Lay the label out into the rectangle (0, 0, width_px, height_px), device pixels at ``dpi``."""
    v = _view(data)
    px_mm = dpi / _MM_PER_IN
    # Sizes are designed for 100 x 50 mm and scale with a smaller or larger label.
    s = min(width_px / (100 * px_mm), height_px / (50 * px_mm))

    def mm(value: float) -> int:
        return max(1, round(value * s * px_mm))

    painter.save()
    painter.fillRect(QRect(0, 0, width_px, height_px), Qt.GlobalColor.white)
    painter.setPen(QColor("black"))
    margin = mm(2.5)
    inner = width_px - 2 * margin
    left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    y = margin

    # Row 1: product name big; product code and order small at the right.
    side_w = mm(28) if (v.product_code or v.order_text) else 0
    name_font = _font(mm(5.2), bold=True)
    name_w = QFontMetrics(name_font).horizontalAdvance(v.product_name)
    if name_w > inner - side_w:  # shrink to at most 75 %, then elide
        name_font = _font(mm(5.2) * max(0.75, (inner - side_w) / name_w * 0.98), bold=True)
    painter.setFont(name_font)
    name = QFontMetrics(name_font).elidedText(v.product_name, Qt.TextElideMode.ElideRight, inner - side_w)
    painter.drawText(QRect(margin, y, inner - side_w, mm(6.5)), left, name)
    if side_w:
        for k, text in enumerate((v.product_code, v.order_text)):
            if text:
                painter.setFont(_fit_font(text, mm(2.8), side_w))
                painter.drawText(QRect(width_px - margin - side_w, y + k * mm(3.2), side_w, mm(3.2)), right, text)
    y += mm(6.5)

    # Row 2: caption small, identifier big and bold.
    cap_w = 0
    if v.identifier_caption:
        cap_font = _font(mm(3.2))
        painter.setFont(cap_font)
        cap_w = QFontMetrics(cap_font).horizontalAdvance(v.identifier_caption + " ")
        painter.drawText(QRect(margin, y, cap_w, mm(8)), left, v.identifier_caption)
    painter.setFont(_fit_font(v.identifier, mm(7), inner - cap_w, bold=True))
    painter.drawText(QRect(margin + cap_w, y, inner - cap_w, mm(8)), left, v.identifier)
    y += mm(8) + mm(1)

    # The barcode: whole device pixels per module, ten-module quiet zones, centred.
    total = len(v.barcode_modules) + 2 * QUIET_MODULES
    module_px = min(inner // total, mm(0.5))
    if module_px < 1:
        raise ValueError(
            f"the barcode has {total} modules and does not fit {inner} pixels; "
            "use a wider label or a higher resolution"
        )
    bar_h = mm(17)
    x0 = margin + (inner - total * module_px) // 2 + QUIET_MODULES * module_px
    _draw_bars(painter, v.barcode_modules, x0, y, module_px, bar_h)
    y += bar_h
    painter.setFont(_fit_font(v.barcode_text, mm(3), inner))
    painter.drawText(QRect(margin, y, inner, mm(3.8)), Qt.AlignmentFlag.AlignCenter, v.barcode_text)
    y += mm(3.8) + mm(0.7)

    # Bottom row: quantity, date, expiry.
    col = inner // 3
    for k, text in enumerate((v.quantity_text, v.date_text, v.expiry_text)):
        if text:
            painter.setFont(_fit_font(text, mm(4), col - mm(1), bold=k == 0))
            painter.drawText(QRect(margin + k * col, y, col - mm(1), mm(5)), left, text)
    painter.restore()


def _px(size_mm: tuple[float, float], dpi: float) -> tuple[int, int]:
    return round(size_mm[0] * dpi / _MM_PER_IN), round(size_mm[1] * dpi / _MM_PER_IN)


def render_label(
    data: LabelView | Mapping[str, Any], size_mm: tuple[float, float] = (100, 50), dpi: int = 300
) -> QImage:
    """The label as a grayscale image of ``size_mm`` at ``dpi``."""
    w, h = _px(size_mm, dpi)
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    dots_per_m = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_m)
    image.setDotsPerMeterY(dots_per_m)
    painter = QPainter(image)
    try:
        paint_label(painter, w, h, dpi, data)
    finally:
        painter.end()
    return image.convertToFormat(QImage.Format.Format_Grayscale8)


def label_to_png(
    data: LabelView | Mapping[str, Any],
    path: str | Path,
    size_mm: tuple[float, float] = (100, 50),
    dpi: int = 300,
) -> None:
    if not render_label(data, size_mm, dpi).save(str(path), "PNG"):
        raise OSError(f"could not write the label image {path}")


def _page_layout(size_mm: tuple[float, float]) -> QPageLayout:
    page = QPageSize(QSizeF(*size_mm), QPageSize.Unit.Millimeter, "label", QPageSize.SizeMatchPolicy.ExactMatch)
    return QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def label_to_pdf(
    data: LabelView | Mapping[str, Any], path: str | Path, size_mm: tuple[float, float] = (100, 50)
) -> None:
    """One PDF page of exactly ``size_mm`` with the label (text stays text, bars are vectors)."""
    view = _view(data)  # refuse bad data before a file is created
    writer = QPdfWriter(str(path))
    writer.setResolution(1200)
    writer.setPageLayout(_page_layout(size_mm))
    writer.setTitle(f"{view.product_name} {view.identifier}")
    writer.setCreator("openmes-station")
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"could not write the label PDF {path}")
    try:
        w, h = _px(size_mm, writer.resolution())
        paint_label(painter, w, h, writer.resolution(), view)
    finally:
        painter.end()


def print_label(
    data: LabelView | Mapping[str, Any], printer: QPrinter, size_mm: tuple[float, float] = (100, 50)
) -> None:
    """Print one label on ``printer`` (its page set to the label size, no margins)."""
    view = _view(data)
    printer.setFullPage(True)
    printer.setPageLayout(_page_layout(size_mm))
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(f"the printer {printer.printerName() or printer.outputFileName()!r} cannot print now")
    try:
        dpi = printer.resolution()
        rect = printer.pageLayout().fullRectPixels(dpi)
        paint_label(painter, rect.width(), rect.height(), dpi, view)
    finally:
        painter.end()


def barcode_png(modules: str, module_px: int = 3, height_px: int = 120) -> bytes:
    """Only the bars (with quiet zones) as PNG bytes."""
    if not modules or set(modules) - {"0", "1"}:
        raise ValueError("modules must be a non-empty string of '0' and '1'")
    w = (len(modules) + 2 * QUIET_MODULES) * module_px
    image = QImage(w, height_px, QImage.Format.Format_Grayscale8)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        _draw_bars(painter, modules, QUIET_MODULES * module_px, 0, module_px, height_px)
    finally:
        painter.end()
    buf = QByteArray()
    dev = QBuffer(buf)
    dev.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(dev, "PNG")
    dev.close()
    return bytes(buf.data())

"""Draw the demo's work-instruction media (run once; the outputs are committed).

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/masterdata/media/generate.py

A real plant ships photos and the machine maker's PDF manual; the demo needs
files of the same kinds so the station shows a picture and a PDF page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

HERE = Path(__file__).resolve().parent


def die_png(path: Path) -> None:
    img = QImage(1200, 800, QImage.Format.Format_RGB32)
    img.fill(QColor("#f4f4f4"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor("#3c3c3c"), 6))
    p.setBrush(QColor("#bdbdbd"))
    p.drawRoundedRect(QRectF(200, 180, 800, 440), 30, 30)  # die block
    p.setBrush(QColor("#8a8a8a"))
    for x in (330, 870):
        p.drawEllipse(QRectF(x - 45, 355, 90, 90))  # guide pillars
    p.setBrush(QColor("#e6e6e6"))
    p.drawEllipse(QRectF(540, 340, 120, 120))  # bushing seat
    p.setPen(QColor("#1a1a1a"))
    p.setFont(QFont("Sans", 44, QFont.Weight.Bold))
    p.drawText(QRectF(200, 500, 800, 90), Qt.AlignmentFlag.AlignCenter, "DIE-BRK-100-A")
    p.setFont(QFont("Sans", 34))
    p.drawText(QRectF(0, 40, 1200, 90), Qt.AlignmentFlag.AlignCenter,
               "Engraved code: must match the order's product")
    p.setPen(QPen(QColor("#d0021b"), 8))
    p.drawLine(760, 545, 1010, 680)
    p.drawText(QRectF(820, 690, 360, 80), Qt.AlignmentFlag.AlignLeft, "code here")
    p.end()
    img.save(str(path))


def manual_pdf(path: Path) -> None:
    w = QPdfWriter(str(path))
    w.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    w.setResolution(150)
    p = QPainter(w)
    pages = [
        ("Press 10 – operating manual", ["1  Safety", "2  Die change", "3  First-part check"]),
        ("2  Die change", ["1. Stop the press and switch to set-up mode.",
                           "2. Open the guard; lock out the hydraulics.",
                           "3. Loosen the four clamps (19 mm).",
                           "4. Slide the die out on the rollers.",
                           "5. Insert the new die; check the engraved code.",
                           "6. Tighten the clamps to 80 Nm, crosswise.",
                           "7. Close the guard; scan the die code at the station."]),
    ]
    for i, (title, lines) in enumerate(pages):
        if i:
            w.newPage()
        p.setFont(QFont("Sans", 22, QFont.Weight.Bold))
        p.drawText(120, 200, title)
        p.setFont(QFont("Sans", 14))
        for j, line in enumerate(lines):
            p.drawText(120, 340 + j * 90, line)
    p.end()


if __name__ == "__main__":
    app = QGuiApplication(sys.argv)
    folder = HERE / "wi-press-bush"
    folder.mkdir(exist_ok=True)
    die_png(folder / "die.png")
    manual_pdf(folder / "press-10-manual.pdf")
    print("written", *sorted(p.name for p in folder.iterdir()))

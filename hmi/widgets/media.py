"""A picture or one PDF page, scaled to fit: the media of a work-instruction step.

Images load through Qt (PNG, JPEG, SVG where the plugin exists). PDF pages are
rendered with pypdfium2 (PDFium): PySide6 6.12's wheels ship no QtPdf module,
and PDFium is the renderer Chrome uses. A missing or unreadable file shows a
grey panel saying so, never a crash and never an empty gap. A tap opens the
picture as large as the screen allows (a PDF page is unreadable at half size).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

log = logging.getLogger(__name__)


def render_pdf_page(path: Path, page: int, width_px: int) -> QImage:
    """Page ``page`` (1-based) of a PDF as a QImage about ``width_px`` wide."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"the PDF has {len(pdf)} page(s), not a page {page}")
        pg = pdf[page - 1]
        scale = max(0.2, width_px / max(1.0, pg.get_width()))
        bitmap = pg.render(scale=scale, rev_byteorder=True)  # RGB byte order, as Qt wants
        pixels = bitmap.to_numpy()
        if pixels.ndim != 3 or pixels.shape[2] != 3:
            raise ValueError(f"unexpected PDF bitmap layout {pixels.shape}")
        height, width = pixels.shape[:2]
        image = QImage(pixels.tobytes(), width, height, 3 * width, QImage.Format.Format_RGB888)
        return image.copy()  # own the pixels before the buffer goes away
    finally:
        pdf.close()


class MediaView(QLabel):
    """Shows ``set_media(path, page)``; keeps the aspect ratio when resized."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("media")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(200, 150))
        self._image: QImage | None = None
        self.problem = ""

    def set_media(self, path: Path | None, page: int | None = None) -> None:
        self._image = None
        self.problem = ""
        if path is None:
            self.clear()
            self.hide()
            return
        self.show()
        try:
            if not path.is_file():
                raise FileNotFoundError(f"{path.name} is not on this station")
            if path.suffix.lower() == ".pdf":
                image = render_pdf_page(path, page or 1, 1400)
            else:
                image = QImage(str(path))
                if image.isNull():
                    raise ValueError(f"{path.name} is not a picture this station can show")
            self._image = image
        except Exception as exc:  # a broken file must not take the step away
            log.warning("media %s (page %s) not shown: %s", path, page, exc)
            self.problem = str(exc)
            self.setPixmap(QPixmap())
            self.setText(self.tr("Picture not available: %1").replace("%1", str(exc)))
            self.setWordWrap(True)
            return
        self._fit()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        """A tap shows the picture or page as large as the screen allows."""
        super().mouseReleaseEvent(event)
        if self._image is not None:
            self.enlarge()

    def enlarge(self) -> QDialog:
        dlg = QDialog(self.window())
        dlg.setWindowTitle(self.tr("Picture"))
        lay = QVBoxLayout(dlg)
        big = QLabel(dlg)
        big.setAlignment(Qt.AlignmentFlag.AlignCenter)
        screen = self.window().size()
        target = QSize(max(400, screen.width() - 80), max(300, screen.height() - 180))
        big.setPixmap(QPixmap.fromImage(self._image).scaled(
            target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        close = QPushButton(self.tr("Close"), dlg)
        close.setProperty("primary", True)
        close.clicked.connect(dlg.accept)
        lay.addWidget(big, 1)
        lay.addWidget(close)
        dlg.resize(screen)
        dlg.open()
        return dlg

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._image is None:
            return
        size = self.size()
        self.setPixmap(QPixmap.fromImage(self._image).scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

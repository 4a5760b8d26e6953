"""Label content, GS1-128 barcodes, ZPL text and the Qt renderings, read back with zxing-cpp."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from barcode.charsets import code128
from PySide6.QtGui import QImage, QPageLayout
from PySide6.QtPrintSupport import QPrinter

from hmi.services.labels import (
    GS,
    LabelData,
    LabelError,
    ZplLayout,
    barcode_content,
    barcode_modules,
    barcode_svg,
    gtin14,
    render_data,
    zpl,
    zpl_code128_field,
)
from hmi.widgets.label_render import (
    barcode_png,
    label_to_pdf,
    label_to_png,
    print_label,
    render_label,
)

GTIN = "04012345000108"  # BRK-100 in the demo master data


def serial_label(**kw) -> LabelData:
    base = dict(product_code="BRK-100", product_name="Brake caliper assembly", identifier="SN-000123-ABC",
                identifier_kind="serial", quantity=1, unit="pcs", date=dt.date(2026, 3, 4),
                order_code="ORD-4711", gtin=GTIN, expiry=dt.date(2028, 1, 31))
    base.update(kw)
    return LabelData(**base)


def lot_label(**kw) -> LabelData:
    base = dict(product_code="BUSH-12", product_name="Bushing 12 mm", identifier="L2026-0042",
                identifier_kind="lot", quantity=250, unit="pcs", date=dt.date(2026, 3, 4),
                order_code="ORD-4711", gtin=GTIN)
    base.update(kw)
    return LabelData(**base)


def decode(image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128,
                                  text_mode=zxingcpp.TextMode.Plain)


# --------------------------------------------------------------------------- content


def test_gtin_check_digit_and_padding() -> None:
    assert gtin14("4012345000108") == GTIN
    assert gtin14("96385074") == "00000096385074"
    with pytest.raises(LabelError, match="check digit 9, but 8 is correct"):
        gtin14("04012345000109")
    with pytest.raises(LabelError, match="not 8, 12, 13 or 14 digits"):
        gtin14("12345")


def test_gs1_element_strings() -> None:
    s = barcode_content(serial_label())
    # fixed-length fields first, one variable field last: no separator needed
    assert s.data == "01" + GTIN + "17280131" + "21SN-000123-ABC"
    assert s.hri == f"(01){GTIN}(17)280131(21)SN-000123-ABC" and s.gs1
    lot = barcode_content(lot_label())
    assert lot.data == "01" + GTIN + "10L2026-0042" + GS + "30250"  # FNC1 between variable fields
    assert lot.fields == (("01", GTIN), ("10", "L2026-0042"), ("30", "250"))
    kg = barcode_content(lot_label(quantity="12.5", unit="kg"))
    assert kg.fields == (("01", GTIN), ("3101", "000125"), ("10", "L2026-0042"))
    plain = barcode_content(serial_label(gtin=None))
    assert (plain.data, plain.gs1) == ("SN-000123-ABC", False)


def test_bad_label_data_is_refused_with_a_reason() -> None:
    with pytest.raises(LabelError, match="no serial or lot"):
        serial_label(identifier="")
    with pytest.raises(LabelError, match="more than zero"):
        lot_label(quantity=0)
    with pytest.raises(LabelError, match="cannot go into a GS1"):
        lot_label(identifier="LOT 42")
    with pytest.raises(LabelError, match="not a whole count"):
        barcode_content(lot_label(quantity="2.5"))
    with pytest.raises(LabelError, match="calendar date"):
        serial_label(date=dt.datetime(2026, 3, 4, 12, 0))


# --------------------------------------------------------------------------- rendered and read back


@pytest.mark.parametrize("label", [serial_label(), lot_label(), serial_label(gtin=None, expiry=None)],
                         ids=["gs1-serial", "gs1-lot", "plain-code128"])
def test_label_rendered_to_png_decodes_to_its_content(qapp, tmp_path: Path, label: LabelData) -> None:
    content = barcode_content(label)
    path = tmp_path / "label.png"
    label_to_png(render_data(label), path, dpi=300)
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1181, 591)  # 100 x 50 mm at 300 dpi
    found = decode(image)
    assert len(found) == 1
    assert found[0].text == content.data
    assert found[0].symbology_identifier == ("]C1" if content.gs1 else "]C0")
    if content.gs1:
        hri = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)[0].text
        assert hri == content.hri  # the reader parses it into the same AIs the label shows


def test_label_at_printer_resolution_203_dpi_still_reads(qapp) -> None:
    label = serial_label(identifier="SN-20260304-000123")
    image = render_label(render_data(label), size_mm=(101.6, 50.8), dpi=203)
    assert [b.text for b in decode(image)] == [barcode_content(label).data]


def test_barcode_png_and_svg(qapp) -> None:
    content = barcode_content(lot_label())
    png = barcode_png(barcode_modules(content))
    assert png.startswith(b"\x89PNG")
    assert [b.text for b in decode(QImage.fromData(png))] == [content.data]
    svg = barcode_svg(content)
    assert b"<svg" in svg and b"(10)L2026-0042" in svg


def test_pdf_has_label_size_and_text_and_a_readable_barcode(qapp, tmp_path: Path) -> None:
    label = serial_label()
    path = tmp_path / "label.pdf"
    label_to_pdf(render_data(label), path)
    pdf = pdfium.PdfDocument(str(path))
    try:
        assert len(pdf) == 1
        page = pdf[0]
        w_pt, h_pt = page.get_size()
        assert w_pt == pytest.approx(100 / 25.4 * 72, abs=0.5)
        assert h_pt == pytest.approx(50 / 25.4 * 72, abs=0.5)
        text = page.get_textpage().get_text_range()
        for expected in ("Brake caliper assembly", "SN-000123-ABC", "Qty 1 pcs", "Date 2026-03-04",
                         "(01)04012345000108(17)280131(21)SN-000123-ABC"):
            assert expected in text
        pixels = page.render(scale=300 / 72, grayscale=True).to_numpy()
        assert [b.text for b in decode(pixels.squeeze())] == [barcode_content(label).data]
    finally:
        pdf.close()


def test_print_label_through_qprinter(qapp, tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    print_label(render_data(lot_label()), printer, size_mm=(100, 50))
    size = printer.pageLayout().fullRect(QPageLayout.Unit.Millimeter)
    assert (round(size.width()), round(size.height())) == (100, 50)
    pdf = pdfium.PdfDocument(str(out))
    try:
        assert "L2026-0042" in pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()


# --------------------------------------------------------------------------- ZPL


def _zpl_fd_to_modules(fd: str) -> str:
    """Interpret ^BC field data as a ZPL printer does (invocation codes, subsets) → bars."""
    values: list[int] = []
    i, mode = 0, "B"
    if fd.startswith(">;"):
        values.append(105); mode = "C"; i = 2  # noqa: E702
    elif fd.startswith(">:"):
        values.append(104); i = 2  # noqa: E702
    else:
        values.append(104)
    while i < len(fd):
        if fd[i] == ">":
            code = fd[i + 1]
            i += 2
            if code == "8":
                values.append(102)
            elif code == "<":
                values.append(ord(">") - 32)
            elif code == "5" and mode == "B":
                values.append(99); mode = "C"  # noqa: E702
            elif code == "6" and mode == "C":
                values.append(100); mode = "B"  # noqa: E702
            else:
                raise AssertionError(f"unexpected invocation >{code} in subset {mode}")
            continue
        if mode == "C":
            pair = fd[i : i + 2]
            assert len(pair) == 2 and pair.isdigit(), f"unpaired digit in subset C at {i}: {fd}"
            values.append(int(pair))
            i += 2
        else:
            values.append(ord(fd[i]) - 32)
            i += 1
    check = (values[0] + sum(k * v for k, v in enumerate(values[1:], 1))) % 103
    return "".join(code128.CODES[v] for v in [*values, check]) + code128.STOP + "11"


def _decode_modules(modules: str) -> list[str]:
    import numpy as np

    row = np.array([255] * 30 + [0 if c == "1" else 255 for c in modules for _ in range(3)] + [255] * 30,
                   dtype=np.uint8)
    return [b.text for b in decode(np.tile(row, (60, 1)))]


@pytest.mark.parametrize(
    "label",
    [serial_label(), lot_label(), lot_label(identifier="12345"), lot_label(identifier="A1234567B", quantity=7),
     serial_label(gtin=None, identifier="123456"), serial_label(gtin=None, identifier="AB>12")],
    ids=["serial", "lot", "numeric-lot", "mixed-lot", "plain-digits", "plain-escape"],
)
def test_zpl_barcode_field_encodes_exactly_the_content(label: LabelData) -> None:
    content = barcode_content(label)
    fd = zpl_code128_field(content)
    if content.gs1:
        assert fd.startswith(">;>8")  # start in subset C, FNC1 first: GS1-128
    assert _decode_modules(_zpl_fd_to_modules(fd)) == [content.data]


def test_zpl_text_has_the_fields() -> None:
    label = serial_label()
    text = zpl(label)
    assert text.startswith("^XA") and text.rstrip().endswith("^XZ") and text.count("^XA") == 1
    assert "^CI28" in text and "^PW812" in text and "^LL406" in text  # 4 x 2 in at 203 dpi
    bc = re.search(r"\^BCN,(\d+),N,N,N,N\^FD(.*?)\^FS", text)
    assert bc and bc.group(2) == zpl_code128_field(barcode_content(label))
    for field in ("Brake caliper assembly", "Serial SN-000123-ABC", "(01)04012345000108(17)280131(21)SN-000123-ABC",
                  "Qty 1 pcs", "Date 2026-03-04", "Use by 2028-01-31", "Order ORD-4711", "BRK-100"):
        assert f"^FD{field}^FS" in text
    big = zpl(label, ZplLayout(width_in=4, height_in=6, dpi=300), copies=3)
    assert "^PW1200" in big and "^LL1800" in big and "^PQ3" in big


def test_zpl_escapes_special_characters_and_keeps_identifier_whole() -> None:
    label = serial_label(product_name="Gehäuse ^links~ 100%_x", gtin=None,
                         identifier="SN-" + "9" * 40)
    text = zpl(label)
    name_field = re.search(r"\^FH\^FD(Geh.*?)\^FS", text).group(1)
    assert "^" not in name_field and "~" not in name_field
    assert "_5Elinks_7E" in name_field and "_5Fx" in name_field and "ä" in name_field
    assert "SN-" + "9" * 40 in text  # never cut: the font shrinks instead
    long_name = zpl(serial_label(product_name="X" * 80))
    assert "X" * 80 not in long_name and "…" in long_name

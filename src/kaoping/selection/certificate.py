"""The certificate (荣誉证书) of a selected nominee: one A4 landscape PDF with the embedded Chinese
font (``kaoping.formats.pdf_fonts``, Noto Serif SC), so it prints the same on any reader."""

from __future__ import annotations

import datetime
import io

from kaoping.formats import pdf_fonts

mm = 72 / 25.4
PAGE = (297 * mm, 210 * mm)


def certificate_pdf(*, name: str, organization: str, title: str, issuer: str, on: datetime.date) -> bytes:
    from reportlab.pdfgen import canvas

    regular, bold = pdf_fonts.register()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE, initialFontName=regular)
    pdf.setTitle(f"荣誉证书 · {name}")
    width, height = PAGE
    pdf.setLineWidth(3)
    pdf.setStrokeColorRGB(0.7, 0.1, 0.1)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    pdf.setFillColorRGB(0.7, 0.1, 0.1)
    pdf.setFont(bold, 40)
    pdf.drawCentredString(width / 2, height - 55 * mm, "荣誉证书")
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(bold, 22)
    pdf.drawString(40 * mm, height - 85 * mm, f"{name} 同志:")
    pdf.setFont(regular, 16)
    body = f"您被评为“{title.removesuffix('评选')}”。特发此证,以资鼓励。"
    y = height - 102 * mm
    for line in pdf_fonts.wrap(body, 16, width - 100 * mm, regular):
        pdf.drawString(50 * mm, y, line)
        y -= 10 * mm
    pdf.setFont(regular, 12)
    pdf.drawString(50 * mm, y - 2 * mm, f"所在单位:{organization}")
    pdf.setFont(regular, 16)
    pdf.drawRightString(width - 40 * mm, 45 * mm, issuer)
    pdf.drawRightString(width - 40 * mm, 35 * mm, f"{on.year}年{on.month}月{on.day}日")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

"""The Chinese font every Kaoping PDF embeds (no Django here).

Noto Serif SC (思源宋体, SIL Open Font License) comes from the npm package
``@expo-google-fonts/noto-serif-sc``: ``make install`` copies its Regular and Bold TrueType files
(glyf outlines, 14.8 MB each) into ``src/kaoping/static/vendor/fonts/``. reportlab embeds only the
glyphs a document uses (a subset), so a PDF grows by tens of kilobytes, not megabytes, and prints
the same on any PDF reader: no reader-side font (the old ``STSong-Light``, which lacked "·")
is needed. See docs/documents.md.
"""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor" / "fonts"
REGULAR = "KaopingSerif"
BOLD = "KaopingSerif-Bold"
_FILES = {REGULAR: "NotoSerifSC_400Regular.ttf", BOLD: "NotoSerifSC_700Bold.ttf"}


class FontMissing(RuntimeError):
    """The font files are not installed (``make install`` copies them)."""


def font_path(name: str) -> Path:
    return FONT_DIR / _FILES[name]


def register() -> tuple[str, str]:
    """Register the regular and bold faces with reportlab once per process; their names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    if REGULAR in registered and BOLD in registered:
        return REGULAR, BOLD
    for name in (REGULAR, BOLD):
        path = font_path(name)
        if not path.is_file():
            raise FontMissing(
                f"中文字体文件不存在:{path}。请运行 make install 安装(npm 包 @expo-google-fonts/noto-serif-sc)。"
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


def text_width(text: str, size: float, font: str = REGULAR) -> float:
    from reportlab.pdfbase import pdfmetrics

    register()
    return float(pdfmetrics.stringWidth(text, font, size))


def wrap(text: str, size: float, width: float, font: str = REGULAR) -> list[str]:
    """``text`` in lines no wider than ``width`` points, broken between any two characters
    (Chinese has no spaces; a Latin run is kept whole when it fits on a line)."""
    lines: list[str] = []
    line = ""
    for char in text:
        if char == "\n":
            lines.append(line)
            line = ""
            continue
        if line and text_width(line + char, size, font) > width:
            lines.append(line)
            line = char.lstrip()
        else:
            line += char
    if line or not lines:
        lines.append(line)
    return lines

"""An official document as data, laid out after GB/T 9704-2012 (党政机关公文格式). No Django here.

A document is a list of blocks (paragraphs of a named style, tables, a page break before the
attachment) with an optional 版头 (issuing authority and 发文字号 above a red line). The Word
writer (``docx_writer``) and the PDF writer (``pdf_writer``) render the same blocks with the same
page, margins, sizes and spacing; Word names the standard's fonts on every run so a bureau PC with
方正小标宋简体, 仿宋_GB2312, 黑体 and 楷体_GB2312 prints it to the standard, and the PDF embeds Noto
Serif SC (kaoping.formats.pdf_fonts) for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

# Page (mm): A4, 天头 37, 订口 28; the text area is 156 × 225 mm.
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 37.0, 35.0, 28.0, 26.0
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT

# Chinese type sizes in points (字号).
SIZE_1, SIZE_2, SIZE_3, SIZE_4 = 26.0, 22.0, 16.0, 14.0
# 22 lines of 3号 on the 225 mm text area: the line pitch of the body (points).
LINE_PITCH = round(225 / 22 * 72 / 25.4, 2)
TITLE_PITCH = 35.0
RED = "C00000"  # the 版头's red (RGB hex)

# The standard's fonts, named on Word runs (East Asian font attribute) and used by a bureau PC.
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONG = "宋体"
LATIN = "Times New Roman"


class Style(StrEnum):
    ISSUER = "issuer"  # 发文机关标志 (red, 小标宋)
    NUMBER = "number"  # 发文字号
    TITLE = "title"  # 标题: 2号 小标宋, centred
    RECIPIENT = "recipient"  # 主送机关: 3号 仿宋, flush left, ends with ":"
    BODY = "body"  # 正文: 3号 仿宋, first line indented two characters
    HEADING_1 = "h1"  # 一、: 3号 黑体
    HEADING_2 = "h2"  # (一): 3号 楷体
    ATTACHMENT_NOTE = "attachment_note"  # 附件说明 under the body
    SIGNATURE = "signature"  # 发文机关署名
    DATE = "date"  # 成文日期, right, four characters in
    ATTACHMENT_LABEL = "attachment_label"  # 附件 (3号 黑体, top left of the attachment page)
    TABLE_CAPTION = "table_caption"  # the attachment's title (小标宋)


@dataclass(frozen=True)
class FontSpec:
    east_asian: str  # the standard's font for Chinese text (Word)
    size: float  # points
    bold: bool = False  # the PDF's bold face (小标宋 and 黑体 are heavy faces)


STYLE_FONTS: dict[Style, FontSpec] = {
    Style.ISSUER: FontSpec(XIAOBIAOSONG, SIZE_1 + 10, True),
    Style.NUMBER: FontSpec(FANGSONG, SIZE_3),
    Style.TITLE: FontSpec(XIAOBIAOSONG, SIZE_2, True),
    Style.RECIPIENT: FontSpec(FANGSONG, SIZE_3),
    Style.BODY: FontSpec(FANGSONG, SIZE_3),
    Style.HEADING_1: FontSpec(HEITI, SIZE_3, True),
    Style.HEADING_2: FontSpec(KAITI, SIZE_3),
    Style.ATTACHMENT_NOTE: FontSpec(FANGSONG, SIZE_3),
    Style.SIGNATURE: FontSpec(FANGSONG, SIZE_3),
    Style.DATE: FontSpec(FANGSONG, SIZE_3),
    Style.ATTACHMENT_LABEL: FontSpec(HEITI, SIZE_3, True),
    Style.TABLE_CAPTION: FontSpec(XIAOBIAOSONG, SIZE_2, True),
}
TABLE_FONT = FontSpec(FANGSONG, 12.0)
TABLE_HEAD_FONT = FontSpec(HEITI, 12.0, True)
PAGE_NUMBER_FONT = FontSpec(SONG, SIZE_4)


@dataclass(frozen=True)
class Paragraph:
    style: Style
    text: str


@dataclass(frozen=True)
class Table:
    """A table with one header row. ``merges`` are (first row, first column, last row, last
    column) over the body rows (0 = the first row under the header); a merged cell keeps the
    text of its top-left cell. ``widths`` in mm, adding up to at most the text width."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    merges: tuple[tuple[int, int, int, int], ...] = ()
    numeric: frozenset[int] = frozenset()  # columns of numbers, centred


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Paragraph | Table | PageBreak


@dataclass(frozen=True)
class Letterhead:
    issuer: str  # 发文机关标志, e.g. 南昌市教育局文件
    number: str  # 发文字号, e.g. 洪教督字〔2026〕12号


@dataclass
class Document:
    title: str  # also the file's title property
    blocks: list[Block] = field(default_factory=list)
    letterhead: Letterhead | None = None
    author: str = ""

    def add(self, style: Style, text: str) -> None:
        self.blocks.append(Paragraph(style, text))


def chinese_date(day: date) -> str:
    """成文日期 in Arabic numerals, as GB/T 9704-2012 writes it: 2026年12月6日."""
    return f"{day.year}年{day.month}月{day.day}日"


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (headings 一、 and (一); up to 99)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return head + "十" + (CHINESE_DIGITS[ones] if ones else "")

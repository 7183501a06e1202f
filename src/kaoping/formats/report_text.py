"""Read an existing self-evaluation report (自评报告) written in Word or plain text.

Bureaus keep years of reports in the style of seed 004: first-level sections such as
"(一)贯彻执行党的教育(权重11分,自评11分)", numbered items ending in "(分值1分,自评1分)。",
and a stated total "自评总分99.1分". Real documents are irregular: full- and half-width brackets,
a missing bracket or 分, commas written as ",", ",", "、" or ";", spaces, 权重/分值/满分 for the
points. ``parse_report`` finds the sections, items, stated figures (percentages, counts) and the
stated total; lines that *look like* a score (a number after 分值/权重/自评) but cannot be read are
returned in ``unparsed`` with their line number, and everything else (page headers, prose,
经验做法) is skipped silently.

``read_report`` decodes an uploaded file: .txt in UTF-8 (with or without BOM) or GB18030, .docx
(paragraphs and then the text of tables' cells, in document order) with python-docx. A file it
cannot read raises ``ReportRefused`` with a Chinese message. No Django here.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MAX_REPORT_BYTES = 5 * 1024 * 1024  # a long Word report with pictures is well under this
MAX_TEXT_CHARS = 500_000  # decoded text (seed 004 is 9,000 characters)
MAX_LINES = 20_000
MAX_LINE_CHARS = 5_000  # a longer line is not matched; it is reported
MAX_ITEMS = 1_000  # a real scheme has at most a few hundred items; reading stops past this
MAX_UNPARSED = 200  # reported lines, then reading stops (a file that is not a report at all)

CN_DIGITS = "〇一二三四五六七八九十"

_NUM = r"(\d+(?:\.\d+)?)"
_SEP = r"[\s,,、;;]*"
# the points: 分值/权重/满分/标准分/分数 + number (+ 分); the self score: 自评(得分|分) + number (+ 分)
_POINTS_WORD = r"(?:分值|权重|满分|标准分|总分值)"
_SELF_WORD = r"自评(?:得分|分数|分)?"
_SCORE = re.compile(
    rf"(?P<kind>{_POINTS_WORD})\s*[:：]?\s*{_NUM}\s*分?{_SEP}{_SELF_WORD}\s*[:：]?\s*{_NUM}\s*分?\s*[))]*"
)
_LOOKS_SCORED = re.compile(rf"{_POINTS_WORD}\s*[:：]?\s*\d|{_SELF_WORD}\s*[:：]?\s*\d")
_TOTAL = re.compile(r"自评(?:总分|总得分|得分合计|合计)\s*(?:为|是)?\s*[:：]?\s*(\d+(?:\.\d+)?)\s*分?")
_GRADE = re.compile(r"自评等次\s*(?:为|是)?\s*[:：]?\s*[“\"'「『]?\s*(优秀|良好|合格|基本合格|不合格|较好|一般|较差)")
_ITEM_NUMBER = re.compile(r"^\s*[((]?\s*(\d{1,3})\s*(?:[.．、)):]|\s)\s*")
_SECTION_NUMBER = re.compile(rf"^\s*[((]\s*([{CN_DIGITS}]{{1,3}})\s*[))]\s*|^\s*([{CN_DIGITS}]{{1,3}})\s*[、.．]\s*")
_BROKEN_SECTION = re.compile(rf"^\s*(?:[((]\s*[{CN_DIGITS}]{{0,3}}|[{CN_DIGITS}]{{1,3}})?\s*[))]")
_FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(%|％|个百分点|万元|亿元|元|人|所|个|间|家|节|班)")
_EDGE_CHARS = " \t\u3000。.,,;;、()()"  # stripped from both ends (str.strip: linear, unlike a regex "[…]+$")
_CONTEXT_BREAK = re.compile(r"[,;。;:!?!?(())]")


class ReportRefused(Exception):
    """The file cannot be read as a report; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Figure:
    """A number stated in an item's text, with the words before it ("标准班额数占比")."""

    label: str
    value: Decimal
    unit: str


@dataclass(frozen=True)
class ParsedSection:
    number: int  # 1 for (一); inferred from the previous one when the numbering is damaged
    title: str
    points: Decimal | None
    self_score: Decimal | None
    line: int


@dataclass(frozen=True)
class ParsedItem:
    section: int  # the section's number (0 before any section)
    number: int  # as written ("15." → 15), or the previous + 1 when missing
    text: str  # the item's words, the score clause removed
    points: Decimal
    self_score: Decimal
    figures: tuple[Figure, ...]
    note: str  # anything written after the score clause
    line: int


@dataclass(frozen=True)
class Unparsed:
    line: int
    text: str
    reason: str


@dataclass
class ParsedReport:
    sections: list[ParsedSection] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    stated_total: Decimal | None = None
    stated_total_line: int | None = None
    stated_grade: str = ""
    unparsed: list[Unparsed] = field(default_factory=list)
    lines: int = 0  # lines with any text
    skipped: int = 0  # lines with text that are neither section, item nor total (headers, prose)

    @property
    def items_points(self) -> Decimal:
        return sum((i.points for i in self.items), Decimal(0))

    @property
    def items_total(self) -> Decimal:
        return sum((i.self_score for i in self.items), Decimal(0))


def _cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23."""
    values = [CN_DIGITS.index(c) for c in text]
    if len(values) == 1:
        return values[0]
    if values[0] == 10:
        return 10 + (values[1] if len(values) > 1 else 0)
    if len(values) >= 2 and values[1] == 10:
        return values[0] * 10 + (values[2] if len(values) > 2 else 0)
    return int("".join(str(v) for v in values))


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _clean(text: str) -> str:
    """Trim spaces and the punctuation a removed clause leaves behind."""
    return text.strip(_EDGE_CHARS)


def _figures(text: str) -> tuple[Figure, ...]:
    found: list[Figure] = []
    start = 0
    for match in _FIGURE.finditer(text):
        before = text[start : match.start()]
        breaks = list(_CONTEXT_BREAK.finditer(before))
        label = before[breaks[-1].end() :] if breaks else before
        label = re.sub(r"\d+(?:\.\d+)?", "", label).strip(" 、")[-30:]
        value = _decimal(match.group(1))
        if value is not None:
            unit = "%" if match.group(2) in ("%", "％") else match.group(2)
            found.append(Figure(label=label, value=value, unit=unit))
        start = match.end()
    return tuple(found)


def parse_report(text: str) -> ParsedReport:
    """Sections, items, figures, the stated total and the lines that failed, with line numbers."""
    report = ParsedReport()
    section_number = 0
    last_item = 0
    for index, raw in enumerate(text.splitlines()[:MAX_LINES], start=1):
        original = raw.strip().strip("\ufeff")
        if not original:
            continue
        report.lines += 1
        if len(report.items) >= MAX_ITEMS or len(report.unparsed) >= MAX_UNPARSED:
            report.unparsed.append(
                Unparsed(
                    index,
                    original[:120],
                    f"从这一行起未再读取:评价要点超过 {MAX_ITEMS} 个或未能识别的行超过 {MAX_UNPARSED} 行",
                )
            )
            break
        line = unicodedata.normalize("NFKC", original)  # （）→ (),，→ ,,full-width digits → ASCII
        if len(line) > MAX_LINE_CHARS:
            report.unparsed.append(
                Unparsed(index, original[:80], f"这一行超过 {MAX_LINE_CHARS} 字,未读取(可能不是自评报告的正文)")
            )
            continue
        total = _TOTAL.search(line)
        if total and report.stated_total is None:
            report.stated_total = _decimal(total.group(1))
            report.stated_total_line = index
            grade = _GRADE.search(line)
            if grade:
                report.stated_grade = grade.group(1)
            continue
        score = _SCORE.search(line)
        if score is None:
            if _LOOKS_SCORED.search(line):
                report.unparsed.append(Unparsed(index, original[:120], _why(line)))
            else:
                report.skipped += 1
            continue
        points, self_score = _decimal(score.group(2)), _decimal(score.group(3))
        before, after = line[: score.start()], _clean(line[score.end() :])
        item_number = _ITEM_NUMBER.match(before)
        if item_number is not None and score.group("kind") != "权重":
            number = int(item_number.group(1))
            if points is None or self_score is None:
                report.unparsed.append(Unparsed(index, original[:120], "未能识别分值或自评分的数字"))
                continue
            if self_score > points:
                report.unparsed.append(Unparsed(index, original[:120], f"自评分 {self_score} 超过了分值 {points}"))
                continue
            body = _clean(before[item_number.end() :])
            report.items.append(
                ParsedItem(
                    section=section_number,
                    number=number,
                    text=body,
                    points=points,
                    self_score=self_score,
                    figures=_figures(body),
                    note=after,
                    line=index,
                )
            )
            last_item = number
            continue
        heading = _SECTION_NUMBER.match(before)
        if heading is not None or score.group("kind") == "权重" or _BROKEN_SECTION.match(before):
            if heading is not None:
                section_number = _cn_number(heading.group(1) or heading.group(2))
                title = before[heading.end() :]
            else:
                section_number += 1  # "(三" lost: the next number
                broken = _BROKEN_SECTION.match(before)
                title = before[broken.end() :] if broken else before
            report.sections.append(
                ParsedSection(
                    number=section_number,
                    title=_clean(title),
                    points=points,
                    self_score=self_score,
                    line=index,
                )
            )
            continue
        # a score clause with no item number: an item whose number was lost
        if points is None or self_score is None or self_score > points:
            report.unparsed.append(Unparsed(index, original[:120], "未能识别分值或自评分的数字"))
            continue
        last_item += 1
        body = _clean(before)
        report.items.append(
            ParsedItem(
                section=section_number,
                number=last_item,
                text=body,
                points=points,
                self_score=self_score,
                figures=_figures(body),
                note=after,
                line=index,
            )
        )
    return report


def _why(line: str) -> str:
    has_points = re.search(rf"{_POINTS_WORD}\s*[:：]?\s*\d", line) is not None
    has_self = re.search(rf"{_SELF_WORD}\s*[:：]?\s*\d", line) is not None
    if has_points and not has_self:
        return "找到了分值,未能识别自评分"
    if has_self and not has_points:
        return "找到了自评分,未能识别分值"
    return "未能识别分值和自评分"


# -- files ----------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), else GB18030 (which also reads GBK/GB2312); else refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ReportRefused(
        "无法识别文件的文字编码(支持 UTF-8 和 GB18030/GBK),请在记事本或 Word 中另存为 UTF-8 文本后重新上传"
    )


def docx_text(data: bytes) -> str:
    """A Word document's text: body paragraphs and table cells in document order, one per line."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReportRefused("文件不是有效的 Word 文档(.docx),可能已损坏;旧版 .doc 请在 Word 中另存为 .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
        if expanded > 20 * MAX_REPORT_BYTES:
            raise ReportRefused("Word 文档解压后过大,未读取")
        document = Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                for row in block.rows:
                    seen: list[str] = []
                    for cell in row.cells:  # merged cells repeat: keep each text once
                        if cell.text not in seen:
                            seen.append(cell.text)
                    lines.append(" ".join(seen))
    except ReportRefused:
        raise
    except Exception:  # python-docx raises KeyError, ValueError, lxml errors … on a damaged file
        raise ReportRefused("Word 文档已损坏或不是 .docx 格式,无法读取;请在 Word 中打开后另存为 .docx 再上传") from None
    return "\n".join(lines)


def read_report(name: str, data: bytes) -> str:
    """The text of an uploaded report (.txt or .docx), within the size limits."""
    if len(data) > MAX_REPORT_BYTES:
        raise ReportRefused(
            f"文件过大({len(data) / 1024 / 1024:.1f} MB),自评报告上限为 {MAX_REPORT_BYTES // 1024 // 1024} MB"
        )
    if not data.strip():
        raise ReportRefused("文件是空的")
    lower = name.lower()
    if lower.endswith(".docx"):
        text = docx_text(data)
    elif lower.endswith(".txt") or lower.endswith(".text"):
        text = decode_text(data)
    elif lower.endswith(".doc"):
        raise ReportRefused("不支持旧版 Word(.doc)文件,请在 Word 中另存为 .docx 或纯文本(.txt)后上传")
    else:
        raise ReportRefused("只能导入 Word 文档(.docx)或纯文本(.txt)")
    if len(text) > MAX_TEXT_CHARS:
        raise ReportRefused(f"文件文字过多(超过 {MAX_TEXT_CHARS // 10000} 万字),不像一份自评报告")
    return text

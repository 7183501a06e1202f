"""What an evidence file (佐证材料) may be, decided from its bytes, and why anything else is refused.

Allowed: PDF, JPEG, PNG, WebP, DOCX, XLSX, PPTX — what bureaus upload as evidence. The name's
extension must agree with the content (a PDF called ``setup.msi`` is refused, a PDF called ``scan``
is stored as ``scan.pdf``). Beyond the type:

- PDF: parsed with pypdf (object streams and ``#xx``-escaped names decoded), and every object is
  read: JavaScript, launch, embedded files, XFA forms and other active content are refused, as are
  PDFs that cannot be parsed, lack their end marker (truncated) or need a password. A ZIP
  directory at the end (PDF+ZIP polyglot) is refused.
- Office Open XML: no macros (``vbaProject.bin``, macro-enabled content types, whatever the
  extension says), no ActiveX, no embedded OLE objects or programs, no external template or
  object links (remote template injection); zip-bomb, ``../``, symlink and DTD checks are those of
  :mod:`kaoping.formats.xlsx_guard`.
- Legacy OLE Office (.doc/.xls/.ppt): refused — macros (VBA, Excel 4.0) cannot be ruled out
  without a full binary parser; the message asks for .docx/.xlsx/.pptx or PDF instead.
- Images: refused when they also carry HTML, script or PHP (polyglots).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filetype  # type: ignore[import-untyped]
from defusedxml import ElementTree
from django.utils.translation import gettext as _

from kaoping.formats.xlsx_guard import WorkbookRefused, check_xml_parts, check_zip_entries

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_PDF_OBJECTS = 50_000  # a 700-page text PDF has ~2,800; a scanned report far fewer


class Refused(Exception):
    """Why the file is refused (Chinese, without the file name: the caller adds it)."""


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "pdf": Kind("PDF", "application/pdf", (".pdf",)),
    "jpg": Kind("JPEG 图片", "image/jpeg", (".jpg", ".jpeg")),
    "png": Kind("PNG 图片", "image/png", (".png",)),
    "webp": Kind("WebP 图片", "image/webp", (".webp",)),
    "docx": Kind("Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": Kind("Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "pptx": Kind(
        "PowerPoint 演示文稿",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
    ),
}
ALLOWED_TEXT = "PDF、JPG、PNG、WebP、DOCX、XLSX、PPTX"


def unsupported() -> Refused:
    return Refused(_("不支持的文件类型:只接受 %(types)s。") % {"types": ALLOWED_TEXT})


def detect(path: Path) -> str:
    """The allowed kind of the file's content, after every check of its kind; else Refused."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if not head:
        raise Refused(_("文件是空的(0 字节),请重新选择。"))
    if head.startswith(OLE_MAGIC):
        raise Refused(
            _(
                "这是旧版 Office 格式(.doc/.xls/.ppt)或其他 OLE 文件,可能含有无法检查的宏。"
                "请用 Office 另存为 .docx/.xlsx/.pptx 或 PDF 后再上传。"
            )
        )
    if head.startswith(b"PK\x03\x04"):
        return check_ooxml(path)
    guess = filetype.guess(head)
    kind = str(guess.extension) if guess else ""
    if kind == "pdf":
        check_pdf(path)
        return kind
    if kind in ("jpg", "png", "webp"):
        check_image(path)
        return kind
    raise unsupported()


def agree(kind: str, name: str) -> str:
    """The display name, with the extension the content calls for; Refused when it names another type."""
    expected = KINDS[kind]
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return f"{name}{expected.extensions[0]}"  # "扫描件" → "扫描件.pdf": nothing else to go by
    if f".{extension.lower()}" in expected.extensions:
        return name
    raise Refused(
        _("扩展名 .%(ext)s 与文件内容(%(kind)s)不符。只接受扩展名与内容一致的 %(types)s 文件。")
        % {"ext": extension[:16], "kind": expected.label, "types": ALLOWED_TEXT}
    )


# -- images ---------------------------------------------------------------------------------------

_ACTIVE_MARKERS = re.compile(rb"<(?:script|html|svg|iframe|object|embed|body)\b|<\?php|javascript:", re.IGNORECASE)


def check_image(path: Path) -> None:
    """Refuse an image that also carries markup or script (a polyglot a browser could run)."""
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            if _ACTIVE_MARKERS.search(tail + chunk):
                raise Refused(_("图片中夹带了网页或脚本代码(多重格式文件),已拒收。请上传原始图片。"))
            tail = chunk[-32:]


# -- Office Open XML --------------------------------------------------------------------------------

_MAIN_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
_RISKY_TYPES = ("macroenabled", "vbaproject", "activex", "ms-office.vba", "sheet.binary")
_RISKY_EXTERNAL = ("/attachedtemplate", "/oleobject", "/frame", "/subdocument")
_EMBEDDED_ALLOWED = (".xlsx", ".docx", ".pptx", ".png", ".jpg", ".jpeg", ".emf", ".wmf", ".gif", ".bmp", ".tif")


def check_ooxml(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = check_zip_entries(archive)
            names = {info.filename.replace("\\", "/") for info in infos}
            kind = _main_kind(archive, names)
            _no_macros_or_objects(archive, names)
            check_xml_parts(archive, infos)
            _no_external_templates(archive, names)
    except (Refused, WorkbookRefused) as error:
        raise Refused(str(error) if isinstance(error, Refused) else error.message) from None
    except Exception:  # BadZipFile, zlib.error, encrypted entries …
        raise Refused(_("Office 文档已损坏或结构异常,请用 Office 另存一份后再上传。")) from None
    return kind


def _main_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" not in names:
        raise Refused(_("压缩文件不是 Office 文档,已拒收(不接受 .zip/.rar 等压缩包)。"))
    kinds = {kind for part, kind in _MAIN_PARTS.items() if part in names}
    if len(kinds) != 1:
        raise Refused(_("压缩文件不是 Word/Excel/PowerPoint 文档,已拒收。"))
    types = archive.read("[Content_Types].xml")
    if len(types) > 1024 * 1024:
        raise Refused(_("Office 文档结构异常,已拒收。"))
    for element in ElementTree.fromstring(types, forbid_dtd=True).iter():
        content_type = (element.get("ContentType") or "").lower()
        if any(word in content_type for word in _RISKY_TYPES):
            raise _macro_refusal()
    return kinds.pop()


def _macro_refusal() -> Refused:
    return Refused(
        _(
            "这是启用宏的 Office 文件(含 VBA 宏或 ActiveX 控件),宏可以在打开时运行程序,已拒收。"
            "请另存为不含宏的 .docx/.xlsx/.pptx 或 PDF 后再上传。"
        )
    )


def _no_macros_or_objects(archive: zipfile.ZipFile, names: set[str]) -> None:
    for name in names:
        lower = name.lower()
        base = lower.rsplit("/", 1)[-1]
        if base in ("vbaproject.bin", "vbadata.xml") or "/activex/" in lower or base.startswith("activex"):
            raise _macro_refusal()
        if "/embeddings/" in lower and not base.endswith(_EMBEDDED_ALLOWED):
            raise Refused(
                _("文档中嵌入了 OLE 对象或其他程序文件(%(name)s),可能在打开时运行,已拒收。请删除嵌入对象后再上传。")
                % {"name": base[:60]}
            )


def _no_external_templates(archive: zipfile.ZipFile, names: set[str]) -> None:
    """A relationship that fetches a template, an OLE object or a frame from elsewhere runs what
    it fetches (remote template injection): refused. External hyperlinks are fine."""
    for name in names:
        if not name.endswith(".rels"):
            continue
        for element in ElementTree.fromstring(archive.read(name), forbid_dtd=True).iter():
            external = (element.get("TargetMode") or "").lower() == "external"
            if external and (element.get("Type") or "").lower().endswith(_RISKY_EXTERNAL):
                raise Refused(_("文档引用了外部模板或外部对象(打开时会从别处下载并运行内容),已拒收。"))


# -- PDF --------------------------------------------------------------------------------------------

# Names that make a PDF do something when it is opened or clicked, beyond showing pages and links.
_ACTIVE_NAMES = {
    "JS": "JavaScript",
    "JavaScript": "JavaScript",
    "Launch": "启动程序(Launch)",
    "EmbeddedFile": "嵌入文件",
    "EmbeddedFiles": "嵌入文件",
    "FileAttachment": "文件附件",
    "XFA": "XFA 动态表单",
    "RichMedia": "富媒体(Flash)",
    "RichMediaExecute": "富媒体(Flash)",
    "ImportData": "导入数据动作",
    "GoToE": "打开嵌入文件的动作",
}
_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /<>\[\]()%{}]+)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def check_pdf(path: Path) -> None:
    data = path.read_bytes()
    if b"%%EOF" not in data[-1024:]:
        raise Refused(_("PDF 文件不完整(缺少结束标记),可能未上传完或已损坏,请重新导出后再上传。"))
    if b"PK\x05\x06" in data[-66 * 1024 :]:
        raise Refused(_("PDF 文件末尾夹带了压缩包(多重格式文件),已拒收。请重新导出 PDF 后再上传。"))
    _refuse_active(_raw_names(data))
    _refuse_active(_parsed_names(data))


def _refuse_active(names: set[str]) -> None:
    found = sorted({label for name, label in _ACTIVE_NAMES.items() if name in names})
    if found:
        raise Refused(
            _("PDF 中含有可执行的内容(%(what)s),打开时可能运行程序,已拒收。请用“打印为 PDF”重新生成后再上传。")
            % {"what": "、".join(found)}
        )


def _raw_names(data: bytes) -> set[str]:
    """Names written outside streams, ``#xx`` escapes decoded: catches objects a broken cross
    reference table hides from the parser but a viewer's repair would still find."""
    outside = _STREAM_BODY.sub(b" ", data)
    return {_decode_name(match.group(1)) for match in _NAME.finditer(outside)}


def _decode_name(raw: bytes) -> str:
    return _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _parsed_names(data: bytes) -> set[str]:
    """Every key and name value of every object, including those inside compressed object streams."""
    from pypdf import PdfReader  # a pure-Python parser, imported only when a PDF arrives

    try:
        reader = PdfReader(io.BytesIO(data), strict=False, xref_stream_maximum_entries=MAX_PDF_OBJECTS)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused(_("PDF 设置了打开密码,无法检查其内容,请去除密码后再上传。"))
        names: set[str] = set()
        _collect(reader.trailer, names, 0)
        for ref in _object_refs(reader):
            _collect(reader.get_object(ref), names, 0)
        return names
    except Refused:
        raise
    except Exception:  # pypdf raises many types for a damaged file; none may reach the user as a 500
        raise Refused(_("PDF 文件已损坏或无法解析,请重新导出后再上传。")) from None


def _object_refs(reader: Any) -> list[Any]:
    from pypdf.generic import IndirectObject

    refs = [IndirectObject(num, gen, reader) for gen, table in reader.xref.items() for num in table]
    refs += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
    if len(refs) > MAX_PDF_OBJECTS:
        raise Refused(_("PDF 中的对象过多(超过 %(max)d 个),已拒收。") % {"max": MAX_PDF_OBJECTS})
    return refs


def _collect(value: Any, names: set[str], depth: int) -> None:
    """Keys and name values of a direct object; indirect references are visited from the xref."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    if depth > 64:
        raise Refused(_("PDF 结构嵌套过深,已拒收。"))
    if isinstance(value, NameObject):
        names.add(str(value).lstrip("/"))
    elif isinstance(value, DictionaryObject):
        for key, item in value.items():
            names.add(str(key).lstrip("/"))
            _collect(item, names, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            _collect(item, names, depth + 1)

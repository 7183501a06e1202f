"""Evidence file checks: an allow-list by content (magic bytes), never by the file's name.

Office Open XML files are zip archives; they are opened and checked for ``[Content_Types].xml``,
entry count, total uncompressed size (zip bombs) and unsafe entry names (``../``, absolute paths,
symlinks). Files are stored under MEDIA_ROOT with server-generated names and served only as
attachments by an authorising view.
"""

from __future__ import annotations

import hashlib
import stat
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.utils.translation import gettext as _

ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200  # uncompressed / compressed per entry; real Office files stay far below

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# detected kind → content type we serve it with (attachment only)
ALLOWED: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "ole": "application/octet-stream",  # legacy .doc/.xls/.ppt; served as a download only
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_OOXML_MAIN_PART = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}


class UploadRejected(Exception):
    """The file is not accepted; ``str(exc)`` is the Chinese message for the user."""


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    size: int
    sha256: str
    original_name: str


def clean_filename(name: str) -> str:
    """A display name safe for headers and pages: no path, no control or bidi characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = [ch for ch in name if unicodedata.category(ch)[0] != "C"]  # Cc, Cf (RTL override), Cs, Co, Cn
    cleaned = "".join(kept).strip().strip(".")
    return cleaned[:200] or "file"


def detect_kind(path: Path) -> str:
    """The allowed kind of the file at ``path``, or raise UploadRejected."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head:
        raise UploadRejected(_("文件是空的(0 字节),请重新选择。"))
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return _check_ooxml(path)
    guess = filetype.guess(head)
    kind = guess.extension if guess else None
    if kind in ("pdf", "jpg", "png", "gif", "webp"):
        return str(kind)
    raise UploadRejected(
        _("不支持的文件类型:只接受 PDF、图片(JPG/PNG/GIF/WEBP)和 Office 文档(DOC/DOCX/XLS/XLSX/PPTX)。")
    )


def _check_ooxml(path: Path) -> str:
    bad = UploadRejected(_("Office 文档结构异常或过大,已拒收。请另存为标准的 DOCX/XLSX/PPTX 后再上传。"))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise bad from None
    if len(infos) > ZIP_MAX_ENTRIES:
        raise bad
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        raise UploadRejected(_("压缩文件不是 Office 文档,已拒收。"))
    total = 0
    for info in infos:
        if _unsafe_entry(info):
            raise bad
        total += info.file_size
        if total > ZIP_MAX_UNCOMPRESSED or info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1) + 4096:
            raise bad
    for prefix, kind in _OOXML_MAIN_PART.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    raise UploadRejected(_("压缩文件不是 Office 文档,已拒收。"))


def _unsafe_entry(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    is_symlink = stat.S_ISLNK(info.external_attr >> 16)
    return is_symlink or name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name


def evidence_root() -> Path:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def stored_path(stored_name: str) -> Path:
    """Path of a stored file. Stored names are server-generated hex, so this cannot escape the root."""
    if not stored_name.isalnum():
        raise ValueError("bad stored name")
    return evidence_root() / stored_name[:2] / stored_name


def store_upload(chunks: object, original_name: str) -> tuple[str, CheckedFile]:
    """Stream the upload to a new server-named file, check it, and return (stored_name, facts).

    On rejection the partial file is removed and UploadRejected is raised.
    """
    stored_name = uuid.uuid4().hex
    target = stored_path(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    limit = int(settings.EVIDENCE_MAX_BYTES)
    try:
        with target.open("xb") as out:
            for chunk in _iter_chunks(chunks):
                size += len(chunk)
                if size > limit:
                    raise UploadRejected(
                        _("文件太大:上限为 %(mb)s MB,请压缩或拆分后再上传。") % {"mb": _megabytes(limit)}
                    )
                digest.update(chunk)
                out.write(chunk)
        kind = detect_kind(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return stored_name, CheckedFile(
        kind=kind,
        content_type=ALLOWED[kind],
        size=size,
        sha256=digest.hexdigest(),
        original_name=clean_filename(original_name),
    )


def _iter_chunks(source: object) -> Iterable[bytes]:
    chunks = getattr(source, "chunks", None)
    if callable(chunks):
        produced: Iterable[bytes] = chunks()
        return produced
    if isinstance(source, bytes):
        return [source]
    read = getattr(source, "read")  # noqa: B009 - any file-like object
    return iter(lambda: read(64 * 1024), b"")


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f}"


def content_disposition(original_name: str) -> str:
    """RFC 6266 attachment header with an ASCII fallback and the UTF-8 ``filename*``."""
    name = clean_filename(original_name)
    ascii_fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name)
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(name, safe='')}"

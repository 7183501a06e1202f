"""Storing evidence files: checked by content (:mod:`kaoping.evidence.filecheck`), never trusted by name.

A file is streamed to a new server-generated name under MEDIA_ROOT (never the user's name), checked,
and removed again if anything fails — a refused type, a size over the limit, a full disk — so no
half-written file is left behind. The original name is kept only as display text, cleaned of
control and bidi characters and cut to a sane length; downloads are served only as attachments by
an authorising view, with ``nosniff`` and ``Content-Security-Policy: sandbox``.
"""

from __future__ import annotations

import errno
import hashlib
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from kaoping.evidence import filecheck

OLE_MAGIC = filecheck.OLE_MAGIC
MAX_NAME_CHARS = 100  # display names longer than this keep their start and their extension
ALLOWED: dict[str, str] = {kind: spec.content_type for kind, spec in filecheck.KINDS.items()}
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class UploadRejected(Exception):
    """The file is not accepted; ``str(exc)`` is the Chinese message for the user, naming the file."""


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    size: int
    sha256: str
    original_name: str


def clean_filename(name: str) -> str:
    """A display name safe for headers and pages: no path, no control, bidi or separator characters,
    at most MAX_NAME_CHARS characters with the extension kept."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc/Cf/Cs/Co/Cn (NUL, CR/LF, the RTL override …) and line/paragraph separators go; other
    # spaces (the ideographic space of Chinese names) become plain spaces.
    kept = [" " if unicodedata.category(ch) == "Zs" else ch for ch in name if unicodedata.category(ch)[0] != "C"]
    cleaned = "".join(ch for ch in kept if unicodedata.category(ch) not in ("Zl", "Zp")).strip().strip(".").strip()
    if len(cleaned) > MAX_NAME_CHARS:
        stem, dot, extension = cleaned.rpartition(".")
        suffix = f".{extension}" if dot and stem and len(extension) <= 10 else ""
        cleaned = cleaned[: MAX_NAME_CHARS - len(suffix) - 1].rstrip() + "…" + suffix
    return cleaned or "file"


def detect_kind(path: Path) -> str:
    """The allowed kind of the file at ``path``, or raise UploadRejected (without a file name)."""
    try:
        return filecheck.detect(path)
    except filecheck.Refused as refused:
        raise UploadRejected(str(refused)) from None


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

    On any failure the partial file is removed and UploadRejected is raised with the file's name.
    """
    shown = clean_filename(original_name)
    stored_name = uuid.uuid4().hex
    target: Path | None = None
    try:
        target = stored_path(stored_name)  # creates MEDIA_ROOT: may itself meet a full disk
        size, digest = _write(chunks, target, shown)
        kind = filecheck.detect(target)
        shown = filecheck.agree(kind, shown)
    except filecheck.Refused as refused:
        _remove(target)
        raise UploadRejected(_refusal(shown, str(refused))) from None
    except OSError as error:
        _remove(target)
        raise UploadRejected(_refusal(shown, _storage_reason(error))) from None
    except BaseException:
        _remove(target)
        raise
    return stored_name, CheckedFile(
        kind=kind, content_type=ALLOWED[kind], size=size, sha256=digest, original_name=shown
    )


def _remove(target: Path | None) -> None:
    if target is not None:
        target.unlink(missing_ok=True)


def _refusal(shown: str, reason: str) -> str:
    return _("“%(name)s”未上传:%(reason)s") % {"name": shown, "reason": reason}


def _storage_reason(error: OSError) -> str:
    if error.errno in _FULL:
        return _("服务器存储空间已满,文件没有保存。请稍后再试,或请管理员清理空间;已上传的其他文件不受影响。")
    return _("服务器暂时无法保存文件,文件没有保存。请稍后再试;如果一直如此,请联系管理员。")


def _write(chunks: object, target: Path, shown: str) -> tuple[int, str]:
    limit = int(settings.EVIDENCE_MAX_BYTES)
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open_target(target) as out:
        for chunk in _iter_chunks(chunks):
            size += len(chunk)
            if size > limit:
                raise filecheck.Refused(
                    _("文件太大:上限为 %(mb)s MB,请压缩或拆分后再上传。") % {"mb": _megabytes(limit)}
                )
            digest.update(chunk)
            out.write(chunk)
        out.flush()
    return size, digest.hexdigest()


def open_target(path: Path) -> IO[bytes]:
    """A new file for writing (never an existing one). A seam for the tests that fill the disk."""
    return path.open("xb")


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


def stored_file_response(stored_name: str, content_type: str, original_name: str) -> FileResponse:
    """A stored upload as a download that a browser never runs or sniffs: attachment, nosniff, a
    sandbox CSP and no shared cache. 404 when the file is gone from the disk."""
    path = stored_path(stored_name)
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

"""Moved to :mod:`kaoping.evidence.uploads` (apps below assessments store evidence too); these
names stay importable from here for callers written before the move."""

from kaoping.evidence.uploads import (
    ALLOWED,
    MAX_NAME_CHARS,
    OLE_MAGIC,
    CheckedFile,
    UploadRejected,
    clean_filename,
    content_disposition,
    detect_kind,
    evidence_root,
    open_target,
    store_upload,
    stored_file_response,
    stored_path,
)

__all__ = [
    "ALLOWED",
    "MAX_NAME_CHARS",
    "OLE_MAGIC",
    "CheckedFile",
    "UploadRejected",
    "clean_filename",
    "content_disposition",
    "detect_kind",
    "evidence_root",
    "open_target",
    "store_upload",
    "stored_file_response",
    "stored_path",
]

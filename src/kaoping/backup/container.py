"""One checksummed file: a gzip-compressed tar of members plus ``manifest.json``.

The manifest names the file's kind and format version and the SHA-256 and size of every other
member; ``manifest.sha256`` holds the manifest's own SHA-256. Reading checks all of it before
anything is used, so a damaged, truncated or foreign file is refused with a Chinese message.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal with a Chinese message that names the problem; nothing has been written."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Writer:
    """Collects members in a temporary folder, then writes the file atomically (temp name + rename)."""

    kind: str
    version: int
    folder: Path
    members: dict[str, dict[str, Any]] = field(default_factory=dict)

    def path_for(self, name: str) -> Path:
        path = self.folder / "m" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def add_file(self, name: str, source: Path) -> None:
        """Record a member whose content is already at ``path_for(name)`` or at ``source``."""
        self.members[name] = {"sha256": sha256_of(source), "size": source.stat().st_size, "source": str(source)}

    def add_bytes(self, name: str, data: bytes) -> None:
        path = self.path_for(name)
        path.write_bytes(data)
        self.add_file(name, path)

    def finish(self, out: Path, info: dict[str, Any]) -> dict[str, Any]:
        manifest = {
            "kind": self.kind,
            "format_version": self.version,
            **info,
            "members": {name: {"sha256": m["sha256"], "size": m["size"]} for name, m in sorted(self.members.items())},
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        partial = out.with_name(f".{out.name}.partial")
        try:
            with tarfile.open(partial, "w:gz", format=tarfile.PAX_FORMAT) as tar:
                _add_bytes(tar, MANIFEST, manifest_bytes)
                _add_bytes(tar, MANIFEST_SUM, hashlib.sha256(manifest_bytes).hexdigest().encode())
                for name, member in sorted(self.members.items()):
                    tar.add(member["source"], arcname=name, recursive=False)
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


@dataclass
class Opened:
    """A verified file unpacked into a temporary folder; ``path(name)`` reads a member."""

    manifest: dict[str, Any]
    folder: Path

    def path(self, name: str) -> Path:
        if name not in self.manifest["members"]:
            raise BackupError(f"文件缺少成员 {name}")
        return self.folder / "m" / name

    def open(self, name: str) -> IO[bytes]:
        return self.path(name).open("rb")

    def names(self, prefix: str = "") -> Iterator[str]:
        return (name for name in self.manifest["members"] if name.startswith(prefix))


def open_verified(source: Path, kind: str, version: int, folder: Path) -> Opened:
    """Unpack ``source`` into ``folder`` and check the manifest and every member's checksum.

    Raises BackupError (Chinese, naming the problem) for a missing, foreign, damaged or truncated
    file, a member that is missing, extra, resized or altered, or a newer format version."""
    label = source.name
    if not source.is_file():
        raise BackupError(f"文件不存在:{source}")
    try:
        tar = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed by the `with tar:` below
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(f"{label} 不是考评备份或归档文件(无法作为压缩包读取)") from None
    seen: dict[str, str] = {}
    manifest_bytes = b""
    manifest_sum = ""
    try:
        with tar:
            for member in tar:
                name = member.name
                if not member.isfile() or not _safe(name) or name in seen:
                    raise BackupError(f"{label} 含有不应出现的成员 {name},可能不是考评生成的文件")
                handle = tar.extractfile(member)
                if handle is None:
                    raise BackupError(f"{label} 的成员 {name} 无法读取")
                if name == MANIFEST:
                    manifest_bytes = handle.read()
                    seen[name] = ""
                    continue
                if name == MANIFEST_SUM:
                    manifest_sum = handle.read().decode("ascii", "replace").strip()
                    seen[name] = ""
                    continue
                target = folder / "m" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                seen[name] = digest.hexdigest()
    except (tarfile.TarError, OSError, EOFError, UnicodeError) as error:
        raise BackupError(f"{label} 已损坏或不完整,无法读出全部内容({type(error).__name__})") from None
    if not manifest_bytes:
        raise BackupError(f"{label} 没有清单(manifest.json),不是考评备份或归档文件")
    if hashlib.sha256(manifest_bytes).hexdigest() != manifest_sum:
        raise BackupError(f"{label} 的清单已损坏或被改动(清单校验和不符)")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        raise BackupError(f"{label} 的清单无法解析,文件已损坏") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != kind:
        found = manifest.get("kind") if isinstance(manifest, dict) else None
        raise BackupError(
            f"{label} 不是{_KIND_NAMES.get(kind, kind)}(文件类型为 {_KIND_NAMES.get(str(found), '未知')})"
        )
    if manifest.get("format_version") != version:
        raise BackupError(
            f"{label} 的格式版本为 {manifest.get('format_version')},本系统只能读取版本 {version};"
            "请使用生成该文件的考评版本"
        )
    members: dict[str, Any] = manifest.get("members") or {}
    for name, expected in members.items():
        if name not in seen:
            raise BackupError(f"{label} 缺少成员 {name},文件不完整")
        if seen[name] != expected.get("sha256"):
            raise BackupError(f"{label} 的成员 {name} 校验和不符,文件已损坏或被改动")
    extra = sorted(set(seen) - set(members) - {MANIFEST, MANIFEST_SUM})
    if extra:
        raise BackupError(f"{label} 含有清单之外的成员 {extra[0]},文件被改动过")
    return Opened(manifest=manifest, folder=folder)


_KIND_NAMES = {"kaoping-backup": "考评整库备份文件", "kaoping-campaign-archive": "考评考核归档文件"}


def _safe(name: str) -> bool:
    parts = name.split("/")
    return not name.startswith("/") and all(part not in ("", ".", "..") for part in parts)


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="kaoping-backup-")

"""Attachment bytes, stored once per content hash inside the data dir."""

from __future__ import annotations

import ctypes
import hashlib
import mimetypes
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from aiva_desk.errors import AttachmentError
from aiva_desk.runtime.private_files import private_dir

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 25 * MB  # what most mail servers accept
# All the files of one message together, sent or received: 25 MB is what common mail
# providers (Gmail, Outlook) take, so a reply over it would bounce anyway, and a received
# message cannot fill the disk with one mail.
MESSAGE_ATTACHMENTS_MAX = 25 * MB
SYNC_FILESYSTEM_FROM = 8  # files; from this many, one syncfs(2) beats an fsync per file


@dataclass(frozen=True)
class StoredFile:
    filename: str
    sha256: str
    size: int
    mime_type: str


class AttachmentStore:
    """A content-addressed folder: ``ab/abcdef…`` by SHA-256; identical files share bytes."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def add(self, source: Path) -> StoredFile:
        """Copy ``source`` in; raise :class:`AttachmentError` if unreadable or too big."""
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise AttachmentError(f"Cannot read {source}: {exc.strerror or exc}.") from exc
        if not source.is_file():
            raise AttachmentError(f"{source} is not a file.")
        self._check_size(source.name, size)
        try:
            with source.open("rb") as src:
                sha = self._store(iter(lambda: src.read(1 << 20), b""))
        except OSError as exc:
            raise AttachmentError(f"Cannot store {source.name}: {exc.strerror or exc}.") from exc
        return StoredFile(source.name, sha, size, _mime_type(source.name))

    def add_bytes(self, filename: str, data: bytes, *, sync: bool = True) -> StoredFile:
        """Store ``data`` (a received mail's attachment or the mail itself) as ``filename``.
        ``sync=False`` leaves making it durable to :meth:`sync`: a batch of received mail
        syncs its files once, before its transaction commits, instead of once per file."""
        self._check_size(filename, len(data))
        try:
            sha = hashlib.sha256(data).hexdigest()
            if not _holds(self.path_for(sha), len(data)):  # else stored before
                self._store_bytes(data, sha, sync=sync)
        except OSError as exc:
            raise AttachmentError(f"Cannot store {filename}: {exc.strerror or exc}.") from exc
        return StoredFile(filename, sha, len(data), _mime_type(filename))

    def _check_size(self, name: str, size: int) -> None:
        if size > self.max_bytes:
            raise AttachmentError(
                f"{name} is {size / 1048576:.1f} MB; attachments can be at most "
                f"{self.max_bytes / 1048576:.0f} MB."
            )

    def sync(self, sha256s: Iterable[str]) -> None:
        """Make files stored with ``sync=False`` durable (before anything refers to them):
        many at once with one sync of their file system where the OS offers it (Linux),
        else one fsync each."""
        shas = sorted(set(sha256s))
        if len(shas) >= SYNC_FILESYSTEM_FROM and _sync_filesystem(self.root):
            return
        for sha in shas:
            with self.path_for(sha).open("rb") as handle:
                os.fsync(handle.fileno())

    def _store_bytes(self, data: bytes, sha: str, *, sync: bool) -> None:
        """Write ``data`` (whose SHA-256 is ``sha``) as :meth:`_store` does — a temporary
        file renamed into place, so the name never holds part of it — with plain file
        calls: a batch of received mail writes one file per message."""
        try:
            handle, tmp = tempfile.mkstemp(dir=self.root)
        except FileNotFoundError:
            private_dir(self.root)
            handle, tmp = tempfile.mkstemp(dir=self.root)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            if sync:
                os.fsync(handle)
        except BaseException:
            os.close(handle)
            Path(tmp).unlink(missing_ok=True)
            raise
        os.close(handle)
        target = self.path_for(sha)
        try:
            private_dir(target.parent)
            if target.exists():  # written meanwhile
                os.unlink(tmp)
            else:
                os.replace(tmp, target)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _store(self, blocks: Iterable[bytes], *, sync: bool = True) -> str:
        """Write ``blocks`` under their SHA-256 (once), durably unless ``sync`` is False;
        return the digest."""
        private_dir(self.root)
        digest = hashlib.sha256()
        with tempfile.NamedTemporaryFile(dir=self.root, delete=False) as tmp:
            for block in blocks:
                digest.update(block)
                tmp.write(block)
            tmp.flush()
            if sync:
                os.fsync(tmp.fileno())
        sha = digest.hexdigest()
        target = self.path_for(sha)
        private_dir(target.parent)
        if target.exists():
            os.unlink(tmp.name)
        else:
            shutil.move(tmp.name, target)
        return sha


def _sync_filesystem(path: Path) -> bool:
    """syncfs(2) for the file system holding ``path``; False where there is none."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
        handle = os.open(path, os.O_RDONLY)
    except (OSError, AttributeError):
        return False
    try:
        return syncfs(handle) == 0
    finally:
        os.close(handle)


def _holds(path: Path, size: int) -> bool:
    """Whether ``path`` is there whole (a file cut short by a crash is written again)."""
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _mime_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"

"""Attachment bytes, stored once per content hash inside the data dir."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from aiva_desk.errors import AttachmentError

DEFAULT_MAX_BYTES = 25 * 1024 * 1024  # what most mail servers accept


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
        if size > self.max_bytes:
            raise AttachmentError(
                f"{source.name} is {size / 1048576:.1f} MB; attachments can be at most "
                f"{self.max_bytes / 1048576:.0f} MB."
            )
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        try:
            with (
                source.open("rb") as src,
                tempfile.NamedTemporaryFile(dir=self.root, delete=False) as tmp,
            ):
                for block in iter(lambda: src.read(1 << 20), b""):
                    digest.update(block)
                    tmp.write(block)
                tmp.flush()
                os.fsync(tmp.fileno())
            sha = digest.hexdigest()
            target = self.path_for(sha)
            target.parent.mkdir(exist_ok=True)
            if target.exists():
                os.unlink(tmp.name)
            else:
                shutil.move(tmp.name, target)
        except OSError as exc:
            raise AttachmentError(f"Cannot store {source.name}: {exc.strerror or exc}.") from exc
        mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        return StoredFile(source.name, sha, size, mime)

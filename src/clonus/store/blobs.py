"""Content-addressed storage of original recording files.

Each file is kept once, under its SHA-256 checksum, as ``<root>/ab/<sha256>`` (``ab`` being the
first two hex digits). Writing is crash-safe: the bytes go to a temporary
file in the same directory tree, are flushed with ``fsync``, and are then renamed into place
(an atomic operation on POSIX file systems), after which the directory is synced. A reader
therefore sees either the whole file or no file. The database row that refers to a blob is
committed only after the blob is in place, so a crash can leave at most an unreferenced blob,
never a record without its file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..exceptions import InvalidParameterError

__all__ = ["BlobStore", "UploadTooLargeError", "SpooledUpload"]

_CHUNK = 1 << 16


class UploadTooLargeError(InvalidParameterError):
    """An upload exceeded the configured size limit."""


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


class SpooledUpload:
    """An upload written to a temporary file, with its checksum and size.

    Attributes
    ----------
    path : Path
        The temporary file (its suffix is the original file's, so readers can use it).
    sha256 : str
        Hex SHA-256 of the content.
    size_bytes : int
        Size, in bytes.
    """

    def __init__(self, path: Path, sha256: str, size_bytes: int) -> None:
        self.path = path
        self.sha256 = sha256
        self.size_bytes = size_bytes


class BlobStore:
    """Original files stored by checksum under ``root``.

    Parameters
    ----------
    root : path-like
        Directory of the store (created when needed).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"

    def path_for(self, sha256: str) -> Path:
        """Where the blob with checksum ``sha256`` lives (whether or not it exists)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise InvalidParameterError(f"Not a SHA-256 hex digest: {sha256!r}.")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        return self.path_for(sha256).is_file()

    @contextmanager
    def spool(self, stream: BinaryIO | Iterator[bytes], *, suffix: str = "",
              max_bytes: int | None = None) -> Iterator[SpooledUpload]:
        """Write ``stream`` to a temporary file, checking the size limit while it streams.

        The temporary file is removed when the block ends unless :meth:`commit` moved it into
        the store.

        Parameters
        ----------
        stream : binary file or iterator of bytes
            The content.
        suffix : str
            File-name suffix for the temporary file (e.g. ``".csv"``).
        max_bytes : int, optional
            Raise :class:`UploadTooLargeError` as soon as more bytes than this arrive.
        """
        self._tmp.mkdir(parents=True, exist_ok=True)
        safe_suffix = "".join(c for c in suffix if c.isalnum() or c == ".")[-16:]
        fd, name = tempfile.mkstemp(dir=self._tmp, suffix=safe_suffix, prefix="upload-")
        path = Path(name)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                chunks = (iter(lambda: stream.read(_CHUNK), b"") if hasattr(stream, "read")
                          else stream)
                for chunk in chunks:
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise UploadTooLargeError(
                            f"The upload is larger than the limit of {max_bytes} bytes. Send a "
                            "shorter recording or raise CLONUS_MAX_UPLOAD_BYTES.")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            yield SpooledUpload(path, digest.hexdigest(), size)
        finally:
            path.unlink(missing_ok=True)

    def commit(self, upload: SpooledUpload) -> Path:
        """Move a spooled upload into the store atomically and durably.

        Returns
        -------
        Path
            The blob's final path. If an identical blob is already stored it is kept and the
            temporary file is discarded.
        """
        dest = self.path_for(upload.sha256)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.is_file() and dest.stat().st_size == upload.size_bytes:
            upload.path.unlink(missing_ok=True)
            return dest
        os.replace(upload.path, dest)
        _fsync_dir(dest.parent)
        return dest

    def remove(self, sha256: str) -> bool:
        """Delete a blob (after its last record was deleted); returns whether it existed."""
        path = self.path_for(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
        return True

    def put_bytes(self, data: bytes, *, suffix: str = "") -> tuple[str, Path]:
        """Store ``data`` and return ``(sha256, path)``."""
        import io

        with self.spool(io.BytesIO(data), suffix=suffix) as up:
            return up.sha256, self.commit(up)

    def clean_tmp(self) -> int:
        """Remove temporary files left by a crash; returns how many were removed."""
        n = 0
        if self._tmp.is_dir():
            for p in self._tmp.iterdir():
                if p.is_file():
                    p.unlink(missing_ok=True)
                    n += 1
        return n

"""The content-addressed file store."""

from __future__ import annotations

import hashlib
import io

import pytest

from clonus.store import BlobStore, UploadTooLargeError


def test_put_is_content_addressed_and_deduplicated(tmp_path):
    store = BlobStore(tmp_path)
    data = b"time_s,gyro_x (rad/s)\n0,1\n"
    sha, path = store.put_bytes(data, suffix=".csv")
    assert sha == hashlib.sha256(data).hexdigest()
    assert path == tmp_path / sha[:2] / sha and path.read_bytes() == data
    sha2, path2 = store.put_bytes(data)
    assert (sha2, path2) == (sha, path)
    assert not any((tmp_path / "tmp").iterdir())  # no temporary file left behind


def test_size_limit_enforced_while_streaming(tmp_path):
    store = BlobStore(tmp_path)

    def chunks():
        for _ in range(100):
            yield b"x" * 1000

    with pytest.raises(UploadTooLargeError, match="limit of 5000 bytes"):
        with store.spool(chunks(), max_bytes=5000):
            pass  # pragma: no cover
    assert not any((tmp_path / "tmp").iterdir())
    assert [p for p in tmp_path.iterdir() if p.name != "tmp"] == []


def test_spool_not_committed_leaves_nothing(tmp_path):
    store = BlobStore(tmp_path)
    with store.spool(io.BytesIO(b"abc"), suffix=".csv") as up:
        assert up.path.suffix == ".csv" and up.size_bytes == 3
    assert not up.path.exists() and not store.exists(up.sha256)


def test_clean_tmp_removes_crash_leftovers(tmp_path):
    store = BlobStore(tmp_path)
    (tmp_path / "tmp").mkdir()
    (tmp_path / "tmp" / "upload-partial.csv").write_bytes(b"half")
    assert store.clean_tmp() == 1
    assert not any((tmp_path / "tmp").iterdir())


def test_rejects_non_digest(tmp_path):
    from clonus.exceptions import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="SHA-256"):
        BlobStore(tmp_path).path_for("../../etc/passwd")

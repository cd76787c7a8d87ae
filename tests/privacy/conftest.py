"""Privacy tests: recordings with identifying fields planted (planted.py) and searched for in
everything clonus writes or says. The io tests' builders are reused from tests/io."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "io"))

from planted import build_planted  # noqa: E402


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> dict[str, Path]:
    return build_planted(tmp_path_factory.mktemp("study"))

"""Shared fixtures: paths to ../shared data, a seeded RNG, and headless plotting."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLONUS_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "data" / "real"


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261121)


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not REAL.exists():
        pytest.skip(f"real recordings not found at {REAL} (set CLONUS_SHARED)")
    return REAL

"""Fixtures for the clinical tests (helpers live in _clinical_helpers.py, a unique module name)."""

from __future__ import annotations

import pytest
from _clinical_helpers import small_assessment


@pytest.fixture
def small():
    return small_assessment

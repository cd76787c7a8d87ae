"""Fixtures for the report tests (helpers live in _report_helpers.py, a unique module name)."""

from __future__ import annotations

import pytest
from _report_helpers import make_assessment


@pytest.fixture
def assessment_factory():
    return make_assessment

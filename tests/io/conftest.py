"""Fixtures for the io tests (builders live in io_builders.py)."""

from __future__ import annotations

import pytest
from io_builders import TEXT_FORMATS, TextFormat


@pytest.fixture(params=TEXT_FORMATS, ids=lambda f: f"{f.name}-{f.build.__name__}")
def text_format(request: pytest.FixtureRequest) -> TextFormat:
    return request.param

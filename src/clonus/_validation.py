"""Small argument-validation helpers shared by the whole package."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from .exceptions import InvalidParameterError, SamplingRateError

__all__ = ["check_option", "check_fs", "check_positive", "check_range"]


def check_option(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise :class:`InvalidParameterError`."""
    allowed = tuple(allowed)
    if value not in allowed:
        opts = ", ".join(repr(a) for a in allowed)
        raise InvalidParameterError(
            f"Invalid value for '{name}': {value!r}. Allowed values are {opts}."
        )
    return value


def check_fs(fs: Any, *, name: str = "fs") -> float:
    """Validate a sampling rate in Hz and return it as a float."""
    if isinstance(fs, bool) or not isinstance(fs, numbers.Real):
        raise SamplingRateError(
            f"{name} must be a positive finite number in Hz, got {fs!r} ({type(fs).__name__})."
        )
    fs = float(fs)
    if not math.isfinite(fs) or fs <= 0:
        raise SamplingRateError(f"{name} must be a positive finite number in Hz, got {fs}.")
    return fs


def check_positive(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """Validate a positive finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"'{name}' must be a real number, got {value!r}.")
    v = float(value)
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        kind = "non-negative" if allow_zero else "positive"
        raise InvalidParameterError(f"'{name}' must be a {kind} finite number, got {value!r}.")
    return v


def check_range(name: str, value: Any, lo: float, hi: float) -> float:
    """Validate a real number within ``[lo, hi]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"'{name}' must be a real number, got {value!r}.")
    v = float(value)
    if not (lo <= v <= hi):
        raise InvalidParameterError(f"'{name}' must be between {lo} and {hi}, got {value!r}.")
    return v

"""Exceptions and warnings raised by clonus.

Every error a user can cause is a :class:`ClonusError` subclass whose message says what was
wrong, the value received, what is allowed, and what to do next. Code that catches
``ClonusError`` therefore catches every problem with the user's input, and nothing else.
"""

from __future__ import annotations

__all__ = [
    "ClonusError",
    "InvalidParameterError",
    "SamplingRateError",
    "UnitError",
    "FileFormatError",
    "SignalQualityError",
    "MissingDependencyError",
    "ClonusWarning",
    "UnitWarning",
    "NoBeatsWarning",
    "ResampledWarning",
]


class ClonusError(Exception):
    """Base class of every error caused by the user's input or environment."""


class InvalidParameterError(ClonusError, ValueError, TypeError):
    """A parameter has a wrong type or a value outside its allowed range."""


class SamplingRateError(InvalidParameterError):
    """Sampling rates are missing, invalid, inconsistent or mixed."""


class UnitError(ClonusError, ValueError):
    """A physical unit is unknown or cannot be converted."""


class FileFormatError(ClonusError, ValueError):
    """A file is empty, truncated, corrupt, or not in the expected format."""


class SignalQualityError(ClonusError, ValueError):
    """A signal cannot be analysed (flat, too short, all NaN, saturated...)."""


class MissingDependencyError(ClonusError, ImportError):
    """An optional dependency needed for this feature is not installed."""


class ClonusWarning(UserWarning):
    """Base class of clonus warnings."""


class UnitWarning(ClonusWarning):
    """A unit was unknown or implausible; the channel was kept in arbitrary units ("AU")."""


class NoBeatsWarning(ClonusWarning):
    """No beats were found."""


class ResampledWarning(ClonusWarning):
    """A signal was resampled onto a uniform grid (irregular timestamps)."""

"""The data model: recordings, channels, and the frozen result objects."""

from .recording import CHANNEL_KINDS, Channel, Recording

__all__ = ["CHANNEL_KINDS", "Channel", "Recording"]
from .assessment import (  # noqa: E402
    CLASSIFICATIONS,
    DISCLAIMER,
    SCHEMA_VERSION,
    Assessment,
    Beat,
    Grade,
    Run,
    Trace,
)

__all__ += [
    "CLASSIFICATIONS",
    "DISCLAIMER",
    "SCHEMA_VERSION",
    "Assessment",
    "Beat",
    "Grade",
    "Run",
    "Trace",
]

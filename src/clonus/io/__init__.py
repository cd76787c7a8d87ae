"""Reading recordings: one :func:`read` for every supported format.

The format is detected from the file's content (and, only as a tie-breaker, its name).
Each format lives in its own private module that registers a :class:`Reader` in
:mod:`clonus.io._registry`. See ``docs/formats.md`` for what each reader supports.
"""

from ._registry import FORMATS, Reader, detect_format, list_channels, read, read_all, register

__all__ = ["FORMATS", "Reader", "detect_format", "list_channels", "read", "read_all", "register"]

"""The package logger. The library never configures handlers; applications do."""

from __future__ import annotations

import logging

logger = logging.getLogger("clonus")
logger.addHandler(logging.NullHandler())


def set_log_level(level: int | str) -> None:
    """Set the level of the ``clonus`` logger.

    Parameters
    ----------
    level : int or str
        A :mod:`logging` level such as ``"INFO"`` or ``logging.DEBUG``.
    """
    logger.setLevel(level)

"""The package logger. The library never configures handlers; applications do.

Log records never carry the folders of a file's path: folder names often hold a patient's
name or record number (``/data/Jane_Doe_1984/trial1.csv``), so a filter on the ``clonus``
logger reduces every path argument to the file name, as ``Assessment.source`` does.
"""

from __future__ import annotations

import logging
import os
from pathlib import PurePath


def _file_name_only(arg: object) -> object:
    """A path (``os.PathLike``, or a string naming a path with folders) -> its file name."""
    if isinstance(arg, os.PathLike):
        return PurePath(os.fspath(arg)).name
    if isinstance(arg, str) and (os.sep in arg or "/" in arg):
        p = PurePath(arg)
        # a path with folders, not a unit such as 'm/s^2' or 'deg/s': absolute, or relative
        # with a file name that has an extension
        if p.is_absolute() or (len(p.parts) > 1 and p.suffix and " " not in p.suffix):
            return p.name
    return arg


class _FoldersOut(logging.Filter):
    """Replace path arguments of a record with their file names (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_file_name_only(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _file_name_only(v) for k, v in record.args.items()}
        return True


logger = logging.getLogger("clonus")
logger.addHandler(logging.NullHandler())
logger.addFilter(_FoldersOut())


def set_log_level(level: int | str) -> None:
    """Set the level of the ``clonus`` logger.

    Parameters
    ----------
    level : int or str
        A :mod:`logging` level such as ``"INFO"`` or ``logging.DEBUG``.
    """
    logger.setLevel(level)

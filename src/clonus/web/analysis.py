"""From an uploaded file to an assessment: the same path as ``clonus assess``.

The web app calls :func:`analyse_file`, which calls :func:`clonus.read` and
:func:`clonus.assess` exactly as the CLI and the Python API do, so the numbers are identical
whichever way they are reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Assessment, Recording

__all__ = ["Analysis", "analyse_file"]


@dataclass(frozen=True)
class Analysis:
    """The recording read from an upload and its assessment.

    Attributes
    ----------
    recording : Recording
        As read by :func:`clonus.read`.
    assessment : Assessment
        As returned by :func:`clonus.assess`.
    file_format : str
        The detected format name (``""`` if unknown).
    messages : tuple of str
        Warnings raised while reading and assessing (e.g. a channel without a unit), for the
        user; ``clonus assess`` prints the same ones on standard error.
    """

    recording: Recording
    assessment: Assessment
    file_format: str = ""
    messages: tuple[str, ...] = ()

    def channel_info(self) -> list[dict[str, Any]]:
        return [{"name": c.name, "kind": c.kind, "unit": c.unit}
                for c in self.recording.channels]


def analyse_file(path: Path) -> Analysis:
    """Read and assess a recording file, as ``clonus assess PATH`` does.

    Parameters
    ----------
    path : Path
        The file (its suffix may help format detection).

    Returns
    -------
    Analysis

    Raises
    ------
    ClonusError
        When the file cannot be read or assessed; the message says why.

    Notes
    -----
    Files with channels at several sampling rates are read with :func:`clonus.read_all` and
    the group chosen by :func:`clonus.pipeline.select_group` is assessed, as in the CLI, so the
    numbers match ``clonus assess --json``. Warnings are collected into ``messages`` rather than
    raised.
    """
    import warnings

    import clonus
    from clonus.pipeline import select_group

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec, note = select_group(clonus.read_all(path), source=path.name)
        if note:
            warnings.warn(note, stacklevel=1)
        assessment = clonus.assess(rec)
    fmt = str(rec.metadata.get("format", "")) if rec.metadata else ""
    msgs = tuple(dict.fromkeys(str(w.message).replace(str(path), path.name) for w in caught))
    return Analysis(recording=rec, assessment=assessment, file_format=fmt, messages=msgs)

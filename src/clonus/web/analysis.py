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
    """

    recording: Recording
    assessment: Assessment
    file_format: str = ""

    def channel_info(self) -> list[dict[str, Any]]:
        return [{"name": c.name, "kind": c.kind, "unit": c.unit}
                for c in self.recording.channels]


def analyse_file(path: Path) -> Analysis:
    """Read and assess a recording file.

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
    """
    import clonus

    rec = clonus.read(path)
    fmt = str(rec.metadata.get("format", "")) if rec.metadata else ""
    return Analysis(recording=rec, assessment=clonus.assess(rec), file_format=fmt)

"""clonus: objective measurement, grading, explanation and record-keeping of clonus.

Public API by task
------------------
Reading
    :func:`read`, :func:`read_all`, :func:`list_channels`, :data:`io.FORMATS`
Data model
    :class:`Recording`, :class:`Channel`, :class:`Assessment`, :class:`Beat`, :class:`Grade`
Analysis
    :func:`assess` (motion or EMG clinical test); :func:`clonus.emg.monitor` (long EMG)
Batch
    :func:`clonus.batch.run_batch`, :func:`clonus.batch.summarize` (``clonus batch``)
Clinical context and reports
    :func:`clonus.clinical.interpret`, :func:`clonus.report.write_report`
Records and web app
    :mod:`clonus.store`, :func:`clonus.web.create_app` (``clonus serve``)
Simulation
    :mod:`clonus.simulate` (stretch-reflex loop simulator with ground truth)
Errors
    :class:`ClonusError` and subclasses in :mod:`clonus.exceptions`

clonus is decision-support software: it does not make a diagnosis and does not replace
clinical judgement.
"""

from ._logging import set_log_level
from ._version import __version__
from .exceptions import (
    ClonusError,
    ClonusWarning,
    FileFormatError,
    InvalidParameterError,
    MissingDependencyError,
    NoBeatsWarning,
    SamplingRateError,
    SignalQualityError,
    UnitError,
    UnitWarning,
)
from .io import list_channels, read, read_all
from .model import Assessment, Beat, Channel, Grade, Recording
from .pipeline import assess

__all__ = [
    "__version__",
    "set_log_level",
    "read",
    "read_all",
    "list_channels",
    "assess",
    "Recording",
    "Channel",
    "Assessment",
    "Beat",
    "Grade",
    "ClonusError",
    "ClonusWarning",
    "FileFormatError",
    "InvalidParameterError",
    "MissingDependencyError",
    "NoBeatsWarning",
    "SamplingRateError",
    "SignalQualityError",
    "UnitError",
    "UnitWarning",
]

"""Detection of clonus beats, runs and rhythms.

Public API
----------
:func:`assess_motion`, :class:`MotionConfig` (motion clonus test), :func:`count_cycles` (rhythm
and gait cycle counter), :func:`find_dorsiflexion_peaks`.
"""

from .beats import find_dorsiflexion_peaks, fit_decay, group_runs
from .cycles import Cycles, count_cycles
from .motion import DEFAULT_MOTION, MotionConfig, assess_motion

__all__ = [
    "assess_motion",
    "MotionConfig",
    "DEFAULT_MOTION",
    "count_cycles",
    "Cycles",
    "find_dorsiflexion_peaks",
    "fit_decay",
    "group_runs",
]

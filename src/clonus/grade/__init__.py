"""Clinical grades of clonus: scales as versioned data (:mod:`.scales`) and :func:`grade_all`."""

from .grading import DEFAULT_GRADING, GradingConfig, grade_all
from .scales import SCALES, Level, Scale, get_scale

__all__ = ["grade_all", "GradingConfig", "DEFAULT_GRADING", "SCALES", "Scale", "Level", "get_scale"]

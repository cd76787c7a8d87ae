"""Channel names -> sensors: which channels are the axes of one 3-axis sensor.

Shared by the clinical-test analysis (:mod:`clonus.detect.motion`) and the long-recording
monitor (:mod:`clonus.detect.motion_monitor`), so that both group the same files the same way.
"""

from __future__ import annotations

import re

# A unit written at the end of the name (``gyro_x_dps``, ``acc_x_g``, ``omega_z_rad_s``: the
# generic CSV and MATLAB readers keep such names whole), stripped before the axis is looked for.
_UNIT_SUFFIX_RE = re.compile(
    r"[\s_\-.]+(dps|degps|deg_?s|deg_per_s(ec)?|degrees_per_second|rad_?s|rad_per_s(ec)?|radps|"
    r"rps|g|mg|m_?s_?2|mps2|m_per_s2)$",
    re.IGNORECASE,
)
# the axis at the end of a channel name: x/y/z, 1/2/3, "x-axis" (MbientLab MetaBase), or the
# names some phone apps give the gyroscope's axes (AndroSensor "GYROSCOPE Yaw/Pitch/Roll")
_AXIS_RE = re.compile(r"[\s_\-.:]*(x|y|z|[123]|yaw|pitch|roll)([\s_\-]*axis)?$", re.IGNORECASE)


def axis_stem(name: str) -> str:
    """The channel name without its unit suffix and axis: the sensor's name.

    ``gyro_x`` and ``gyro_x_dps`` -> ``gyro``; ``GYROSCOPE Pitch`` -> ``GYROSCOPE``; a name that
    is only an axis (``X`` of a Polar Sensor Logger file) -> ``""``, so that the file's X, Y and
    Z are one sensor.
    """
    base = _UNIT_SUFFIX_RE.sub("", name) or name
    return _AXIS_RE.sub("", base)

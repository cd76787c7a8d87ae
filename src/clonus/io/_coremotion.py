"""Apple CoreMotion quantities: their names and documented units, shared by the readers.

CoreMotion (Apple developer documentation, ``CMDeviceMotion``, ``CMAccelerometerData``,
``CMGyroData``, ``CMCalibratedMagneticField``) reports

* ``rotationRate`` (``CMRotationRate``) in **rad/s**,
* ``userAcceleration`` and ``gravity`` (``CMAcceleration``) in **g** (standard gravity,
  9.80665 m/s^2), as does the raw accelerometer's ``acceleration``,
* ``attitude`` (``CMAttitude`` roll, pitch, yaw) in **radians**,
* ``magneticField`` in **microtesla**.

ResearchKit / mPower write them as nested JSON objects (``_researchkit.py``); iOS logging apps
and lab scripts write them as CSV columns (``rotationRate_x``, ``rotationRateX``,
``rotationRate.x``, ``motionRotationRateX``, ``attitude_roll``; ``_csv.py``).
"""

from __future__ import annotations

import re

#: CoreMotion quantity -> (channel-name prefix used by the JSON reader, unit as documented).
#: ``attitude`` has no JSON prefix: the ResearchKit reader does not read it.
QUANTITIES: dict[str, tuple[str | None, str]] = {
    "rotationRate": ("gyro", "rad/s"),
    "userAcceleration": ("linacc", "g"),
    "gravity": ("gravity", "g"),
    "magneticField": ("mag", "uT"),
    "attitude": (None, "rad"),
}

# A CSV column of a CoreMotion quantity: an optional "motion"/"deviceMotion" prefix (SensorLog
# writes "motionRotationRateX"), the quantity, an optional separator and the axis. CoreMotion's
# rotationRate and userAcceleration have x/y/z axes (the W3C/Expo DeviceMotion "rotationRate"
# has alpha/beta/gamma, in deg/s, and is not matched); the attitude has roll/pitch/yaw.
_COLUMN = re.compile(
    r"^(?:(?:device)?motion[._]?)?"
    r"(?P<q>rotationRate|userAcceleration|gravity|magneticField|attitude)"
    r"(?:[._]?(?P<ax>[xyz]|roll|pitch|yaw))$", re.I)
_BY_LOWER = {k.lower(): k for k in QUANTITIES}
# Quantities whose names only CoreMotion uses with x/y/z axes: their presence says that the
# file holds CoreMotion values. "gravity_x" alone does not (Android's gravity sensor writes
# m/s^2), nor does "attitude_roll".
_DISTINCTIVE = {"rotationRate", "userAcceleration"}


def _quantity(name: str) -> str | None:
    m = _COLUMN.match(name.strip())
    if m is None:
        return None
    q = _BY_LOWER[m.group("q").lower()]
    is_angle = m.group("ax").lower() in ("roll", "pitch", "yaw")
    return q if is_angle == (q == "attitude") else None


def column_units(names: list[str]) -> dict[str, str]:
    """CoreMotion units of the columns ``names`` (without units in their headers).

    Returns ``{name: unit}`` for the names that are CoreMotion quantities, but only when the
    columns are recognisably CoreMotion's: one of them is ``rotationRate`` or
    ``userAcceleration`` with an x/y/z axis. Otherwise (a lone ``gravity_x``, which Android
    writes in m/s^2) an empty dict.
    """
    found = {n: q for n in names if (q := _quantity(n)) is not None}
    if not _DISTINCTIVE & set(found.values()):
        return {}
    return {n: QUANTITIES[q][1] for n, q in found.items()}

"""Physical units: parsing header unit strings, conversion to SI, and display units.

Signals are held in SI units in memory (MNE's rule): volts, m/s^2, rad/s, rad, N, N m.
Readers call :func:`to_si` with the unit written in the file. An unknown unit is never
guessed: the channel is kept in arbitrary units (``"AU"``) and a :class:`UnitWarning` is
issued, unless the caller passes an explicit override.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass

from .exceptions import UnitError, UnitWarning

__all__ = ["UnitInfo", "parse_unit", "to_si", "display_scale", "G0", "SI_UNITS"]

#: Standard gravity in m/s^2 (CGPM 1901; also Sensor Logger's documented constant).
G0 = 9.80665

#: The SI unit used in memory for each channel kind.
SI_UNITS = {
    "acc": "m/s^2",
    "gyro": "rad/s",
    "angle": "rad",
    "emg": "V",
    "ecg": "V",
    "force": "N",
    "torque": "N m",
    "position": "m",
    "time": "s",
}


@dataclass(frozen=True)
class UnitInfo:
    """A recognised unit: its SI unit and the factor that converts to it (SI = value * scale)."""

    si_unit: str
    scale: float
    kind_hint: str | None = None


_DEG = math.pi / 180.0

# Keys are normalised spellings (lower case, no spaces, ^ removed, unicode folded).
_TABLE: dict[str, UnitInfo] = {
    # acceleration
    "m/s2": UnitInfo("m/s^2", 1.0, "acc"),
    "m/(s2)": UnitInfo("m/s^2", 1.0, "acc"),
    "ms-2": UnitInfo("m/s^2", 1.0, "acc"),
    "mps2": UnitInfo("m/s^2", 1.0, "acc"),
    "m/s/s": UnitInfo("m/s^2", 1.0, "acc"),  # Verily Study Watch TSDF metadata
    "g": UnitInfo("m/s^2", G0, "acc"),
    "mg": UnitInfo("m/s^2", G0 / 1000.0, "acc"),
    "1/64g": UnitInfo("m/s^2", G0 / 64.0, "acc"),
    # angular velocity
    "rad/s": UnitInfo("rad/s", 1.0, "gyro"),
    "deg/s": UnitInfo("rad/s", _DEG, "gyro"),
    "°/s": UnitInfo("rad/s", _DEG, "gyro"),
    "dps": UnitInfo("rad/s", _DEG, "gyro"),
    # angle
    "rad": UnitInfo("rad", 1.0, "angle"),
    "deg": UnitInfo("rad", _DEG, "angle"),
    "°": UnitInfo("rad", _DEG, "angle"),
    "degree": UnitInfo("rad", _DEG, "angle"),
    "degrees": UnitInfo("rad", _DEG, "angle"),
    # voltage (EMG, ECG)
    "v": UnitInfo("V", 1.0, None),
    "mv": UnitInfo("V", 1e-3, None),
    "uv": UnitInfo("V", 1e-6, None),
    "µv": UnitInfo("V", 1e-6, None),
    "μv": UnitInfo("V", 1e-6, None),
    "nv": UnitInfo("V", 1e-9, None),
    # force, torque
    "n": UnitInfo("N", 1.0, "force"),
    "kn": UnitInfo("N", 1e3, "force"),
    "nm": UnitInfo("N m", 1.0, "torque"),
    "n.m": UnitInfo("N m", 1.0, "torque"),
    "n*m": UnitInfo("N m", 1.0, "torque"),
    # position
    "m": UnitInfo("m", 1.0, "position"),
    "mm": UnitInfo("m", 1e-3, "position"),
    "cm": UnitInfo("m", 1e-2, "position"),
    "px": UnitInfo("px", 1.0, "position"),
    # linear velocity (e.g. OpenSim translation speeds; kind "misc")
    "m/s": UnitInfo("m/s", 1.0, None),
    "mm/s": UnitInfo("m/s", 1e-3, None),
    "cm/s": UnitInfo("m/s", 1e-2, None),
    # time
    "s": UnitInfo("s", 1.0, "time"),
    "ms": UnitInfo("s", 1e-3, "time"),
    "ns": UnitInfo("s", 1e-9, "time"),
    # other physical quantities (kind "misc"); microsiemens is left out on purpose: "uS"
    # normalises like microseconds, so conductance units stay unknown unless a reader knows them
    "pa": UnitInfo("Pa", 1.0, None),
    "hpa": UnitInfo("Pa", 1e2, None),
    "kpa": UnitInfo("Pa", 1e3, None),
    "ohm": UnitInfo("Ohm", 1.0, None),
    "ohms": UnitInfo("Ohm", 1.0, None),
    "kohm": UnitInfo("Ohm", 1e3, None),
    "kohms": UnitInfo("Ohm", 1e3, None),
    "degc": UnitInfo("degC", 1.0, None),
    "°c": UnitInfo("degC", 1.0, None),
    "degreescelsius": UnitInfo("degC", 1.0, None),
    "celsius": UnitInfo("degC", 1.0, None),
    "bpm": UnitInfo("Hz", 1.0 / 60.0, None),
    "hz": UnitInfo("Hz", 1.0, None),
    "ut": UnitInfo("T", 1e-6, None),
    "gauss": UnitInfo("T", 1e-4, None),
    "lux": UnitInfo("lx", 1.0, None),
    "lx": UnitInfo("lx", 1.0, None),
    "µt": UnitInfo("T", 1e-6, None),
    "μt": UnitInfo("T", 1e-6, None),
    # already dimensionless / arbitrary
    "au": UnitInfo("AU", 1.0, None),
    "a.u.": UnitInfo("AU", 1.0, None),
    "nu": UnitInfo("AU", 1.0, None),  # WFDB "no units"
}


def _normalise(unit: str) -> str:
    u = unit.strip().strip('"').strip()
    while len(u) >= 2 and u[0] + u[-1] in ("()", "[]"):
        u = u[1:-1].strip()
    u = u.replace("\u00b2", "2").replace("^", "").replace("(", "").replace(")", "")
    return u.replace("·", "").replace(" ", "").lower()


def parse_unit(unit: str | None) -> UnitInfo | None:
    """Return the :class:`UnitInfo` for a header unit string, or ``None`` if unknown.

    Parameters
    ----------
    unit : str or None
        The unit as written in the file, e.g. ``"m/s^2"``, ``"uV"``, ``"deg/s"``, ``"g"``.
    """
    if unit is None:
        return None
    key = _normalise(str(unit))
    if not key:
        return None
    if key in _TABLE:
        return _TABLE[key]
    key2 = re.sub(r"^(deg|°)/?s(ec)?$", "deg/s", key)
    return _TABLE.get(key2)


def to_si(unit: str | None, *, channel: str = "", source: str = "") -> tuple[str, float]:
    """Return ``(si_unit, scale)`` for a header unit, warning and using ``("AU", 1.0)`` if unknown.

    Parameters
    ----------
    unit : str or None
        The unit as written in the file.
    channel, source : str
        Channel name and file, used in the warning message.

    Warns
    -----
    UnitWarning
        If the unit is empty or not recognised.
    """
    info = parse_unit(unit)
    if info is None:
        where = f" in {source}" if source else ""
        what = "No unit" if unit is None or not str(unit).strip() else f"Unknown unit {unit!r}"
        warnings.warn(
            f"{what} for channel {channel!r}{where}; the channel is kept in "
            f"arbitrary units ('AU'). Pass units={{{channel!r}: UNIT}} to read() (e.g. 'uV', "
            "'deg/s', 'g'; CLI: --units NAME=UNIT) to convert it to SI. The motion analysis "
            "judges a unitless motion channel's unit from its size and says so.",
            UnitWarning,
            stacklevel=3,
        )
        return "AU", 1.0
    return info.si_unit, info.scale


def require_unit(unit: str) -> UnitInfo:
    """Like :func:`parse_unit` but raise :class:`UnitError` if unknown (for user overrides)."""
    info = parse_unit(unit)
    if info is None:
        known = ", ".join(sorted({k for k in _TABLE}))
        raise UnitError(f"Unknown unit {unit!r}. Known units: {known}.")
    return info


#: Display units and the factor from SI (display = SI * factor).
_DISPLAY = {
    "rad/s": ("deg/s", 1.0 / _DEG),
    "rad": ("deg", 1.0 / _DEG),
    "V": ("uV", 1e6),
    "m/s^2": ("m/s^2", 1.0),
    "N": ("N", 1.0),
    "N m": ("N m", 1.0),
    "m": ("mm", 1e3),
}


def display_scale(si_unit: str) -> tuple[str, float]:
    """Return ``(display_unit, factor)`` for showing an SI value (display = SI * factor)."""
    return _DISPLAY.get(si_unit, (si_unit, 1.0))

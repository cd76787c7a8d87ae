"""`assess`: one entry point from a recording to an :class:`~clonus.model.Assessment`.

The same function serves the Python API, ``clonus assess``, batch runs and the web app, so
the numbers are identical whichever way they are reached.

Dispatch: a recording with motion channels (gyro, acc, angle) goes to the motion analysis
(:mod:`clonus.detect.motion`); one with only EMG channels goes to the EMG analysis
(:mod:`clonus.emg.clinical`); one with both is analysed from motion, with the EMG bursts used
to confirm the beats (see ``combine`` in :mod:`clonus.emg.clinical`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .exceptions import InvalidParameterError
from .model import Assessment, Recording

__all__ = ["assess"]

_MOTION_KINDS = {"gyro", "acc", "angle"}


def assess(recording: Recording, *, channel: str | None = None, config: Any = None,
           mode: str | None = None, verbose: bool = False) -> Assessment:
    """Assess a clonus test recording.

    Parameters
    ----------
    recording : Recording
        Motion (phone/IMU gyroscope and accelerometer, goniometer angle) and/or surface EMG.
    channel : str, optional
        Analyse this channel only (motion: a gyro/acc/angle channel; EMG: an EMG channel).
        By default the motion channels are combined, or the EMG channel with the clearest
        bursts is used.
    config : object, optional
        Detection configuration (:class:`clonus.detect.motion.MotionConfig` or
        :class:`clonus.emg.clinical.EmgConfig`); defaults documented there.
    mode : {"motion", "emg"}, optional
        Force one analysis; by default chosen from the channel kinds.
    verbose : bool
        Log progress to the ``clonus`` logger.

    Returns
    -------
    Assessment
        Beats, count, frequency, duration, sustained, classification and grades.
    """
    if not isinstance(recording, Recording):
        raise InvalidParameterError(
            f"assess() needs a clonus.Recording, got {type(recording).__name__}. "
            "Read a file with clonus.read(path) or build one with Recording.from_array(x, fs=...)."
        )
    rec = recording if channel is None else recording.pick(channel)
    kinds = {c.kind for c in rec.channels}
    if mode is None:
        if kinds & _MOTION_KINDS:
            mode = "motion"
        elif "emg" in kinds:
            mode = "emg"
        else:
            raise InvalidParameterError(
                f"{recording.source or 'recording'}: no motion (gyro/acc/angle) or EMG channel to "
                f"assess; channel kinds are {sorted(kinds)}. Pick a channel with --channel or check "
                "the file's channel names and units (clonus info PATH)."
            )
    if mode == "motion":
        from .detect.motion import assess_motion

        motion = rec.pick(kind=sorted(kinds & _MOTION_KINDS)) if kinds & _MOTION_KINDS else rec
        result = assess_motion(motion, config=config)
        if "emg" in kinds and channel is None:
            from .emg.clinical import combine

            result = combine(result, rec.pick(kind="emg"))
        return result
    if mode == "emg":
        from .emg.clinical import assess_emg

        return assess_emg(rec.pick(kind="emg"), config=config)
    raise InvalidParameterError(f"Invalid value for 'mode': {mode!r}. Allowed values are 'motion' and 'emg'.")


def _config_to_dict(config: Any) -> Mapping[str, Any]:
    import dataclasses

    return dataclasses.asdict(config) if dataclasses.is_dataclass(config) else dict(config or {})

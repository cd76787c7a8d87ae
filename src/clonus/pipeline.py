"""`assess`: one entry point from a recording to an :class:`~clonus.model.Assessment`.

The same function serves the Python API, ``clonus assess``, batch runs and the web app, so
the numbers are identical whichever way they are reached.

Dispatch: a recording with motion channels (gyro, acc, angle) goes to the motion analysis
(:mod:`clonus.detect.motion`); one with only EMG channels goes to the EMG analysis
(:mod:`clonus.emg.clinical`); one with both is analysed from motion, with the EMG bursts used
to confirm the beats (see ``combine`` in :mod:`clonus.emg.clinical`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .exceptions import ClonusError, InvalidParameterError
from .model import Assessment, Recording

__all__ = ["assess", "select_group"]

_MOTION_KINDS = {"gyro", "acc", "angle"}

#: Which rate group of a multi-rate file is assessed: the kinds :func:`assess` analyses, in the
#: order the motion analysis prefers them, then EMG.
KIND_PREFERENCE = ("angle", "gyro", "acc", "emg")


def resolve_channels(names: Sequence[str], channel: str) -> list[str]:
    """The channels a ``channel=`` / ``--channel`` selection means.

    An exact channel name; a comma-separated list of names; or a sensor's prefix, which takes
    every channel whose name starts with it (``right`` or ``right_`` takes ``right_acc_x`` ...
    ``right_gyr_z`` of a two-foot recording). Case is ignored for prefixes. Returns [] when
    nothing matches.
    """
    if isinstance(channel, (list, tuple)) and channel and all(isinstance(c, str)
                                                             for c in channel):
        channel = ",".join(channel)  # a list of names means the same as the comma-separated
    if not isinstance(channel, str):
        raise InvalidParameterError(
            f"channel must be a channel name, comma-separated names or a sensor's prefix (a "
            f"string), got {channel!r} ({type(channel).__name__})."
        )
    if channel in names:
        return [channel]
    if "," in channel:
        want = [c.strip() for c in channel.split(",") if c.strip()]
        return want if want and all(c in names for c in want) else []
    low = channel.lower()
    return [n for n in names if n.lower().startswith(low)]


def pick_channels(recording: Recording, channel: str) -> Recording:
    """The recording's channels that ``channel`` selects (:func:`resolve_channels`).

    Raises
    ------
    InvalidParameterError
        When nothing matches; the message lists the available channels.
    """
    picked = resolve_channels(recording.ch_names, channel)
    if not picked:
        raise InvalidParameterError(
            f"{recording.source or 'recording'}: no channel named {channel!r} (nor channels "
            f"starting with it). Available channels: {list(recording.ch_names)}."
        )
    return recording.pick(picked)


def select_group(groups: Sequence[Recording], *, channel: str | None = None,
                 source: str = "") -> tuple[Recording, str | None]:
    """Choose the recording to assess from a file's rate groups (:func:`clonus.read_all`).

    The CLI, the batch runner and the web app all call this, so a multi-rate file is assessed
    the same way whichever way it arrives.

    Parameters
    ----------
    groups : sequence of Recording
        One recording per sampling rate.
    channel : str, optional
        Take the group holding this channel (a name, comma-separated names, or a sensor's
        prefix: :func:`resolve_channels`).
    source : str
        File name, for messages.

    Returns
    -------
    recording : Recording
        The group holding ``channel``; else the first group with angle, then gyroscope, then
        accelerometer, then EMG channels; else the first group.
    note : str or None
        A sentence naming the choice when there was more than one group, else None.
    """
    if not groups:
        raise InvalidParameterError(f"{source or 'recording'}: no channels to assess.")
    if channel is not None:
        for g in groups:
            if resolve_channels(g.ch_names, channel):
                return g, None
        names = sorted(n for g in groups for n in g.ch_names)
        raise InvalidParameterError(
            f"{source or 'recording'}: no channel named {channel!r} (nor channels starting with "
            f"it). Available channels: {names}."
        )
    if len(groups) == 1:
        return groups[0], None
    for kind in KIND_PREFERENCE:
        for g in groups:
            if any(c.kind == kind for c in g.channels):
                rates = ", ".join(f"{x.fs:g} Hz" for x in groups)
                note = (
                    f"{source or 'recording'}: channels at several rates ({rates}); analysed the "
                    f"{g.fs:g} Hz group ({', '.join(g.ch_names)}), which has the {kind} channels. "
                    "Choose another with --channel (channel=)."
                )
                if kind == "gyro":
                    g, note = _with_accelerometer(g, groups, note)
                return g, note
    return groups[0], None


def _with_accelerometer(gyro: Recording, groups: Sequence[Recording],
                        note: str) -> tuple[Recording, str]:
    """Add the phone's accelerometer, stored at another rate, to its gyroscope group.

    The motion analysis corrects the gyroscope's integration drift with the direction of
    gravity (``MotionConfig.gravity_fusion``), which needs both sensors on one time base. Phones
    often log them at different rates; the accelerometer is resampled (polyphase, anti-aliased)
    to the gyroscope's rate and aligned on the common time span. Only a 3-axis accelerometer
    sampled at >= 25 Hz is used, and only when the gyroscope group has none.
    """
    if any(c.kind == "acc" for c in gyro.channels):
        return gyro, note
    for g in groups:
        acc = [c.name for c in g.channels if c.kind == "acc"]
        if g is gyro or len(acc) != 3 or g.fs < 25.0:
            continue
        from .io._registry import _merge

        try:
            a = g.pick(acc)
            merged = _merge([gyro, a if a.fs == gyro.fs else a.resample(gyro.fs)])
        except ClonusError:  # the groups do not overlap, or cannot be resampled: keep the gyro
            return gyro, note
        if merged.n_samples < 0.9 * gyro.n_samples:
            return gyro, note  # the accelerometer covers too little of the test
        return merged, note + (
            f" The accelerometer ({g.fs:g} Hz) was resampled to {gyro.fs:g} Hz and added, to "
            "correct the gyroscope's drift with gravity."
        )
    return gyro, note


def assess(recording: Recording, *, channel: str | None = None, config: Any = None,
           mode: str | None = None, verbose: bool = False) -> Assessment:
    """Assess a clonus test recording.

    Parameters
    ----------
    recording : Recording
        Motion (phone/IMU gyroscope and accelerometer, goniometer angle) and/or surface EMG.
    channel : str, optional
        Analyse this channel only (motion: a gyro/acc/angle channel; EMG: an EMG channel), or
        these channels: comma-separated names, or a sensor's prefix such as ``right`` for the
        right foot's IMU of a two-foot recording (:func:`resolve_channels`).
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
    rec = recording if channel is None else pick_channels(recording, channel)
    kinds = {c.kind for c in rec.channels}
    if mode is None:
        if kinds & _MOTION_KINDS:
            mode = "motion"
        elif "emg" in kinds:
            mode = "emg"
        else:
            unitless = [c.name for c in rec.channels if c.unit in ("AU", "")]
            hint = (
                f" The channels {unitless[:6]} have no unit, so their kind is unknown: give "
                f"it, e.g. units={{'{unitless[0]}': 'g'}} in read() (CLI: --units "
                f"{unitless[0]}=g, or --units g for all): 'g' or 'm/s^2' for an accelerometer, "
                "'deg/s' or 'rad/s' for a gyroscope, 'deg' for a goniometer, 'uV' for EMG."
                if unitless
                else ""
            )
            raise InvalidParameterError(
                f"{recording.source or 'recording'}: no motion (gyro/acc/angle) or EMG channel "
                f"to assess; channel kinds are {sorted(kinds)}.{hint} Pick a channel with "
                "--channel or check the file's channel names and units (clonus info PATH)."
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
    raise InvalidParameterError(
        f"Invalid value for 'mode': {mode!r}. Allowed values are 'motion' and 'emg'."
    )

"""`simulate_trial`: one clinical clonus test, simulated, with sensors and ground truth."""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_fs, check_option
from ..exceptions import InvalidParameterError
from ..model import Channel, Recording
from .params import CentralParams, Manoeuvre, ReflexParams
from .reflex import SimResult, simulate
from .sensors import (
    EmgModel,
    GoniometerModel,
    ImuModel,
    emg_amplitude_modulated,
    emg_motor_units,
    goniometer_signal,
    imu_signals,
    rotation_matrix,
    sample_times,
)
from .stability import critical_gain
from .truth import TruthConfig, derive_truth

__all__ = ["Truth", "Trial", "simulate_trial", "SENSORS", "DEFAULT_MOTONEURON_NOISE"]

#: Sensor names accepted by :func:`simulate_trial`.
SENSORS = ("imu", "goniometer", "emg", "emg_mu")

#: Motoneuron-pool noise SD per 0.25 ms step used when ``noise=True`` (assumed — calibrate).
DEFAULT_MOTONEURON_NOISE = 0.05


def _tup(x: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in np.asarray(x, dtype=float).ravel())


def _opt(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class Truth:
    """Ground truth of a simulated trial. Times in seconds from the first sample.

    Attributes
    ----------
    n_beats : int
        Number of beats (see ``docs/simulator.md`` for the definition).
    beat_times_s : tuple of float
        Times of the beats (dorsiflexion peaks of the true angle).
    frequency_hz : float or None
        1 / median inter-beat interval when ≥ 3 beats.
    sustained : bool
        θ peak-to-peak > 1° in the last second of a hold lasting ≥ 10 s.
    stretch_onset_s : float
        Start of the examiner's push.
    clonus_start_s, clonus_end_s : float or None
        First and last beat of the clonus runs (≥ 3 consecutive beats > 1° p-p).
    emg_burst_onsets_s, emg_burst_offsets_s : tuple of float
        Reflex bursts of the drive at the muscle u_m (u_m > 0.02), including the burst
        evoked by the examiner's stretch.
    critical_gain : float
        Linear-analysis critical gain G_c of the loop (hand on), 1/(imp/s).
    critical_frequency_hz : float
        Oscillation frequency at G_c, Hz.
    mode : str
        "held" or "released".
    params : dict
        All ReflexParams values (including the gain used).
    seed : int
        Seed of the trial.
    gain, gain_ratio : float
        Motoneuron-pool gain used and its ratio to ``critical_gain``.
    mechanism : str
        "reflex" or "central".
    tardieu_grade : int
        0 none, 2 catch, 3 fatigable, 4 infatigable (reflex-model.md §8).
    beat_amplitudes_deg : tuple of float
        Cycle peak-to-peak of each beat (trough before it to its peak), deg.
    amplitude_deg : float or None
        Median beat amplitude over the clonus runs, deg.
    clonus_duration_s : float
        clonus_end_s - clonus_start_s (0 without a run).
    stretch_peak_s : float
        Peak of the imposed stretch (not a beat).
    hold_duration_s : float
        Duration of the examiner's hold after the push, s.
    emg_n_bursts : int
        Reflex bursts after the one evoked by the examiner's stretch (the EMG analogue of
        ``n_beats``; it can exceed ``n_beats`` when the drive oscillates but the foot barely
        moves, e.g. a stiff ankle and a weak muscle).
    emg_frequency_hz : float or None
        1 / median interval between those bursts' onsets (≥ 3 bursts).
    instantaneous_frequency_hz : tuple of float
        1 / interval to the previous beat, for the 2nd beat onwards (spec §8).
    manoeuvre, extra : dict
        Manoeuvre fields; sensor settings (rates, orientation, jitter, noise).
    """

    n_beats: int
    beat_times_s: tuple[float, ...]
    frequency_hz: float | None
    sustained: bool
    stretch_onset_s: float
    clonus_start_s: float | None
    clonus_end_s: float | None
    emg_burst_onsets_s: tuple[float, ...]
    emg_burst_offsets_s: tuple[float, ...]
    critical_gain: float
    critical_frequency_hz: float
    mode: str
    params: Mapping[str, Any]
    seed: int | None
    gain: float = math.nan
    gain_ratio: float = math.nan
    mechanism: str = "reflex"
    tardieu_grade: int = 0
    beat_amplitudes_deg: tuple[float, ...] = ()
    amplitude_deg: float | None = None
    clonus_duration_s: float = 0.0
    stretch_peak_s: float = math.nan
    hold_duration_s: float = 0.0
    emg_n_bursts: int = 0
    emg_frequency_hz: float | None = None
    instantaneous_frequency_hz: tuple[float, ...] = ()
    manoeuvre: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict (NaN becomes None)."""
        d: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, tuple):
                v = [float(x) for x in v]
            elif isinstance(v, float):
                v = _opt(v)
            elif isinstance(v, Mapping):
                v = dict(v)
            d[f.name] = v
        return d


@dataclass(frozen=True, eq=False)
class Trial:
    """A simulated clonus test.

    Attributes
    ----------
    recording : Recording
        All requested sensors in one recording. When motion and EMG are both requested, the
        motion channels are interpolated onto the EMG rate (see ``recordings`` for each stream
        at its own rate).
    truth : Truth
        Ground truth.
    recordings : dict of str to Recording
        Each stream at its native rate: ``"motion"`` (IMU and/or goniometer at ``fs_imu_hz``)
        and/or ``"emg"`` (at ``fs_emg_hz``).
    timestamps_s : ndarray or None
        Actual sample times of the motion stream, s (irregular when ``jitter_s > 0``; the
        motion recording's samples were taken at these times). None without motion sensors.
    sim : SimResult
        The underlying state time series at the integration step.
    motor_unit_spikes_s : list of ndarray or None
        Mode B EMG only: spike times of each motor unit, s (truth clock).
    """

    recording: Recording
    truth: Truth
    recordings: Mapping[str, Recording]
    timestamps_s: np.ndarray | None
    sim: SimResult
    motor_unit_spikes_s: list[np.ndarray] | None = None


def _check_sensors(sensors: Any) -> tuple[str, ...]:
    if isinstance(sensors, str):
        sensors = (sensors,)
    sensors = tuple(sensors)
    if not sensors:
        raise InvalidParameterError(f"sensors must name at least one of {SENSORS}.")
    for s in sensors:
        check_option("sensors", s, SENSORS)
    if len(set(sensors)) != len(sensors):
        raise InvalidParameterError(f"sensors contains duplicates: {sensors}.")
    return sensors


def simulate_trial(*, mode: str = "held", gain_ratio: float | None = None,
                   gain: float | None = None, delay_s: float | None = 0.040,
                   duration_s: float = 12.0, seed: int | None = 0,
                   sensors: Sequence[str] | str = ("imu",), fs_imu_hz: float = 200.0,
                   fs_emg_hz: float = 2000.0, orientation: Any = "random", noise: bool = True,
                   jitter_s: float = 0.0, params: ReflexParams | None = None,
                   central: bool | CentralParams = False,
                   manoeuvre: Manoeuvre | None = None,
                   motoneuron_noise: float | None = None,
                   truth_config: TruthConfig | None = None,
                   imu_model: ImuModel | None = None,
                   goniometer_model: GoniometerModel | None = None,
                   emg_model: EmgModel | None = None,
                   emg_clock_offset_s: float = 0.0) -> Trial:
    """Simulate one clinical clonus test (brisk dorsiflexion, then held or released).

    Parameters
    ----------
    mode : {"held", "released"}
        Examiner keeps the foot dorsiflexed after the push, or lets go at 1.0 s.
    gain_ratio : float, optional
        Motoneuron-pool gain as a multiple of the linear critical gain G_c
        (:func:`critical_gain`). Because of the motoneuron threshold, sustained clonus at
        nominal parameters needs about 3.6 x G_c (see ``docs/simulator.md``).
    gain : float, optional
        Absolute gain, 1/(imp/s). Give at most one of ``gain_ratio`` and ``gain``; with
        neither, ``params.gain`` is used (nominal 0.02).
    delay_s : float or None
        Total loop delay, s, split 0.525/0.475 into afferent/efferent. None keeps the
        delays in ``params``.
    duration_s : float
        Trial length, s (≥ 12 s to judge "sustained" by the Tardieu 10 s criterion).
    seed : int or None
        Seed of every random element (noise, orientation, EMG). Same seed, same trial.
    sensors : sequence of {"imu", "goniometer", "emg", "emg_mu"}
        "imu": foot-mounted phone gyroscope + accelerometer (channels gyro_x/y/z in rad/s,
        acc_x/y/z in m/s² with gravity); "goniometer": channel ``angle`` in rad;
        "emg": Mode A surface EMG (channel ``emg``, V); "emg_mu": Mode B motor-unit EMG
        (channel ``emg_mu``, V).
    fs_imu_hz, fs_emg_hz : float
        Sampling rates of the motion and EMG streams, Hz.
    orientation : "random", "aligned" or (3, 3) array
        Phone orientation on the foot (rotation from the foot frame to the phone frame).
    noise : bool
        Sensor noise, bias, drift and EMG artefacts, plus motoneuron noise. False gives ideal
        sensors (and a noise-free loop unless ``motoneuron_noise`` is given).
    jitter_s : float
        SD of the motion timestamps' jitter, s. The motion samples are taken at the jittered
        times (``trial.timestamps_s``) while ``recording.fs`` stays nominal.
    params : ReflexParams, optional
        Loop parameters (default nominal; see :func:`sample_params` for random ones).
    central : bool or CentralParams
        Run the central-oscillator mode (reflex-model.md §9) instead of the pure reflex loop.
    manoeuvre : Manoeuvre, optional
        Full manoeuvre (its ``mode`` is replaced by ``mode``).
    motoneuron_noise : float, optional
        SD of the motoneuron noise per step (default 0.05 with ``noise``, else 0).
    truth_config : TruthConfig, optional
        Thresholds of the ground-truth labels.
    imu_model, goniometer_model, emg_model : optional
        Sensor noise and artefact settings (:class:`~clonus.simulate.sensors.ImuModel`,
        ``GoniometerModel``, ``EmgModel``; e.g. ``EmgModel(dropout_rate_per_s=0.2)`` adds
        electrode-lift dropouts).
    emg_clock_offset_s : float
        The EMG stream's clock runs this far ahead of the motion stream, s (spec §6): EMG
        sample k shows the muscle at time k/fs_emg + offset. Truth times are in the motion
        stream's clock.

    Returns
    -------
    Trial
        ``trial.recording`` and ``trial.truth`` (see :class:`Truth`).

    Examples
    --------
    >>> from clonus.simulate import simulate_trial
    >>> trial = simulate_trial(mode="held", gain=0.03, duration_s=12.0, seed=1)
    >>> trial.truth.sustained, 4.0 < trial.truth.frequency_hz < 6.0
    (True, True)
    """
    check_option("mode", mode, ("held", "released"))
    sensors = _check_sensors(sensors)
    fs_imu = check_fs(fs_imu_hz, name="fs_imu_hz")
    fs_emg = check_fs(fs_emg_hz, name="fs_emg_hz")
    if "emg" in sensors or "emg_mu" in sensors:
        if fs_emg < 500:
            raise InvalidParameterError(
                f"fs_emg_hz must be at least 500 Hz for surface EMG, got {fs_emg}.")
    if not 10.0 <= fs_imu <= 4000.0:
        raise InvalidParameterError(
            f"fs_imu_hz must be between 10 and 4000 Hz (the simulation runs at 4 kHz), "
            f"got {fs_imu}.")
    if not isinstance(duration_s, numbers.Real) or not (2.0 <= float(duration_s) <= 300.0):
        raise InvalidParameterError(
            f"duration_s must be between 2 and 300 seconds, got {duration_s!r}.")
    duration_s = float(duration_s)
    if not isinstance(jitter_s, numbers.Real) or not (0 <= float(jitter_s) < 0.05):
        raise InvalidParameterError(
            f"jitter_s must be a timestamp jitter SD in seconds in [0, 0.05), got {jitter_s!r}.")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
                             or seed < 0):
        raise InvalidParameterError(f"seed must be a non-negative integer or None, got {seed!r}.")
    if not isinstance(emg_clock_offset_s, numbers.Real) or abs(float(emg_clock_offset_s)) > 1.0:
        raise InvalidParameterError(
            "emg_clock_offset_s must be a number of seconds within ±1, "
            f"got {emg_clock_offset_s!r}.")
    if gain is not None and gain_ratio is not None:
        raise InvalidParameterError("Give either gain or gain_ratio, not both.")
    p = params if params is not None else ReflexParams()
    if not isinstance(p, ReflexParams):
        raise InvalidParameterError(f"params must be a ReflexParams, got {type(p).__name__}.")
    if delay_s is not None:
        p = p.with_delay(delay_s)
    if motoneuron_noise is None:
        motoneuron_noise = DEFAULT_MOTONEURON_NOISE if noise else 0.0
    p = dataclasses.replace(p, motoneuron_noise=float(motoneuron_noise))
    g_c, f_c = critical_gain(p)
    if gain_ratio is not None:
        if isinstance(gain_ratio, bool) or not isinstance(gain_ratio, numbers.Real) \
                or not (0 <= float(gain_ratio) <= 50):
            raise InvalidParameterError(
                f"gain_ratio must be a number between 0 and 50, got {gain_ratio!r}.")
        p = dataclasses.replace(p, gain=float(gain_ratio) * g_c)
    elif gain is not None:
        if isinstance(gain, bool) or not isinstance(gain, numbers.Real) or not (0 <= gain < 10):
            raise InvalidParameterError(f"gain must be between 0 and 10 /(imp/s), got {gain!r}.")
        p = dataclasses.replace(p, gain=float(gain))
    man = manoeuvre if manoeuvre is not None else Manoeuvre()
    man = dataclasses.replace(man, mode=mode)
    if man.push_end_s + 0.5 > duration_s:
        raise InvalidParameterError(
            f"duration_s ({duration_s} s) must extend at least 0.5 s past the push "
            f"(ends at {man.push_end_s} s).")
    cpar: CentralParams | None
    if isinstance(central, CentralParams):
        cpar = central
    elif central:
        cpar = CentralParams()
    else:
        cpar = None

    ss = np.random.SeedSequence(seed)
    r_mn, r_orient, r_imu, r_gon, r_emg, r_time = (np.random.default_rng(s) for s in ss.spawn(6))
    sim = simulate(p, man, duration_s=duration_s, rng=r_mn, central=cpar)
    lab = derive_truth(sim, truth_config)

    recordings: dict[str, Recording] = {}
    timestamps = None
    md_common = {"simulated": True, "seed": seed, "mode": mode,
                 "mechanism": "central" if cpar else "reflex"}
    R = None
    motion = [s for s in sensors if s in ("imu", "goniometer")]
    if motion:
        timestamps = sample_times(duration_s, fs_imu, float(jitter_s), r_time)
        rows: list[np.ndarray] = []
        chans: list[Channel] = []
        if "imu" in sensors:
            R = rotation_matrix(orientation, r_orient)
            gyro, acc = imu_signals(sim, timestamps, fs_imu, R, r_imu, noise=noise,
                                    model=imu_model)
            for k, ax in enumerate("xyz"):
                rows.append(gyro[k])
                chans.append(Channel(f"gyro_{ax}", "gyro", "rad/s", "rad/s"))
            for k, ax in enumerate("xyz"):
                rows.append(acc[k])
                chans.append(Channel(f"acc_{ax}", "acc", "m/s^2", "m/s^2"))
        if "goniometer" in sensors:
            rows.append(goniometer_signal(sim, timestamps, r_gon, noise=noise,
                                          model=goniometer_model))
            chans.append(Channel("angle", "angle", "rad", "rad"))
        md = {**md_common, "stream": "motion", "jitter_s": float(jitter_s),
              "orientation": (orientation if isinstance(orientation, str) else "matrix"),
              "rotation_foot_to_phone": None if R is None else np.round(R, 6).tolist()}
        recordings["motion"] = Recording(np.vstack(rows), fs_imu, tuple(chans),
                                         source="simulate", metadata=md)
    mu_spikes = None
    if "emg" in sensors or "emg_mu" in sensors:
        n = int(math.floor(duration_s * fs_emg + 1e-9))
        te = np.arange(n) / fs_emg + float(emg_clock_offset_s)
        rows, chans = [], []
        if "emg" in sensors:
            rows.append(emg_amplitude_modulated(sim, te, fs_emg, r_emg, noise=noise,
                                                model=emg_model))
            chans.append(Channel("emg", "emg", "V", "V"))
        if "emg_mu" in sensors:
            x, info = emg_motor_units(sim, te, fs_emg, r_emg, noise=noise, model=emg_model)
            rows.append(x)
            chans.append(Channel("emg_mu", "emg", "V", "V"))
            mu_spikes = info["spike_times_s"]
        recordings["emg"] = Recording(np.vstack(rows), fs_emg, tuple(chans), source="simulate",
                                      metadata={**md_common, "stream": "emg",
                                                "muscle": "triceps surae"})
    if len(recordings) == 1:
        recording = next(iter(recordings.values()))
    else:
        mot, emg = recordings["motion"], recordings["emg"]
        te = np.arange(emg.n_samples) / emg.fs
        tm = timestamps if timestamps is not None else mot.times_s
        mdata = np.vstack([np.interp(te, tm, row) for row in mot.data])
        recording = Recording(np.vstack([mdata, emg.data]), emg.fs, mot.channels + emg.channels,
                              source="simulate",
                              metadata={**mot.metadata, "stream": "motion+emg",
                                        "motion_fs_hz": fs_imu})

    amps = lab.beat_amplitudes_deg
    in_run = np.zeros(lab.beat_times_s.size, dtype=bool)
    for a, b, _ in lab.runs:
        in_run |= (lab.beat_times_s >= a) & (lab.beat_times_s <= b)
    truth = Truth(
        n_beats=int(lab.beat_times_s.size), beat_times_s=_tup(lab.beat_times_s),
        frequency_hz=_opt(lab.frequency_hz), sustained=lab.sustained,
        stretch_onset_s=lab.stretch_onset_s, clonus_start_s=lab.clonus_start_s,
        clonus_end_s=lab.clonus_end_s, emg_burst_onsets_s=_tup(lab.burst_onsets_s),
        emg_burst_offsets_s=_tup(lab.burst_offsets_s), critical_gain=float(g_c),
        critical_frequency_hz=float(f_c), mode=mode, params=p.to_dict(), seed=seed,
        gain=float(p.gain), gain_ratio=float(p.gain / g_c),
        mechanism="central" if cpar else "reflex", tardieu_grade=lab.tardieu_grade,
        beat_amplitudes_deg=_tup(amps),
        amplitude_deg=float(np.median(amps[in_run])) if in_run.any() else None,
        clonus_duration_s=(lab.clonus_end_s - lab.clonus_start_s) if lab.runs else 0.0,
        stretch_peak_s=lab.stretch_peak_s, hold_duration_s=lab.hold_duration_s,
        emg_n_bursts=lab.emg_n_bursts, emg_frequency_hz=_opt(lab.emg_frequency_hz),
        instantaneous_frequency_hz=_tup(1.0 / np.diff(lab.beat_times_s)),
        manoeuvre=man.to_dict(),
        extra={"sensors": list(sensors), "fs_imu_hz": fs_imu, "fs_emg_hz": fs_emg,
               "orientation": orientation if isinstance(orientation, str) else "matrix",
               "jitter_s": float(jitter_s), "noise": bool(noise),
               "emg_clock_offset_s": float(emg_clock_offset_s),
               "central": None if cpar is None else cpar.to_dict(),
               "runs": [list(r) for r in lab.runs],
               "emg_burst_peak_drive": [float(v) for v in lab.burst_peak_drive],
               "emg_burst_floor_drive": [float(v) for v in lab.burst_floor_drive],
               "last_second_pp_deg": lab.last_second_pp_deg,
               "n_borderline_peaks": lab.n_borderline_peaks,
               "motion_peak_times_s": [float(v) for v in lab.candidate_peak_times_s]})
    return Trial(recording=recording, truth=truth, recordings=recordings,
                 timestamps_s=timestamps, sim=sim, motor_unit_spikes_s=mu_spikes)

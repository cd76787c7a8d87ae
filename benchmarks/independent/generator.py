"""Independent ankle-clonus test recordings ("lab B") with their own ground-truth rule.

Purpose. ``clonus.simulate`` and the detector were written by the same people, so a detector
could be fitted to its own simulator without anyone noticing. This generator was written
without reading ``clonus.simulate``: it describes the foot's motion kinematically (no reflex
model), states the truth rule before any comparison, and produces recordings through several
sensor models and a CSV writer. ``run.py`` runs :func:`clonus.assess` on them. Nothing here was
tuned to the detector's results. Every trial is regenerated from its seed alone:
``make_trial(seed)``; the same seed always gives the same trial (same random draws in the same
order; keep it that way, so results of different detector versions stay comparable).

Motion model. The foot angle ``psi(t)`` (deg, dorsiflexion positive, 0 = rest) is built on a
4 kHz grid as the examiner's hand ``h(t)`` plus the clonus oscillation ``o(t)``:

* hand: rest for 1-3 s, a minimum-jerk dorsiflexion (Flash & Hogan 1985) of 10-30 deg in
  0.10-0.40 s (the stretch; peak speed 1.875 x excursion / rise time), then a hold with a slow
  sag of -0.3 to +0.05 deg/s (the examiner tires), a hand wobble of 0-0.4 deg at 0.2-0.7 Hz and
  in half the trials a hand tremor of 0.02-0.1 deg at 8.5-12 Hz. A release lets the foot fall
  back to within 2 deg of rest, critically damped with a time constant of 25-60 ms.
* oscillation, one of two kinds (1/3 of the trials "dsine", else "events"):

  - ``events``: each beat is an explicit plantarflexion dip hanging from the held level, of
    depth ``A_k`` and period ``T_k``, with a cycle shape whose fall takes the fraction ``d`` of
    the period (``sine`` d = 0.5, ``jerk`` d = 0.15-0.3, ``sawtooth`` d = 0.08-0.12). The fall
    is never faster than 20 ms or 450 deg/s (plausibility limit, an assumption).
  - ``dsine``: a centred oscillation ``-A(t) sin(2 pi phi(t))`` with the same periods and
    envelope, tapered over the first and last half cycle.

  Frequencies start at 4-8 Hz and end 1 Hz lower to 0.4 Hz higher (clipped to 3.2-8.3 Hz, each
  period to 2.8-8.8 Hz), period jitter CV 0.5-4 %, the first period 0-25 % longer, up to two
  irregular periods (x 0.75-0.85 or x 1.15-1.3). Amplitude envelopes (peak-to-peak per beat,
  log-uniform maximum 1.5-10 deg): constant (+-12 % slow modulation), wax-wane or decay, with
  6 % beat-to-beat scatter.
* both are smoothed with a 4 ms Gaussian (limb inertia: nothing real has a step in
  acceleration); the truth is measured on the smoothed oscillation.

These ranges are assumptions of this generator ("another lab's" plausible tests), not fitted to
any data set.

Ground-truth rule (stated before any comparison, not tuned to the detector):

* A *beat* is one plantarflexion cycle of the oscillation after the examiner's stretch: the
  reflex jerk drops the foot from the top and it returns to the top. The beat's time is the
  *end* of its cycle (the dorsiflexion top reached after the dip); its amplitude is the
  peak-to-peak of the cycle (top minus dip bottom), measured on the smoothed oscillation.
  For ``dsine`` a beat is every local maximum of ``o(t)`` that follows a local minimum.
* ``n_beats`` (strict) = number of cycles with peak-to-peak >= 1.0 deg whose top lies at least
  half a period before the end of the recording; ``n_beats_lenient`` uses >= 0.5 deg.
* ``frequency_hz`` = 1 / median interval between consecutive strict beats of one contiguous
  train (an interval across a release gap does not count), if there are >= 3 strict beats.
* ``sustained`` = the hold (stretch onset to release or end) lasts >= 10 s and the oscillation
  is > 1 deg peak-to-peak in its last second. The generator keeps margins: sustained trials
  beat with >= 1.6 deg (envelope floor) to the end of a >= 11.5 s hold, non-sustained holds stop
  beating >= 1.5 s before the hold ends; ``sustained_borderline`` flags a hold within 0.5 s of
  10 s or a last-second peak-to-peak of 0.7-1.5 deg.
* ``expected_class`` = ``clonus`` if ``n_beats`` >= 3, ``no_clonus`` after a stretch with <= 2
  beats, ``not_clonus`` (anything but ``clonus`` is right) for a tremor without any stretch;
  ``n_beats`` is None then. 3-4 beats, or < 3 strict but >= 3 lenient beats, are flagged
  ``class_borderline`` (clinical sources disagree on 3 versus 5 beats).

Scenarios (probability): ``held_sustained`` (0.22) beats through a hold of 11.5-18 s, released
at the end in 35 %; ``held_decay`` (0.26) 3-40 beats during a hold, then 1.5-6 s quiet, released
at the end in 30 %; ``released`` (0.22) 1-8 beats after the examiner lets go ("let_go": the
beats start 0.12-0.3 s after a release 0.05-0.35 s after the stretch) or while held and 0-2
more after the release ("after_beats"); ``neg_quiet`` (0.10) a stretch and no beats;
``neg_few`` (0.10) a stretch and 1-2 beats of 1.5-6 deg; ``neg_tremor`` (0.10) a 4-7 Hz tremor
of 0.5-3 deg peak-to-peak without any stretch (from the start or after 1.5-4 s). Negatives
with a stretch are released shortly after it in 40 %.

Sensors (probability), sampled at 50, 60, 100, 128, 200, 250, 500 or 1000 Hz after a causal
boxcar average over one sample period. The in-memory samples are uniform; the CSV samples are
taken at jittered times (none in half the trials, SD 0.5 ms or 2 ms in a quarter each, clipped
to +-0.35 sample period) with their own noise:

* ``gonio_deg`` (0.22) / ``gonio_rad`` (0.10): goniometer angle with an offset of -20-0 deg, a
  drift of +-0.05 deg/s, white noise 0.02-0.3 deg, 12-bit quantisation (360/4096 deg) in 40 %
  (drawn separately for the in-memory and the CSV samples);
* ``imu_rad`` (0.25) / ``imu_deg_g`` (0.23): gyroscope + accelerometer on the foot 6-16 cm
  from the ankle axis in a uniformly random orientation, the ankle frame itself randomly
  tilted; 3 % cross-axis misalignment of the gyroscope; gyroscope noise 0.003-0.02 rad/s, bias
  +-0.03 rad/s and a random walk; accelerometer noise 0.02-0.1 m/s^2, bias +-0.15 m/s^2;
* ``gyro_only`` (0.10) and ``acc_only`` (0.10): one of the two.

:func:`to_recording` gives the uniformly sampled signals as a :class:`clonus.Recording` (SI
units); :func:`write_csv` writes the jittered-time samples as a lab CSV in the sensor's units
(deg or rad, rad/s or deg/s, m/s^2 or g; time in s or ms, from 0 or from a 5-500 s offset).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.ndimage import gaussian_filter1d

#: internal time grid on which the motion is built, Hz
FINE_HZ = 4000.0
#: standard gravity, m/s^2
G0 = 9.80665

SCENARIOS = ("held_sustained", "held_decay", "released", "neg_quiet", "neg_few", "neg_tremor")
SCENARIO_P = (0.22, 0.26, 0.22, 0.10, 0.10, 0.10)
SENSORS = ("gonio_deg", "gonio_rad", "imu_rad", "imu_deg_g", "gyro_only", "acc_only")
SENSOR_P = (0.22, 0.10, 0.25, 0.23, 0.10, 0.10)
FS_CHOICES_HZ = (50, 60, 100, 128, 200, 250, 500, 1000)
SHAPES = ("sine", "jerk", "sawtooth")
SHAPE_P = (0.35, 0.45, 0.2)

#: strict and lenient beat thresholds of the truth rule, deg peak-to-peak
STRICT_PP_DEG = 1.0
LENIENT_PP_DEG = 0.5
#: fastest plausible plantarflexion fall: 20 ms, 450 deg/s (assumption)
MIN_FALL_S = 0.02
MAX_FALL_SPEED_DEG_S = 450.0
#: Gaussian smoothing of hand and oscillation (limb inertia), s
SMOOTH_S = 0.004
#: seed offset of the CSV writer's own random generator (time offset, column dialect)
CSV_SEED_OFFSET = 99991


@dataclass
class Trial:
    """One generated clonus test.

    Attributes
    ----------
    seed : int
        Seed the trial was generated from (``make_trial(seed)`` regenerates it).
    scenario, sensor, osc, shape : str
        Scenario (:data:`SCENARIOS`), sensor model (:data:`SENSORS`), oscillation kind
        (``"events"`` or ``"dsine"``) and cycle shape (``"sine"``, ``"jerk"``, ``"sawtooth"``;
        always ``"sine"`` for ``dsine``).
    fs_hz : float
        Sampling rate of the sensor, Hz.
    duration_s : float
        Length of the recording, s.
    params : dict
        The drawn motion parameters, JSON-able, with the keys of the result files: ``d``
        (fall fraction), ``t_rest`` (s), ``E`` (stretch, deg), ``Tr`` (stretch rise time, s),
        ``delay`` (s), ``f0`` and ``f_end`` (Hz), ``amax`` (deg), ``env``, ``release`` (s or
        None), ``release_mode``, ``duration`` (s), ``sag`` (deg/s), ``wob_a`` and ``trem_a``
        (deg), besides ``scenario``, ``sensor``, ``fs`` (Hz), ``osc`` and ``shape``.
    truth : dict
        The ground truth (module docstring): ``beat_times`` (s) and ``beat_amps`` (deg) of the
        strict beats, ``n_beats``, ``n_beats_lenient``, ``n_cycles_all``, ``frequency_hz``,
        ``min_fall_ms``, ``stretch_onset_s``, ``hold_s``, ``pp_last_s`` (deg peak-to-peak in
        the last second of the hold), ``sustained``, ``sustained_borderline``,
        ``expected_class``, ``class_borderline``, ``peak_vel_deg_s``.
    sensor_params : dict
        The drawn sensor parameters (noise levels in deg, rad/s, m/s^2; radius ``r`` in m).
    jitter_s : float
        Timestamp jitter SD of the CSV samples, s (0 = uniform).
    t_fine_s, psi_deg : ndarray
        The motion on the 4 kHz grid: time (s) and foot angle (deg, dorsiflexion positive).
    t_uniform_s, t_jitter_s : ndarray
        Sample times of the uniform (in-memory) and jittered (CSV) samples, s.
    samples : dict
        ``"u"`` (uniform) and ``"j"`` (jittered) -> ``{"angle": deg}`` for a goniometer or
        ``{"gyro": rad/s, "acc": m/s^2}`` (3 x n, sensor axes) for the IMU sensors. The two
        have independent noise.
    tremor : dict or None
        ``neg_tremor`` only: frequency ``f`` (Hz), peak-to-peak ``pp`` (deg), ``start`` (s).
    csv_t0_s : float or None
        Time of the first CSV sample, s; set by :func:`write_csv`.
    """

    seed: int
    scenario: str
    sensor: str
    fs_hz: float
    osc: str
    shape: str
    duration_s: float
    params: dict[str, Any]
    truth: dict[str, Any]
    sensor_params: dict[str, float]
    jitter_s: float
    t_fine_s: np.ndarray = field(repr=False)
    psi_deg: np.ndarray = field(repr=False)
    t_uniform_s: np.ndarray = field(repr=False)
    t_jitter_s: np.ndarray = field(repr=False)
    samples: dict[str, dict[str, np.ndarray]] = field(repr=False)
    tremor: dict[str, float] | None = None
    csv_t0_s: float | None = None


# --------------------------------------------------------------------------- helpers
def _min_jerk(u: np.ndarray) -> np.ndarray:
    """Minimum-jerk 0 -> 1 profile of the normalised time ``u`` (clipped to 0-1)."""
    u = np.clip(u, 0.0, 1.0)
    return 10 * u**3 - 15 * u**4 + 6 * u**5


def _cycle_shape(phase: np.ndarray, fall_fraction: float) -> np.ndarray:
    """Depth of a beat's dip, 0-1, over its phase 0-1.

    0 at phase 0 and 1 (the top), 1 at ``fall_fraction`` (the bottom); half-cosine fall and
    half-cosine return.
    """
    d = fall_fraction
    return np.where(phase < d, 0.5 * (1 - np.cos(np.pi * phase / d)),
                    0.5 * (1 + np.cos(np.pi * (phase - d) / (1 - d))))


def _rot_x(angle_rad: float) -> np.ndarray:
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _rot_y(angle_rad: float) -> np.ndarray:
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def _rot_z(angle_rad: float) -> np.ndarray:
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def _random_rotation(rng: np.random.Generator) -> np.ndarray:
    """Uniformly random rotation matrix (normalised Gaussian quaternion)."""
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def _pick(override: Any, drawn: Any) -> Any:
    """``override`` if given, else the value drawn (drawn anyway, so the draws stay in step)."""
    return drawn if override is None else override


# --------------------------------------------------------------------------- beat trains
def _periods(rng: np.random.Generator, n: int, f_start_hz: float, f_end_hz: float,
             first_period_factor: float, period_cv: float, n_irregular: int) -> np.ndarray:
    """Periods (s) of ``n`` beats, frequency linear from ``f_start_hz`` to ``f_end_hz``.

    Each frequency is clipped to 2.8-8.8 Hz, every period scattered by ``period_cv``, the first
    lengthened by ``first_period_factor`` and ``n_irregular`` periods (beats 2 to n, only if
    n >= 4) shortened to x 0.75-0.85 or lengthened to x 1.15-1.3. ``n = 0`` still draws one
    scatter value (kept so that every seed's draws stay the same).
    """
    f_hz = np.linspace(f_start_hz, f_end_hz, max(n, 1))
    per = 1.0 / np.clip(f_hz, 2.8, 8.8)
    per = per * (1 + period_cv * rng.normal(size=per.size))
    if n > 0:
        per[0] *= first_period_factor
    for _ in range(n_irregular):
        if n >= 4:
            k = rng.integers(1, n)
            per[k] *= rng.choice([rng.uniform(0.75, 0.85), rng.uniform(1.15, 1.3)])
    return per[:n]


def _envelope(rng: np.random.Generator, n: int, kind: str, amp_max_deg: float,
              amp_end_deg: float) -> np.ndarray:
    """Peak-to-peak amplitude (deg) of ``n`` beats.

    ``kind``: ``"constant"`` (``amp_max_deg`` +-12 % slow sinusoidal modulation over 8-25
    beats), ``"wax_wane"`` (rises from 35-70 % to the maximum over the first 15-50 % of the
    beats, then falls linearly to ``amp_end_deg``) or ``"decay"`` (exponential from the
    maximum to ``amp_end_deg``); times 1 + 6 % Gaussian scatter per beat.
    """
    k = np.arange(n)
    if n == 0:
        return np.zeros(0)
    if kind == "constant":
        env = amp_max_deg * (1 + 0.12 * np.sin(2 * np.pi * k / rng.uniform(8, 25)
                                                + rng.uniform(0, 6)))
    elif kind == "wax_wane":
        k_peak = max(1, int(n * rng.uniform(0.15, 0.5)))
        up = np.linspace(rng.uniform(0.35, 0.7), 1.0, k_peak + 1)[:-1]
        down = np.linspace(1.0, amp_end_deg / amp_max_deg, n - k_peak)
        env = amp_max_deg * np.concatenate([up, down])[:n]
    else:  # decay
        env = amp_max_deg * (amp_end_deg / amp_max_deg) ** (k / max(n - 1, 1))
    return env * (1 + 0.06 * rng.normal(size=n))


# --------------------------------------------------------------------------- the trial
def make_trial(seed: int, *, scenario: str | None = None, sensor: str | None = None,
               fs_hz: float | None = None, osc: str | None = None, shape: str | None = None,
               fall_fraction: float | None = None, rest_s: float | None = None,
               stretch_deg: float | None = None, rise_s: float | None = None,
               delay_s: float | None = None, f_start_hz: float | None = None,
               f_end_hz: float | None = None, first_period_factor: float | None = None,
               period_cv: float | None = None, n_irregular: int | None = None,
               amp_max_deg: float | None = None, sag_deg_s: float | None = None,
               wobble_deg: float | None = None, hand_tremor_deg: float | None = None,
               hold_s: float | None = None, amp_end_deg: float | None = None,
               n_beats: int | None = None, envelope: str | None = None,
               release_mode: str | None = None, duration_s: float | None = None,
               tremor_start_s: float | None = None, smooth_s: float | None = None,
               jitter_s: float | None = None, gonio_noise_deg: float | None = None) -> Trial:
    """Generate one clonus test from its seed.

    With only ``seed``, every parameter is drawn (the benchmark's trials). The keyword
    arguments fix a parameter instead (for reproducers); the value is still drawn and
    discarded, so the other parameters keep the seed's values where the draws do not depend
    on it (``scenario``, ``sensor``, ``fs_hz``, ``osc`` are not drawn when given).

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    scenario, sensor : str, optional
        One of :data:`SCENARIOS`, :data:`SENSORS`.
    fs_hz : float, optional
        Sampling rate, Hz (drawn from :data:`FS_CHOICES_HZ`).
    osc : str, optional
        ``"events"`` or ``"dsine"`` (``dsine`` becomes ``events`` for "after_beats" releases).
    shape : str, optional
        ``"sine"``, ``"jerk"`` or ``"sawtooth"`` (events only).
    fall_fraction : float, optional
        Share of a beat's period taken by the fall, ``d`` (0.5 = sinusoidal).
    rest_s, rise_s, delay_s : float, optional
        Rest before the stretch, its rise time, delay of the first beat after the stretch
        peak, s.
    stretch_deg : float, optional
        Examiner's dorsiflexion, deg.
    f_start_hz, f_end_hz : float, optional
        Beat frequency at the start and end of the train, Hz.
    first_period_factor, period_cv : float, optional
        Lengthening of the first period; relative period scatter (SD).
    n_irregular : int, optional
        Number of irregular periods.
    amp_max_deg, amp_end_deg : float, optional
        Maximum and final beat peak-to-peak, deg.
    sag_deg_s : float, optional
        Drift of the hand during the hold, deg/s.
    wobble_deg, hand_tremor_deg : float, optional
        Amplitudes of the examiner's slow wobble and 8.5-12 Hz hand tremor, deg.
    hold_s : float, optional
        ``held_sustained`` only: hold from the stretch onset to the release or end, s.
    n_beats : int, optional
        Number of beats (``held_decay``, ``released``, ``neg_few``).
    envelope : str, optional
        ``held_decay`` only: ``"decay"``, ``"wax_wane"`` or ``"constant"``.
    release_mode : str, optional
        ``released`` only: ``"let_go"`` or ``"after_beats"``.
    duration_s : float, optional
        ``neg_tremor`` only: recording length, s.
    tremor_start_s : float, optional
        ``neg_tremor`` only: tremor onset, s.
    smooth_s : float, optional
        SD of the Gaussian smoothing, s (default :data:`SMOOTH_S`; 0 = none).
    jitter_s : float, optional
        Timestamp jitter SD of the CSV samples, s.
    gonio_noise_deg : float, optional
        Goniometer white noise SD, deg.

    Returns
    -------
    Trial
    """
    rng = np.random.default_rng(seed)
    scenario = scenario if scenario is not None else rng.choice(SCENARIOS, p=SCENARIO_P)
    sensor = sensor if sensor is not None else rng.choice(SENSORS, p=SENSOR_P)
    fs_hz = float(fs_hz if fs_hz is not None else rng.choice(FS_CHOICES_HZ))
    osc = osc if osc is not None else rng.choice(["events", "events", "dsine"])
    if shape is None:
        shape = rng.choice(SHAPES, p=SHAPE_P)
    shape = shape if osc == "events" else "sine"
    d_drawn = {"sine": 0.5, "jerk": rng.uniform(0.15, 0.3),
               "sawtooth": rng.uniform(0.08, 0.12)}[shape]
    fall_fraction = _pick(fall_fraction, d_drawn)

    t_rest = _pick(rest_s, rng.uniform(1.0, 3.0))
    stretch = _pick(stretch_deg, rng.uniform(10, 30))
    rise = _pick(rise_s, rng.uniform(0.10, 0.40))
    delay = _pick(delay_s, rng.uniform(0.0, 0.12))
    f0 = _pick(f_start_hz, rng.uniform(4.0, 8.0))
    f_end = _pick(f_end_hz, np.clip(f0 + rng.uniform(-1.0, 0.4), 3.2, 8.3))
    first_long = _pick(first_period_factor, rng.uniform(1.0, 1.25))
    cv = _pick(period_cv, rng.uniform(0.005, 0.04))
    n_irr = _pick(n_irregular, int(rng.choice([0, 0, 1, 2])))
    amax = _pick(amp_max_deg, float(np.exp(rng.uniform(np.log(1.5), np.log(10)))))
    sag = _pick(sag_deg_s, rng.uniform(-0.3, 0.05))
    wob_a = _pick(wobble_deg, rng.uniform(0.0, 0.4))
    wob_f = rng.uniform(0.2, 0.7)
    trem_a = _pick(hand_tremor_deg, rng.choice([0.0, rng.uniform(0.02, 0.1)]))
    trem_f = rng.uniform(8.5, 12)

    # ---- the scenario: number of beats, envelope, release
    t_peak = t_rest + rise
    osc_start = t_peak + delay
    release = None
    mode = None            # release mode: None (held), "let_go" or "after_beats"
    env_kind = "constant"
    n = 0
    post_release_beats = 0
    dur = None
    sc = scenario
    if sc == "held_sustained":
        hold = _pick(hold_s, rng.uniform(11.5, 18))
        dur = t_rest + hold + (rng.uniform(1.5, 3) if rng.random() < 0.35 else 0.0)
        if dur > t_rest + hold + 0.01:
            release = t_rest + hold
        amax = max(amax, 2.0)
        env_kind = rng.choice(["constant", "wax_wane"])
        a_end = _pick(amp_end_deg, max(1.6, amax * rng.uniform(0.4, 1.0)))
    elif sc == "held_decay":
        n = _pick(n_beats, int(rng.integers(3, 41)))
        env_kind = _pick(envelope, rng.choice(["decay", "wax_wane", "constant"],
                                              p=[0.5, 0.35, 0.15]))
        a_end = _pick(amp_end_deg, rng.uniform(0.4, 1.5) if env_kind != "constant" else amax)
    elif sc == "released":
        n = _pick(n_beats, int(rng.integers(1, 9)))
        env_kind = rng.choice(["decay", "constant"])
        a_end = rng.uniform(0.6, 1.5)
        mode = _pick(release_mode, rng.choice(["let_go", "after_beats"]))
        if mode == "after_beats":
            post_release_beats = int(rng.integers(0, 3))
    elif sc == "neg_quiet":
        a_end = amax
    elif sc == "neg_few":
        n = _pick(n_beats, int(rng.integers(1, 3)))
        a_end = amax
        amax = _pick(amp_max_deg, rng.uniform(1.5, 6))
    else:  # neg_tremor
        a_end = amax

    # ---- beat periods (s) and amplitudes (deg peak-to-peak)
    if sc == "held_sustained":  # more beats than fit; the train is cut at the end of the hold
        per = _periods(rng, int((release or (t_rest + 30)) * 9), f0, f_end, first_long, cv,
                       n_irr)
    else:
        per = _periods(rng, n, f0, f_end, first_long, cv, n_irr)
    env = _envelope(rng, per.size, env_kind, amax, a_end)
    if sc == "held_sustained":
        env = np.maximum(env, 1.6)

    # ---- timeline
    post_start = None
    n_held = per.size
    if sc == "neg_tremor":
        dur = _pick(duration_s, rng.uniform(8, 15))
    elif sc == "held_sustained":
        pass  # duration set above
    elif sc == "held_decay" or (sc in ("neg_quiet", "neg_few") and not rng.random() < 0.4):
        # held: the beats stop, 1.5-6 s of quiet hold, in 30 % a release at the end
        osc_end = osc_start + per.sum()
        dur = osc_end + rng.uniform(1.5, 6.0)
        if rng.random() < 0.3:
            release = dur - rng.uniform(0.8, 1.5)
            if release < osc_end + 1.5:
                dur = osc_end + 1.5 + rng.uniform(0.8, 1.5)
                release = osc_end + 1.5
    else:  # released, and 40 % of the negatives with a stretch
        if sc != "released":
            mode = "let_go"
        if mode == "let_go":
            release = t_peak + rng.uniform(0.05, 0.35)
            osc_start = release + rng.uniform(0.12, 0.3)
            dur = osc_start + per.sum() + rng.uniform(1.5, 4)
        else:  # after_beats: released right after the held beats, 0-2 beats follow
            release = osc_start + per.sum() + rng.uniform(0.0, 0.03)
            extra_per = _periods(rng, post_release_beats, f_end, f_end, 1.0, cv, 0)
            extra_env = np.full(post_release_beats,
                                max(1.2, 0.6 * (env[-1] if env.size else 2)))
            post_start = release + rng.uniform(0.12, 0.25)
            per = np.concatenate([per, extra_per])
            env = np.concatenate([env, extra_env])
            dur = release + 0.3 + extra_per.sum() + rng.uniform(1.5, 4)
    duration = float(dur)
    t = np.arange(0, duration, 1 / FINE_HZ)

    # ---- examiner's hand h(t), deg
    if sc == "neg_tremor":
        h = np.zeros_like(t)
    else:
        h = _hand(rng, t, t_rest, stretch, rise, sag, wob_a, wob_f, trem_a, trem_f, release)

    # ---- oscillation o(t), deg
    tremor = None
    cycles: list[tuple[float, float, float]] = []   # events: (start s, end s, period s)
    falls_s: list[float] = []
    dsine = None
    if sc == "neg_tremor":
        o, tremor = _tremor(rng, t, tremor_start_s)
    elif osc == "events" or mode == "after_beats":
        osc = "events"
        starts = (osc_start + np.concatenate([[0], np.cumsum(per)[:-1]]) if per.size
                  else np.zeros(0))
        if mode == "after_beats" and post_release_beats:
            starts[n_held:] = post_start + np.concatenate([[0], np.cumsum(per[n_held:])[:-1]])
        hold_end = release if (release is not None and mode != "let_go") else duration
        o = _events(t, starts, per, env, fall_fraction, cycles, falls_s,
                    stop_s=hold_end - 0.02 if sc == "held_sustained" else None)
    else:
        osc_end = ((release if release is not None else duration) if sc == "held_sustained"
                   else osc_start + per.sum())
        o, dsine = _dsine(t, osc_start, osc_end, per, env, cut=sc == "held_sustained")

    # limb inertia / muscle force dynamics: nothing real has a step in acceleration
    sig_s = _pick(smooth_s, SMOOTH_S)
    if sig_s > 0:
        h = gaussian_filter1d(h, sig_s * FINE_HZ, mode="nearest")
        o = gaussian_filter1d(o, sig_s * FINE_HZ, mode="nearest")
    psi = h + o

    # ---- truth
    beats_t, beats_a, contiguous = _truth_cycles(t, o, duration, cycles, dsine, per)
    truth = _truth(sc, t, o, beats_t, beats_a, contiguous, falls_s, t_rest, release, duration,
                   stretch, rise)
    params = dict(scenario=sc, sensor=sensor, fs=fs_hz, osc=osc, shape=shape,
                  d=float(fall_fraction), t_rest=float(t_rest), E=float(stretch), Tr=float(rise),
                  delay=float(delay), f0=float(f0), f_end=float(f_end), amax=float(amax),
                  env=str(env_kind), release=None if release is None else float(release),
                  release_mode=mode, duration=duration, sag=float(sag),
                  wob_a=float(wob_a), trem_a=float(trem_a))
    sensor_params, jit_s, t_u, t_j, samples = _sensor(rng, sensor, fs_hz, duration, t, psi,
                                                      jitter_s, gonio_noise_deg)
    return Trial(seed=seed, scenario=sc, sensor=sensor, fs_hz=fs_hz, osc=osc, shape=shape,
                 duration_s=duration, params=params, truth=truth, sensor_params=sensor_params,
                 jitter_s=jit_s, t_fine_s=t, psi_deg=psi, t_uniform_s=t_u, t_jitter_s=t_j,
                 samples=samples, tremor=tremor)


def _hand(rng, t, t_rest, stretch, rise, sag, wob_a, wob_f, trem_a, trem_f, release):
    """The examiner's hand angle (deg): stretch, hold with sag, wobble and tremor, release."""
    t_peak = t_rest + rise
    h = stretch * _min_jerk((t - t_rest) / rise)
    inhold = t > t_peak
    h = (h + np.where(inhold, sag * (t - t_peak), 0)
         + np.where(inhold, wob_a * np.sin(2 * np.pi * wob_f * (t - t_peak))
                    * np.clip((t - t_peak) / 0.5, 0, 1), 0)
         + np.where(inhold, trem_a * np.sin(2 * np.pi * trem_f * t), 0))
    if release is not None:
        # the foot falls back to (near) rest: critically damped, tau 25-60 ms
        tau = rng.uniform(0.025, 0.06)
        h_rel = np.interp(release, t, h)
        rest_after = rng.uniform(-2, 2)
        u = np.clip(t - release, 0, None)
        fall = (h_rel - rest_after) * (1 + u / tau) * np.exp(-u / tau) + rest_after
        h = np.where(t >= release, fall, h)
    return h


def _tremor(rng, t, tremor_start_s):
    """Tremor without a stretch (deg): 4-7 Hz, 0.5-3 deg peak-to-peak, +-20 % modulation."""
    trem_start = _pick(tremor_start_s, rng.choice([0.0, rng.uniform(1.5, 4)]))
    ft = rng.uniform(4, 7)
    at = rng.uniform(0.5, 3.0)  # p-p
    ph = 2 * np.pi * (ft * t + 0.05 * np.sin(2 * np.pi * 0.3 * t))
    env_t = (at / 2 * (1 + 0.2 * np.sin(2 * np.pi * 0.15 * t)) * (t >= trem_start)
             * np.clip((t - trem_start) / 0.5, 0, 1))
    return env_t * np.sin(ph), dict(f=ft, pp=at, start=float(trem_start))


def _events(t, starts, per, env, fall_fraction, cycles, falls_s, stop_s):
    """Explicit beats: one dip per (start, period, amplitude), hanging from the held level.

    Appends ``(start, end, period)`` of each beat made to ``cycles`` and its fall time to
    ``falls_s``; stops at the first beat ending after ``stop_s`` (if given) or at the end of
    the grid.
    """
    o = np.zeros_like(t)
    for s, p, a in zip(starts, per, env, strict=False):
        e = s + p
        if stop_s is not None and e > stop_s:
            break
        i0, i1 = int(np.ceil(s * FINE_HZ)), int(np.floor(e * FINE_HZ))
        i1 = min(i1, t.size - 1)
        if i1 <= i0:
            break
        ph = (t[i0:i1 + 1] - s) / p
        # plausibility: the plantarflexion jerk takes >= 20 ms and peaks <= 450 deg/s
        d_k = min(0.5, max(fall_fraction,
                           max(MIN_FALL_S, np.pi * a / (2 * MAX_FALL_SPEED_DEG_S)) / p))
        o[i0:i1 + 1] -= a * _cycle_shape(ph, d_k)
        cycles.append((s, e, p))
        falls_s.append(d_k * p)
    return o


def _dsine(t, osc_start, osc_end, per, env, cut):
    """Centred oscillation ``-A(t) sin(2 pi phi(t))`` (deg) with the train's periods.

    ``phi`` = cycles elapsed (interpolated over the period boundaries), ``A`` = half the
    envelope at the cycle centres, tapered over the first and last half cycle. With ``cut``
    the train stops at the last period boundary before ``osc_end``. Returns the oscillation
    and ``(mask, phi, n_cycles)`` for the truth.
    """
    o = np.zeros_like(t)
    cum = osc_start + np.concatenate([[0], np.cumsum(per)])
    cum = cum[cum <= osc_end + 1e-9] if cut else cum
    ncyc = cum.size - 1
    m = (t >= osc_start) & (t < cum[-1])
    phi = np.interp(t[m], cum, np.arange(cum.size))
    amp = np.interp(phi, np.arange(ncyc) + 0.5, env[:ncyc] / 2) if ncyc else 0 * phi
    # smooth taper of the amplitude in the last cycle so the motion ends at the held level
    taper = np.clip(np.minimum(phi, ncyc - phi) / 0.5, 0, 1)
    taper = np.sin(0.5 * np.pi * taper) ** 2
    o[m] = -amp * taper * np.sin(2 * np.pi * phi)
    return o, (m, phi, ncyc)


def _truth_cycles(t, o, duration, cycles, dsine, per):
    """Every cycle's top time (s) and peak-to-peak (deg) on the smoothed oscillation ``o``.

    Only cycles whose top is at least half a period before the end. ``contiguous[i]``: the
    cycle started where the previous counted one ended (events; not across a release gap).
    """
    beats_t: list[float] = []
    beats_a: list[float] = []
    contiguous: list[bool] = []
    for s, e, p in cycles:
        i0, i1 = int(s * FINE_HZ), min(int(np.ceil(e * FINE_HZ)), t.size - 1)
        bottom = o[i0:i1 + 1].min()
        top = o[i1]
        if e <= duration - 0.5 * p:
            contiguous.append(bool(beats_t) and abs(s - beats_t[-1]) < 1e-6)
            beats_t.append(e)
            beats_a.append(top - bottom)
    if dsine is not None:
        m, phi, ncyc = dsine
        om = o[m]
        tm = t[m]
        dd = np.diff(om)
        idx_max = np.where((dd[:-1] > 0) & (dd[1:] <= 0))[0] + 1
        idx_min = np.where((dd[:-1] < 0) & (dd[1:] >= 0))[0] + 1
        for im in idx_max:
            prev = idx_min[idx_min < im]
            if prev.size == 0:
                continue
            p_loc = per[min(int(phi[im]), ncyc - 1)]
            if tm[im] <= duration - 0.5 * p_loc:
                contiguous.append(bool(beats_t))
                beats_t.append(tm[im])
                beats_a.append(om[im] - om[prev[-1]])
    return beats_t, beats_a, contiguous


def _truth(sc, t, o, beats_t, beats_a, contiguous, falls_s, t_rest, release, duration,
           stretch, rise) -> dict[str, Any]:
    """The truth dict of :class:`Trial` from the counted cycles (module docstring rule)."""
    bt, ba = np.array(beats_t), np.array(beats_a)
    strict = ba >= STRICT_PP_DEG
    lenient = ba >= LENIENT_PP_DEG
    tru: dict[str, Any] = {}
    tru["beat_times"] = bt[strict].tolist()
    tru["beat_amps"] = ba[strict].tolist()
    tru["n_beats"] = int(strict.sum())
    tru["n_beats_lenient"] = int(lenient.sum())
    tru["n_cycles_all"] = int(bt.size)
    # frequency: 1 / median interval between consecutive strict beats of one contiguous train
    cont = np.array(contiguous, dtype=bool)
    iv = [bt[i] - bt[i - 1] for i in range(1, bt.size) if cont[i] and strict[i] and strict[i - 1]]
    tru["frequency_hz"] = float(1 / np.median(iv)) if strict.sum() >= 3 and iv else None
    tru["min_fall_ms"] = float(1000 * min(falls_s)) if falls_s else None
    if sc == "neg_tremor":
        tru["stretch_onset_s"] = None
        tru["sustained"] = False
        tru["expected_class"] = "not_clonus"
        tru["n_beats"] = None
    else:
        tru["stretch_onset_s"] = float(t_rest)
        hold_end = release if release is not None else duration
        hold = hold_end - t_rest
        last = (t >= hold_end - 1.0) & (t <= hold_end)
        pp_last = float(o[last].max() - o[last].min()) if last.any() else 0.0
        tru["hold_s"] = float(hold)
        tru["pp_last_s"] = pp_last
        tru["sustained"] = bool(hold >= 10 and pp_last > 1.0)
        tru["sustained_borderline"] = bool(abs(hold - 10) < 0.5 or 0.7 < pp_last < 1.5)
        nb = tru["n_beats"]
        tru["expected_class"] = "clonus" if nb >= 3 else "no_clonus"
        tru["class_borderline"] = nb in (3, 4) or (tru["n_beats_lenient"] >= 3 > nb)
    tru["peak_vel_deg_s"] = float(1.875 * stretch / rise) if sc != "neg_tremor" else None
    return tru


# --------------------------------------------------------------------------- sensors
def _boxcar(x: np.ndarray, fs_hz: float) -> np.ndarray:
    """Causal moving average over one sample period 1/fs_hz (the sensor's integration), per
    row; the first value is repeated before the start."""
    if x.ndim > 1:
        return np.stack([_boxcar(row, fs_hz) for row in x])
    w = max(1, int(round(FINE_HZ / fs_hz)))
    if w == 1:
        return x
    pad = np.concatenate([np.repeat(x[:1], w), x])
    return np.convolve(pad, np.ones(w) / w, mode="full")[w:w + x.size]


def _sensor(rng, sensor, fs_hz, duration, t, psi, jitter_s, gonio_noise_deg):
    """Sample the foot angle ``psi`` (deg on the grid ``t``) with the sensor model.

    Returns ``(sensor_params, jitter_s, t_uniform_s, t_jitter_s, samples)`` (see
    :class:`Trial`).
    """
    n = int(np.floor(duration * fs_hz))
    ts = np.arange(n) / fs_hz
    jit = _pick(jitter_s, rng.choice([0.0, 0.0, 0.0005, 0.002]))
    if jit:
        tj = ts + np.clip(rng.normal(0, jit, n), -0.35 / fs_hz, 0.35 / fs_hz)
        tj[0] = 0.0
        tj = np.sort(tj)
    else:
        tj = ts
    samples: dict[str, dict[str, np.ndarray]] = {}
    if sensor.startswith("gonio"):
        sigma = _pick(gonio_noise_deg, rng.uniform(0.02, 0.3))
        theta0 = rng.uniform(-20, 0)
        drift = rng.uniform(-0.05, 0.05)
        ang = _boxcar(theta0 + psi + drift * t, fs_hz)
        for tt, key in ((ts, "u"), (tj, "j")):
            a = np.interp(tt, t, ang) + rng.normal(0, sigma, tt.size)
            q = 360 / 4096 if rng.random() < 0.4 else 0
            if q:
                a = np.round(a / q) * q
            samples[key] = {"angle": a}
        sensor_params = dict(noise_deg=float(sigma), theta0=float(theta0))
    else:
        psi_r = np.deg2rad(psi)
        dpsi = np.gradient(psi_r, 1 / FINE_HZ)
        r_mount = _random_rotation(rng)
        r_ankle = (_rot_z(rng.uniform(0, 2 * np.pi)) @ _rot_x(np.deg2rad(rng.uniform(-20, 20)))
                   @ _rot_y(np.deg2rad(rng.uniform(-60, 60))))
        # gyro: body rate (0, -psi', 0) in sensor axes, 3 % cross-axis misalignment
        mis = np.eye(3) + rng.normal(0, 0.03, (3, 3))
        wb = np.stack([0 * dpsi, -dpsi, 0 * dpsi])
        gyr = mis @ (r_mount.T @ wb)
        # accelerometer: sensor at p_b (m) in the foot frame, the foot rotated by Ry(-psi)
        r = rng.uniform(0.06, 0.16)
        p_b = np.array([r, 0.0, rng.uniform(0.0, 0.04)])
        c, s = np.cos(-psi_r), np.sin(-psi_r)
        pf = np.stack([c * p_b[0] + s * p_b[2], np.full_like(c, p_b[1]),
                       -s * p_b[0] + c * p_b[2]])
        pw = r_ankle @ pf
        acc_w = np.gradient(np.gradient(pw, 1 / FINE_HZ, axis=1), 1 / FINE_HZ, axis=1)
        f_w = acc_w - np.array([[0], [0], [-G0]])   # specific force, world frame
        f_a = r_ankle.T @ f_w                        # into the ankle frame
        # into the foot frame: Ry(-psi)^T = Ry(psi)
        fx = np.cos(psi_r) * f_a[0] + np.sin(psi_r) * f_a[2]
        fz = -np.sin(psi_r) * f_a[0] + np.cos(psi_r) * f_a[2]
        acc = r_mount.T @ np.stack([fx, f_a[1], fz])
        gyr = _boxcar(gyr, fs_hz)
        acc = _boxcar(acc, fs_hz)
        g_noise = rng.uniform(0.003, 0.02)
        g_bias = rng.uniform(-0.03, 0.03, 3)
        a_noise = rng.uniform(0.02, 0.1)
        a_bias = rng.uniform(-0.15, 0.15, 3)
        for tt, key in ((ts, "u"), (tj, "j")):
            rw = np.cumsum(rng.normal(0, 0.0005, (3, tt.size)), axis=1) / np.sqrt(fs_hz)
            gy = (np.stack([np.interp(tt, t, gyr[i]) for i in range(3)]) + g_bias[:, None] + rw
                  + rng.normal(0, g_noise, (3, tt.size)))
            ac = (np.stack([np.interp(tt, t, acc[i]) for i in range(3)]) + a_bias[:, None]
                  + rng.normal(0, a_noise, (3, tt.size)))
            samples[key] = {"gyro": gy, "acc": ac}
        sensor_params = dict(r=float(r), g_noise=float(g_noise), a_noise=float(a_noise))
    return sensor_params, float(jit), ts, tj, samples


# --------------------------------------------------------------------------- outputs
def to_recording(trial: Trial):
    """The uniformly sampled signals as a :class:`clonus.Recording` (SI units).

    Goniometers give one ``angle`` channel in rad (``orig_unit`` deg); IMUs give ``gyro_x/y/z``
    (rad/s) and/or ``acc_x/y/z`` (m/s^2). ``source`` is ``"indep_<seed>"``.
    """
    import clonus

    c = trial.samples["u"]
    if trial.sensor.startswith("gonio"):
        data = np.deg2rad(c["angle"])[None, :]
        ch = [clonus.Channel("ankle_angle", "angle", "rad", "deg")]
    elif trial.sensor == "gyro_only":
        data = c["gyro"]
        ch = [clonus.Channel(f"gyro_{a}", "gyro", "rad/s") for a in "xyz"]
    elif trial.sensor == "acc_only":
        data = c["acc"]
        ch = [clonus.Channel(f"acc_{a}", "acc", "m/s^2") for a in "xyz"]
    else:
        data = np.vstack([c["gyro"], c["acc"]])
        ch = ([clonus.Channel(f"gyro_{a}", "gyro", "rad/s") for a in "xyz"]
              + [clonus.Channel(f"acc_{a}", "acc", "m/s^2") for a in "xyz"])
    return clonus.Recording(data, trial.fs_hz, ch, source=f"indep_{trial.seed}")


def write_csv(trial: Trial, path: str | Path, dialect: str | None = None) -> list[str]:
    """Write the jittered-time samples as a lab CSV; returns the header.

    Time is the first column (``%.6f``), values ``%.6g``. The time offset (0 or 5-500 s, some
    loggers do not start at 0) and, for ``gonio_deg``, the column dialect (``"a"``:
    ``time_s, ankle_deg``; ``"b"``: ``Time [s], Ankle angle [deg]``; ``"c"``: ``time (ms),
    ankle_angle_deg``) are drawn from the seed ``trial.seed + 99991``, so the same trial always
    gives the same file. Sets ``trial.csv_t0_s``.

    Parameters
    ----------
    trial : Trial
    path : str or Path
        File to write.
    dialect : str, optional
        ``gonio_deg`` only: force dialect ``"a"``, ``"b"`` or ``"c"``.
    """
    rng = np.random.default_rng(trial.seed + CSV_SEED_OFFSET)
    c = trial.samples["j"]
    t = trial.t_jitter_s
    t0 = rng.choice([0.0, rng.uniform(5, 500)])
    trial.csv_t0_s = float(t0)
    if trial.sensor == "gonio_deg":
        d = dialect or rng.choice(["a", "b", "c"])
        if d == "a":
            hdr, tv = ["time_s", "ankle_deg"], t + t0
        elif d == "b":
            hdr, tv = ["Time [s]", "Ankle angle [deg]"], t + t0
        else:
            hdr, tv = ["time (ms)", "ankle_angle_deg"], (t + t0) * 1000
        cols = [tv, c["angle"]]
    elif trial.sensor == "gonio_rad":
        hdr = ["time_s", "theta_rad"]
        cols = [t + t0, np.deg2rad(c["angle"])]
    elif trial.sensor in ("imu_rad", "gyro_only"):
        hdr = ["timestamp"] + [f"gyro_{a} (rad/s)" for a in "xyz"]
        cols = [t + t0] + list(c["gyro"])
        if trial.sensor == "imu_rad":
            hdr += [f"acc_{a} (m/s^2)" for a in "xyz"]
            cols += list(c["acc"])
    elif trial.sensor == "imu_deg_g":
        hdr = ["time_ms"] + [f"gyro_{a}_dps" for a in "xyz"] + [f"acc_{a}_g" for a in "xyz"]
        cols = [(t + t0) * 1000] + list(np.rad2deg(c["gyro"])) + list(c["acc"] / G0)
    else:  # acc_only
        hdr = ["t", "ax (m/s^2)", "ay (m/s^2)", "az (m/s^2)"]
        cols = [t + t0] + list(c["acc"])
    arr = np.column_stack(cols)
    with open(path, "w") as fh:
        fh.write(",".join(hdr) + "\n")
        for row in arr:
            fh.write(",".join(f"{v:.6f}" if i == 0 else f"{v:.6g}" for i, v in enumerate(row))
                     + "\n")
    return hdr

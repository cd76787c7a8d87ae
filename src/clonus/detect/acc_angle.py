"""Ankle angle from a foot accelerometer alone, by fitting the rotating-sensor model.

A sensor at radius ``r`` from the ankle axis, the foot turning by ``psi(t)`` about that axis,
measures in the plane perpendicular to the axis (reflex-model.md section 6)::

    a_t = r * psi'' + g * sin(psi)          (tangential)
    a_r = r * psi'**2 + g * cos(psi)        (radial, towards the axis)

The tangential and radial directions are fixed in the sensor; gravity turns against the foot.
Instead of separating the two terms with filters (gravity tilt below 1 Hz, tangential part
above it), which smear a burst of clonus and the examiner's stretch backwards and forwards in
time, the whole angle ``psi(t)`` is fitted to both components at once by regularised
Gauss-Newton least squares (a smoothness prior on the third derivative, i.e. the angular jerk,
keeps the high frequencies in check). Where the foot is at rest before the stretch, gravity
pins the angle. One mode is weakly observed: near psi = 0 a rotation at sqrt(g / r) (1.6 Hz
at 0.1 m) changes neither the direction nor the size of the measured acceleration to first
order; see ``MODEL_ERROR_FRACTION`` and ``STILL_WEIGHT`` for how the fit keeps it pinned.

Sketch of the estimation:

1. The ankle axis is the direction in which the accelerometer reads nothing: the
   eigenvector of the smallest eigenvalue of the (uncentred) second-moment matrix of the
   3-axis acceleration (every term of the model lies in the plane perpendicular to the axis).
2. In that plane, the tangential direction is the principal direction of the acceleration
   above 2 Hz (the tangential term ``r * psi''`` dominates there); its sign is chosen by the
   lower fit residual (the physics fixes which sign of ``r * psi''`` goes with gravity's turn).
3. ``psi`` starts from the gravity direction and is refined by Gauss-Newton, first with the
   tangential equation weighted 1/10 throughout, then with each sample's tangential equation
   weighted by its expected model error (``MODEL_ERROR_FRACTION``); where the sensor is still
   the angular velocity is held near zero (``STILL_WEIGHT``). Gravity's size is the
   acceleration's median where the sensor is still.
4. The radius, when not given, is estimated around the largest rotation within 0.25 s
   (normally the examiner's stretch): there gravity's turn and the tangential acceleration
   ``r * psi''`` both carry the same rotation, and only the right ``r`` lets one angle explain
   both (see :func:`estimate_radius`).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from ..signal.filters import highpass, lowpass

_G0 = 9.80665

#: Cut-off (Hz) of the angular-jerk prior: above it the fitted angle follows the prior rather
#: than the measured tangential acceleration. The prior only conditions the fit (accelerometer
#: noise divided by r * w^2 is far below a degree at any frequency): at 15 Hz it shrank 6 Hz
#: beats by ~14 % ((6/15)^2) and the misfit chose the wrong tangential sign on simulated
#: trials; at 60 Hz the shrinkage at 8 Hz is < 2 %. Used: max(this, fs / 4), so that at
#: 400-1000 Hz the fit can follow the step in angular acceleration of a torque push.
PRIOR_CUTOFF_HZ = 60.0

#: Weight of an angular-acceleration prior, relative to the tangential term's r^2 (shrinks
#: the fitted r * theta'' by this fraction). Near psi = 0 (radial direction vertical) a rotation
#: at sqrt(g / r) (1.6 Hz at 0.1 m) changes neither the direction nor the size of the
#: measured acceleration to first order: the tangential acceleration cancels gravity's turn.
#: Any misfit (a torque pulse sampled at 50 Hz) excites that mode, also before the stretch;
#: this prior damps it a little (the tangential equation's weights below do most of the work).
ACC_PRIOR_FRACTION = 0.01

#: Relative error of the model's tangential term ``r * psi''`` (per-axis scale error of ~2 %,
#: the sampled second difference, (w / fs)^2 / 12 = 1-2 % for 5 Hz beats at 50-60 Hz, and more
#: at a torque pulse's step between samples). The tangential equation of each sample is
#: weighted by sensor noise / sqrt(noise^2 + (this x its dynamic acceleration)^2), relative
#: to the radial one: ~1 at rest and in small beats, 0.01-0.2 during a push of several g. The
#: former constant weight of 1/10 kept the push's model error from exciting the
#: pendulum mode, but in the rest of the recording it also gave the tangential equation,
#: which is what observes that mode near psi = 0, too little say: white accelerometer noise
#: then moved the fitted angle by 0.2-0.3 deg RMS at 1.2-2 Hz (simulated trials at 60-1000
#: Hz), as much as the smallest beats (0.5-0.7 deg), which it broke up or hid.
MODEL_ERROR_FRACTION = 0.02
#: Constant tangential weight of the first of the fit's two stages (the former fit); the
#: weighted stage starts from its result. Started directly from gravity's direction, the
#: weighted fit could stop in a local minimum 30-37 deg off around a brisk push (simulated
#: held trials at 200 and 1000 Hz).
_START_WEIGHT = 0.1
#: The weighted stage runs only when the first stage's radial and axial misfit (RMS) is within
#: this multiple of the white noise of those two axes: the weights assume sensor noise plus a
#: proportional error. Simulated trials: 1.4 x (median), at most 7.9 x (a torque pulse at
#: 100 Hz); a real phone on the shank tapping the heel (CloudUPDRS leg agility): 34 x, the
#: leg's translation, which the constant weight copes with.
MODEL_NOISE_RATIO = 12.0
#: Floor (m/s^2) of the white-noise estimate behind those weights (noise-free simulations;
#: MEMS accelerometers resolve ~1 mg).
_MIN_NOISE_M_S2 = 0.01
#: Window (s) and length (s) of the still samples whose median acceleration is gravity's size.
_STILL_WINDOW_S = 0.2
_MIN_STILL_S = 0.1
#: Window (s) over which gravity's size is averaged among the still samples (white noise of
#: 0.02 m/s^2 per axis averages to < 0.005 m/s^2; a posture drifting over seconds is followed).
_GRAVITY_WINDOW_S = 0.5
#: Weight of the still samples' angular-velocity prior: where the sensor is still (as for
#: gravity's size) the equation ``sqrt(g * r) * psi' = 0`` is added, in the units of the
#: others: for the pendulum mode ``sqrt(g * r) * psi'`` is as large as the ``r * psi''`` and
#: ``g * psi`` that cancel in the tangential equation, so at weight 1 the prior observes the
#: mode as well as an undisturbed tangential equation would; at the beats' and a drift's
#: frequencies f it weighs (f / f_mode) less or more than the data, and a sensor never moves
#: undetected there (beats of 0.5 deg at 5 Hz are 30 x the noise). A still accelerometer is
#: a still foot, not a free pendulum, except for a moment: a monotone rotation can mimic the
#: mode for up to half its period (pi * sqrt(r / g), 0.32 s at 0.1 m; a 1000 Hz servo push
#: read still for 0.12 s mid-ramp and the prior flattened it), so shorter still runs are left
#: out. Without the prior, a torque pulse that 50 Hz samples cannot resolve set the mode
#: swinging by 9-17 deg in the rest before it (accuracy design seed 1 trial 114: the sign
#: finder took the swing for the stretch); with it 0.8 deg.
STILL_WEIGHT = 1.0
#: Length (s) over which the fitted rotation is summed to find the movement around which the
#: radius is estimated: the examiner's stretch or a voluntary lift, not a tremor cycle (whose
#: rotation mostly cancels over 0.25 s; the fastest sample was one, and a lift's speed then
#: came out 10 % high at the 0.10 m reference).
_ROTATION_WINDOW_S = 0.25

#: Largest RMS acceleration (m/s^2, radial and axial) the rotation may leave unexplained. A
#: foot turning about the ankle leaves sensor noise and calibration error (simulated trials:
#: <= 0.35 m/s^2); a phone in the hand, walking or tapping on the floor leave 1-6 m/s^2
#: (negatives benchmark). Above it the model does not apply and the filters are used.
MAX_MISFIT_M_S2 = 1.0

_MAX_ITER = 8
_MAX_HALVINGS = 8

#: Seconds of mirrored data added before the recording's start before fitting (see ``_fit``).
EDGE_PAD_S = 0.5

#: Radius (m) used when none is given and it cannot be estimated: a phone or IMU on the dorsum
#: of the foot sits 0.08-0.15 m from the ankle axis (reflex-model.md section 6).
DEFAULT_RADIUS_M = 0.10
#: Radii tried by :func:`estimate_radius` (m): geometric steps of ``_RADIUS_STEP`` from
#: 0.035 to 0.29 m.
_RADIUS_STEP = 1.3
RADIUS_GRID_M = tuple(0.035 * _RADIUS_STEP**k for k in range(9))
#: The estimate is used only when the misfit at the grid's ends is at least this multiple of
#: the best one (a clear minimum); a foot that barely moved leaves the radius unobservable.
RADIUS_MIN_CONTRAST = 1.3
#: ... and only when the misfit at ``DEFAULT_RADIUS_M`` is at least this multiple of the best
#: one: a radius barely preferred over the reference is noise (a 50 Hz trial at 0.10 m gave
#: 0.076 m, 5 % less misfit, and its angle 1.3 x too large); sensors truly at 0.06 or 0.15 m
#: left 1.2-2 x the misfit at 0.10 m.
RADIUS_PRIOR_RATIO = 1.1


def _operators(n: int, fs: float) -> tuple[sparse.csr_array, ...]:
    """Central first and second differences (interior samples) and third differences, SI."""
    dt = 1.0 / fs
    d1 = sparse.diags_array([-0.5, 0.0, 0.5], offsets=[0, 1, 2], shape=(n - 2, n),
                            dtype=float) / dt
    d2 = sparse.diags_array([1.0, -2.0, 1.0], offsets=[0, 1, 2], shape=(n - 2, n),
                            dtype=float) / dt**2
    d3 = sparse.diags_array([-1.0, 3.0, -3.0, 1.0], offsets=[0, 1, 2, 3], shape=(n - 3, n),
                            dtype=float) / dt**3
    eye = sparse.eye_array(n, format="csr", dtype=float)[1:-1]
    return d1, d2, d3, eye


def _white_noise(x: np.ndarray) -> float:
    """White-noise SD (m/s^2) of one axis, from the MAD of its second differences (a movement
    below fs / 10 hardly shows in them)."""
    d2 = np.diff(x, 2)
    mad = float(np.median(np.abs(d2 - np.median(d2)))) if len(d2) else 0.0
    return max(1.4826 * mad / np.sqrt(6.0), _MIN_NOISE_M_S2)


def _still_mask(m: np.ndarray, fs: float, noise: float) -> np.ndarray:
    """Samples where the sensor is still: the in-plane acceleration's SD over
    ``_STILL_WINDOW_S`` is within 3 x the white noise of a 2-axis vector."""
    from scipy.ndimage import uniform_filter1d

    nw = max(3, int(round(_STILL_WINDOW_S * fs)))
    mu = uniform_filter1d(m, nw, mode="nearest")
    var = uniform_filter1d(np.abs(m) ** 2, nw, mode="nearest") - np.abs(mu) ** 2
    return np.sqrt(np.maximum(var, 0.0)) <= 3.0 * np.sqrt(2.0) * noise


def _long_runs(mask: np.ndarray, min_len: int) -> np.ndarray:
    """``mask`` without its runs of True shorter than ``min_len`` samples."""
    out = mask.copy()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if b - a < min_len:
            out[a:b] = False
    return out


def _still_gravity(m: np.ndarray, fs: float, noise: float) -> np.ndarray | None:
    """Gravity's size (m/s^2) per sample: the in-plane acceleration's size where the sensor is
    still, followed in time.

    Still: the acceleration's SD over ``_STILL_WINDOW_S`` is within 3 x the noise of a 2-axis
    vector. There the size is averaged over the still samples within ``_GRAVITY_WINDOW_S``;
    between still stretches it is interpolated linearly in time, and held constant before the
    first and after the last. The median over the whole recording is biased up by the movement
    (sustained 10 deg clonus at 3.6 Hz: +3 %, i.e. 0.3 m/s^2 of radial misfit that the fit
    turned into angle). One median of the still samples is not enough either: the size a
    sensor reads for gravity changes with its posture (per-axis scale errors of 1-2 %) and
    across a join or a knock, and where it reads more than the fit's gravity, only the
    centripetal ``r * psi'**2`` can explain the difference, which the fit supplied by swinging
    the pendulum mode (``STILL_WEIGHT``) by 1-2 deg through a whole held clonus (a recording
    cut into parts: the still samples read 9.52-9.68 m/s^2, the hold 9.79; 2-10 of 27 beats
    counted, 27 with the size followed in time).
    None when the sensor is never still for ``_MIN_STILL_S``.
    """
    from scipy.ndimage import uniform_filter1d

    still = _still_mask(m, fs, noise)
    if int(still.sum()) < max(3, int(_MIN_STILL_S * fs)):
        return None
    nw = max(3, int(round(_GRAVITY_WINDOW_S * fs)))
    w = still.astype(float)
    size = uniform_filter1d(np.abs(m) * w, nw, mode="nearest")
    count = uniform_filter1d(w, nw, mode="nearest")
    idx = np.flatnonzero(still)
    return np.interp(np.arange(len(m)), idx, size[idx] / count[idx])


def _tangential_weights(m: np.ndarray, fs: float, noise: float) -> np.ndarray:
    """Weight of each interior sample's tangential equation (see ``MODEL_ERROR_FRACTION``).

    The dynamic acceleration is the in-plane acceleration above 1 Hz (gravity's turn is
    slower), its largest value within 20 ms (the fit spreads a sample's misfit to its
    neighbours).
    """
    from scipy.ndimage import maximum_filter1d

    hp = highpass(np.vstack([m.real, m.imag]), fs=fs, cutoff_hz=min(1.0, 0.2 * fs))
    dyn = maximum_filter1d(np.hypot(hp[0], hp[1]), 2 * int(round(0.02 * fs)) + 1)[1:-1]
    return 1.0 / np.sqrt(1.0 + (MODEL_ERROR_FRACTION * dyn / noise) ** 2)


def _add_rows(bands: list[np.ndarray], c: list[np.ndarray]) -> None:
    """Add ``R.T @ R`` to the symmetric band matrix ``bands`` (``bands[d][a] = N[a, a + d]``),
    for a matrix ``R`` whose row ``i`` holds ``c[j][i]`` at column ``i + j``."""
    rows = len(c[0])
    for j in range(len(c)):
        for col in range(j, len(c)):
            bands[col - j][j : j + rows] += c[j] * c[col]


def _band_matvec(bands: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """``N @ x`` for the symmetric band matrix ``bands`` (as in :func:`_add_rows`)."""
    y = bands[0] * x
    for d in range(1, len(bands)):
        y[:-d] += bands[d] * x[d:]
        y[d:] += bands[d] * x[:-d]
    return y


def _rows_t(c: list[np.ndarray], y: np.ndarray, n: int) -> np.ndarray:
    """``R.T @ y`` for ``R`` as in :func:`_add_rows`, with ``n`` columns."""
    out = np.zeros(n)
    for j, cj in enumerate(c):
        out[j : j + len(y)] += cj * y
    return out


def _dot(x: np.ndarray, y: np.ndarray) -> float:
    """``x @ y`` of two vectors without BLAS: OpenBLAS splits a dot product of more than
    10,000 elements over threads, which on a busy machine cost 10-30 ms instead of 15 us
    (the fit of a 12 s recording at 1000 Hz makes a few hundred)."""
    return float(np.sum(x * y))


def _gauss_newton(
    m: np.ndarray, fs: float, radius_m: float, beta: float, g: np.ndarray, psi: np.ndarray,
    k: np.ndarray, still: np.ndarray | None = None,
) -> tuple[np.ndarray, float, float]:
    """Fit ``psi`` (rad) and the tangential direction ``exp(1j * beta)`` to the complex
    in-plane acceleration ``m`` (m/s^2), with gravity's size ``g`` (m/s^2, per sample);
    ``k``: the weight of each interior sample's
    tangential equation; ``still``: the samples where the sensor is still (see
    ``STILL_WEIGHT``). Returns (psi, beta, residual sum of squares in (m/s^2)^2).

    Every equation involves at most four neighbouring samples (third differences), so the
    normal equations are a symmetric band matrix of half-width 3, built from the equations'
    row coefficients and solved by a banded Cholesky factorisation (the same Gauss-Newton
    step as a general sparse solver, in a fraction of the time).
    """
    from scipy.linalg import LinAlgError, solveh_banded

    n = len(m)
    r, h = radius_m, fs
    g = np.broadcast_to(np.asarray(g, dtype=float), (n,))[1:-1]  # interior samples
    # the priors (constant): angular jerk and angular acceleration, weighted like the
    # tangential equation sample by sample (they condition it), and the still samples'
    # angular velocity
    reg = [np.zeros(n - d) for d in range(4)]
    s3 = np.sqrt(r**2 / (2.0 * np.pi * max(PRIOR_CUTOFF_HZ, 0.25 * fs)) ** 2)
    s3 = s3 * np.minimum(k[:-1], k[1:]) * h**3
    _add_rows(reg, [-s3, 3.0 * s3, -3.0 * s3, s3])
    s2 = np.sqrt(ACC_PRIOR_FRACTION) * r * k * h**2
    _add_rows(reg, [s2, -2.0 * s2, s2])
    if still is not None and STILL_WEIGHT > 0:
        s1 = STILL_WEIGHT * np.sqrt(r * g) * 0.5 * h * still[1:-1].astype(float)
        _add_rows(reg, [-s1, np.zeros_like(s1), s1])

    def residual(psi: np.ndarray, beta: float) -> tuple[np.ndarray, ...]:
        z = m[1:-1] * np.exp(-1j * beta)
        p = psi[1:-1]
        v = (psi[2:] - psi[:-2]) * (0.5 * h)
        et = k * (z.real - (r * (psi[2:] - 2.0 * p + psi[:-2]) * h**2 + g * np.sin(p)))
        er = z.imag - (r * v**2 + g * np.cos(p))
        return et, er, z, p, v

    def objective(psi: np.ndarray, beta: float) -> float:
        et, er, *_ = residual(psi, beta)
        return _dot(et, et) + _dot(er, er) + _dot(psi, _band_matvec(reg, psi))

    cost = objective(psi, beta)
    ab = np.zeros((4, n))
    for _ in range(_MAX_ITER):
        et, er, z, p, v = residual(psi, beta)
        c_t = k * r * h**2
        jt = [c_t, k * (g * np.cos(p)) - 2.0 * c_t, c_t]
        jr = [-r * v * h, -g * np.sin(p), r * v * h]
        bands = [x.copy() for x in reg]
        _add_rows(bands, jt)
        _add_rows(bands, jr)
        # residual derivatives with respect to beta (sign: e = z - f, de/dbeta = dz/dbeta)
        ct, cr = k * z.imag, -z.real
        a12 = -(_rows_t(jt, ct, n) + _rows_t(jr, cr, n))
        a22 = _dot(ct, ct) + _dot(cr, cr)
        b1 = _rows_t(jt, et, n) + _rows_t(jr, er, n) - _band_matvec(reg, psi)
        b2 = -(_dot(ct, et) + _dot(cr, er))
        for d in range(4):
            ab[3 - d, d:] = bands[d]
        try:
            y = solveh_banded(ab, np.column_stack([b1, a12]), check_finite=False)
        except (LinAlgError, ValueError):
            break
        y1, y2 = y[:, 0], y[:, 1]
        den = a22 - _dot(a12, y2)
        db = (b2 - _dot(a12, y1)) / den if den > 0 else 0.0
        step = y1 - y2 * db
        if not np.all(np.isfinite(step)) or not np.isfinite(db):
            break
        # backtracking: a full Gauss-Newton step can overshoot on a large fast movement (a
        # released 40 deg push) into a solution turning by a whole revolution
        for _ in range(_MAX_HALVINGS):
            new = objective(psi + step, beta + db)
            if new <= cost:
                break
            step, db = 0.5 * step, 0.5 * db
        else:
            break
        psi, beta, cost = psi + step, beta + db, new
        if float(np.max(np.abs(step))) < 1e-5 and abs(db) < 1e-5:
            break
    et, er, *_ = residual(psi, beta)
    return psi, beta, float(np.sum(et**2) + np.sum(er**2))


def fit_acc_angle(
    acc: np.ndarray, *, fs: float, radius_m: float | None
) -> tuple[np.ndarray, dict] | None:
    """Foot angle (deg, relative to the first 0.2 s) from a 3-axis accelerometer alone.

    Parameters
    ----------
    acc : ndarray, shape (3, n_samples)
        Accelerometer with gravity (specific force), m/s^2.
    fs : float
        Sampling rate, in Hz.
    radius_m : float or None
        Distance of the sensor from the ankle axis, in m. None: estimated from the data
        (:func:`estimate_radius`), ``DEFAULT_RADIUS_M`` when it cannot be.

    Returns
    -------
    (theta_deg, info) or None
        The angle and a dict: ``axis`` (unit vector in the sensor frame), ``rms_residual_m_s2``
        (in-plane misfit), ``planarity`` (fraction of the acceleration's power along the axis),
        ``gravity_m_s2`` (median), ``gravity_profile_m_s2`` (per sample, see
        :func:`_still_gravity`), ``residual_m_s2`` (per sample, the radial and axial
        acceleration the rotation does not explain), ``omega_rad_s`` (fitted angular velocity
        per sample),
        ``radius_m`` (the radius used) and ``radius_estimated`` (whether it was estimated);
        None when the model does not apply (not 3 axes, no gravity, too short, or more
        than ``MAX_MISFIT_M_S2`` of acceleration the rotation cannot explain).
    """
    a = np.asarray(acc, dtype=float)
    if a.ndim != 2 or a.shape[0] != 3 or a.shape[1] < max(16, int(0.5 * fs)):
        return None
    if not np.all(np.isfinite(a)):
        return None
    r = DEFAULT_RADIUS_M if radius_m is None else float(radius_m)
    fit = _fit(a, fs, r)
    if fit is None:
        return None
    fit[1].update(radius_m=r, radius_estimated=False)
    if radius_m is None:
        info = fit[1]
        r_est = estimate_radius(a, fs=fs, omega_rad_s=info["omega_rad_s"], frame=info["frame"],
                                gravity_m_s2=info["gravity_profile_m_s2"])
        # (the tangential sign does not change with r; if the model no longer applies at the
        # estimate, the fit at the reference radius stands)
        refit = None if r_est is None else _fit(a, fs, r_est, info["frame"])
        if refit is not None:
            refit[1].update(radius_m=r_est, radius_estimated=True)
            fit = refit
    return fit


def estimate_radius(
    acc: np.ndarray,
    *,
    fs: float,
    omega_rad_s: np.ndarray,
    frame: tuple | None = None,
    window_s: tuple[float, float] = (1.5, 2.5),
    gravity_m_s2: float | np.ndarray | None = None,
) -> float | None:
    """Distance (m) of an accelerometer from the ankle axis, from the largest movement.

    Around the foot's largest turn within 0.25 s (``_ROTATION_WINDOW_S``: normally the
    examiner's stretch, ``window_s`` seconds before and after it) the angle is fitted for each
    radius of
    ``RADIUS_GRID_M``. Gravity's turn fixes the angle's slow change, the tangential
    acceleration ``r * psi''`` its fast change, and the centripetal ``r * psi'**2`` ties them:
    with a wrong radius one angle cannot explain all three, and the misfit grows (simulated
    trials with sensors at 0.06 and 0.15 m: the minimum fell on the nearest grid radius in
    23 of 24). The minimum is refined by a parabola in log(r).

    Parameters
    ----------
    acc : ndarray, shape (3, n_samples)
        Accelerometer with gravity, m/s^2.
    fs : float
        Sampling rate, in Hz.
    omega_rad_s : ndarray
        Angular velocity from a first fit, rad/s (locates the largest movement).
    frame : tuple, optional
        ``info["frame"]`` of that fit: the window is fitted in its plane, with its tangential
        sign.
    window_s : (float, float)
        Seconds before and after the largest movement that are fitted.
    gravity_m_s2 : float or ndarray, optional
        Gravity's size, m/s^2: a number or one per sample of ``acc``
        (``info["gravity_profile_m_s2"]`` of that fit, read where the sensor is still).
        None: estimated in the window, which need not hold a still sample (then its median
        acceleration: a 7.7 Hz tremor of 5 deg raised that of a whole recording 40 %).

    Returns
    -------
    float or None
        The radius in m, or None when the misfit has no clear interior minimum (the grid's
        ends within ``RADIUS_MIN_CONTRAST`` of the best: the foot barely turned), the
        reference radius fits about as well (within ``RADIUS_PRIOR_RATIO``), or the model
        does not apply in the window.
    """
    from scipy.ndimage import uniform_filter1d
    from scipy.signal import resample_poly

    nw = max(1, int(round(_ROTATION_WINDOW_S * fs)))
    rot = uniform_filter1d(np.asarray(omega_rad_s, dtype=float), nw, mode="constant")
    i = int(np.argmax(np.abs(rot)))
    a0 = max(0, i - int(window_s[0] * fs))
    a1 = min(acc.shape[1], i + int(window_s[1] * fs))
    seg, fs_s = acc[:, a0:a1], fs
    g_seg = gravity_m_s2
    if g_seg is not None and np.ndim(g_seg) > 0:
        g_seg = np.asarray(g_seg, dtype=float)[a0:a1]
    if fs > 250.0:  # the movement that matters is below 50 Hz: fit at 200 Hz (speed)
        up, down = 200, int(round(fs))
        seg, fs_s = resample_poly(seg, up, down, axis=1), fs * up / down
        if g_seg is not None and np.ndim(g_seg) > 0:
            g_seg = np.interp(np.arange(seg.shape[1]) / fs_s, np.arange(len(g_seg)) / fs, g_seg)
    costs = []
    for r in RADIUS_GRID_M:
        fit = _fit(seg, fs_s, r, frame, pad_start=False, gravity_m_s2=g_seg)
        if fit is None:
            return None
        costs.append(fit[1]["rms_residual_m_s2"])
    c = np.asarray(costs)
    k = int(np.argmin(c))
    if k in (0, len(c) - 1) or min(c[0], c[-1]) < RADIUS_MIN_CONTRAST * c[k]:
        return None
    k_ref = int(np.argmin(np.abs(np.log(np.asarray(RADIUS_GRID_M) / DEFAULT_RADIUS_M))))
    if c[k_ref] < RADIUS_PRIOR_RATIO * c[k]:
        return None
    # parabola through the minimum and its neighbours, in log(r) (the grid is geometric)
    den = c[k - 1] - 2.0 * c[k] + c[k + 1]
    shift = 0.5 * (c[k - 1] - c[k + 1]) / den if den > 0 else 0.0
    return float(RADIUS_GRID_M[k] * _RADIUS_STEP ** float(np.clip(shift, -0.5, 0.5)))


def _misfit(
    m: np.ndarray, axial: np.ndarray, psi: np.ndarray, beta: float, g: float | np.ndarray,
    radius_m: float, fs: float,
) -> tuple[float, np.ndarray, np.ndarray]:
    """RMS (m/s^2) of what the rotation ``psi`` cannot produce, its radial part per sample and
    the angular velocity (rad/s).

    Acceleration along the axis, and radial acceleration other than gravity's and the
    centripetal r * omega^2, is translation (a knock, a strike, the leg moving). The tangential
    misfit is left out: any angular acceleration is possible, and the smoothness prior cannot
    follow a step in it (a torque pulse).
    """
    d1, _, _, _ = _operators(len(psi), fs)
    v = np.pad(d1 @ psi, 1, mode="edge")
    radial = (m * np.exp(-1j * beta)).imag - (radius_m * v**2 + g * np.cos(psi))
    return float(np.sqrt(np.mean(radial**2 + axial**2))), radial, v


def _fit(
    a: np.ndarray, fs: float, radius_m: float, frame: tuple | None = None,
    pad_start: bool = True, gravity_m_s2: float | None = None,
) -> tuple[np.ndarray, dict] | None:
    """:func:`fit_acc_angle` at a given radius.

    ``frame``: the plane and the winning starting tangential direction ``(u, e1, e2, beta)``
    of an earlier fit of the same recording (``info["frame"]``), which fixes the tangential
    sign: one Gauss-Newton run instead of one per sign (the radius search fits a window many
    times). ``gravity_m_s2``: gravity's size (m/s^2, a number or one per sample) when already
    known (the radius search's windows); None: read from the still samples.
    """
    evals, evecs = np.linalg.eigh(a @ a.T)
    if frame is None:
        u, e1 = evecs[:, 0], evecs[:, 2]
        e2 = np.cross(u, e1)
    else:
        u, e1, e2, _ = frame
    m = e1 @ a + 1j * (e2 @ a)
    # white noise from the axial component: the rotation puts nothing there
    noise = _white_noise(u @ a)
    g_t = _still_gravity(m, fs, noise) if gravity_m_s2 is None else gravity_m_s2
    if g_t is None:
        g_t = float(np.median(np.abs(m)))
    g_t = np.broadcast_to(np.asarray(g_t, dtype=float), m.shape)
    g = float(np.median(g_t))
    if g < 0.5 * _G0 or g > 1.5 * _G0:  # gravity removed ("linear acceleration") or not g
        return None
    if frame is None:
        hp = highpass(np.vstack([m.real, m.imag]), fs=fs, cutoff_hz=min(2.0, 0.2 * fs))
        w2, v2 = np.linalg.eigh(hp @ hp.T)
        beta0 = float(np.arctan2(v2[1, 1], v2[0, 1]))
        betas: tuple[float, ...] = (beta0, beta0 + np.pi)
    else:
        betas = (float(frame[3]),)
    # The recording's start is padded by its mirror image (the model is symmetric in time:
    # psi'' and psi'^2 keep their signs when time runs backwards), so the first samples are
    # fitted with data on both sides. Unpadded, the weakly observed pendulum mode could start
    # a fit 20-30 deg off, relaxing over 0.2 s, which then looked like the foot moving more
    # than the stretch before it (field-like trials with a push after 1 s). Not the end (a
    # recording often stops mid-clonus: the mirror would reverse a moving foot's velocity,
    # which the data do not show) and not the radius search's windows (same reason).
    pad = min(int(round(EDGE_PAD_S * fs)), len(m) - 1) if pad_start else 0
    mp = np.pad(m, (pad, 0), mode="reflect")
    gp = np.pad(g_t, (pad, 0), mode="reflect")
    k = _tangential_weights(mp, fs, noise)
    still = _long_runs(_still_mask(mp, fs, noise), int(np.pi * np.sqrt(radius_m / g) * fs))
    slow = lowpass(np.vstack([mp.real, mp.imag]), fs=fs, cutoff_hz=min(1.0, 0.2 * fs))
    phi = np.unwrap(np.arctan2(slow[1], slow[0]))
    axial = u @ a
    # stage 1: the tangential equation weighted _START_WEIGHT throughout
    fits = [
        _gauss_newton(mp, fs, radius_m, beta, gp, beta + np.pi / 2 - phi,
                      np.full(len(mp) - 2, _START_WEIGHT), still)
        for beta in betas
    ]
    # stage 2, per-sample weights, where the rotation explains the data down to the sensor
    # noise (see MODEL_NOISE_RATIO)
    rot = min(_misfit(m, axial, f[0][pad:], f[1], g_t, radius_m, fs)[0] for f in fits)
    if rot <= MODEL_NOISE_RATIO * np.sqrt(2.0) * noise:
        fits = [_gauss_newton(mp, fs, radius_m, f[1], gp, f[0], k, still) for f in fits]
    i_best = int(np.argmin([f[2] for f in fits]))
    psi, beta, cost = fits[i_best]
    beta_start = betas[i_best]
    psi = psi[pad:]
    cost *= len(m) / len(mp)  # per-sample misfit as before (the pad repeats the data)
    if not np.all(np.isfinite(psi)):
        return None
    misfit, radial, v = _misfit(m, axial, psi, beta, g_t, radius_m, fs)
    if misfit > MAX_MISFIT_M_S2:
        return None
    theta = np.rad2deg(psi - np.median(psi[: max(1, int(0.2 * fs))]))
    info = {
        "axis": [float(x) for x in u],
        "rms_residual_m_s2": float(np.sqrt(cost / max(1, len(m) - 2))),
        "planarity": float(evals[0] / max(float(np.sum(evals)), 1e-12)),
        "gravity_m_s2": g,
        "gravity_profile_m_s2": np.array(g_t),
        "residual_m_s2": np.hypot(radial, axial),
        "omega_rad_s": v,
        # (the winning start, not the fitted beta: the same start gives the same path)
        "frame": (u, e1, e2, beta_start),
    }
    return theta, info

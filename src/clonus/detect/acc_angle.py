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
order, so model error (sampling of a sharp push, scale error) shows as a wander of a few
tenths of a degree at 1-2 Hz; see ``TANGENTIAL_WEIGHT``.

Sketch of the estimation:

1. The ankle axis is the direction in which the accelerometer reads nothing: the
   eigenvector of the smallest eigenvalue of the (uncentred) second-moment matrix of the
   3-axis acceleration (every term of the model lies in the plane perpendicular to the axis).
2. In that plane, the tangential direction is the principal direction of the acceleration
   above 2 Hz (the tangential term ``r * psi''`` dominates there); its sign is chosen by the
   lower fit residual (the physics fixes which sign of ``r * psi''`` goes with gravity's turn).
3. ``psi`` starts from the gravity direction and is refined by Gauss-Newton.
4. The radius, when not given, is estimated around the fastest movement (the examiner's
   stretch): there gravity's turn and the tangential acceleration ``r * psi''`` both carry
   the same rotation, and only the right ``r`` lets one angle explain both (see
   :func:`estimate_radius`).
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
#: this prior damps it a little (the tangential weighting below does most of the work).
ACC_PRIOR_FRACTION = 0.01

#: Weight of the tangential equation relative to the radial one. The tangential acceleration
#: carries the fast movement but also the model's discretisation error (a sampled torque
#: pulse is not the second difference of the sampled angle at 50-60 Hz), which the radial
#: equation does not; weighting it 1/10 (simulated accuracy design: 1/3 and 1/30 were worse)
#: keeps that error from exciting the pendulum mode.
TANGENTIAL_WEIGHT = 0.1

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


def _gauss_newton(
    m: np.ndarray, fs: float, radius_m: float, beta: float, g: float, psi: np.ndarray
) -> tuple[np.ndarray, float, float]:
    """Fit ``psi`` (rad) and the tangential direction ``exp(1j * beta)`` to the complex
    in-plane acceleration ``m`` (m/s^2). Returns (psi, beta, residual sum of squares in
    (m/s^2)^2)."""
    from scipy.sparse.linalg import splu

    n = len(m)
    d1, d2, d3, eye = _operators(n, fs)
    w = radius_m**2 / (2.0 * np.pi * max(PRIOR_CUTOFF_HZ, 0.25 * fs)) ** 2
    k = TANGENTIAL_WEIGHT
    reg = (k**2 * (w * (d3.T @ d3) + ACC_PRIOR_FRACTION * radius_m**2 * (d2.T @ d2))).tocsc()
    r = radius_m

    def residual(psi: np.ndarray, beta: float) -> tuple[np.ndarray, ...]:
        z = (m * np.exp(-1j * beta))[1:-1]
        p = psi[1:-1]
        v = d1 @ psi
        et = k * (z.real - (r * (d2 @ psi) + g * np.sin(p)))
        er = z.imag - (r * v**2 + g * np.cos(p))
        return et, er, z, p, v

    def objective(psi: np.ndarray, beta: float) -> float:
        et, er, *_ = residual(psi, beta)
        return float(et @ et + er @ er + psi @ (reg @ psi))

    cost = objective(psi, beta)
    for _ in range(_MAX_ITER):
        et, er, z, p, v = residual(psi, beta)
        jt = k * (r * d2 + sparse.diags_array(g * np.cos(p)) @ eye)
        jr = sparse.diags_array(2.0 * r * v) @ d1 - sparse.diags_array(g * np.sin(p)) @ eye
        # residual derivatives with respect to beta (sign: e = z - f, de/dbeta = dz/dbeta)
        ct, cr = k * z.imag, -z.real
        a11 = (jt.T @ jt + jr.T @ jr + reg).tocsc()
        a12 = -(jt.T @ ct + jr.T @ cr)
        a22 = float(ct @ ct + cr @ cr)
        b1 = jt.T @ et + jr.T @ er - reg @ psi
        b2 = -float(ct @ et + cr @ er)
        try:
            lu = splu(a11)
        except RuntimeError:
            break
        y1, y2 = lu.solve(b1), lu.solve(a12)
        den = a22 - float(a12 @ y2)
        db = (b2 - float(a12 @ y1)) / den if den > 0 else 0.0
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
        ``gravity_m_s2``, ``residual_m_s2`` (per sample, the radial and axial acceleration the
        rotation does not explain), ``omega_rad_s`` (fitted angular velocity per sample),
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
        r_est = estimate_radius(a, fs=fs, omega_rad_s=info["omega_rad_s"], frame=info["frame"])
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
) -> float | None:
    """Distance (m) of an accelerometer from the ankle axis, from the fastest movement.

    Around the fastest turn of the foot (largest ``|omega_rad_s|``, normally the examiner's
    stretch: ``window_s`` seconds before and after it) the angle is fitted for each radius of
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
        Angular velocity from a first fit, rad/s (locates the fastest movement).
    frame : tuple, optional
        ``info["frame"]`` of that fit: the window is fitted in its plane, with its tangential
        sign.
    window_s : (float, float)
        Seconds before and after the fastest movement that are fitted.

    Returns
    -------
    float or None
        The radius in m, or None when the misfit has no clear interior minimum (the grid's
        ends within ``RADIUS_MIN_CONTRAST`` of the best: the foot barely turned), the
        reference radius fits about as well (within ``RADIUS_PRIOR_RATIO``), or the model
        does not apply in the window.
    """
    from scipy.signal import resample_poly

    i = int(np.argmax(np.abs(omega_rad_s)))
    a0 = max(0, i - int(window_s[0] * fs))
    a1 = min(acc.shape[1], i + int(window_s[1] * fs))
    seg, fs_s = acc[:, a0:a1], fs
    if fs > 250.0:  # the movement that matters is below 50 Hz: fit at 200 Hz (speed)
        up, down = 200, int(round(fs))
        seg, fs_s = resample_poly(seg, up, down, axis=1), fs * up / down
    costs = []
    for r in RADIUS_GRID_M:
        fit = _fit(seg, fs_s, r, frame, pad_start=False)
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


def _fit(
    a: np.ndarray, fs: float, radius_m: float, frame: tuple | None = None,
    pad_start: bool = True,
) -> tuple[np.ndarray, dict] | None:
    """:func:`fit_acc_angle` at a given radius.

    ``frame``: the plane and the winning starting tangential direction ``(u, e1, e2, beta)``
    of an earlier fit of the same recording (``info["frame"]``), which fixes the tangential
    sign: one Gauss-Newton run instead of one per sign (the radius search fits a window many
    times).
    """
    evals, evecs = np.linalg.eigh(a @ a.T)
    if frame is None:
        u, e1 = evecs[:, 0], evecs[:, 2]
        e2 = np.cross(u, e1)
    else:
        u, e1, e2, _ = frame
    m = e1 @ a + 1j * (e2 @ a)
    g = float(np.median(np.abs(m)))
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
    slow = lowpass(np.vstack([mp.real, mp.imag]), fs=fs, cutoff_hz=min(1.0, 0.2 * fs))
    phi = np.unwrap(np.arctan2(slow[1], slow[0]))
    best = None
    for beta in betas:
        psi, beta_fit, cost = _gauss_newton(mp, fs, radius_m, beta, g, beta + np.pi / 2 - phi)
        if best is None or cost < best[2]:
            best = (psi, beta_fit, cost, beta)
    psi, beta, cost, beta_start = best
    psi = psi[pad:]
    cost *= len(m) / len(mp)  # per-sample misfit as before (the pad repeats the data)
    if not np.all(np.isfinite(psi)):
        return None
    # what the rotation cannot produce: acceleration along the axis, and radial acceleration
    # other than gravity's and the centripetal r * omega^2, is translation (a knock, a strike,
    # the leg moving). The tangential misfit is left out: any angular acceleration is
    # possible, and the smoothness prior cannot follow a step in it (a torque pulse).
    d1, _, _, _ = _operators(len(psi), fs)
    v = np.pad(d1 @ psi, 1, mode="edge")
    radial = (m * np.exp(-1j * beta)).imag - (radius_m * v**2 + g * np.cos(psi))
    axial = u @ a
    misfit = float(np.sqrt(np.mean(radial**2 + axial**2)))
    if misfit > MAX_MISFIT_M_S2:
        return None
    theta = np.rad2deg(psi - np.median(psi[: max(1, int(0.2 * fs))]))
    info = {
        "axis": [float(x) for x in u],
        "rms_residual_m_s2": float(np.sqrt(cost / max(1, len(m) - 2))),
        "planarity": float(evals[0] / max(float(np.sum(evals)), 1e-12)),
        "gravity_m_s2": g,
        "residual_m_s2": np.hypot(radial, axial),
        "omega_rad_s": v,
        # (the winning start, not the fitted beta: the same start gives the same path)
        "frame": (u, e1, e2, beta_start),
    }
    return theta, info

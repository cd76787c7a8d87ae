"""Orientation-free single-axis signal from a 3-axis sensor.

A phone strapped to the dorsum of the foot can sit in any orientation. Ankle plantar- and
dorsiflexion is a rotation about one (medio-lateral) axis, so the angular velocity vector of
clonus and of the examiner's stretch lies, to a good approximation, along one direction in the
sensor frame. That direction is the first principal component of the (band-passed) angular
velocity.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import SignalQualityError

__all__ = ["principal_axis", "project"]


def principal_axis(xyz: np.ndarray) -> tuple[np.ndarray, float]:
    """First principal direction of a 3-axis (or n-axis) signal.

    Parameters
    ----------
    xyz : ndarray, shape (n_axes, n_samples)
        Signal, typically band-passed angular velocity.

    Returns
    -------
    axis : ndarray, shape (n_axes,)
        Unit vector (sign arbitrary; see the caller for sign resolution).
    explained : float
        Fraction of the variance along that axis (1 = pure single-axis rotation).
    """
    xyz = np.asarray(xyz, dtype=float)
    if xyz.ndim != 2 or xyz.shape[1] < 2:
        raise SignalQualityError(
            "principal_axis needs an (n_axes, n_samples) array with >= 2 samples."
        )
    c = np.cov(xyz - xyz.mean(axis=1, keepdims=True))
    c = np.atleast_2d(c)
    w, v = np.linalg.eigh(c)
    tot = float(np.sum(w))
    if tot <= 0:
        return np.eye(xyz.shape[0])[0], 0.0
    return v[:, -1], float(w[-1] / tot)


def project(xyz: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Project a multi-axis signal onto a unit ``axis`` (returns shape (n_samples,))."""
    return np.asarray(axis, dtype=float) @ np.asarray(xyz, dtype=float)

"""A Recording never changes under its owner's feet, and cropping one does not copy it.

Long recordings (an 8 h Axivity file is ~1.4 GB as float64) made every crop and channel pick
copy the whole array, doubling peak memory.
"""

from __future__ import annotations

import numpy as np
import pytest

from clonus import Recording


def _rec(x):
    return Recording.from_array(x, fs=100.0, names=["a", "b", "c"], kinds="acc",
                                units="m/s^2")


def test_caller_array_is_copied_and_recording_is_read_only(rng):
    x = rng.normal(size=(3, 1000))
    r = _rec(x)
    x[0, 0] = 1e9  # the caller changes its own array
    assert r.data[0, 0] != 1e9
    with pytest.raises(ValueError):
        r.data[0, 0] = 0.0


def test_crop_shares_the_recordings_memory(rng):
    r = _rec(rng.normal(size=(3, 10_000)))
    c = r.crop(10.0, 50.0)
    assert np.shares_memory(c.data, r.data)
    np.testing.assert_array_equal(c.data, r.data[:, 1000:5001])
    assert not c.data.flags.writeable


def test_read_only_view_of_a_writeable_array_is_still_copied(rng):
    x = rng.normal(size=(3, 100))
    v = x[:, :50]
    v.setflags(write=False)  # read-only view, but x can still change it
    r = _rec(v)
    x[1, 1] = 1e9
    assert r.data[1, 1] != 1e9


def test_pick_is_read_only(rng):
    r = _rec(rng.normal(size=(3, 100)))
    p = r.pick(["c", "a"])
    np.testing.assert_array_equal(p.data, r.data[[2, 0]])
    assert not p.data.flags.writeable

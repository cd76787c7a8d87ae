"""Synthetic phone clips of the ankle clonus test with known ground truth.

A textured "foot" (a rectangle) rotates about a pivot (the ankle) next to a static textured
"shank"; the foot angle is ``theta(t) = amp * sin(2 pi f t)`` for ``t >= onset_s`` (0 before),
so the ground truth is exact: frequency ``f`` and the number of dorsiflexion maxima in the clip.
Clips are written with OpenCV (``mp4v``, constant frame rate) or PyAV (H.264 with explicit,
irregular presentation timestamps for variable frame rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

W, H = 480, 270
PIVOT = (170.0, 110.0)  # ankle, px (x right, y down)
FOOT = (-10.0, 190.0, -34.0, 34.0)  # foot rectangle in its own frame: along x from the pivot


@dataclass(frozen=True)
class ClipTruth:
    path: Path
    freq_hz: float
    amp_rad: float
    onset_s: float
    times_s: np.ndarray  # presentation time of each frame
    stretch_rad: float = 0.0

    def theta(self, t: np.ndarray) -> np.ndarray:
        """True foot angle, rad, at times ``t`` (s)."""
        return theta_at(t, self.freq_hz, self.amp_rad, self.onset_s, self.stretch_rad)

    @property
    def n_beats(self) -> int:
        """Beats of a clonus test in the clip (docs/motion.md, Beat definition): the maxima of
        the oscillation that follow a plantarflexion dip and fall again inside the clip. After a
        stretch the oscillation starts upwards, so its first maximum continues the stretch and
        is not a beat; a maximum in the clip's last half period has no falling side."""
        t_end = float(self.times_s[-1])
        first = 1 if self.stretch_rad > 0 else 0
        k, n = first, 0
        while self.onset_s + (k + 0.25) / self.freq_hz <= t_end - 0.5 / self.freq_hz:
            k += 1
            n += 1
        return n

    @property
    def n_cycles(self) -> int:
        """Number of maxima of theta(t) = amp sin(2 pi f (t - onset)) within the clip."""
        t_end = float(self.times_s[-1])
        k = 0
        while self.onset_s + (k + 0.25) / self.freq_hz <= t_end:
            k += 1
        return k


def _texture(u: np.ndarray, v: np.ndarray, seed: int) -> np.ndarray:
    """Smooth, non-periodic texture so that optical flow is well defined (no aperture)."""
    r = np.random.default_rng(seed)
    out = np.zeros_like(u)
    for _ in range(6):
        kx, ky = r.uniform(0.05, 0.25, 2)
        ph = r.uniform(0, 2 * np.pi)
        out += np.sin(kx * u + ky * v + ph)
    return out / 6.0


_CACHE: dict[str, np.ndarray] = {}


def _static() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not _CACHE:
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
        img = 110.0 + 25.0 * _texture(xx, yy, 1)  # static background (wall, couch)
        shank = (np.abs(xx - PIVOT[0]) < 24) & (yy < PIVOT[1] + 10)  # static shank
        img[shank] = 150.0 + 50.0 * _texture(xx, yy, 2)[shank]
        _CACHE.update(bg=img, dx=xx - PIVOT[0], dy=-(yy - PIVOT[1]))
    return _CACHE["bg"], _CACHE["dx"], _CACHE["dy"]


def render(theta: float) -> np.ndarray:
    """One BGR frame with the foot rotated by ``theta`` (rad, counter-clockwise on screen)."""
    bg, dx, dy = _static()
    c, s = math.cos(-theta), math.sin(-theta)  # back to the foot frame
    u, v = c * dx - s * dy, s * dx + c * dy
    x0, x1, v0, v1 = FOOT
    edge = np.minimum(np.minimum(u - x0, x1 - u), np.minimum(v - v0, v1 - v))
    alpha = np.clip(edge + 0.5, 0.0, 1.0)  # 1-px anti-aliased edge
    inside = alpha > 0
    img = bg.copy()
    foot = 60.0 + 60.0 * _texture(u[inside], v[inside], 3)
    img[inside] = (1 - alpha[inside]) * bg[inside] + alpha[inside] * foot
    g = np.clip(img, 0, 255).astype(np.uint8)
    return np.repeat(g[:, :, None], 3, axis=2)


def theta_at(t: np.ndarray, freq_hz: float, amp_rad: float, onset_s: float,
             stretch_rad: float = 0.0) -> np.ndarray:
    """Foot angle: optional examiner's stretch (a smooth 150 ms dorsiflexion ramp ending
    50 ms before ``onset_s``, then held), plus the clonus oscillation from ``onset_s``."""
    t0, t1 = onset_s - 0.2, onset_s - 0.05
    ramp = stretch_rad * np.clip((1 - np.cos(np.pi * np.clip((t - t0) / (t1 - t0), 0, 1))) / 2,
                                 0, 1)
    osc = np.where(t >= onset_s, amp_rad * np.sin(2 * np.pi * freq_hz * (t - onset_s)), 0.0)
    return ramp + osc


def shake_at(t: np.ndarray) -> np.ndarray:
    """Hand-held camera shake, px: a 1.3 Hz sway of 6 px and a 9 Hz tremor of 1 px."""
    return np.stack([6.0 * np.sin(2 * np.pi * 1.3 * t) + 1.0 * np.sin(2 * np.pi * 9.0 * t),
                     4.0 * np.cos(2 * np.pi * 1.3 * t) + 1.0 * np.cos(2 * np.pi * 9.0 * t)], 1)


def write_cfr(path: Path, *, fps: float, duration_s: float, freq_hz: float = 5.5,
              amp_rad: float = math.radians(8.0), onset_s: float = 0.3,
              stretch_rad: float = 0.0, shake: bool = False) -> ClipTruth:
    n = int(round(duration_s * fps))
    t = np.arange(n) / fps
    vw = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (W, H))
    assert vw.isOpened()
    offs = shake_at(t)
    for k, th in enumerate(theta_at(t, freq_hz, amp_rad, onset_s, stretch_rad)):
        img = render(float(th))
        if shake:  # the whole scene moves in the image: camera translation
            m = np.float32([[1, 0, offs[k, 0]], [0, 1, offs[k, 1]]])
            img = cv2.warpAffine(img, m, (W, H), borderMode=cv2.BORDER_REFLECT)
        vw.write(img)
    vw.release()
    return ClipTruth(path, freq_hz, amp_rad, onset_s, t, stretch_rad)


def write_vfr(path: Path, *, mean_fps: float, duration_s: float, freq_hz: float = 5.5,
              amp_rad: float = math.radians(8.0), onset_s: float = 0.3,
              seed: int = 0, jitter: float = 0.3, rotation_deg: int = 0,
              codec: str = "libx264") -> ClipTruth:
    """H.264 clip with PyAV whose frame intervals vary at random by +-``jitter`` (phone-like
    VFR; 0 gives constant frame rate). ``rotation_deg``: display-matrix rotation (portrait
    phone clips), the frames being stored as rendered. ``codec="libx265"`` with a ``.mov``
    path makes an iPhone-like HEVC (``hvc1``) QuickTime file."""
    av = pytest.importorskip("av")
    r = np.random.default_rng(seed)
    tb_den = 90000  # the usual 90 kHz MPEG clock
    dt = (1.0 / mean_fps) * r.uniform(1 - jitter, 1 + jitter, int(duration_s * mean_fps) + 5)
    t = np.concatenate([[0.0], np.cumsum(dt)])
    t = t[t <= duration_s]
    pts = np.round(t * tb_den).astype(int)
    t = pts / tb_den
    from fractions import Fraction

    out = av.open(str(path), "w")
    st = out.add_stream(codec, rate=int(round(mean_fps)))
    st.width, st.height, st.pix_fmt = W, H, "yuv420p"
    st.time_base = Fraction(1, tb_den)
    st.codec_context.time_base = Fraction(1, tb_den)
    st.options = {"crf": "18", "preset": "ultrafast"}
    if codec == "libx265":
        st.codec_tag = "hvc1"
        st.options = {"crf": "18", "preset": "ultrafast", "x265-params": "log-level=none"}
    if rotation_deg:
        st.set_display_rotation(rotation_deg)
    for p_i, th in zip(pts, theta_at(t, freq_hz, amp_rad, onset_s), strict=True):
        fr = av.VideoFrame.from_ndarray(render(float(th)), format="bgr24")
        fr.pts = int(p_i)
        fr.time_base = Fraction(1, tb_den)
        for pkt in st.encode(fr):
            out.mux(pkt)
    for pkt in st.encode():
        out.mux(pkt)
    out.close()
    return ClipTruth(path, freq_hz, amp_rad, onset_s, t)


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def clip_short(clip_dir: Path) -> ClipTruth:
    """1 s at 30 fps: for format, CLI and corruption tests that do not need many cycles."""
    return write_cfr(clip_dir / "short30.mp4", fps=30.0, duration_s=1.0)


@pytest.fixture(scope="session")
def clip30(clip_dir: Path) -> ClipTruth:
    return write_cfr(clip_dir / "foot30.mp4", fps=30.0, duration_s=3.0)


@pytest.fixture(scope="session")
def clip60(clip_dir: Path) -> ClipTruth:
    return write_cfr(clip_dir / "foot60.mp4", fps=60.0, duration_s=2.0, freq_hz=6.5)


@pytest.fixture(scope="session")
def clip_vfr(clip_dir: Path) -> ClipTruth:
    return write_vfr(clip_dir / "foot_vfr.mp4", mean_fps=30.0, duration_s=3.0, freq_hz=5.0)


@pytest.fixture(scope="session")
def clip_test60(clip_dir: Path) -> ClipTruth:
    """A clonus test: 20 deg stretch, then 6 Hz clonus of 4 deg amplitude, 60 fps, 3.5 s."""
    return write_cfr(clip_dir / "clonus_test60.mp4", fps=60.0, duration_s=3.5, freq_hz=6.0,
                     amp_rad=math.radians(4.0), onset_s=0.6, stretch_rad=math.radians(20.0))


@pytest.fixture(scope="session")
def clip_shaky(clip_dir: Path) -> ClipTruth:
    """Hand-held phone: 5.5 Hz foot oscillation plus camera shake (shake_at), 30 fps, 2.5 s."""
    return write_cfr(clip_dir / "shaky30.mp4", fps=30.0, duration_s=2.5, shake=True)


@pytest.fixture(name="shake_at")
def shake_at_fixture():
    """The camera-shake function used for ``clip_shaky``."""
    return shake_at


@pytest.fixture(scope="session")
def clip_portrait(clip_dir: Path) -> ClipTruth:
    """iPhone-like: HEVC in QuickTime (.mov), constant 30 fps, 90 deg display rotation (phone
    held upright), 2.5 s."""
    return write_vfr(clip_dir / "portrait.mov", mean_fps=30.0, duration_s=2.5, jitter=0.0,
                     rotation_deg=90, codec="libx265")


@pytest.fixture(scope="session")
def clip_test30(clip_dir: Path) -> ClipTruth:
    """The same clonus test filmed at 30 fps (most phones' default)."""
    return write_cfr(clip_dir / "clonus_test30.mp4", fps=30.0, duration_s=3.5, freq_hz=6.0,
                     amp_rad=math.radians(4.0), onset_s=0.6, stretch_rad=math.radians(20.0))


@pytest.fixture(scope="session")
def clip_big_stretch(clip_dir: Path) -> ClipTruth:
    """A 30 deg stretch (foot tip near the frame's top edge) then 6 Hz clonus of 6 deg."""
    return write_cfr(clip_dir / "big_stretch60.mp4", fps=60.0, duration_s=2.0, freq_hz=6.0,
                     amp_rad=math.radians(6.0), onset_s=0.6, stretch_rad=math.radians(30.0))


@pytest.fixture(scope="session")
def clip_degraded(clip_dir: Path) -> ClipTruth:
    """Poor phone conditions: motion blur (3 sub-frame renders over half the frame interval),
    60 % contrast and Gaussian sensor noise (SD 6 grey levels); 20 deg stretch then 6 Hz clonus
    of 4 deg, 60 fps, 2 s."""
    fps, dur, f, amp, onset, stretch = 60.0, 2.0, 6.0, math.radians(4.0), 0.6, math.radians(20)
    rng = np.random.default_rng(7)
    t = np.arange(int(round(dur * fps))) / fps
    path = clip_dir / "degraded60.mp4"
    vw = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (W, H))
    for tk in t:
        sub = theta_at(tk + np.arange(3) * 0.5 / fps / 3, f, amp, onset, stretch)
        img = np.mean([render(float(x)).astype(float) for x in sub], axis=0)
        img = 0.6 * img + 30.0 + rng.normal(0.0, 6.0, img.shape)
        vw.write(np.clip(img, 0, 255).astype(np.uint8))
    vw.release()
    return ClipTruth(path, f, amp, onset, t, stretch)

"""Video reader: a phone video of the ankle clonus test becomes a motion :class:`Recording`.

The reader decodes the clip frame by frame (PyAV when installed, else OpenCV), takes each
frame's presentation timestamp, downscales the frame (default 320 px wide) and computes dense
optical flow between consecutive frames (OpenCV DIS or Farneback). The flow is averaged over
small blocks; the blocks that move most in the clonus band (2.5-10 Hz) define the moving part
(the foot and the examiner's hand), and four channels describe its motion:

``video_x``, ``video_y`` (kind ``position``, px, or m with ``m_per_px``)
    Displacement of the moving part inside the region of interest (ROI): x to the right, y
    upwards, in pixels of the displayed (rotation-corrected) original frame.
``video_main`` (kind ``position``)
    The displacement projected on the dominant direction of oscillation (first principal axis
    of the band-passed x/y displacement).
``video_rotation`` (kind ``angle``, rad)
    In-plane rotation of the moving part, counter-clockwise positive as displayed: at each
    frame a rigid motion (translation + rotation) is fitted by weighted least squares to the
    block flow vectors, which gives an angular velocity; its running sum is the angle. It is the
    foot's rotation *relative to the camera*, which equals the plantar/dorsiflexion angle change
    only when the camera looks at the side of the ankle (sagittal plane) and the shank stays
    still in the image. It is what :func:`clonus.assess` analyses.

No module-level import of OpenCV or PyAV: they are imported when a video is read, so the core
stays light (``pip install clonus[video]``). Detection is by magic bytes only (ISO base media
``ftyp``/QuickTime atoms for mp4/mov/m4v/3gp, ``RIFF....AVI`` and Matroska/WebM EBML).

Timing follows ``docs/formats.md`` §6: container frame rates are not trusted; per-frame
timestamps are used, and variable-frame-rate clips are resampled (cubic-spline interpolation
of the displacement and angle) onto a uniform grid at the median frame rate, recorded in
``metadata["vfr_resampled"]`` with a :class:`~clonus.exceptions.ResampledWarning`.
"""

from __future__ import annotations

import logging
import math
import numbers
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import check_option
from ..exceptions import (
    ClonusWarning,
    FileFormatError,
    InvalidParameterError,
    MissingDependencyError,
    ResampledWarning,
)
from ..model import Channel, Recording
from ._registry import Reader, register

__all__ = ["read_video", "VIDEO_EXTENSIONS"]

logger = logging.getLogger("clonus")

VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v", ".3gp", ".avi", ".mkv", ".webm")

#: Clonus band used to find the moving region, in Hz: clonus beats at about 3-8 Hz
#: (clinical-reference.md, "frequency"); the band is widened to 2.5-10 Hz to keep harmonics of
#: slow clonus and fast clonus in it.
DEFAULT_BAND_HZ = (2.5, 10.0)

#: Timestamps whose interval deviates from the median by more than this fraction make a clip
#: "variable frame rate" (phones vary by a few percent frame to frame when they throttle).
_VFR_TOLERANCE = 0.05

#: Blocks whose band energy is below this fraction of the strongest block get no weight.
_MASK_FRACTION = 0.1

#: Below this R^2 of the per-frame rigid fit the angle is not trusted: the reader retries at a
#: higher resolution and then warns (on the synthetic clips a good track gives 0.9-0.99 and a
#: failed one < 0.3; docs/video.md).
_MIN_FIT_R2 = 0.5

_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B ")
_BOX_ATOMS = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


# ---------------------------------------------------------------------------- detection
def _sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    with open(path, "rb") as fh:
        head = fh.read(16)
    if len(head) < 12:
        return False
    if head[4:8] in _BOX_ATOMS:  # ISO base media (mp4, mov, m4v, 3gp) / QuickTime
        if head[4:8] == b"ftyp" and head[8:12] in _AUDIO_BRANDS:
            return False  # audio-only MPEG-4 (voice memos)
        size = int.from_bytes(head[:4], "big")
        return size in (0, 1) or size >= 8
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return True
    return head[:4] == b"\x1a\x45\xdf\xa3"  # EBML: Matroska / WebM


# ---------------------------------------------------------------------------- decoding
def _pyav_available() -> bool:
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


def _import_cv2() -> Any:
    try:
        import cv2
    except ImportError as exc:
        raise MissingDependencyError(
            "Reading video needs OpenCV (optical flow). Install it with "
            "'pip install clonus[video]' (opencv-python-headless and av)."
        ) from exc
    return cv2


def _scaled_size(w: int, h: int, scale: float) -> tuple[int, int]:
    # even sizes keep swscale/cv2.resize exact and fast
    return max(8, int(round(w * scale / 2)) * 2), max(8, int(round(h * scale / 2)) * 2)


def _frames_pyav(path: Path, scale_for: Any) -> Iterator[tuple[float | None, np.ndarray]]:
    """Yield (timestamp_s, gray display-oriented frame) with PyAV; first yields metadata."""
    import av

    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise FileFormatError(
            f"{path}: cannot open the video ({exc}). The file may be truncated or not a video; "
            "export it again from the phone."
        ) from exc
    try:
        if not container.streams.video:
            raise FileFormatError(f"{path}: the file has no video stream.")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        size = None
        k = 0
        try:
            for frame in container.decode(stream):
                if size is None:
                    rot = int(frame.rotation or 0)
                    k = int(round(rot / 90.0)) % 4
                    cw, ch = frame.width, frame.height
                    dw, dh = (ch, cw) if k % 2 else (cw, ch)
                    scale = scale_for(dw, dh)
                    size = _scaled_size(cw, ch, scale)
                    yield None, {  # type: ignore[misc]
                        "backend": "pyav", "codec": stream.codec_context.name,
                        "coded_size": (cw, ch), "display_size": (dw, dh),
                        "rotation_deg": (90 * k) % 360, "scale": size[0] / cw,
                        "container_fps": float(stream.average_rate) if stream.average_rate
                        else None,
                    }
                img = frame.reformat(width=size[0], height=size[1], format="gray").to_ndarray()
                if k:
                    img = np.ascontiguousarray(np.rot90(img, k))
                yield frame.time, img
        except av.error.FFmpegError as exc:
            raise FileFormatError(
                f"{path}: the video could not be decoded ({exc}); it may be truncated or "
                "corrupt. Export it again from the phone."
            ) from exc
    finally:
        container.close()


def _frames_cv2(path: Path, scale_for: Any) -> Iterator[tuple[float | None, np.ndarray]]:
    cv2 = _import_cv2()
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise FileFormatError(
            f"{path}: OpenCV cannot open the video; it may be truncated, corrupt or in an "
            "unsupported codec."
        )
    try:
        rot = int(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0) % 360
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        size = None
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            t_ms = float(cap.get(cv2.CAP_PROP_POS_MSEC))
            if size is None:
                dh, dw = frame.shape[:2]  # OpenCV applies the display rotation itself
                scale = scale_for(dw, dh)
                size = _scaled_size(dw, dh, scale)
                yield None, {  # type: ignore[misc]
                    "backend": "opencv", "codec": "", "coded_size": None,
                    "display_size": (dw, dh), "rotation_deg": rot, "scale": size[0] / dw,
                    "container_fps": fps or None,
                }
            gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            yield t_ms / 1000.0, cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    finally:
        cap.release()


# ---------------------------------------------------------------------------- helpers
def _check_roi(roi: Any) -> str | tuple[int, int, int, int]:
    if roi is None:
        return "auto"
    if isinstance(roi, str):
        check_option("roi", roi, ("auto", "full"))
        return roi
    try:
        vals = tuple(roi)
    except TypeError:
        vals = ()
    if len(vals) != 4 or not all(isinstance(v, numbers.Real) for v in vals):
        raise InvalidParameterError(
            f"roi must be 'auto', 'full' or (x, y, w, h) in pixels of the displayed frame, "
            f"got {roi!r}."
        )
    x, y, w, h = (int(round(float(v))) for v in vals)
    if x < 0 or y < 0 or w < 16 or h < 16:
        raise InvalidParameterError(
            f"roi (x, y, w, h) = {(x, y, w, h)} must have x, y >= 0 and w, h >= 16 pixels."
        )
    return (x, y, w, h)


def _band_sos(band_hz: tuple[float, float], fs: float) -> Any:
    from scipy.signal import butter

    lo, hi = float(band_hz[0]), min(float(band_hz[1]), 0.45 * fs)
    if hi <= lo:
        return None
    return butter(2, [lo, hi], btype="bandpass", fs=fs, output="sos")


def _bandpass(x: np.ndarray, sos: Any) -> np.ndarray:
    from scipy.signal import sosfiltfilt

    padlen = min(x.shape[0] - 1, 3 * (2 * len(sos) + 1))
    return sosfiltfilt(sos, x - x.mean(axis=0), axis=0, padlen=padlen)


def _uniform_grid(t: np.ndarray, path: Path) -> tuple[np.ndarray, float, bool, dict[str, Any]]:
    """Check timestamps; return (uniform times, fs, resampled?, timing metadata)."""
    dt = np.diff(t)
    if np.any(~np.isfinite(dt)) or np.any(dt <= 0):
        raise FileFormatError(
            f"{path}: the frame timestamps are not strictly increasing; the video is corrupt."
        )
    med = float(np.median(dt))
    info = {"frame_interval_median_s": med, "frame_interval_min_s": float(dt.min()),
            "frame_interval_max_s": float(dt.max())}
    vfr = bool(np.max(np.abs(dt - med)) > _VFR_TOLERANCE * med)
    if not vfr:
        fs = (len(t) - 1) / float(t[-1] - t[0])
        return t - t[0], fs, False, info
    fs = 1.0 / med
    n = int(math.floor((t[-1] - t[0]) * fs + 1e-9)) + 1
    return np.arange(n) / fs, fs, True, info


def _kabsch_angle(ref_pts: np.ndarray, disp: np.ndarray,
                  n_iter: int = 4) -> tuple[np.ndarray, float, np.ndarray]:
    """Rotation angle of a point set at each frame (rad, counter-clockwise on screen).

    ``ref_pts``: (m, 2) block centres in the reference frame, px (y down); ``disp``: (n, m, 2)
    displacement of each block from the reference frame to frame k. Weighted 2-D
    Kabsch/Procrustes: theta = atan2(sum w a x b, sum w a . b) with a, b the weighted-centred
    point sets; exact for any angle and free of accumulated drift. Blocks that do not move
    rigidly with the rest (background the foot sweeps over, the examiner's fingers) are
    down-weighted by iteratively reweighted least squares on their RMS residual (Cauchy
    weights). Returns (theta, R^2 of the rigid model, final block weights).
    """
    m = ref_pts.shape[0]
    w = np.ones(m)
    cur = ref_pts[None] + disp
    for _ in range(n_iter):
        wn = w / w.sum()
        ca = wn @ ref_pts
        a = ref_pts - ca
        cb = np.einsum("b,nbk->nk", wn, cur)
        b = cur - cb[:, None, :]
        cross = ((a[None, :, 0] * b[..., 1] - a[None, :, 1] * b[..., 0]) * wn).sum(axis=1)
        dot = ((a[None, :, 0] * b[..., 0] + a[None, :, 1] * b[..., 1]) * wn).sum(axis=1)
        theta = np.arctan2(cross, dot)
        c, s_ = np.cos(theta), np.sin(theta)
        rot_a = np.stack([c[:, None] * a[None, :, 0] - s_[:, None] * a[None, :, 1],
                          s_[:, None] * a[None, :, 0] + c[:, None] * a[None, :, 1]], axis=2)
        res = np.sqrt(((b - rot_a) ** 2).sum(axis=2).mean(axis=0))  # per block, px
        scale = 2.0 * float(np.median(res)) + 1e-6
        w = 1.0 / (1.0 + (res / scale) ** 2)
    wn = w / w.sum()
    resid = (((b - rot_a) ** 2).sum(axis=2) * wn).sum()
    total = (((b - a[None]) ** 2).sum(axis=2) * wn).sum()
    r2 = float(1.0 - resid / total) if total > 0 else 0.0
    return -theta, r2, w  # minus: image y points down; counter-clockwise positive as displayed


# ---------------------------------------------------------------------------- main entry
def read_video(path: str | Path, *, roi: Any = "auto", width_px: int = 320,
               flow: str = "dis", band_hz: tuple[float, float] = DEFAULT_BAND_HZ,
               block_px: int = 8, m_per_px: float | None = None, stabilize: bool = True,
               backend: str | None = None, start_s: float | None = None,
               end_s: float | None = None) -> Recording:
    """Read a video of the clonus test and extract the motion of the foot.

    Parameters
    ----------
    path : path-like
        mp4/mov/m4v/3gp, avi, mkv or webm file (any codec FFmpeg decodes: H.264, HEVC...).
    roi : {"auto", "full"} or (x, y, w, h)
        Region of interest in pixels of the displayed (rotation-corrected) frame. ``"auto"``
        (default) keeps the connected region with the largest motion energy in ``band_hz``;
        ``"full"`` uses the whole frame. In every case the blocks inside the ROI are weighted
        by their motion energy, so static background does not dilute the signal.
    width_px : int
        Width, in pixels, the frame (or the ROI) is downscaled to before optical flow. Larger is
        slower and rarely more accurate for a foot filling a good part of the frame.
    flow : {"dis", "farneback"}
        Dense optical flow: OpenCV DIS (medium preset, fast) or Farneback (slower, smoother).
    band_hz : (float, float)
        Frequency band, in Hz, used to find the moving region and the dominant direction.
    block_px : int
        Flow vectors are averaged over blocks of this many processed pixels.
    m_per_px : float, optional
        Calibration, in metres per pixel of the original frame (e.g. from a ruler in the
        image). Position channels are then in metres instead of ``px``.
    stabilize : bool
        Subtract the median flow of the static blocks (camera shake of a hand-held phone).
    backend : {"pyav", "opencv"}, optional
        Decoder. Default PyAV when installed (exact per-frame timestamps), else OpenCV.
    start_s, end_s : float, optional
        Analyse only frames whose timestamp (from the clip's first frame, in seconds) lies in
        [start_s, end_s]; frames are still decoded up to ``end_s``. Processed frames are kept in
        memory (about width x height bytes each: 58 kB at 320x180), so trim long clips.

    Returns
    -------
    Recording
        Channels ``video_x``, ``video_y``, ``video_main`` (position, px or m) and
        ``video_rotation`` (angle, rad); ``fs`` from the frame timestamps. ``metadata`` holds
        the timing, rotation, ROI, flow method and fit quality (``rotation_fit_r2``).

    Raises
    ------
    FileFormatError
        The file cannot be opened or decoded, is truncated, or has fewer than 3 frames.
    MissingDependencyError
        OpenCV is not installed.

    Warns
    -----
    ResampledWarning
        Variable frame rate: the signals were resampled onto a uniform grid.
    ClonusWarning
        Frame rate below 20 Hz (clonus at 5-8 Hz is poorly resolved), or the tracked region
        does not move rigidly (``rotation_fit_r2 < 0.5`` even after one retry at up to twice
        ``width_px``; ``metadata["retried_from_width_px"]`` records a retry).

    Notes
    -----
    Limits: the angle is an in-plane rotation seen by the camera, not a 3-D joint angle; it
    needs the camera roughly perpendicular to the foot's plane of motion (side view). The
    integrated angle drifts slowly (random walk of flow errors), which the motion analysis
    removes with its high-pass filter. Motion blur, poor light and a moving shank degrade it;
    ``metadata["rotation_fit_r2"]`` near 1 means the moving region moves rigidly.
    """
    p = Path(path)
    roi_opt = _check_roi(roi)
    check_option("flow", flow, ("dis", "farneback"))
    if backend is not None:
        check_option("backend", backend, ("pyav", "opencv"))
    if not isinstance(width_px, numbers.Integral) or not 32 <= int(width_px) <= 4096:
        raise InvalidParameterError(f"width_px must be an integer in [32, 4096], got {width_px!r}.")
    if not isinstance(block_px, numbers.Integral) or not 2 <= int(block_px) <= 64:
        raise InvalidParameterError(f"block_px must be an integer in [2, 64], got {block_px!r}.")
    lo, hi = (float(b) for b in band_hz)
    if not (0 < lo < hi):
        raise InvalidParameterError(f"band_hz must be (low, high) with 0 < low < high Hz, got "
                                    f"{band_hz!r}.")
    for name, v in (("start_s", start_s), ("end_s", end_s)):
        if v is not None and not (isinstance(v, numbers.Real) and math.isfinite(v) and v >= 0):
            raise InvalidParameterError(f"{name} must be a time >= 0 in seconds, got {v!r}.")
    if start_s is not None and end_s is not None and end_s <= start_s:
        raise InvalidParameterError(f"end_s ({end_s}) must be after start_s ({start_s}).")
    if m_per_px is not None and not (isinstance(m_per_px, numbers.Real) and m_per_px > 0):
        raise InvalidParameterError(f"m_per_px must be a positive number, got {m_per_px!r}.")
    cv2 = _import_cv2()
    use_pyav = backend == "pyav" or (backend is None and _pyav_available())
    if backend == "pyav" and not _pyav_available():
        raise MissingDependencyError("backend='pyav' needs PyAV: pip install av")

    def once(width_px: int) -> Recording:
        def scale_for(dw: int, dh: int) -> float:
            roi_w = dw if not isinstance(roi_opt, tuple) else roi_opt[2]
            return min(1.0, int(width_px) / roi_w)

        gen = (_frames_pyav if use_pyav else _frames_cv2)(p, scale_for)
        if flow == "dis":
            engine = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)

            def calc(a: np.ndarray, b: np.ndarray) -> np.ndarray:
                return engine.calc(a, b, None)
        else:
            def calc(a: np.ndarray, b: np.ndarray) -> np.ndarray:
                return cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 3, 15, 3, 5, 1.2, 0)

        info: dict[str, Any] | None = None
        times: list[float | None] = []
        blocks: list[np.ndarray] = []
        prev = None
        crop = None
        frames: list[np.ndarray] = []
        t0_clip: float | None = None
        bp = int(block_px)
        for t, img in gen:
            if t is None and isinstance(img, dict):
                info = img
                continue
            if start_s is not None or end_s is not None:
                if t is None:
                    raise FileFormatError(f"{p}: frames have no timestamps; start_s/end_s cannot "
                                          "be applied.")
                if t0_clip is None:
                    t0_clip = t
                if start_s is not None and t - t0_clip < start_s - 1e-9:
                    continue
                if end_s is not None and t - t0_clip > end_s + 1e-9:
                    break
            if crop is None:
                h, w = img.shape
                if isinstance(roi_opt, tuple):
                    s = info["scale"] if info else 1.0
                    dw, dh = info["display_size"] if info else (w, h)
                    x, y, rw, rh = roi_opt
                    if x + rw > dw or y + rh > dh:
                        raise InvalidParameterError(
                            f"roi {roi_opt} extends beyond the {dw}x{dh} frame of {p}."
                        )
                    x0, y0 = int(round(x * s)), int(round(y * s))
                    x1, y1 = min(w, int(round((x + rw) * s))), min(h, int(round((y + rh) * s)))
                else:
                    x0, y0, x1, y1 = 0, 0, w, h
                gw, gh = (x1 - x0) // bp, (y1 - y0) // bp
                if gw < 2 or gh < 2:
                    raise InvalidParameterError(
                        f"The region analysed in {p} is only {x1 - x0}x{y1 - y0} processed pixels; "
                        "enlarge roi or width_px."
                    )
                crop = (y0, y0 + gh * bp, x0, x0 + gw * bp)
            cur = np.ascontiguousarray(img[crop[0]:crop[1], crop[2]:crop[3]])
            times.append(t)
            frames.append(cur)
            # pass 1 only locates the motion: at half resolution when the blocks allow (4x fewer
            # pixels; flow scaled back to processed pixels)
            half = bp % 2 == 0 and gw * bp >= 128
            small = cv2.resize(cur, (gw * bp // 2, gh * bp // 2), interpolation=cv2.INTER_AREA) \
                if half else cur
            if prev is not None:
                if half:
                    f = calc(prev, small)
                    b = f.reshape(gh, bp // 2, gw, bp // 2, 2).mean(axis=(1, 3)) * 2.0
                else:
                    f = calc(prev, cur)
                    b = f.reshape(gh, bp, gw, bp, 2).mean(axis=(1, 3))
                blocks.append(b.astype(np.float32))
            prev = small
        gen.close()  # releases the decoder when the loop stopped early (end_s)
        if info is not None:
            known = t0_clip is not None and times and times[0] is not None
            info["clip_offset_s"] = float(times[0]) - t0_clip if known else 0.0
        if info is None or len(times) < 3:
            raise FileFormatError(
                f"{p}: the video has {len(times)} decodable frame(s); at least 3 are needed. "
                "The file may be truncated or empty."
            )
        return _to_recording(p, np.asarray(times, dtype=object), np.stack(blocks), frames, calc,
                             info, crop, roi_opt, bp, (lo, hi), m_per_px, stabilize, flow, use_pyav)

    rec = once(int(width_px))
    r2 = float(rec.metadata["rotation_fit_r2"])
    scale = float(rec.metadata["processed_scale"])
    if r2 < _MIN_FIT_R2 and scale < 0.99:
        # poor rigid fit at this resolution (a small foot, a large stretch): try once at up to
        # twice the resolution and keep the better fit
        wider = min(2 * int(width_px), int(round(int(width_px) / scale)))
        # no file names in logs: they may identify patients
        logger.info("video: rigid fit R2 %.2f at %d px; retrying at %d px", r2,
                    int(width_px), wider)
        rec2 = once(wider)
        if float(rec2.metadata["rotation_fit_r2"]) > r2:
            rec = replace(rec2, metadata={**rec2.metadata, "retried_from_width_px": int(width_px)})
    r2 = float(rec.metadata["rotation_fit_r2"])
    if r2 < _MIN_FIT_R2:
        warnings.warn(
            f"{p}: the tracked region does not move as one rigid body (fit R^2 {r2:.2f} < "
            f"{_MIN_FIT_R2}); the rotation angle may be wrong. Check with 'clonus video "
            f"{p.name} --preview check.png' and try roi=(x, y, w, h) around the foot or a "
            "larger width_px.", ClonusWarning, stacklevel=2)
    return rec


def _to_recording(p: Path, times_obj: np.ndarray, bflow: np.ndarray, frames: list[np.ndarray],
                  calc: Any, info: dict[str, Any], crop: tuple[int, int, int, int], roi_opt: Any,
                  bp: int, band_hz: tuple[float, float], m_per_px: float | None,
                  stabilize: bool, flow: str, use_pyav: bool) -> Recording:
    from scipy import ndimage

    n = len(times_obj)
    ts_source = "pyav_pts" if use_pyav else "opencv_pos_msec"
    if any(t is None for t in times_obj):
        t = None
    else:
        t = np.asarray(times_obj, dtype=float)
        if np.any(np.diff(t) <= 0):
            t = None
    if t is None:
        fps = info.get("container_fps")
        if not fps:
            raise FileFormatError(f"{p}: the video has neither frame timestamps nor a frame rate.")
        t = np.arange(n) / float(fps)
        ts_source = "container_fps"
        warnings.warn(f"{p}: no usable per-frame timestamps; using the container frame rate "
                      f"{fps:g} fps, which may be wrong for variable-frame-rate video.",
                      ClonusWarning, stacklevel=4)
    tu, fs, vfr, timing = _uniform_grid(t, p)
    t_rel = t - t[0]

    def to_grid(x: np.ndarray) -> np.ndarray:
        if not vfr:
            return x
        from scipy.interpolate import CubicSpline

        return CubicSpline(t_rel, x, axis=0)(np.clip(tu, 0, t_rel[-1]))

    if vfr:
        warnings.warn(
            f"{p}: variable frame rate (frame intervals {timing['frame_interval_min_s'] * 1e3:.1f}"
            f"-{timing['frame_interval_max_s'] * 1e3:.1f} ms); the motion was resampled onto a "
            f"uniform {fs:.3f} Hz grid (metadata['vfr_resampled']).",
            ResampledWarning, stacklevel=4)
    if fs < 20.0:
        warnings.warn(f"{p}: frame rate {fs:.1f} Hz is below 20 Hz; clonus at 5-8 Hz is poorly "
                      "resolved. Record at 30 fps or more (60 fps is better).",
                      ClonusWarning, stacklevel=4)
    gh, gw = bflow.shape[1:3]
    nb = gh * gw
    sos = _band_sos(band_hz, fs) if len(tu) >= 16 else None

    def band_energy(disp: np.ndarray, frames_used: np.ndarray | None = None) -> np.ndarray:
        """Per-block energy of a (n_frames, nb, 2) displacement in the band, on the grid,
        averaged over ``frames_used`` (bool per frame) or over every frame."""
        g = to_grid(disp.reshape(len(disp), nb * 2))
        g = _bandpass(g, sos) if sos is not None else g - g.mean(axis=0)
        sq = (g.reshape(len(g), nb, 2) ** 2).sum(axis=2)
        if frames_used is None:
            return sq.mean(axis=0)
        use = to_grid(frames_used.astype(float)) >= 0.5
        return sq[use].mean(axis=0) if use.any() else sq.mean(axis=0)

    def main_component(mask: np.ndarray, energy: np.ndarray) -> np.ndarray:
        if energy[mask].max(initial=0) <= 0:
            return mask
        lab, _ = ndimage.label(mask.reshape(gh, gw), structure=np.ones((3, 3)))
        best = int(np.argmax(np.where(mask, energy, -1.0)))
        return (lab == lab.flat[best]).ravel()

    # pass 1: frame-to-frame (Eulerian) flow -> where the motion is, and a reference frame
    fl = bflow.reshape(len(bflow), nb, 2).astype(np.float64)
    pos = np.concatenate([np.zeros((1, nb, 2)), np.cumsum(fl, axis=0)])
    e1 = band_energy(pos)
    mask1 = e1 >= _MASK_FRACTION * e1.max() if e1.max() > 0 else np.ones(nb, bool)
    if roi_opt == "auto":
        mask1 = main_component(mask1, e1)
        region = ndimage.binary_dilation(mask1.reshape(gh, gw), np.ones((3, 3))).ravel()
    else:
        region = np.ones(nb, bool)
    # reference frame: the medoid image of the moving region (smallest summed L1 distance to
    # the other frames). Image distance grows with displacement, so the medoid is the median
    # position: the held position around which the foot beats, and the flow from it to any
    # frame stays within about one beat amplitude.
    rows, cols = np.nonzero(region.reshape(gh, gw))
    ry0, ry1 = rows.min() * bp, (rows.max() + 1) * bp
    rx0, rx1 = cols.min() * bp, (cols.max() + 1) * bp
    thumbs = np.stack([f[ry0:ry1:2, rx0:rx1:2] for f in frames]).reshape(n, -1)
    thumbs = thumbs.astype(np.float32)
    step = max(1, n // 150)
    others = thumbs[::step]
    cost = np.zeros(n)
    for i0 in range(0, n, 64):
        blk = thumbs[i0:i0 + 64]
        cost[i0:i0 + 64] = np.abs(blk[:, None, :] - others[None, :, :]).sum(axis=(1, 2))
    ref = int(np.argmin(cost))
    # pass 2: flow from the reference frame to every frame (Lagrangian, no accumulated drift)
    disp = np.zeros((n, nb, 2))
    for k in range(n):
        if k != ref:
            f = calc(frames[ref], frames[k])
            disp[k] = f.reshape(gh, bp, gw, bp, 2).mean(axis=(1, 3)).reshape(nb, 2)
    # blocks on the moving part in the reference frame: band energy of their displacement,
    # over the frames that look most like the reference (3/4 of them), where the flow from the
    # reference is reliable; frames far from it (before a large stretch) can have wrong flow
    # that would make background blocks look like moving ones. If nothing moves in those frames
    # (a stretch without beats), every frame is used.
    d_ref = np.abs(thumbs - thumbs[ref][None, :]).sum(axis=1)
    close = d_ref <= np.quantile(d_ref, 0.75)
    e_all = band_energy(disp)
    e2 = band_energy(disp, close)
    if e2.max() < 0.05 * e_all.max():
        e2 = e_all
    e2r = np.where(region, e2, 0.0)
    sel = e2r >= 0.25 * e2r.max() if e2r.max() > 0 else region.copy()
    sel = main_component(sel, e2r)
    core = ndimage.binary_erosion(sel.reshape(gh, gw), np.ones((3, 3))).ravel()
    if core.sum() >= 6:
        sel = core
    stabilized = False
    # static blocks: essentially no motion in the band (< 2 % of the strongest block), away
    # from the moving part; their common motion is camera shake
    near = ndimage.binary_dilation((sel | mask1).reshape(gh, gw), np.ones((3, 3))).ravel()
    static = (e2 < 0.02 * e2.max()) & ~near
    if stabilize and static.sum() >= max(4, nb // 8):
        disp = disp - np.median(disp[:, static, :], axis=1, keepdims=True)
        stabilized = True
    yy, xx = np.mgrid[0:gh, 0:gw]
    centres = np.stack([(xx.ravel() + 0.5) * bp, (yy.ravel() + 0.5) * bp], axis=1)
    s = float(info["scale"])  # processed px per original px
    unit_scale = (1.0 / s) * (float(m_per_px) if m_per_px else 1.0)
    xy = disp[:, sel, :].mean(axis=1) * unit_scale
    xy[:, 1] *= -1.0  # y up
    theta, r2, _ = _kabsch_angle(centres[sel], disp[:, sel, :])
    xy, theta = to_grid(xy), to_grid(theta)
    bxy = _bandpass(xy, sos) if sos is not None else xy - xy.mean(axis=0)
    ev, evec = np.linalg.eigh(np.cov(bxy.T) + 1e-18 * np.eye(2))
    e = evec[:, int(np.argmax(ev))]
    e = e if e[int(np.argmax(np.abs(e)))] > 0 else -e
    main = xy @ e
    data = np.vstack([xy[:, 0], xy[:, 1], main, theta])
    pu = "m" if m_per_px else "px"
    chans = (Channel("video_x", "position", pu, pu), Channel("video_y", "position", pu, pu),
             Channel("video_main", "position", pu, pu),
             Channel("video_rotation", "angle", "rad", "rad"))

    # ROI actually used, in original displayed pixels
    y0, y1, x0, x1 = crop
    if roi_opt == "auto":
        rows, cols = np.nonzero(region.reshape(gh, gw))
        bx0, bx1 = x0 + cols.min() * bp, x0 + (cols.max() + 1) * bp
        by0, by1 = y0 + rows.min() * bp, y0 + (rows.max() + 1) * bp
    else:
        bx0, bx1, by0, by1 = x0, x1, y0, y1
    roi_used = [int(round(bx0 / s)), int(round(by0 / s)), int(round((bx1 - bx0) / s)),
                int(round((by1 - by0) / s))]
    md = {
        "format": "video",
        "decoder": info["backend"],
        "codec": info.get("codec", ""),
        "display_size_px": list(info["display_size"]),
        "rotation_deg": info["rotation_deg"],
        "processed_scale": s,
        "n_frames": int(n),
        "clip_offset_s": info.get("clip_offset_s", 0.0),
        "container_fps": info.get("container_fps"),
        "timestamps": ts_source,
        "vfr_resampled": bool(vfr),
        **timing,
        "roi_mode": roi_opt if isinstance(roi_opt, str) else "user",
        "roi_px": roi_used,
        "flow_method": flow,
        "block_px": bp,
        "band_hz": list(band_hz),
        "stabilized": stabilized,
        "reference_frame": ref,
        "n_blocks_tracked": int(sel.sum()),
        "main_axis_xy": [float(e[0]), float(e[1])],
        "rotation_fit_r2": r2,
        "m_per_px": m_per_px,
        "angle_definition": "in-plane rotation of the moving region relative to the camera, "
                            "counter-clockwise positive as displayed (rad); integrated from "
                            "per-frame rigid fits of the optical flow",
    }
    logger.info("video: %d frames, %.2f Hz, roi %s, r2 %.2f", n, fs, roi_used, r2)
    return Recording(data, fs, chans, source=str(p), metadata=md)


def _read_groups(path: Path, **options: Any) -> list[Recording]:
    return [read_video(path, **options)]


register(Reader(
    name="video",
    description="Phone video (mp4/mov/avi/mkv/webm) of the clonus test: foot motion by optical "
                "flow (needs OpenCV and PyAV)",
    extensions=VIDEO_EXTENSIONS,
    sniff=_sniff,
    read_groups=_read_groups,
    extra="video",
))

"""Batch and video throughput (results in docs/benchmarks.md, "Batch and video throughput").

Usage::

    PYTHONPATH=src python benchmarks/batch/bench_throughput.py [--n 16] [--seconds 20]

Batch: ``n`` simulated clonus tests (``clonus.simulate.simulate_trial``, IMU at 200 Hz) are
written as generic CSV files and assessed with ``run_batch`` at n_jobs 1 and 2 (wall time
including the Dask LocalCluster start). Video: a synthetic 480x270 clip (the test renderer in
tests/video/conftest.py) is read with ``clonus.read`` using DIS and Farneback flow; the
decoded frames per second are reported (two optical-flow passes per frame, see docs/video.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def bench_batch(tmp: Path, n: int, seconds: float) -> None:
    from clonus.batch import run_batch
    from clonus.simulate import simulate_trial

    batch_conf = _load(ROOT / "tests" / "batch" / "conftest.py", "_bench_batch_conftest")
    for i in range(n):
        tr = simulate_trial(mode="held", duration_s=seconds, seed=i, fs_imu_hz=200.0,
                            gain_ratio=None if i % 2 == 0 else 0.5)
        batch_conf.write_csv(tmp / f"sub-{i:02d}" / "left.csv", tr.recording)
    times = {}
    for jobs in (1, 2):
        t0 = time.perf_counter()
        df = run_batch(tmp, n_jobs=jobs)
        times[jobs] = time.perf_counter() - t0
        assert (df["error"] == "").all(), df["error"].tolist()
        print(f"batch n_jobs={jobs}: {n} recordings of {seconds:g} s in {times[jobs]:.2f} s "
              f"= {n / times[jobs]:.2f} recordings/s")
    print(f"speed-up n_jobs=2 vs 1: {times[1] / times[2]:.2f}x")


def bench_video(tmp: Path, seconds: float) -> None:
    import clonus

    video_conf = _load(ROOT / "tests" / "video" / "conftest.py", "_bench_video_conftest")
    clip = video_conf.write_cfr(tmp / "clip.mp4", fps=60.0, duration_s=seconds, freq_hz=6.0)
    n = len(clip.times_s)
    for flow in ("dis", "farneback"):
        t0 = time.perf_counter()
        rec = clonus.read(clip.path, flow=flow)
        dt = time.perf_counter() - t0
        print(f"video {video_conf.W}x{video_conf.H} -> 320 px, flow={flow}: {n} frames in "
              f"{dt:.2f} s = {n / dt:.0f} frames/s ({n / dt / 60:.2f}x real time at 60 fps); "
              f"fs={rec.fs:g} Hz")


def bench_video_1080p(tmp: Path, seconds: float) -> None:
    """A 1920x1080 H.264 clip (the synthetic scene upscaled): decoding and downscaling cost."""
    import av
    import cv2

    import clonus

    video_conf = _load(ROOT / "tests" / "video" / "conftest.py", "_bench_video_conftest")
    fps = 30
    n = int(seconds * fps)
    path = tmp / "clip1080.mp4"
    out = av.open(str(path), "w")
    st = out.add_stream("libx264", rate=fps)
    st.width, st.height, st.pix_fmt = 1920, 1080, "yuv420p"
    st.options = {"crf": "20", "preset": "ultrafast"}
    th = video_conf.theta_at(__import__("numpy").arange(n) / fps, 5.5, 0.14, 0.3)
    for k in range(n):
        img = cv2.resize(video_conf.render(float(th[k])), (1920, 1080),
                         interpolation=cv2.INTER_LINEAR)
        fr = av.VideoFrame.from_ndarray(img, format="bgr24")
        fr.pts = k
        for pkt in st.encode(fr):
            out.mux(pkt)
    for pkt in st.encode():
        out.mux(pkt)
    out.close()
    t0 = time.perf_counter()
    clonus.read(path)
    dt = time.perf_counter() - t0
    print(f"video 1920x1080 H.264 -> 320 px, DIS: {n} frames in {dt:.2f} s = {n / dt:.0f} "
          f"frames/s ({n / dt / fps:.2f}x real time at {fps} fps)")


def bench_video_batch(tmp: Path, n: int, seconds: float) -> None:
    from clonus.batch import run_batch

    video_conf = _load(ROOT / "tests" / "video" / "conftest.py", "_bench_video_conftest")
    for i in range(n):
        video_conf.write_cfr(tmp / f"clip{i}.mp4", fps=60.0, duration_s=seconds,
                             freq_hz=5.0 + 0.5 * i, amp_rad=0.07, onset_s=0.6,
                             stretch_rad=0.35)
    times = {}
    for jobs in (1, 2):
        t0 = time.perf_counter()
        df = run_batch(tmp, n_jobs=jobs)
        times[jobs] = time.perf_counter() - t0
        assert (df["error"] == "").all(), df["error"].tolist()
        print(f"video batch n_jobs={jobs}: {n} clips of {seconds:g} s at 60 fps in "
              f"{times[jobs]:.2f} s ({', '.join(df['classification'])})")
    print(f"speed-up n_jobs=2 vs 1: {times[1] / times[2]:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--video-seconds", type=float, default=10.0)
    args = ap.parse_args()
    print(f"date {datetime.now(UTC).isoformat(timespec='minutes')}; {platform.platform()}; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}; "
          f"python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as d:
        bench_batch(Path(d) / "study", args.n, args.seconds)
        bench_video(Path(d), args.video_seconds)
        bench_video_1080p(Path(d), args.video_seconds)
        (Path(d) / "clips").mkdir()
        bench_video_batch(Path(d) / "clips", 4, 4.0)


if __name__ == "__main__":
    main()

"""``clonus video``: extract the foot motion from a phone clip and check the tracking."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer


def _parse_roi(text: str) -> Any:
    from ...exceptions import InvalidParameterError

    if text in ("auto", "full"):
        return text
    try:
        vals = [int(v) for v in text.split(",")]
    except ValueError:
        vals = []
    if len(vals) != 4:
        raise InvalidParameterError(f"--roi must be 'auto', 'full' or x,y,w,h in pixels, got "
                                    f"{text!r}.")
    return tuple(vals)


def _reference_frame(path: Path, index: int) -> Any:
    """The n-th decoded frame as displayed (RGB), for the preview image."""
    import numpy as np

    try:
        import av
    except ImportError:
        import cv2

        cap = cv2.VideoCapture(str(path))
        img = None
        for _ in range(index + 1):
            ok, img = cap.read()
            if not ok:
                break
        cap.release()
        return None if img is None else img[:, :, ::-1]
    with av.open(str(path)) as c:
        for k, fr in enumerate(c.decode(video=0)):
            if k == index:
                img = fr.to_ndarray(format="rgb24")
                q = int(round((fr.rotation or 0) / 90.0)) % 4
                return np.rot90(img, q) if q else img
    return None


def _preview(rec: Any, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.patches import Rectangle

    md = rec.metadata
    p = Path(rec.source)
    fps = 1.0 / md["frame_interval_median_s"]
    frame_idx = int(md["reference_frame"]) + int(round(md.get("clip_offset_s", 0.0) * fps))
    img = _reference_frame(p, frame_idx)
    fig, (ax0, ax1) = plt.subplots(2, 1, figsize=(8, 8), height_ratios=[3, 2])
    if img is not None:
        ax0.imshow(img)
    x, y, w, h = md["roi_px"]
    ax0.add_patch(Rectangle((x, y), w, h, fill=False, ec="red", lw=2))
    ax0.set_title(f"{p.name}: reference frame {md['reference_frame']}, ROI ({md['roi_mode']}) "
                  f"in red; rigid-fit R² {md['rotation_fit_r2']:.2f}", fontsize=9)
    ax0.axis("off")
    ax1.plot(rec.times_s, np.rad2deg(rec.get("video_rotation")), lw=1)
    ax1.set_xlabel("time (s)")
    ax1.set_ylabel("rotation (deg, CCW +)")
    ax1.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def register(app: typer.Typer) -> None:
    @app.command("video")
    def video(
        path: Annotated[Path, typer.Argument(help="Phone video of the clonus test.")],
        roi: Annotated[str, typer.Option(
            "--roi", help="'auto', 'full' or x,y,w,h in pixels of the displayed frame.")
        ] = "auto",
        width_px: Annotated[int, typer.Option(
            "--width-px", help="Width the frame (or ROI) is downscaled to.")] = 320,
        flow: Annotated[str, typer.Option("--flow", help="'dis' or 'farneback'.")] = "dis",
        start_s: Annotated[float | None, typer.Option("--start-s", help="Skip the clip before "
                                                      "this time (s).")] = None,
        end_s: Annotated[float | None, typer.Option("--end-s", help="Stop at this time (s).")
                         ] = None,
        csv_out: Annotated[Path | None, typer.Option(
            "--csv", help="Write the motion channels as CSV (time_s + units in the headers; "
                          "readable by clonus).")] = None,
        preview: Annotated[Path | None, typer.Option(
            "--preview", help="Write a PNG: reference frame with the ROI, and the angle "
                              "trace (needs matplotlib).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Extract the foot's motion from a video (optical flow) and show how it was tracked."""
        from ...io._video import read_video
        from ..main import note_source

        note_source(str(path))
        rec = read_video(path, roi=_parse_roi(roi), width_px=width_px, flow=flow,
                         start_s=start_s, end_s=end_s)
        if csv_out is not None:
            df = rec.to_frame()
            df.columns = [f"{c.name} ({c.unit})" for c in rec.channels]
            df.to_csv(csv_out, float_format="%.7g")
        if preview is not None:
            _preview(rec, preview)
        md = rec.metadata
        if as_json:
            typer.echo(json.dumps({"path": str(path), "fs_hz": rec.fs,
                                   "duration_s": rec.duration_s,
                                   "channels": rec.channel_info(), "metadata": md}, indent=2))
            return
        typer.echo(f"{path}: {md['n_frames']} frames, {rec.fs:.3f} Hz "
                   f"({'variable frame rate, resampled' if md['vfr_resampled'] else 'constant'}"
                   f"), {rec.duration_s:.2f} s, decoder {md['decoder']}, rotation "
                   f"{md['rotation_deg']} deg")
        typer.echo(f"ROI ({md['roi_mode']}) x,y,w,h = {md['roi_px']}; {md['n_blocks_tracked']} "
                   f"blocks tracked; rigid-fit R^2 {md['rotation_fit_r2']:.2f} (near 1: the "
                   "region moves as one body)")
        ang = rec.get("video_rotation")
        typer.echo(f"rotation range {float(ang.max() - ang.min()) * 57.29578:.1f} deg; "
                   "assess with: clonus assess " + str(path))
        for out in (csv_out, preview):
            if out is not None:
                typer.echo(f"wrote {out}")

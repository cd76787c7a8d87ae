"""Group EMG bursts into episodes and classify them (Thomas et al. 2014 spasm classes).

Thomas CK, Dididze M, Martinez A, Morris RW (2014), J Electromyogr Kinesiol 24:747-754, had raters
sort involuntary contractions in 24-48 h leg EMG into **unit, tonic, clonus, myoclonus and
mixed** by predefined rules (89 % agreement; clinical-reference.md section 6.1). Their rule
texts are not public, so the rules below are our explicit versions, each threshold cited or
marked *assumed* (see ``docs/emg.md``):

1. **Episodes.** Consecutive bursts whose silent gap (offset to next onset) is at most
   ``episode_gap_s`` (1 s, assumed) form one episode - Snow et al. 1990 count "a rapid run of
   spasms without a pause" as one spasm (clinical-reference.md section 4.6).
2. **Clonic run.** The longest run of consecutive bursts whose inter-onset intervals lie within
   ``clonus_band_hz`` widened by 2 Hz below (3-8 Hz, clinical-reference.md section 1.1; Wallace
   2012: clonus slows by up to 2 Hz at onset and end), with consecutive intervals within
   x/÷ 2 of each other, measured between burst energy centroids. Its frequency is
   1 / median interval (with >= 5 bursts, of half two-beat intervals: robust to one displaced
   burst, see ``_median_period``).
3. **unit**: low amplitude (median burst RMS <= ``unit_max_rms_v``, 40 uV, assumed: single
   motor-unit potentials at the skin are tens of uV, reflex-model.md section 5 gives 10-150 uV
   peaks) and spike-like bursts (median energy width <=
   ``unit_max_width_s`` = 30 ms - one motor-unit potential lasts about 5-10 ms - or median
   kurtosis >= ``unit_min_kurtosis`` = 8, a sparse spike train; assumed). Needs the EMG in
   volts.
4. **tonic**: a burst longer than ``tonic_min_s`` (1 s, assumed; Abboud 2016: sustained rise in
   tone lasting seconds to minutes), and no clonic run.
5. **mixed**: a tonic burst *and* a clonic run of >= ``clonus_min_bursts`` bursts in the same
   episode (Thomas 2014 "mixed").
6. **clonus**: a clonic run of >= ``clonus_min_bursts`` (3; FPnotebook's ">= 3 beats",
   clinical-reference.md section 2) at ``clonus_band_hz`` (3-8 Hz) covering at least
   ``clonus_min_fraction`` (60 %) of the episode's bursts, with robust interval CV (1.4826 x
   median absolute deviation / median) <= ``clonus_max_cv`` (0.25, assumed; robust because the
   first beat is the longest, Boyraz 2015, and clonus slows at onset and end, Wallace 2012).
7. **myoclonus**: at most ``myoclonus_max_bursts`` (3) bursts, each with energy width <=
   ``myoclonus_max_width_s`` (100 ms: non-cortical myoclonus 56.7 +- 11.5 ms, cortical 10-50 ms,
   clinical-reference.md section 3) and duration < ``tonic_min_s``.
8. **other**: everything else (voluntary movement, irregular activity, artefacts).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .._validation import check_positive
from ..exceptions import InvalidParameterError
from .bursts import Bursts

__all__ = [
    "EPISODE_KINDS",
    "EpisodeConfig",
    "Episode",
    "find_episodes",
    "classify_episode",
    "clonic_run",
]

#: Episode classes (Thomas et al. 2014, plus "other").
EPISODE_KINDS = ("clonus", "tonic", "unit", "myoclonus", "mixed", "other")


@dataclass(frozen=True)
class EpisodeConfig:
    """Grouping and classification thresholds (module docstring gives each source)."""

    episode_gap_s: float = 1.0
    tonic_min_s: float = 1.0
    clonus_band_hz: tuple[float, float] = (3.0, 8.0)
    clonus_min_bursts: int = 3
    clonus_max_cv: float = 0.25
    clonus_min_fraction: float = 0.6
    unit_max_rms_v: float = 40e-6
    unit_max_width_s: float = 0.030
    unit_min_kurtosis: float = 8.0
    myoclonus_max_bursts: int = 3
    myoclonus_max_width_s: float = 0.100

    def __post_init__(self) -> None:
        check_positive("episode_gap_s", self.episode_gap_s, allow_zero=True)
        check_positive("tonic_min_s", self.tonic_min_s)
        lo, hi = self.clonus_band_hz
        if not 0 < lo < hi:
            raise InvalidParameterError(
                f"clonus_band_hz must be (low, high), got {self.clonus_band_hz}."
            )
        if self.clonus_min_bursts < 2:
            raise InvalidParameterError("clonus_min_bursts must be >= 2.")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Episode:
    """One episode: consecutive bursts without a pause.

    Attributes
    ----------
    start_s, end_s : float
        First burst onset and last burst offset, in seconds.
    kind : str
        One of :data:`EPISODE_KINDS`.
    n_bursts : int
        Bursts in the episode.
    frequency_hz : float or None
        Frequency of the clonic run (1 / median inter-onset interval), in Hz; None without one.
    rms : float
        RMS of the EMG over all the episode's bursts (duration-weighted), input unit.
    n_clonic_bursts : int
        Bursts of the clonic run (0 without one).
    first_burst : int
        Index of the episode's first burst in the burst table.
    clonic_start : int
        Index (in the burst table) of the clonic run's first burst, or -1.
    rule : str
        The classification rule that fired, with its numbers.
    """

    start_s: float
    end_s: float
    kind: str
    n_bursts: int
    frequency_hz: float | None
    rms: float
    n_clonic_bursts: int = 0
    first_burst: int = 0
    clonic_start: int = -1
    rule: str = ""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self, *, scale: float = 1.0) -> dict[str, Any]:
        """JSON-ready dict; ``scale`` converts RMS to a display unit (1e6: V -> uV)."""
        return {
            "start_s": round(self.start_s, 6),
            "end_s": round(self.end_s, 6),
            "duration_s": round(self.duration_s, 6),
            "kind": self.kind,
            "n_bursts": self.n_bursts,
            "frequency_hz": None if self.frequency_hz is None else round(self.frequency_hz, 4),
            "rms": self.rms * scale,
            "n_clonic_bursts": self.n_clonic_bursts,
            "rule": self.rule,
        }


def _median_period(t: np.ndarray) -> float:
    """Median period of a burst run, in seconds.

    With >= 5 bursts: the median of half two-beat intervals ``(t[k+2] - t[k]) / 2``. For a steady
    rhythm this equals the median interval (the definition used for motion beats), but one burst
    displaced by an artefact (e.g. a heartbeat merged into it) shifts two single intervals in
    opposite directions and leaves the two-beat interval across it unchanged. Fewer bursts: the
    median single interval.
    """
    if t.size >= 5:
        return float(np.median((t[2:] - t[:-2]) / 2.0))
    return float(np.median(np.diff(t)))


def clonic_run(
    times_s: np.ndarray, durations_s: np.ndarray, *, band_hz: tuple[float, float] = (3.0, 8.0)
) -> tuple[int, int]:
    """Longest run of rhythmic bursts: returns ``(first, n)`` (``n`` = 0 when none).

    Consecutive onsets are linked when their interval corresponds to ``band_hz`` widened by
    2 Hz below (Wallace 2012: clonus slows by up to 2 Hz at onset and end) and 10 % above, the
    burst is shorter than the interval (a sustained burst is not a clonic beat), and the
    interval is within x/÷ 2 of the previous one (tolerates one burst displaced by an
    artefact).
    """
    n = times_s.size
    if n < 2:
        return 0, 0
    iv = np.diff(times_s)
    lo_iv = 1.0 / (band_hz[1] * 1.1)
    hi_iv = 1.0 / max(band_hz[0] - 2.0, 0.5)
    ok = (iv >= lo_iv) & (iv <= hi_iv) & (durations_s[:-1] < iv)
    ratio = np.ones_like(iv)
    ratio[1:] = iv[1:] / iv[:-1]
    steady = (ratio <= 2.0) & (ratio >= 0.5)
    best_first, best_n = 0, 0
    j = 0
    while j < iv.size:
        if not ok[j]:
            j += 1
            continue
        k = j + 1
        while k < iv.size and ok[k] and steady[k]:
            k += 1
        if k - j + 1 > best_n:
            best_first, best_n = j, k - j + 1
        j = k
    return best_first, best_n


def classify_episode(b: Bursts, first: int, last: int, cfg: EpisodeConfig) -> Episode:
    """Classify bursts ``first..last`` (inclusive) of ``b`` as one episode (module doc rules)."""
    sl = slice(first, last + 1)
    on, off = b.onset_s[sl], b.offset_s[sl]
    dur = off - on
    n = int(on.size)
    w = np.maximum(dur, 1.0 / b.fs)
    rms = float(np.sqrt(np.sum(b.rms[sl] ** 2 * w) / np.sum(w)))
    med_rms = float(np.median(b.rms[sl]))
    med_width = float(np.median(b.width_s[sl]))
    med_kurt = float(np.median(b.kurtosis[sl]))
    longest = float(dur.max())
    ctr = b.centre_s[sl]
    cf, cn = clonic_run(ctr, dur, band_hz=cfg.clonus_band_hz)
    freq = None
    cv = np.inf
    if cn >= 2:
        run = ctr[cf : cf + cn]
        iv = np.diff(run)
        freq = 1.0 / _median_period(run)
        # Robust regularity (1.4826 MAD / median): clonus is longest at its first beat
        # (Boyraz 2015) and slows by up to 2 Hz at onset and end (Wallace 2012), which a plain
        # CV would count as irregularity.
        med = float(np.median(iv))
        cv = float(1.4826 * np.median(np.abs(iv - med)) / med) if iv.size >= 2 else 0.0
    lo, hi = cfg.clonus_band_hz
    is_clonic = (
        cn >= cfg.clonus_min_bursts
        and freq is not None
        and lo <= freq <= hi
        and cv <= cfg.clonus_max_cv
    )
    # A slow logger's narrow band blurs a 5-10 ms potential to ~10 samples: widen the limit.
    max_width = max(cfg.unit_max_width_s, 10.0 / b.fs)
    spiky = med_width <= max_width or med_kurt >= cfg.unit_min_kurtosis
    unit_like = med_rms <= cfg.unit_max_rms_v and spiky
    if unit_like and (n >= cfg.clonus_min_bursts or longest > cfg.tonic_min_s):
        kind = "unit"
        rule = (
            f"median burst RMS {med_rms * 1e6:.1f} uV <= {cfg.unit_max_rms_v * 1e6:g} uV and "
            f"spike-like (median width {med_width * 1e3:.0f} ms, kurtosis {med_kurt:.1f})"
        )
    elif longest > cfg.tonic_min_s and is_clonic:
        kind = "mixed"
        rule = (
            f"sustained burst {longest:.2f} s > {cfg.tonic_min_s:g} s and a clonic run of "
            f"{cn} bursts at {freq:.2f} Hz"
        )
    elif longest > cfg.tonic_min_s:
        kind = "tonic"
        rule = f"sustained burst {longest:.2f} s > {cfg.tonic_min_s:g} s"
    elif is_clonic and cn >= cfg.clonus_min_fraction * n:
        kind = "clonus"
        rule = (
            f"{cn} rhythmic bursts (>= {cfg.clonus_min_bursts}) at {freq:.2f} Hz in "
            f"[{lo:g}, {hi:g}] Hz, interval CV {cv:.2f}"
        )
    elif n <= cfg.myoclonus_max_bursts and float(b.width_s[sl].max()) <= cfg.myoclonus_max_width_s:
        kind = "myoclonus"
        rule = (
            f"{n} brief burst(s), energy width <= {b.width_s[sl].max() * 1e3:.0f} ms "
            f"(<= {cfg.myoclonus_max_width_s * 1e3:g} ms)"
        )
    else:
        kind = "other"
        rule = f"{n} burst(s) matching no spasm class (longest {longest:.2f} s)"
    if not is_clonic:
        cf, cn = 0, 0
        freq = None
    return Episode(
        float(on[0]),
        float(off.max()),
        kind,
        n,
        freq,
        rms,
        int(cn),
        first,
        first + cf if cn else -1,
        rule,
    )


def find_episodes(bursts: Bursts, *, config: EpisodeConfig | None = None) -> list[Episode]:
    """Group bursts into episodes and classify each.

    Parameters
    ----------
    bursts : Bursts
        Detected bursts of one channel, in time order.
    config : EpisodeConfig, optional
        Thresholds; defaults documented in the module docstring.

    Returns
    -------
    list of Episode
        In time order (empty when there are no bursts).
    """
    cfg = config or EpisodeConfig()
    n = len(bursts)
    if n == 0:
        return []
    gap = bursts.onset_s[1:] - bursts.offset_s[:-1]
    brk = np.flatnonzero(gap > cfg.episode_gap_s)
    firsts = np.concatenate([[0], brk + 1])
    lasts = np.concatenate([brk, [n - 1]])
    return [
        classify_episode(bursts, int(a), int(b), cfg) for a, b in zip(firsts, lasts, strict=True)
    ]

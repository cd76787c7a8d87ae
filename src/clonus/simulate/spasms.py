"""Synthetic long-term calf EMG with labelled involuntary contractions and artefacts.

Ground truth for the EMG burst detector and the episode classifier (:mod:`clonus.emg`). Every
generator returns the signal *and* what it put there, so tests compare detections with truth.

Event kinds (the spasm classes of Thomas et al. 2014, J Electromyogr Kinesiol 24:747-754, plus
"other" for voluntary movement):

``clonus``
    A run of ``n_bursts`` amplitude-modulated noise bursts at ``frequency_hz`` (3-8 Hz,
    clinical-reference.md section 1.1), burst length = ``duty`` x period, the first period 15 %
    longer (Boyraz 2015: the first beat is the longest), +-3 % period jitter and +-20 % burst
    amplitude jitter.
``tonic``
    A sustained contraction of 2-15 s with 0.3 s rise and 0.5 s fall and slow (< 2 Hz)
    amplitude fluctuation (Abboud 2016: "paroxysmal sustained rise in tone ... seconds to
    minutes").
``unit``
    Firing of one motor unit: first-order Hermite-Rodriguez action potentials (about 8 ms wide)
    at 8-14 Hz with interval CV 0.15, low amplitude (reflex-model.md section 5, Mode B).
``myoclonus``
    One or two brief jerks of 20-80 ms (clinical-reference.md section 3: 10-50 ms cortical,
    about 57 ms non-cortical), high amplitude.
``mixed``
    A tonic spasm followed without a pause by a clonus run (both in one episode).
``other``
    Voluntary movement: 2-4 irregular bursts of 150-400 ms about 0.7-1.2 s apart.

Artefacts (reflex-model.md section 5, "assumed - calibrate"): white amplifier noise (3 uV RMS),
mains at 50 or 60 Hz (10 uV) with a 3rd harmonic (3 uV), baseline wander (0.3 Hz, 20 uV) and an
ECG (QRS + T wave, R peak ``ecg_amplitude_v``) at 55-90 beats/min with 5 % beat-to-beat
variability. All amplitudes are in volts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import signal as _sig

from .._validation import check_fs, check_option, check_positive
from ..exceptions import InvalidParameterError
from ..model import Recording

__all__ = [
    "EVENT_KINDS",
    "SpasmEvent",
    "SyntheticEmg",
    "simulate_spasm_emg",
    "simulate_clonus_emg",
]

#: Kinds of labelled events (Thomas et al. 2014 classes + "other" for voluntary bursts).
EVENT_KINDS = ("clonus", "tonic", "unit", "myoclonus", "mixed", "other")


@dataclass(frozen=True)
class SpasmEvent:
    """One labelled event of the synthetic recording.

    Attributes
    ----------
    kind : str
        One of :data:`EVENT_KINDS`.
    start_s, end_s : float
        First burst onset and last burst offset, in seconds.
    n_bursts : int
        Number of contraction bursts (clonus: beats; tonic: 1; unit: action potentials).
    frequency_hz : float or None
        Clonus/mixed: 1 / median inter-burst interval of the clonic part, in Hz.
    burst_onsets_s, burst_offsets_s : tuple of float
        Each burst's onset and offset, in seconds. For ``mixed``, the tonic part comes first.
    n_clonic_bursts : int
        Bursts of the clonic part (clonus, mixed), else 0.
    """

    kind: str
    start_s: float
    end_s: float
    n_bursts: int
    frequency_hz: float | None = None
    burst_onsets_s: tuple[float, ...] = ()
    burst_offsets_s: tuple[float, ...] = ()
    n_clonic_bursts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "n_bursts": self.n_bursts,
            "frequency_hz": self.frequency_hz,
            "burst_onsets_s": list(self.burst_onsets_s),
            "burst_offsets_s": list(self.burst_offsets_s),
            "n_clonic_bursts": self.n_clonic_bursts,
        }


@dataclass(frozen=True, eq=False)
class SyntheticEmg:
    """A synthetic EMG recording with its labelled events and artefact settings."""

    recording: Recording
    events: tuple[SpasmEvent, ...]
    artefacts: dict[str, Any] = field(default_factory=dict)

    def events_of(self, kind: str) -> list[SpasmEvent]:
        """Events of one kind."""
        return [e for e in self.events if e.kind == kind]


# ---------------------------------------------------------------------------- building blocks
def _carrier(n: int, fs: float, rng: np.random.Generator) -> np.ndarray:
    """Unit-variance Gaussian noise band-passed 20-450 Hz (clipped to 0.45 fs), reflex-model §5."""
    hi = min(450.0, 0.45 * fs)
    sos = _sig.butter(4, [20.0, hi], btype="bandpass", fs=fs, output="sos")
    w = _sig.sosfilt(sos, rng.standard_normal(n + int(0.2 * fs)))[int(0.2 * fs) :]
    return w / (np.std(w) or 1.0)


def _hann_burst(n: int) -> np.ndarray:
    """A smooth (sin^2) burst envelope of n samples with unit peak."""
    if n <= 1:
        return np.ones(max(n, 0))
    return np.sin(np.pi * (np.arange(n) + 0.5) / n) ** 2


class _Builder:
    def __init__(self, duration_s: float, fs: float, rng: np.random.Generator) -> None:
        self.fs = fs
        self.n = int(round(duration_s * fs))
        self.env = np.zeros(self.n)  # envelope of the interference-pattern EMG (V)
        self.spikes = np.zeros(self.n)  # single-unit activity (V)
        self.rng = rng

    def _idx(self, t_s: float) -> int:
        return int(round(t_s * self.fs))

    def add_burst(self, onset_s: float, dur_s: float, amp_v: float) -> tuple[float, float]:
        i0, n = self._idx(onset_s), max(2, self._idx(dur_s))
        i1 = min(self.n, i0 + n)
        if i1 > i0:
            self.env[i0:i1] += amp_v * _hann_burst(n)[: i1 - i0]
        # Truth: the span where the sin^2 envelope exceeds 5 % of its peak (|sin| > 0.224).
        edge = math.asin(math.sqrt(0.05)) / math.pi * dur_s
        return onset_s + edge, onset_s + dur_s - edge

    def clonus(
        self, start_s: float, n_bursts: int, freq_hz: float, amp_v: float, duty: float
    ) -> SpasmEvent:
        rng = self.rng
        periods = (1.0 / freq_hz) * (1.0 + 0.03 * rng.standard_normal(n_bursts))
        periods[0] *= 1.15  # Boyraz 2015: the first beat is the longest
        onsets = start_s + np.concatenate([[0.0], np.cumsum(periods[:-1])])
        on, off = [], []
        for k, t0 in enumerate(onsets):
            a, b = self.add_burst(
                float(t0), duty * periods[k], amp_v * (1 + 0.2 * rng.uniform(-1, 1))
            )
            on.append(a)
            off.append(b)
        f = 1.0 / float(np.median(np.diff(on))) if n_bursts >= 2 else None
        return SpasmEvent("clonus", on[0], off[-1], n_bursts, f, tuple(on), tuple(off), n_bursts)

    def tonic(self, start_s: float, dur_s: float, amp_v: float) -> SpasmEvent:
        i0, i1 = self._idx(start_s), min(self.n, self._idx(start_s + dur_s))
        t = np.arange(i1 - i0) / self.fs
        rise = np.clip(t / 0.3, 0, 1)
        fall = np.clip((dur_s - t) / 0.5, 0, 1)
        wob = 1 + 0.25 * np.sin(2 * np.pi * self.rng.uniform(0.3, 1.5) * t + self.rng.uniform(0, 6))
        self.env[i0:i1] += amp_v * rise * fall * wob
        return SpasmEvent(
            "tonic", start_s, start_s + dur_s, 1, None, (start_s,), (start_s + dur_s,)
        )

    def unit(self, start_s: float, dur_s: float, rate_hz: float, amp_v: float) -> SpasmEvent:
        lam = 0.0025 * self.rng.uniform(0.9, 1.2)  # Hermite-Rodriguez width -> MUAP ~ 8-10 ms
        tt = np.arange(-4 * lam, 4 * lam, 1 / self.fs)
        muap = -(tt / lam) * np.exp(-((tt / lam) ** 2))
        muap *= amp_v / (np.max(np.abs(muap)) or 1.0)
        t, times = start_s, []
        while t < start_s + dur_s:
            times.append(t)
            t += (1.0 / rate_hz) * max(0.3, 1 + 0.15 * self.rng.standard_normal())
        for t0 in times:
            i0 = self._idx(t0)
            i1 = min(self.n, i0 + muap.size)
            self.spikes[i0:i1] += muap[: i1 - i0]
        half = 4 * lam
        return SpasmEvent(
            "unit",
            times[0],
            times[-1] + 2 * half,
            len(times),
            None,
            tuple(times),
            tuple(x + 2 * half for x in times),
        )

    def myoclonus(self, start_s: float, n_jerks: int, amp_v: float) -> SpasmEvent:
        on, off = [], []
        t = start_s
        for _ in range(n_jerks):
            a, b = self.add_burst(
                t, self.rng.uniform(0.03, 0.09), amp_v * self.rng.uniform(0.8, 1.2)
            )
            on.append(a)
            off.append(b)
            t += self.rng.uniform(0.25, 0.5)
        return SpasmEvent("myoclonus", on[0], off[-1], n_jerks, None, tuple(on), tuple(off))

    def voluntary(self, start_s: float, n: int, amp_v: float) -> SpasmEvent:
        on, off = [], []
        t = start_s
        for _ in range(n):
            a, b = self.add_burst(
                t, self.rng.uniform(0.15, 0.4), amp_v * self.rng.uniform(0.7, 1.3)
            )
            on.append(a)
            off.append(b)
            t += self.rng.uniform(0.7, 1.2)
        return SpasmEvent("other", on[0], off[-1], n, None, tuple(on), tuple(off))


def _ecg(n: int, fs: float, amp_v: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """An ECG-like train (Q, R, S Gaussians + T wave), R peak ``amp_v``, 55-90 beats/min."""
    hr = rng.uniform(55, 90) / 60.0
    t_beat = np.arange(-0.3, 0.5, 1 / fs)
    g = lambda c, w, a: a * np.exp(-0.5 * ((t_beat - c) / w) ** 2)  # noqa: E731
    beat = (
        g(-0.025, 0.008, -0.15) + g(0.0, 0.010, 1.0) + g(0.025, 0.008, -0.25) + g(0.25, 0.05, 0.3)
    )
    beat *= amp_v
    out = np.zeros(n + beat.size)
    t = rng.uniform(0.1, 1.0)
    while int(t * fs) < n:
        i = int(t * fs)
        out[i : i + beat.size] += beat
        t += (1 / hr) * (1 + 0.05 * rng.standard_normal())
    shift = int(0.3 * fs)
    return out[shift : shift + n], hr * 60.0


def _finish(
    b: _Builder,
    rng: np.random.Generator,
    *,
    mains_hz: float | None,
    noise_v: float,
    ecg_amplitude_v: float,
    mains_v: float,
) -> tuple[np.ndarray, dict[str, Any]]:
    fs, n = b.fs, b.n
    x = b.env * _carrier(n, fs, rng) + b.spikes
    x += noise_v * rng.standard_normal(n)
    t = np.arange(n) / fs
    x += 20e-6 * np.sin(2 * np.pi * 0.3 * t + rng.uniform(0, 6))
    art: dict[str, Any] = {"noise_v": noise_v, "mains_hz": mains_hz, "mains_v": mains_v}
    if mains_hz:
        x += mains_v * np.sin(2 * np.pi * mains_hz * t + rng.uniform(0, 6))
        if 3 * mains_hz < fs / 2:
            x += 0.3 * mains_v * np.sin(2 * np.pi * 3 * mains_hz * t + rng.uniform(0, 6))
    if ecg_amplitude_v > 0:
        ecg, bpm = _ecg(n, fs, ecg_amplitude_v, rng)
        x += ecg
        art.update(ecg_amplitude_v=ecg_amplitude_v, heart_rate_bpm=bpm)
    return x, art


def _recording(x: np.ndarray, fs: float, name: str) -> Recording:
    return Recording.from_array(x[np.newaxis, :], fs=fs, names=[name], kinds=["emg"], units=["V"])


# ---------------------------------------------------------------------------- public generators
def simulate_spasm_emg(
    *,
    fs: float,
    kinds: Sequence[str] = EVENT_KINDS,
    n_per_kind: int = 2,
    seed: int | np.random.Generator = 0,
    gap_s: tuple[float, float] = (3.0, 6.0),
    mains_hz: float | None = 50.0,
    mains_v: float = 10e-6,
    noise_v: float = 3e-6,
    ecg_amplitude_v: float = 100e-6,
    amplitude_v: float = 200e-6,
    channel: str = "EMG soleus",
) -> SyntheticEmg:
    """Simulate calf EMG with labelled spasms of each kind, in random order.

    Parameters
    ----------
    fs : float
        Sampling rate, in Hz (long-term loggers: 250-1000 Hz).
    kinds : sequence of str
        Event kinds to include (:data:`EVENT_KINDS`).
    n_per_kind : int
        Events of each kind.
    seed : int or numpy.random.Generator
        Random seed.
    gap_s : (float, float)
        Range of the silent gap between consecutive events, in seconds.
    mains_hz : float or None
        Mains frequency (50 or 60 Hz) or None for none.
    mains_v, noise_v : float
        Mains amplitude and white-noise RMS, in volts.
    ecg_amplitude_v : float
        ECG R-peak amplitude, in volts (0: no ECG).
    amplitude_v : float
        Typical peak amplitude of spasm bursts, in volts; each event varies it by x0.5-1.5.
    channel : str
        Channel name.

    Returns
    -------
    SyntheticEmg
        The recording (one EMG channel, volts) and the events in time order.
    """
    fs = check_fs(fs)
    for k in kinds:
        check_option("kinds", k, EVENT_KINDS)
    rng = np.random.default_rng(seed)
    order = [k for k in kinds for _ in range(int(n_per_kind))]
    rng.shuffle(order)
    # Lay out the events first (durations drawn up front), then build the signal.
    plans: list[tuple[str, float, dict[str, Any]]] = []
    t = 2.0
    for kind in order:
        amp = amplitude_v * rng.uniform(0.5, 1.5)
        if kind == "clonus":
            p = {
                "n": int(rng.integers(4, 25)),
                "f": float(rng.uniform(3.5, 7.5)),
                "amp": amp,
                "duty": float(rng.uniform(0.3, 0.45)),
            }
            length = (p["n"] + 1) / p["f"] * 1.1
        elif kind == "tonic":
            p = {"dur": float(rng.uniform(2.0, 15.0)), "amp": amp}
            length = p["dur"]
        elif kind == "unit":
            p = {
                "dur": float(rng.uniform(2.0, 8.0)),
                "rate": float(rng.uniform(8.0, 14.0)),
                "amp": float(rng.uniform(40e-6, 100e-6)),
            }
            length = p["dur"] + 0.05
        elif kind == "myoclonus":
            p = {"n": int(rng.integers(1, 3)), "amp": amp * 1.5}
            length = 1.2
        elif kind == "mixed":
            p = {
                "dur": float(rng.uniform(2.0, 5.0)),
                "n": int(rng.integers(6, 15)),
                "f": float(rng.uniform(4.0, 7.0)),
                "amp": amp,
                "duty": 0.4,
            }
            length = p["dur"] + 0.15 + (p["n"] + 1) / p["f"] * 1.1
        else:
            p = {"n": int(rng.integers(2, 5)), "amp": amp}
            length = p["n"] * 1.3
        plans.append((kind, t, p))
        t += length + rng.uniform(*gap_s)
    duration_s = t + 2.0
    b = _Builder(duration_s, fs, rng)
    events = []
    for kind, t0, p in plans:
        if kind == "clonus":
            ev = b.clonus(t0, p["n"], p["f"], p["amp"], p["duty"])
        elif kind == "tonic":
            ev = b.tonic(t0, p["dur"], p["amp"])
        elif kind == "unit":
            ev = b.unit(t0, p["dur"], p["rate"], p["amp"])
        elif kind == "myoclonus":
            ev = b.myoclonus(t0, p["n"], p["amp"])
        elif kind == "mixed":
            ton = b.tonic(t0, p["dur"], p["amp"])
            clo = b.clonus(t0 + p["dur"] + 0.15, p["n"], p["f"], p["amp"] * 1.3, p["duty"])
            ev = SpasmEvent(
                "mixed",
                ton.start_s,
                clo.end_s,
                1 + clo.n_bursts,
                clo.frequency_hz,
                ton.burst_onsets_s + clo.burst_onsets_s,
                ton.burst_offsets_s + clo.burst_offsets_s,
                clo.n_bursts,
            )
        else:
            ev = b.voluntary(t0, p["n"], p["amp"])
        events.append(ev)
    x, art = _finish(
        b, rng, mains_hz=mains_hz, noise_v=noise_v, ecg_amplitude_v=ecg_amplitude_v, mains_v=mains_v
    )
    return SyntheticEmg(_recording(x, fs, channel), tuple(events), art)


def simulate_clonus_emg(
    *,
    fs: float,
    n_beats: int,
    frequency_hz: float,
    duration_s: float = 12.0,
    start_s: float = 2.0,
    amplitude_v: float = 300e-6,
    duty: float = 0.4,
    seed: int | np.random.Generator = 0,
    mains_hz: float | None = 50.0,
    noise_v: float = 3e-6,
    ecg_amplitude_v: float = 0.0,
    channel: str = "EMG soleus",
) -> SyntheticEmg:
    """Simulate the EMG of a clinical ankle-clonus test: one clonus run of known beats.

    Parameters
    ----------
    fs : float
        Sampling rate, in Hz.
    n_beats : int
        Number of beats (0: a quiet recording). The run has ``n_beats + 1`` bursts: the first is
        the reflex response to the examiner's stretch, which is not a beat (reflex-model.md
        section 8); the event's ``n_bursts`` counts all of them.
    frequency_hz : float
        Clonus frequency, in Hz.
    duration_s : float
        Recording length, in seconds; the run is truncated at the end (sustained clonus).
    start_s : float
        Onset of the first burst, in seconds.
    amplitude_v : float
        Peak burst amplitude, in volts.
    duty : float
        Burst length as a fraction of the period.
    seed : int or numpy.random.Generator
        Random seed.
    mains_hz, noise_v, ecg_amplitude_v, channel
        As in :func:`simulate_spasm_emg`.

    Returns
    -------
    SyntheticEmg
        The recording and one ``clonus`` event (none when ``n_beats`` is 0).
    """
    fs = check_fs(fs)
    check_positive("frequency_hz", frequency_hz)
    check_positive("duration_s", duration_s)
    if int(n_beats) < 0:
        raise InvalidParameterError(f"n_beats must be >= 0, got {n_beats}.")
    rng = np.random.default_rng(seed)
    b = _Builder(duration_s, fs, rng)
    events: list[SpasmEvent] = []
    if n_beats:
        # The examiner's stretch evokes one reflex burst, then each beat is one more burst.
        ev = b.clonus(start_s, int(n_beats) + 1, frequency_hz, amplitude_v, duty)
        keep = [i for i, o in enumerate(ev.burst_offsets_s) if o < duration_s - 0.02]
        if not keep:
            raise InvalidParameterError(
                f"start_s={start_s} leaves no burst inside duration_s={duration_s}."
            )
        if len(keep) < ev.n_bursts:
            on = tuple(ev.burst_onsets_s[i] for i in keep)
            off = tuple(ev.burst_offsets_s[i] for i in keep)
            ev = SpasmEvent("clonus", on[0], off[-1], len(on), ev.frequency_hz, on, off, len(on))
        events.append(ev)
    x, art = _finish(
        b, rng, mains_hz=mains_hz, noise_v=noise_v, ecg_amplitude_v=ecg_amplitude_v, mains_v=10e-6
    )
    return SyntheticEmg(_recording(x, fs, channel), tuple(events), art)

"""The clinical clonus test analysed from surface EMG: the same :class:`Assessment` as for motion.

:func:`assess_emg` treats each contraction burst of the clonic run as a beat
(reflex-model.md section 8: a beat is one involuntary plantarflexor contraction after the
stretch); :func:`combine` adds EMG confirmation to a motion assessment (the motion beats stay
primary). Both are called by :func:`clonus.assess`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import signal as _sig
from scipy.ndimage import uniform_filter1d

from .._version import __version__
from ..exceptions import InvalidParameterError, SamplingRateError
from ..model import Assessment, Beat, Recording, Run, Trace
from .bursts import BurstConfig, Bursts, detect_bursts
from .conditioning import ConditioningConfig, condition
from .episodes import Episode, EpisodeConfig, _median_period, clonic_run, find_episodes

__all__ = [
    "CLINICAL_BURSTS",
    "CLINICAL_METHODS",
    "EmgConfig",
    "assess_emg",
    "combine",
    "modulation_bursts",
]

#: Burst methods of the clinical test: ``"modulation"`` (default: threshold bursts, and long
#: bursts split at the envelope's modulation peaks, see :func:`modulation_bursts`) and
#: ``"threshold"`` (the long-recording hysteresis detector with :data:`CLINICAL_BURSTS`).
CLINICAL_METHODS = ("modulation", "threshold")


#: Burst settings for the clinical test (short recording, stretch from rest):
#: - noise floor from 1 s windows, so the quiet second before the examiner's push sets it even
#:   when the reflex keeps the muscle active for the rest of the test;
#: - valleys split at 55 % (instead of 35 %) of the preceding peak, so clonic bursts riding on
#:   tonic stretch-reflex activity are separated. Measured on 32 reflex-simulator trials (held
#:   and released, truth ``emg_n_bursts``): EMG beat count within 1 (or 5 %) in 75 % vs 47 % with
#:   the long-recording settings (benchmarks/emg/bench_accuracy.py), and 100 % on
#:   simulate_clonus_emg tests either way.
CLINICAL_BURSTS = BurstConfig(noise_window_s=1.0, split_ratio=0.55)


@dataclass(frozen=True)
class EmgConfig:
    """Settings of the EMG clonus-test analysis.

    Parameters
    ----------
    conditioning, bursts, episodes : config objects
        :class:`ConditioningConfig`, :class:`BurstConfig` (default :data:`CLINICAL_BURSTS`),
        :class:`EpisodeConfig`.
    min_duration_s : float
        Shorter recordings are ``indeterminate`` (1 s cannot hold 3 beats at 3 Hz).
    clonus_min_beats : int
        Beats needed to call clonus (>= 3, FPnotebook; clinical-reference.md section 2).
    sustained_last_s : float
        Sustained = bursts continue into the last ``sustained_last_s`` of a hold lasting at
        least ``sustained_min_hold_s`` (Tardieu 10 s; reflex-model.md section 8).
    sustained_min_hold_s : float
        See ``sustained_last_s``.
    first_burst_is_stretch : bool
        The first burst of the clonic run is the response to the examiner's stretch and not a
        beat (reflex-model.md section 8: the imposed stretch's own peak is not a beat; each later
        contraction ends one beat) when every earlier burst of its episode is smaller than half
        of it.
    min_rest_before_s : float
        Time from the start of the recording to the clonic run's response (its stretch-response
        or first burst; smaller rest-activity bursts before it do not count) needed to see the
        rest before it, in seconds, or 1.5 run periods if that is shorter (0.35 s, assumed: the
        simulated tests' reflex responses start >= 0.4 s into the recording). A rhythm already
        under way when the recording started gives ``indeterminate``, with no beats or runs:
        EMG cannot tell it from tremor.
    max_active_before : int
        A clonic run whose response follows this many or more bursts of comparable size (RMS
        >= half the median beat) earlier in the recording gives ``indeterminate``, with no
        beats or runs: the muscle was not at rest before the examiner's stretch (shivering,
        tremor, voluntary or spasm activity), and EMG cannot tell a stretch-triggered clonus
        from that ongoing activity. Bursts of an earlier response that looks like a test (a
        clonic episode starting from rest, opening with a burst >= its median, as a stretch
        response does) do not count, so a repeated test in one recording is still analysed.
        8, assumed: on the reflex simulator's EMG (800 tests, both benchmark designs, seeds 1
        and 2) the count is 0 in every test called clonus except 3 in which the run found
        was late activity, not the response to the stretch (27-45 bursts before it); shivering
        and examined Parkinsonian tremor called clonus had 9-71. 0 switches the check off.
    max_build_up : float
        A clonic run of >= ``build_up_min_beats`` beats that waxes in from rest instead of
        opening with a reflex response to a stretch is ``rhythmic_not_clonus`` (tremor-like
        onset), with no beats. Its opening is the burst chained one period before the
        response, if any, the response and the beats; it waxes in when the first two are
        under 0.5 and 0.7 x the median beat RMS, or the first three average under this
        fraction of it with none reaching 0.8 x. 0.6, assumed: no test of the reflex
        simulator's EMG called clonus is affected (1600 tests, Mode A and B, both benchmark
        designs; the lowest three-burst average is 0.66), while tremor bursts that wax in over
        >= 1.5 s are caught in most cases (``docs/emg.md``). 0 switches the check off.
    build_up_min_beats : int
        Beats needed before the build-up check applies (8: a short run's median is its first
        beats). The same test is also applied to the beats alone, after the response: a
        clonus response starts at full size, since the imposed stretch is the largest
        perturbation (the first beat is the longest, Boyraz 2015; amplitude follows the
        dorsiflexing force, Walsh 1976; clinical-reference.md section 1.2), while a tremor
        that follows a voluntary movement (essential tremor after lifting the foot to a
        posture) waxes in after it. No reflex-simulator test called clonus has beats that
        wax in (the lowest first-three average is 0.66 x the median).
    stretch_response_ratio : float
        A response stands out as the reflex response to a brisk stretch when its RMS is at
        least this multiple of the median beat (1.3, assumed: the examiner's stretch is far
        larger and faster than the clonic oscillation's own lengthening, so its synchronous
        reflex volley is larger than the beats; on the reflex simulator the median ratio is
        1.9 in Mode A tests called clonus, while tremor, shivering and voluntary tapping
        "responses" are their first cycle, 0.3-1.4 x their median burst). Without such a
        response EMG has no sign of the stretch trigger, and the two checks below apply.
        0 switches them off.
    voluntary_max_hz : float
        Without a response standing out, a rhythm slower than this is ``indeterminate``
        (3.8 Hz, the slowest spastic ankle clonus under dorsiflexion loads, Hidler & Rymer:
        3.8-5.8 Hz; in SCI 5.4 +- 0.9 Hz, Wallace 2012; clinical-reference.md section 1.1.
        Voluntary foot tapping runs at 1-4 Hz, Repp 2005, with one plantarflexor burst per
        tap from rest, like clonus). A motion channel decides. Tapping at 3.8-4 Hz is not
        caught: 4 Hz also declined 5 of 292 simulated clonus tests at 3.8-4.0 Hz and a
        4-beat 4 Hz test of ``simulate_clonus_emg``.
    max_active_after : int
        Without a response standing out, this many or more bursts of comparable size (RMS >=
        half the median beat) after the last beat make the run ``indeterminate``: clonus
        stops when the stretch is released or the reflex fatigues and does not restart
        without a new stretch, whose response would stand out, while tremor and shivering
        come back in spells (clinical-reference.md section 3). Bursts of a later response
        that looks like a test (as for ``max_active_before``) do not count. 3, assumed. 0
        switches the check off.
    recurring_rhythm : bool
        The same rhythm (frequency within ``recurring_tolerance`` of the run's) in a separate
        episode before the response (>= 3 rhythmic bursts) or after it (>= 6) makes the run
        ``rhythmic_not_clonus``, with no beats, unless the response opens with a strong
        burst (the larger of its first two >= the median beat, as a stretch response): a
        rhythm that comes and goes in spells, waxing in, is tremor-like (Parkinsonian rest
        tremor is intermittent, clinical-reference.md section 3; the motion analysis likewise
        declines an oscillation at the beats' frequency before the stretch). On the reflex
        simulator's EMG no test called clonus has such an episode before its response, and
        2 of 185 have a shorter (3-burst) one after it. A recording holding several tests
        should be cropped to one test each (the warning on several responses says so).
    recurring_tolerance : float
        Relative frequency tolerance of ``recurring_rhythm`` (0.2).
    min_relative_peak : float
        Bursts whose envelope peak is below this fraction of the recording's largest burst are
        ignored (10 %, assumed: artefacts and noise bursts in a quiet test).
    match_tolerance_s : float
        :func:`combine`: a motion beat is confirmed by an EMG burst whose onset lies within this
        time before the beat or a quarter of this after it, in seconds (the burst precedes the
        dorsiflexion peak it follows; 250 ms ~ one period at 4 Hz).
    clinical_method : {"modulation", "threshold"}
        ``"modulation"`` (default): threshold bursts, with activity that holds several cycles
        of a clear envelope rhythm split at its modulation peaks (:func:`modulation_bursts`);
        ``"threshold"``: threshold bursts only. Measured on 200 randomised reflex-simulator
        trials (benchmarks/emg/bench_clinical_reflex.py, docs/benchmarks.md "EMG clinical-test
        accuracy"). ``metrics["emg_clinical_method"]`` says which was applied.
    modulation_band_hz : (float, float)
        Band-pass of the envelope for the modulation peaks, Hz (2-10 Hz: the 3-8 Hz clonus band,
        clinical-reference.md section 1.1, widened for clonus slowing by up to 2 Hz, Wallace 2012).
    modulation_min_depth : float
        A modulation peak counts when its depth (peak minus the higher of its two neighbouring
        troughs of the band-passed envelope) is at least this fraction of the local mean
        envelope over one period (0.3, assumed; tuned on the simulator).
    modulation_refractory : float
        Modulation peaks are at least this many dominant periods apart (0.6, assumed: clonus
        intervals vary by well under 40 % from one beat to the next).
    modulation_min_peak_ratio : float
        Activity is split only when the dominant envelope modulation is a clear rhythm: its
        spectral power (+- 0.25 Hz) is at least this many times the median power in
        ``modulation_band_hz`` (20, assumed: simulator clonus runs over 5 s reach 30-900,
        tonic activity and motor-unit noise stay below 4, the real walking EMG of
        ``gait_emg_13_muscles`` reaches 9.5 at most in the semitendinosus).
    modulation_subharmonic_ratio : float
        The dominant modulation is taken at half the strongest spectral peak when the power
        there is at least this fraction of the peak's (0.3, assumed: pulsed clonic bursts have
        a strong second harmonic, which made the modulation split a 4.3 Hz clonus at 8.5 Hz
        and lose the run in a held Mode B test; 0.2 and 0.4 gave the same results on the
        tuning trials; 0 disables it).
    count_unrhythmic_beats : bool
        Without a clonic run, still count the bursts chained to the stretch response (at
        intervals within the widened clonus band) as beats, classification ``no_clonus``
        (as the motion analysis counts beats after the stretch without a run).
    extend_run : bool
        Count the bursts that continue a clonic run of at least ``extend_min_run`` bursts,
        one per cycle of its rhythm, through its episode (:func:`_chain`): in long held tests
        one displaced or split burst breaks the run and the run alone held about half of the
        true bursts (e.g. 22 of 46 with all 44 bursts detected). Frequency and clonus still
        need the rhythmic run.
    extend_min_run : int
        Runs shorter than this are not extended (6, assumed: a 3-5 burst "run" can be
        motor-unit noise, whose extension would count noise bursts; on the 120 tuning trials of
        benchmarks/emg/bench_clinical_reflex.py count-ok was 86 % with 3, 87 % with 4 and 88 %
        with 5, 6 and 8; frequency within 0.2 Hz 65 % with 5, 67 % with 6 and 8).
    bridge_max_periods : float
        The continuation of a run bridges stretches without a separate burst of up to this many
        run periods when the rhythm then resumes in phase (:func:`_chain`; 6, assumed: on the
        tuning trials 4, 6 and 10 gave the same count-ok, 89 %, and no bridging 88 %; <= 2.5
        disables it).
    train_valley_ratio : float
        Merged bursts of a train that follows the stretch response and stops are split where
        the envelope falls to this fraction of the contractions on either side
        (:func:`_split_train`; 0.5, assumed; on the tuning trials 0.35 and 0.5 gave the same
        count-ok, 0.65 one trial less; 0 disables it).
    beat_min_relative_peak : float
        Bursts chained to a run or to the stretch response are beats only when their envelope
        peak reaches this fraction of the run's median peak or of the stretch response's peak
        (0.25, assumed: smaller activity between contractions is not a beat).
    max_train_s : float
        Beat train checks (EMG alone; :func:`_train_decline`, docs/emg.md "The beat train"),
        each giving ``indeterminate`` with no beats and advice to add a motion channel. A
        train of beats (first beat onset to last beat offset) longer than this is declined,
        in seconds (60, from Wallace 2005: ankle clonus lasted up to 30 s, about 1 min in
        the two subjects who stopped it voluntarily; clinical-reference.md section 1.2; a
        clinical test holds the stretch for seconds, Tardieu's criterion is 10 s). 0: off.
    min_rhythm_peak_ratio : float
        A train lasting >= ``rhythm_min_duration_s`` whose envelope has no clear rhythm
        (spectral peak ratio, as in ``modulation_min_peak_ratio``, over the train) below
        this is declined: clonus fires one burst per cycle at a stable frequency (98 % of
        motor units fire once per cycle, Wallace 2005; frequency does not follow force,
        Walsh 1976), shivering bursts are grouped and irregular (Israel & Pozos 1989, the
        negatives generator). 10, set on our own generators and simulator: shivering trains
        called clonus reached 2.3-13.5; trains >= 2 s of reflex-simulator tests with a
        motion clonus run reached >= 10.5 except one counted 16 beats against 5 true (6.4).
        0: off.
    rhythm_min_duration_s : float
        Shortest train (s) judged by ``min_rhythm_peak_ratio`` and the slow-rhythm check
        (2 s: a shorter train gives no spectral resolution).
    max_regrowth : float
        A train whose beat RMS, averaged over ``regrowth_window_s`` (centred), grows to more
        than this multiple of its lowest earlier value is declined: clonus is largest after
        the stretch (the imposed stretch is the largest perturbation; amplitude follows the
        dorsiflexing force, Walsh 1976) and then holds while the stretch is held or decays
        as it fatigues (Tardieu; clinical-reference.md section 1.2), while tremor waxes and
        wanes (section 3). A stronger push by the examiner could also make it grow, hence
        ``indeterminate``. 1.6, set on our own generators and simulator: reflex-simulator
        tests called clonus reached at most 1.56 (447 of 1000 tests, five seeds), essential
        tremor called clonus 1.5-2.9. 0: off.
    regrowth_window_s : float
        Averaging window of ``max_regrowth``, in seconds (2 s: tremor amplitude changes over
        seconds; burst-to-burst jitter averages out).
    slow_max_hz : float
        A train slower than this (4 Hz: the top of voluntary foot tapping, 1-4 Hz, Repp
        2005, which overlaps the slowest ankle clonus, 3.8 Hz, Hidler & Rymer) is declined
        when its response is under ``slow_response_ratio`` x the median beat and its
        envelope's peak ratio is under ``slow_min_peak_ratio`` (lasting >=
        ``rhythm_min_duration_s``): no clear stretch response and no steadier period than
        voluntary tapping's.
    slow_response_ratio : float
        See ``slow_max_hz`` (1.5, set on our own generators: tapping opens with a tap up to
        1.43 x the median by chance). 0: off.
    slow_min_peak_ratio : float
        See ``slow_max_hz`` (150, set on our own generators and simulator: tapping with a
        5-10 % timing CV, Repp 2005, reached 19-124; the simulator's slow held clonus mostly
        > 130, with 87 and 101 in two tests).
    count_ended_trains : bool
        With ``count_unrhythmic_beats``, and without a clonic run of >= ``clonus_min_beats``,
        count the bursts of a train that follows the stretch response and then stops
        (:func:`_ended_train`; released and quickly fatiguing tests: 2-5 contractions at
        irregular intervals), without calling clonus.
    """

    conditioning: ConditioningConfig = field(default_factory=ConditioningConfig)
    bursts: BurstConfig = field(default_factory=lambda: CLINICAL_BURSTS)
    episodes: EpisodeConfig = field(default_factory=EpisodeConfig)
    min_duration_s: float = 1.0
    clonus_min_beats: int = 3
    sustained_last_s: float = 1.0
    sustained_min_hold_s: float = 10.0
    match_tolerance_s: float = 0.25
    first_burst_is_stretch: bool = True
    min_rest_before_s: float = 0.35
    max_active_before: int = 8
    max_build_up: float = 0.6
    build_up_min_beats: int = 8
    recurring_rhythm: bool = True
    recurring_tolerance: float = 0.2
    stretch_response_ratio: float = 1.3
    voluntary_max_hz: float = 3.8
    max_active_after: int = 3
    min_relative_peak: float = 0.1
    clinical_method: str = "modulation"
    modulation_band_hz: tuple[float, float] = (2.0, 10.0)
    modulation_min_depth: float = 0.3
    modulation_refractory: float = 0.6
    modulation_min_peak_ratio: float = 20.0
    modulation_subharmonic_ratio: float = 0.3
    count_unrhythmic_beats: bool = True
    extend_run: bool = True
    count_ended_trains: bool = True
    extend_min_run: int = 6
    bridge_max_periods: float = 6.0
    train_valley_ratio: float = 0.5
    beat_min_relative_peak: float = 0.25
    regrowth_window_s: float = 2.0
    max_regrowth: float = 1.6
    min_rhythm_peak_ratio: float = 10.0
    rhythm_min_duration_s: float = 2.0
    slow_max_hz: float = 4.0
    slow_response_ratio: float = 1.5
    slow_min_peak_ratio: float = 150.0
    max_train_s: float = 60.0

    def __post_init__(self) -> None:
        if self.clinical_method not in CLINICAL_METHODS:
            raise InvalidParameterError(
                f"EmgConfig.clinical_method must be one of {CLINICAL_METHODS}, "
                f"got {self.clinical_method!r}."
            )
        lo, hi = self.modulation_band_hz
        if not 0 < lo < hi:
            raise InvalidParameterError(
                f"EmgConfig.modulation_band_hz must be (low, high) with 0 < low < high Hz, "
                f"got {self.modulation_band_hz!r}."
            )
        for name in ("modulation_min_depth", "modulation_refractory"):
            if not getattr(self, name) > 0:
                raise InvalidParameterError(
                    f"EmgConfig.{name} must be > 0, got {getattr(self, name)!r}."
                )
        if not 0 <= self.train_valley_ratio < 1:
            raise InvalidParameterError(
                f"EmgConfig.train_valley_ratio must be in [0, 1), got {self.train_valley_ratio!r}."
            )
        for name in ("max_active_before", "max_active_after"):
            v = getattr(self, name)
            if isinstance(v, bool) or not (isinstance(v, int) and v >= 0):
                raise InvalidParameterError(
                    f"EmgConfig.{name} must be an integer >= 0 (0: off), got {v!r}."
                )
        for name in ("stretch_response_ratio", "voluntary_max_hz"):
            v = getattr(self, name)
            if isinstance(v, bool) or not (isinstance(v, int | float) and v >= 0):
                raise InvalidParameterError(
                    f"EmgConfig.{name} must be a number >= 0 (0: off), got {v!r}."
                )
        for name in (
            "max_regrowth",
            "min_rhythm_peak_ratio",
            "rhythm_min_duration_s",
            "slow_max_hz",
            "slow_response_ratio",
            "slow_min_peak_ratio",
            "max_train_s",
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not (isinstance(v, int | float) and v >= 0):
                raise InvalidParameterError(
                    f"EmgConfig.{name} must be a number >= 0 (0: off), got {v!r}."
                )
        if isinstance(self.regrowth_window_s, bool) or not (
            isinstance(self.regrowth_window_s, int | float) and self.regrowth_window_s > 0
        ):
            raise InvalidParameterError(
                f"EmgConfig.regrowth_window_s must be > 0 s, got {self.regrowth_window_s!r}."
            )
        if self.extend_min_run < 2:
            raise InvalidParameterError(
                f"EmgConfig.extend_min_run must be >= 2, got {self.extend_min_run!r}."
            )
        if not 0 <= self.beat_min_relative_peak < 1:
            raise InvalidParameterError(
                "EmgConfig.beat_min_relative_peak must be in [0, 1), "
                f"got {self.beat_min_relative_peak!r}."
            )
        if not 0 <= self.modulation_subharmonic_ratio <= 1:
            raise InvalidParameterError(
                "EmgConfig.modulation_subharmonic_ratio must be in [0, 1], "
                f"got {self.modulation_subharmonic_ratio!r}."
            )
        if self.modulation_min_peak_ratio < 0:
            raise InvalidParameterError(
                "EmgConfig.modulation_min_peak_ratio must be >= 0, "
                f"got {self.modulation_min_peak_ratio!r}."
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _grades(
    n_beats: int, duration_s: float, sustained: bool, hold_s: float | None, warnings: list[str]
) -> dict[str, Any]:
    try:
        from ..grade import grade_all  # motion helper's module (lazy: layering and merge order)
    except ImportError:
        warnings.append("clinical grades unavailable: clonus.grade is not installed")
        return {}
    return dict(
        grade_all(
            n_beats=n_beats, duration_s=duration_s, sustained=sustained, hold_duration_s=hold_s
        )
    )


def _indeterminate(
    rec: Recording, channel: str, reason: str, cfg: EmgConfig, warnings: list[str]
) -> Assessment:
    return Assessment(
        n_beats=0,
        beats=(),
        amplitude_unit="uV",
        frequency_hz=None,
        clonus_duration_s=0.0,
        sustained=False,
        stretch_onset_s=None,
        classification="indeterminate",
        reason=reason,
        grades={},
        pathological=False,
        channel=channel,
        fs_hz=rec.fs,
        software_version=__version__,
        signal_kind="emg",
        config=cfg.to_dict(),
        warnings=tuple(warnings),
        source=rec.source,
    )


def _dominant_hz(
    env: np.ndarray,
    spans: list[tuple[int, int]],
    fs: float,
    band: tuple[float, float],
    sub_ratio: float = 0.0,
) -> tuple[float, float]:
    """Strongest envelope modulation within ``band`` over the ``spans``.

    With ``sub_ratio`` > 0, half that frequency is taken instead when its power (+- 0.25 Hz)
    is at least ``sub_ratio`` times the peak's (the peak is the second harmonic).

    Returns its frequency (Hz) and its peak ratio: mean power within +- 0.25 Hz of it over the
    median power in ``band`` (a rhythm stands out, noise fluctuations do not).
    """
    seg = np.concatenate([env[a:b] - env[a:b].mean() for a, b in spans])
    n = int(2 ** np.ceil(np.log2(max(seg.size, int(20 * fs)))))  # >= 0.05 Hz resolution
    p = np.abs(np.fft.rfft(seg * np.hanning(seg.size), n)) ** 2
    f = np.fft.rfftfreq(n, 1.0 / fs)
    k = (f >= band[0]) & (f <= band[1])
    f_dom = float(f[k][np.argmax(p[k])])
    if sub_ratio > 0 and f_dom / 2 >= band[0]:
        # Pulsed bursts have strong harmonics: the fundamental is the rhythm when it carries
        # a good part of the peak's power (as in pitch detection).
        sub = np.abs(f - f_dom / 2) < 0.25
        if float(p[sub].max()) >= sub_ratio * float(p[k].max()):
            f_dom = float(f[sub][np.argmax(p[sub])])
    near = np.abs(f - f_dom) < 0.25
    return f_dom, float(p[near].mean() / max(float(np.median(p[k])), 1e-300))


def modulation_bursts(
    b: Bursts, filtered: np.ndarray, env: np.ndarray, fs: float, cfg: EmgConfig
) -> tuple[Bursts, dict[str, Any]]:
    """Split threshold bursts that hold several clonic cycles at the envelope's modulation peaks.

    In a held clonus test the clonic bursts often ride on sustained stretch-reflex activity, so
    the envelope never falls back to the noise floor between them and a threshold detector
    merges them into one long burst. Each threshold burst lasting longer than 1.5 periods of
    the envelope's dominant modulation (strongest spectral peak of the envelope within
    ``modulation_band_hz`` over those long bursts) is replaced by one burst per modulation
    peak: peaks of the band-passed envelope at least ``modulation_refractory`` periods apart,
    whose depth (peak minus the deeper of the two neighbouring troughs) is at least
    ``modulation_min_depth`` times the local mean envelope (one period), onset and offset at
    the modulation's half-amplitude crossings. Shorter bursts are kept as they are.

    Parameters
    ----------
    b : Bursts
        Threshold bursts of the channel.
    filtered, env : ndarray
        Conditioned EMG and its envelope (same unit as ``b``), sampled at ``fs`` Hz.
    fs : float
        Sampling rate, Hz.
    cfg : EmgConfig
        Settings (``modulation_*``).

    Returns
    -------
    (Bursts, dict)
        The bursts (time order) and a summary: ``dominant_hz``, ``n_split`` (threshold bursts
        split) and ``n_added`` (bursts gained).
    """
    info: dict[str, Any] = {"dominant_hz": None, "peak_ratio": None, "n_split": 0, "n_added": 0}
    lo, hi = cfg.modulation_band_hz
    if len(b) == 0 or fs < 4 * hi:
        return b, info
    env = env.astype(np.float64)
    on_b, off_b = b.onset_idx.astype(np.int64), b.offset_idx.astype(np.int64)

    def clusters(gap_n: float) -> list[tuple[int, int, int, int]]:
        """(onset, offset, first, last) of bursts joined across gaps <= gap_n samples."""
        brk = np.flatnonzero(on_b[1:] - off_b[:-1] > gap_n)
        firsts = np.concatenate([[0], brk + 1])
        lasts = np.concatenate([brk, [len(b) - 1]])
        return [
            (int(on_b[f]), int(off_b[la]), int(f), int(la))
            for f, la in zip(firsts, lasts, strict=True)
        ]

    # Candidates: activity long enough to hold two cycles at the band's top frequency.
    long_ = [c for c in clusters(fs / hi) if c[1] - c[0] > 1.5 * fs / hi]
    if not long_:
        return b, info
    f_dom, ratio = _dominant_hz(
        env, [(c[0], c[1]) for c in long_], fs, (lo, hi), cfg.modulation_subharmonic_ratio
    )
    info["dominant_hz"] = f_dom
    info["peak_ratio"] = ratio
    if ratio < cfg.modulation_min_peak_ratio:
        return b, info
    period = fs / f_dom
    sos = _sig.butter(2, [lo, hi], btype="band", fs=fs, output="sos")
    m = _sig.sosfiltfilt(sos, env)
    local = uniform_filter1d(env, max(1, int(period)), mode="nearest")
    pk_all, _ = _sig.find_peaks(m, distance=max(1, int(cfg.modulation_refractory * period)))
    parts: list[tuple[int, int, int, int]] = []  # (onset, offset, parent, centre index)
    for a, z, f0, f1 in clusters(period):
        pk = pk_all[(pk_all >= a) & (pk_all < z)] if z - a > 1.5 * period else pk_all[:0]
        good: list[tuple[int, int, int, int]] = []
        if pk.size >= 2:
            bounds = np.concatenate(
                [[max(a, int(pk[0] - period))], pk, [min(z - 1, int(pk[-1] + period))]]
            )
            for k, p in enumerate(pk):
                t0 = bounds[k] + int(np.argmin(m[bounds[k] : p + 1]))
                t1 = p + int(np.argmin(m[p : bounds[k + 2] + 1]))
                depth = m[p] - max(m[t0], m[t1])
                if depth < cfg.modulation_min_depth * local[p]:
                    continue
                half_on = 0.5 * (m[p] + m[t0])
                half_off = 0.5 * (m[p] + m[t1])
                below = np.flatnonzero(m[t0 : p + 1] < half_on)
                on = t0 + int(below[-1]) + 1 if below.size else t0
                after = np.flatnonzero(m[p : t1 + 1] < half_off)
                off = p + int(after[0]) if after.size else t1
                # parent: the threshold burst holding the peak (or the nearest before it)
                par = f0 + max(0, int(np.searchsorted(on_b[f0 : f1 + 1], p, side="right")) - 1)
                good.append((max(a, on), min(z, max(off, on + 1)), par, int(p)))
        if len(good) >= 2:
            info["n_split"] += 1
            info["n_added"] += len(good) - (f1 - f0 + 1)
            parts.extend(good)
        else:
            parts.extend((int(on_b[i]), int(off_b[i]), i, -1) for i in range(f0, f1 + 1))
    if info["n_split"] == 0:
        return b, info
    on = np.array([p[0] for p in parts], np.int64)
    off = np.array([p[1] for p in parts], np.int64)
    par = np.array([p[2] for p in parts], np.int64)
    rms = np.array(
        [
            float(np.sqrt(np.mean(filtered[a:z].astype(np.float64) ** 2)))
            for a, z in zip(on, off, strict=True)
        ]
    )
    peak = np.array([float(env[a:z].max()) for a, z in zip(on, off, strict=True)])
    centre = np.array(
        [p[3] / fs if p[3] >= 0 else float(b.centre_s[p[2]]) for p in parts], np.float64
    )
    width = np.where(np.array([p[3] for p in parts]) >= 0, (off - on) / fs, b.width_s[par])
    out = Bursts(on, off, rms, peak, width, b.floor[par], b.kurtosis[par], centre, fs, b.method)
    return out, info


def _train_span(b: Bursts, i_s: int, duration_s: float, cfg: EmgConfig) -> int | None:
    """Last burst of the train that starts with the stretch response ``i_s`` and then stops.

    The train is the bursts <= 1 s apart (one period at the widened clonus band's slow end,
    1 / (3 - 2 Hz); Wallace 2012) from the stretch response on. It has stopped when it ends at
    least 1 s before the recording does (the limb is at rest again, unlike tonic reflex
    activity that goes on) and nothing after it reaches half of the stretch response's peak
    (walking or voluntary activity repeats bursts of similar size; checked on the real walking
    EMG). Returns None when there is no such train.
    """
    lo, _ = cfg.episodes.clonus_band_hz
    gap_max = 1.0 / max(lo - 2.0, 0.5)
    last = i_s
    while last + 1 < len(b) and b.onset_s[last + 1] - b.offset_s[last] <= gap_max:
        last += 1
    if (
        last == i_s
        or b.offset_s[last] > duration_s - 1.0
        or np.any(b.peak[last + 1 :] >= 0.5 * float(b.peak[i_s]))
    ):
        return None
    return last


def _stretch_response(b: Bursts) -> int | None:
    """Index of the stretch response: the first burst reaching half of the largest peak, with
    0.5 s without bursts before it (assumed: the limb is at rest before the examiner's push)."""
    if len(b) == 0:
        return None
    i_s = int(np.flatnonzero(b.peak >= 0.5 * float(b.peak.max()))[0])
    if i_s == 0 or b.onset_s[i_s] - b.offset_s[i_s - 1] >= 0.5:
        return i_s
    return None


def _split_train(
    b: Bursts,
    filtered: np.ndarray,
    env: np.ndarray,
    fs: float,
    duration_s: float,
    cfg: EmgConfig,
) -> tuple[Bursts, int]:
    """Split merged bursts of a train that follows the stretch response and stops.

    In a released or quickly fatiguing test the contractions after the stretch response often
    ride on each other's tails, so the threshold detector merges two or three of them. Within
    such a train only (:func:`_train_span`: the muscle falls silent afterwards, so the split
    cannot cut tonic activity or motor-unit noise into "beats"), a burst is cut at the minimum
    between consecutive peaks of its envelope (smoothed over 40 ms) that are at least
    1 / (1.1 x 8 Hz) apart (the widened clonus band's top) and whose two prominence bases are
    both at most ``train_valley_ratio`` of the peak (the envelope falls to half between two
    contractions; assumed). Returns the bursts and the number of bursts added.
    """
    i_s = _stretch_response(b)
    last = _train_span(b, i_s, duration_s, cfg) if i_s is not None else None
    if last is None or cfg.train_valley_ratio <= 0:
        return b, 0
    _, hi = cfg.episodes.clonus_band_hz
    min_n = max(1, int(fs / (1.1 * hi)))
    e = uniform_filter1d(env.astype(np.float64), max(1, int(round(0.04 * fs))), mode="nearest")
    on_l, off_l, par_l = [], [], []
    added = 0
    for i in range(len(b)):
        a, z = int(b.onset_idx[i]), int(b.offset_idx[i])
        cuts = [a, z]
        if i_s < i <= last and z - a > 2 * min_n:
            pk, _ = _sig.find_peaks(e[a:z], distance=min_n)
            if pk.size >= 2:
                _, lb, rb = _sig.peak_prominences(e[a:z], pk)
                seg = e[a:z]
                pk = pk[np.maximum(seg[lb], seg[rb]) <= cfg.train_valley_ratio * seg[pk]]
            if pk.size >= 2:
                inner = [
                    a + int(p + np.argmin(e[a + p : a + q]))
                    for p, q in zip(pk[:-1], pk[1:], strict=True)
                ]
                cuts = [a, *inner, z]
                added += len(inner)
        for c0, c1 in zip(cuts[:-1], cuts[1:], strict=True):
            on_l.append(c0)
            off_l.append(max(c1, c0 + 1))
            par_l.append(i)
    if added == 0:
        return b, 0
    on = np.array(on_l, np.int64)
    off = np.array(off_l, np.int64)
    par = np.array(par_l, np.int64)
    rms = np.empty(on.size)
    width = np.empty(on.size)
    centre = np.empty(on.size)
    peak = np.empty(on.size)
    for k, (a, z) in enumerate(zip(on, off, strict=True)):
        e2 = filtered[a:z].astype(np.float64) ** 2
        c = np.cumsum(e2)
        tot = max(float(c[-1]), 1e-300)
        rms[k] = float(np.sqrt(e2.mean()))
        i0, i1 = np.searchsorted(c, [0.05 * tot, 0.95 * tot])
        width[k] = (int(i1) - int(i0) + 1) / fs
        centre[k] = (a + float(np.dot(np.arange(e2.size), e2)) / tot) / fs
        peak[k] = float(env[a:z].max())
    whole = np.bincount(par, minlength=len(b))[par] == 1  # unsplit bursts keep their values
    out = Bursts(
        on,
        off,
        np.where(whole, b.rms[par], rms),
        np.where(whole, b.peak[par], peak),
        np.where(whole, b.width_s[par], width),
        b.floor[par],
        b.kurtosis[par],
        np.where(whole, b.centre_s[par], centre),
        fs,
        b.method,
    )
    return out, added


def _analyse(
    x: np.ndarray, fs: float, cfg: EmgConfig, duration_s: float
) -> tuple[Bursts, list[Episode], dict[str, Any]]:
    b = detect_bursts(x, fs=fs, config=cfg.bursts, conditioning=cfg.conditioning)
    info: dict[str, Any] = {"method": "threshold"}
    if cfg.clinical_method == "modulation" and len(b):
        cond = condition(x, fs=fs, config=cfg.conditioning)
        b, mod = modulation_bursts(b, cond.filtered, cond.envelope, fs, cfg)
        info.update(mod)
        if mod["n_split"]:
            info["method"] = "modulation"
    if len(b) and cfg.min_relative_peak > 0:
        # Relative gate: in a clinical test the stretch response and the clonic bursts dwarf
        # movement artefacts and noise bursts, which could otherwise form a spurious "run".
        b = b.select(b.peak >= cfg.min_relative_peak * float(b.peak.max()))
    if (
        len(b)
        and cfg.count_unrhythmic_beats
        and cfg.count_ended_trains
        and cfg.train_valley_ratio > 0
    ):
        cond = condition(x, fs=fs, config=cfg.conditioning)
        b, info["n_train_split"] = _split_train(
            b, cond.filtered, cond.envelope, fs, duration_s, cfg
        )
    return b, find_episodes(b, config=cfg.episodes), info


def _chain(
    b: Bursts,
    start: int,
    stop: int,
    period_s: float,
    ref_peak: float,
    cfg: EmgConfig,
    *,
    step: int,
) -> list[int]:
    """Bursts that continue a clonic run beyond burst ``start`` (``step`` +1 forward up to
    ``stop``, -1 backward down to ``stop``), one per cycle.

    In a long held test one displaced, merged or split burst breaks the clonic run (intervals
    within x/÷ 2 of each other), and the threshold detector may cut a burst riding on tonic
    activity into pieces, so the run alone can hold half of the test's beats. The chain
    follows the run's rhythm: the next beat is the largest burst whose energy centre lies 0.6-1.5
    run periods from the last beat, or, if none, 1.6-2.5 periods (one beat lost in the tonic
    activity), never more than 1 / (3 - 2 Hz) = 1 s (the widened clonus band's slow end; Wallace
    2012); smaller pieces in between are not beats, nor are bursts below
    ``beat_min_relative_peak`` of ``ref_peak`` (the run's median burst peak; 25 %, assumed).

    When no burst follows within 2.5 periods, the chain bridges a stretch where the threshold
    detector found no separate burst (clonic bursts riding on tonic activity that dip below its
    valley rule, or a beat too weak to see): the next beat is a burst a whole number m of
    periods ahead (within 0.4 period, 2.5 < m <= ``bridge_max_periods``) that is followed by
    another one period later (the rhythm resumes in phase). Only detected bursts are counted:
    the cycles inside the gap are not invented. The chain stops at the first cycle without a
    beat.

    Returns
    -------
    list of int
        Burst indices in chain order.
    """
    lo, _ = cfg.episodes.clonus_band_hz
    max_iv = 1.0 / max(lo - 2.0, 0.5)
    out: list[int] = []
    k = start
    while True:
        lo_j, hi_j = (k + 1, min(stop, len(b) - 1)) if step > 0 else (max(stop, 0), k - 1)
        if hi_j < lo_j:
            break
        idx = np.arange(lo_j, hi_j + 1)
        d = np.abs(b.centre_s[idx] - b.centre_s[k])
        big = b.peak[idx] >= cfg.beat_min_relative_peak * ref_peak
        nxt = -1
        for lo_p, hi_p in ((0.6, 1.5), (1.6, 2.5)):
            cand = idx[big & (d >= lo_p * period_s) & (d <= min(hi_p * period_s, max_iv))]
            if cand.size:
                nxt = int(cand[np.argmax(b.peak[cand])])
                break
        if nxt < 0 and cfg.bridge_max_periods > 2.5:
            m_per = d / period_s
            whole = np.rint(m_per)
            ok = (
                big
                & (m_per > 2.5)
                & (m_per <= cfg.bridge_max_periods + 0.4)
                & (np.abs(m_per - whole) <= 0.4)
            )
            cand = idx[ok]
            for j in cand if step > 0 else cand[::-1]:
                j = int(j)
                # The rhythm resumes: the next burst after j is one period on.
                dj = np.abs(b.centre_s[idx] - b.centre_s[j])
                if not np.any(big & (dj >= 0.6 * period_s) & (dj <= 1.5 * period_s)):
                    continue
                nxt = j
                break
        if nxt < 0:
            break
        out.append(nxt)
        k = nxt
    return out


def _ended_train(b: Bursts, i_s: int, duration_s: float, cfg: EmgConfig) -> np.ndarray:
    """Beats of a short train of contractions that follows the stretch response and stops.

    A released or quickly fatiguing test: after the stretch response (burst ``i_s``) come a few
    contractions at irregular intervals, then the muscle falls silent (:func:`_train_span`).
    Beats: the train's bursts after the stretch response whose peak reaches
    ``beat_min_relative_peak`` of the stretch response's (smaller activity between
    contractions is not a beat) and whose centre is at least 1 / (1.1 x 8 Hz) after the
    previous beat (closer pieces belong to it).
    """
    _, hi = cfg.episodes.clonus_band_hz
    last = _train_span(b, i_s, duration_s, cfg)
    if last is None:
        return np.zeros(0, np.int64)
    ref = float(b.peak[i_s])
    out: list[int] = []
    prev = float(b.centre_s[i_s])
    for j in range(i_s + 1, last + 1):
        if b.peak[j] >= cfg.beat_min_relative_peak * ref and b.centre_s[j] - prev >= 1.0 / (
            1.1 * hi
        ):
            out.append(j)
            prev = float(b.centre_s[j])
    return np.array(out, np.int64)


def _run_energy(b: Bursts, e: Episode) -> float:
    """Sum of squared RMS of an episode's clonic run (picks the real run over noise runs)."""
    if e.n_clonic_bursts <= 0:
        return 0.0
    return float(np.sum(b.rms[e.clonic_start : e.clonic_start + e.n_clonic_bursts] ** 2))


def _opening(
    b: Bursts, i_on: int, sel: np.ndarray, period_s: float
) -> tuple[list[int], np.ndarray]:
    """The bursts that open a clonic response, and their RMS relative to the median beat.

    The opening is the burst chained one period (+-25 %) before the response, if any (a
    small stretch response, or a tremor's first cycle), the response burst and the beats.
    """
    i0 = i_on
    if i0 > 0 and 0.75 * period_s <= b.centre_s[i0] - b.centre_s[i0 - 1] <= 1.25 * period_s:
        i0 -= 1
    idx = [i for i in range(i0, i_on + 1) if i not in sel] + [int(i) for i in sel]
    med = float(np.median(b.rms[sel]))
    return idx, b.rms[np.asarray(idx)] / (med if med > 0 else 1.0)


def _active_before(
    b: Bursts, eps: list[Episode], i_on: int, sel: np.ndarray, rest_s: float
) -> np.ndarray:
    """Indices of the bursts of comparable size before a clonic response.

    Comparable: RMS >= half the median beat, ending over 50 ms before the response's onset.
    Bursts of an earlier response that looks like a test do not count: a clonic episode that
    starts >= ``rest_s`` into the recording and opens with a burst (the larger of its first
    two) >= its median burst, as a stretch response does; a tremor spell waxes in.
    """
    ref = 0.5 * float(np.median(b.rms[sel]))
    idx = np.flatnonzero((b.rms >= ref) & (b.offset_s < b.onset_s[i_on] - 0.05))
    for e in eps:
        if e.kind != "clonus" or e.start_s < rest_s or e.end_s >= b.onset_s[i_on]:
            continue
        r = b.rms[e.first_burst : e.first_burst + e.n_bursts]
        if float(np.max(r[:2])) >= float(np.median(r)):
            idx = idx[(idx < e.first_burst) | (idx >= e.first_burst + e.n_bursts)]
    return idx


def _waxes_in(
    b: Bursts, i_on: int, sel: np.ndarray, period_s: float, cfg: EmgConfig
) -> tuple[int, float, float, bool] | None:
    """Does the rhythm wax in from rest instead of opening with a stretch response?

    It does when the first two bursts of its opening (:func:`_opening`) are under 0.5 and
    0.7 x the median beat, or its first three average under ``max_build_up`` x the median with
    none reaching 0.8 x; or when the beats alone, after the response, do so (a voluntary
    movement followed by a tremor that builds up). Returns (bursts compared, seconds to the
    first burst >= 0.8 x the median, their mean / median, True when only the beats after the
    response wax in) or None.
    """
    if sel.size < cfg.build_up_min_beats:
        return None
    idx, op = _opening(b, i_on, sel, period_s)
    med = float(np.median(b.rms[sel]))
    for seq, rel, beats_only in (
        (idx, op, False),
        (list(sel), b.rms[sel] / (med if med > 0 else 1.0), True),
    ):
        two = rel[0] < 0.5 and rel[1] < 0.7
        three = float(np.mean(rel[:3])) < cfg.max_build_up and float(np.max(rel[:3])) < 0.8
        if two or three:
            n_open = 2 if two and not three else 3
            k_full = int(np.argmax(rel >= 0.8))
            return (
                n_open,
                float(b.onset_s[seq[k_full]] - b.onset_s[seq[0]]),
                float(np.mean(rel[:n_open])),
                beats_only,
            )
    return None


def _active_after(
    b: Bursts, eps: list[Episode], sel: np.ndarray, cfg: EmgConfig
) -> np.ndarray:
    """Indices of the bursts of comparable size after a clonic response has ended.

    The response ends at its last beat, or earlier at the first pause of more than
    ``episodes.episode_gap_s`` without any burst between two beats (the muscle fell silent;
    the run continuation can bridge such a pause when the rhythm resumes in phase).
    Comparable: RMS >= half the median beat, starting over 50 ms after the response's end;
    later beats count. Bursts of a later response that looks like a test (a clonic episode
    starting >= ``min_rest_before_s`` into the recording whose opening burst, the larger of
    its first two, stands out from its median burst by ``stretch_response_ratio``) do not.
    """
    ref = 0.5 * float(np.median(b.rms[sel]))
    t_end = float(b.offset_s[sel[-1]])
    pause = np.flatnonzero(b.onset_s[1:] - b.offset_s[:-1] > cfg.episodes.episode_gap_s)
    pause = pause[(pause >= sel[0]) & (pause < sel[-1])]
    if pause.size:
        t_end = float(b.offset_s[pause[0]])
    idx = np.flatnonzero((b.rms >= ref) & (b.onset_s > t_end + 0.05))
    for e in eps:
        if e.kind != "clonus" or e.start_s < cfg.min_rest_before_s or e.start_s <= t_end:
            continue
        r = b.rms[e.first_burst : e.first_burst + e.n_bursts]
        if float(np.max(r[:2])) >= cfg.stretch_response_ratio * float(np.median(r)):
            idx = idx[(idx < e.first_burst) | (idx >= e.first_burst + e.n_bursts)]
    return idx


def _rolling_mean(t: np.ndarray, v: np.ndarray, window_s: float) -> np.ndarray:
    """Mean of ``v`` over the points within +- ``window_s`` / 2 of each time in ``t`` (sorted)."""
    lo = np.searchsorted(t, t - window_s / 2.0, side="left")
    hi = np.searchsorted(t, t + window_s / 2.0, side="right")
    c = np.concatenate([[0.0], np.cumsum(v)])
    return (c[hi] - c[lo]) / np.maximum(hi - lo, 1)


def _beat_train(
    b: Bursts, sel: np.ndarray, env: np.ndarray, fs: float, cfg: EmgConfig
) -> dict[str, float | None]:
    """Shape of a beat train: how its amplitude evolves, how regular it is, how long it lasts.

    ``regrowth``: the largest ratio of the beats' RMS averaged over ``regrowth_window_s``
    (centred) to its lowest value earlier in the train; ``interval_cv``: robust CV (1.4826 x
    MAD / median) of the intervals between the beats' energy centres; ``in_phase``: fraction
    of those intervals within +- 25 % of their median; ``peak_ratio``: spectral peak ratio of
    the envelope's modulation over the train (:func:`_dominant_hz`); ``duration_s``.
    """
    t = b.centre_s[sel]
    rel = b.rms[sel] / max(float(np.median(b.rms[sel])), 1e-300)
    out: dict[str, float | None] = {"regrowth": None, "interval_cv": None, "in_phase": None,
                                    "peak_ratio": None, "duration_s": None}
    if sel.size >= 2:
        s = _rolling_mean(t, rel, cfg.regrowth_window_s)
        out["regrowth"] = float(np.max(s / np.maximum(np.minimum.accumulate(s), 1e-300)))
        iv = np.diff(t)
        med = float(np.median(iv))
        out["interval_cv"] = float(1.4826 * np.median(np.abs(iv - med)) / med)
        out["in_phase"] = float(np.mean(np.abs(iv / med - 1.0) <= 0.25))
        a, z = int(b.onset_idx[sel[0]]), int(b.offset_idx[sel[-1]])
        lo, hi = cfg.modulation_band_hz
        if z - a > 2 * fs / lo:
            out["peak_ratio"] = _dominant_hz(env.astype(np.float64), [(a, z)], fs, (lo, hi))[1]
        out["duration_s"] = float(b.offset_s[sel[-1]] - b.onset_s[sel[0]])
    return out


def _train_decline(
    b: Bursts,
    sel: np.ndarray,
    i_on: int,
    period_s: float,
    train: dict[str, float | None],
    cfg: EmgConfig,
) -> tuple[str, str, str] | None:
    """Decline a clonic run whose beat train does not behave like clonus (EMG alone).

    Checked in this order (the first that applies is reported): a train longer than
    ``max_train_s``; an envelope without a clear rhythm (``min_rhythm_peak_ratio``); an
    amplitude that grows again (``max_regrowth``); a slow rhythm without a clear stretch
    response (``slow_max_hz``, ``slow_response_ratio``). Returns (class, reason, warning) or
    None.
    """
    f_run = 1.0 / period_s
    add = (
        " EMG alone cannot tell this from tremor, shivering or voluntary activity: add a "
        "motion channel (phone, IMU or goniometer on the foot) to see the stretch."
    )
    dur = train["duration_s"] or 0.0
    if cfg.max_train_s > 0 and dur > cfg.max_train_s:
        return (
            "indeterminate",
            f"rhythmic EMG bursts at {f_run:.2f} Hz for {dur:.0f} s, longer than "
            f"{cfg.max_train_s:g} s (the longest ankle clonus reported lasted about 1 min, "
            "Wallace 2005; a clinical test holds the stretch for seconds)." + add,
            "a rhythm lasting longer than any clinical clonus test: not counted as clonus; "
            "crop the recording to the test or add a motion channel",
        )
    ratio = train["peak_ratio"]
    if (
        cfg.min_rhythm_peak_ratio > 0
        and ratio is not None
        and dur >= cfg.rhythm_min_duration_s
        and ratio < cfg.min_rhythm_peak_ratio
    ):
        return (
            "indeterminate",
            f"{sel.size} EMG bursts over {dur:.1f} s without one steady rhythm (the "
            f"envelope's spectral peak is {ratio:.1f} x its median power in "
            f"{cfg.modulation_band_hz[0]:g}-{cfg.modulation_band_hz[1]:g} Hz, under "
            f"{cfg.min_rhythm_peak_ratio:g}): clonus fires one burst per cycle at a stable "
            "frequency; irregular grouped bursts are shivering-like." + add,
            "the EMG bursts do not keep one rhythm (shivering?): not counted as clonus",
        )
    growth = train["regrowth"]
    if cfg.max_regrowth > 0 and growth is not None and growth > cfg.max_regrowth:
        return (
            "indeterminate",
            f"rhythmic EMG bursts at {f_run:.2f} Hz whose amplitude (averaged over "
            f"{cfg.regrowth_window_s:g} s) grows again to {growth:.2f} x an earlier low, "
            f"more than {cfg.max_regrowth:g} x: clonus is largest after the stretch and then "
            "holds or decays, while tremor waxes and wanes (a stronger push by the examiner "
            "could also do this)." + add,
            "the rhythm waxes and wanes (tremor?): not counted as clonus; add a motion channel",
        )
    resp_ratio = float(b.rms[i_on]) / max(float(np.median(b.rms[sel])), 1e-300)
    if (
        cfg.slow_response_ratio > 0
        and f_run < cfg.slow_max_hz
        and resp_ratio < cfg.slow_response_ratio
        and ratio is not None
        and dur >= cfg.rhythm_min_duration_s
        and ratio < cfg.slow_min_peak_ratio
    ):
        return (
            "indeterminate",
            f"rhythmic EMG bursts at {f_run:.2f} Hz, where voluntary foot tapping (1-4 Hz) "
            "overlaps the slowest ankle clonus (3.8 Hz), and the first burst is "
            f"{resp_ratio:.2f} x the median beat, not >= {cfg.slow_response_ratio:g} x as a "
            "clear reflex response to a brisk stretch." + add,
            "a slow rhythm without a clear stretch response (voluntary tapping?): not "
            "counted as clonus; add a motion channel",
        )
    return None


def assess_emg(rec: Recording, *, config: EmgConfig | None = None) -> Assessment:
    """Assess a clinical clonus test from surface EMG.

    Parameters
    ----------
    rec : Recording
        One or more EMG channels (volts). With several, the channel with the strongest clonic
        run (largest summed squared burst RMS) is used (ties: the first).
    config : EmgConfig, optional
        Settings; defaults in :class:`EmgConfig`.

    Returns
    -------
    Assessment
        ``beats`` are the bursts of the strongest clonic run (largest summed squared RMS) after the
        stretch response and, for a run of >= ``extend_min_run`` bursts, those continuing it
        one per cycle (``extend_run``); without a clonic run, the bursts chained to the stretch
        response or of a train that follows it and stops (``count_unrhythmic_beats``,
        ``count_ended_trains``) (``time_s`` onset, ``end_s`` offset, ``amplitude`` burst RMS in
        uV); ``frequency_hz`` is 1 / median interval between the beats' energy centroids
        (intervals over 1.5 run periods left out); ``trace`` is the EMG envelope in uV;
        ``metrics`` holds all bursts and episodes. ``stretch_onset_s`` is the onset of the
        reflex response to the stretch (the run's stretch-response or first burst; smaller
        bursts of rest activity before it are skipped). EMG cannot see the stretch itself: on
        simulated tests this is 40-110 ms after the push (10th-90th percentile).

    Notes
    -----
    ``classification``: ``clonus`` with >= ``clonus_min_beats`` rhythmic bursts at 3-8 Hz;
    ``rhythmic_not_clonus`` for a regular run of >= 3 bursts outside 3-8 Hz; ``no_clonus``
    otherwise; ``indeterminate`` when the recording is shorter than ``min_duration_s``, flat,
    or sampled too slowly (< 200 Hz). A clonic run is declined (no beats, runs or grades) as
    ``indeterminate`` when it starts without rest before it, follows comparable activity, or
    shows no response standing out from its beats (``stretch_response_ratio``) while its rhythm
    is slower than ``voluntary_max_hz`` or comparable bursts return after the muscle fell
    silent, or when its beat train lasts longer than ``max_train_s``, has no steady rhythm,
    grows again after falling, or is a slow rhythm without a clear stretch response
    (:func:`_train_decline`); as ``rhythmic_not_clonus`` when it waxes in or recurs in
    spells. ``pathological``
    is True for ``clonus``.

    Examples
    --------
    >>> from clonus.simulate.spasms import simulate_clonus_emg
    >>> sim = simulate_clonus_emg(fs=1000.0, n_beats=6, frequency_hz=5.0, seed=0)
    >>> a = assess_emg(sim.recording)
    >>> a.n_beats, a.classification, round(a.frequency_hz, 1)
    (6, 'clonus', 5.0)
    """
    cfg = config or EmgConfig()
    if config is not None and not isinstance(config, EmgConfig):
        raise InvalidParameterError(
            f"config must be a clonus.emg.clinical.EmgConfig, got {type(config).__name__}."
        )
    if not isinstance(rec, Recording):
        raise InvalidParameterError(f"assess_emg() needs a Recording, got {type(rec).__name__}.")
    emg = [c.name for c in rec.channels if c.kind == "emg"] or rec.ch_names
    warnings: list[str] = []
    if any(rec.channels[rec.ch_names.index(n)].unit != "V" for n in emg):
        warnings.append(
            "EMG not in volts: amplitudes are in the file's units and the 'unit' "
            "class (absolute amplitude) is unreliable"
        )
    if rec.duration_s < cfg.min_duration_s:
        return _indeterminate(
            rec,
            emg[0],
            f"recording lasts {rec.duration_s:.2f} s, shorter than "
            f"{cfg.min_duration_s:g} s: too short to count beats",
            cfg,
            warnings,
        )
    best: tuple[float, str, Bursts, list[Episode], dict[str, Any]] | None = None
    for name in emg:
        x = rec.get(name)
        if not np.any(np.abs(x - x[0]) > 0):
            warnings.append(f"channel {name!r} is flat")
            continue
        try:
            b, eps, minfo = _analyse(x, rec.fs, cfg, rec.duration_s)
        except SamplingRateError as exc:
            return _indeterminate(rec, name, str(exc), cfg, warnings)
        score = max((_run_energy(b, e) for e in eps), default=0.0)
        if best is None or score > best[0]:
            best = (score, name, b, eps, minfo)
    if best is None:
        return _indeterminate(
            rec, emg[0], "every EMG channel is flat; check the electrodes", cfg, warnings
        )
    _, name, b, eps, minfo = best
    fs = rec.fs
    cond = condition(rec.get(name), fs=fs, config=cfg.conditioning)
    env_uv = cond.envelope.astype(np.float64) * 1e6
    times = np.arange(env_uv.size) / fs
    trace = Trace(times, env_uv, "uV", "EMG envelope (rectified, low-passed)")
    spectrum = None
    if env_uv.size >= int(2 * fs):
        f, p = _sig.welch(env_uv - env_uv.mean(), fs=fs, nperseg=int(min(env_uv.size, 4 * fs)))
        keep = f <= 20.0
        spectrum = Trace(f[keep], p[keep], "uV^2/Hz", "EMG envelope power spectrum")
    clonic = [e for e in eps if e.n_clonic_bursts > 0]
    main = max(clonic, key=lambda e: _run_energy(b, e)) if clonic else None
    # Several separate clonic episodes (the examiner repeated the test, or spasms came and
    # went): the strongest is analysed; the others are listed so that none goes unseen.
    responses = [e for e in clonic if e.n_clonic_bursts >= cfg.episodes.clonus_min_bursts]
    if not (main is not None and len(responses) > 1 and main in responses):
        responses = []
    if responses:
        k_main = responses.index(main) + 1
        warnings.append(
            f"{len(responses)} separate clonic responses in the recording (at "
            + ", ".join(f"{e.start_s:.2f}" for e in responses)
            + f" s): the strongest, number {k_main} at {main.start_s:.2f} s, is reported; "
            "the others are listed in metrics['responses']. A repeated test? Analyse each "
            "one on its own (crop the recording) to grade it."
        )
    beats: tuple[Beat, ...] = ()
    freq = None
    duration = 0.0
    stretch = float(b.onset_s[0]) if len(b) else None
    lo, hi = cfg.episodes.clonus_band_hz
    classification, reason = (
        "no_clonus",
        f"{len(b)} EMG burst(s), no rhythmic run of >= 3 bursts at {lo:g}-{hi:g} Hz",
    )
    sel = np.zeros(0, np.int64)
    run_sel = sel
    if main is not None:
        i0, n = main.clonic_start, main.n_clonic_bursts
        before = b.rms[main.first_burst : i0]
        i_stretch = main.first_burst
        if cfg.first_burst_is_stretch and n > 1 and np.all(before < 0.5 * b.rms[i0]):
            # The run starts the episode (anything before it is much smaller): its first burst
            # is the reflex response to the examiner's stretch and, like the imposed stretch's
            # own peak in the motion signal, it is not a beat.
            i0, n = i0 + 1, n - 1
            i_stretch = i0 - 1
        run_sel = np.arange(i0, i0 + n)
        sel = run_sel
        i_resp = min(i_stretch, i0)
        # Only a run that follows the stretch response (the first burst reaching half of the
        # largest peak) and stands out from the activity at rest (twice the median peak of the
        # bursts ending over 0.25 s before the stretch response - closer ones may be its own
        # onset - assumed) is continued: motor-unit noise present at rest can form a "run"
        # too, and its continuation would count noise.
        i_big = int(np.flatnonzero(b.peak >= 0.5 * float(b.peak.max()))[0])
        rest = b.peak[:i_big][b.offset_s[:i_big] < b.onset_s[i_big] - 0.25]
        above_rest = rest.size == 0 or float(np.median(b.peak[run_sel])) >= 2.0 * float(
            np.median(rest)
        )
        if cfg.extend_run and n >= cfg.extend_min_run and i0 >= i_big and above_rest:
            period = _median_period(b.centre_s[run_sel])
            last = len(b) - 1
            ref = float(np.median(b.peak[run_sel]))
            # Forward through the rest of the recording (a bridged gap may exceed the 1 s
            # episode gap), backward to the stretch response.
            fwd = _chain(b, i0 + n - 1, last, period, ref, cfg, step=1)
            i_stop = max(i_stretch, i_big)
            back = _chain(b, i0, i_stop + 1, period, ref, cfg, step=-1) if i0 - 1 > i_stop else []
            sel = np.array(sorted(back) + list(run_sel) + fwd, np.int64)
        # The response is the stretch-response burst, or the run's first burst; small bursts
        # before it (under half the run's median RMS: motor-unit noise at rest, which the
        # widened 1 Hz band can chain to the run) are rest, not the response. (The episode's
        # start was used before: up to 0.6 s early on simulated Mode B tests.)
        big = b.rms[i_resp:] >= 0.5 * float(np.median(b.rms[run_sel]))
        i_on = min(i_resp + int(np.argmax(big)), int(sel[0]))
        stretch = float(b.onset_s[i_on])
    elif cfg.count_unrhythmic_beats and len(b):
        # No clonic run: a few contractions may still follow the stretch response (a
        # fatiguing or released test). Beats are involuntary contractions after the stretch
        # (reflex-model.md section 8), so they are counted, without calling clonus: the
        # stretch response is the first burst reaching half of the largest peak, quiet for
        # 0.5 s before it (assumed: the limb is at rest before the examiner's push), and the
        # beats are the bursts chained to it at intervals of one period of the widened clonus
        # band (1/(1.1 x 8 Hz) to 1/(3 - 2 Hz); Wallace 2012), each within x/÷ 2 of the last.
        i_s = int(np.flatnonzero(b.peak >= 0.5 * float(b.peak.max()))[0])
        quiet = i_s == 0 or b.onset_s[i_s] - b.offset_s[i_s - 1] >= 0.5
        k, prev = i_s, None
        while quiet and k + 1 < len(b):
            iv = b.centre_s[k + 1] - b.centre_s[k]
            if not (1.0 / (1.1 * hi) <= iv <= 1.0 / max(lo - 2.0, 0.5)):
                break
            if prev is not None and not 0.5 <= iv / prev <= 2.0:
                break  # not steady (as in clonic_run): e.g. a stride's main and minor bursts
            k, prev = k + 1, iv
        chain = list(range(i_s + 1, k + 1))
        # The stretch response is not repeated after the chain (walking or voluntary activity
        # repeats bursts of similar size; assumed, checked on the real walking EMG): no later
        # burst reaches half of its peak, and it dominates the chain (1.5 x its median peak).
        if quiet and cfg.count_ended_trains:
            sel = _ended_train(b, i_s, rec.duration_s, cfg)
        if (
            not sel.size
            and quiet
            and chain
            and not np.any(b.peak[k + 1 :] >= 0.5 * b.peak[i_s])
            and b.peak[i_s] >= 1.5 * float(np.median(b.peak[chain]))
        ):
            sel = np.array(chain, np.int64)
        if sel.size:
            run_sel = sel
            stretch = float(b.onset_s[i_s])
            reason += f"; {sel.size} non-rhythmic burst(s) after the stretch response"
    if (
        main is not None
        and run_sel.size < cfg.clonus_min_beats
        and cfg.count_unrhythmic_beats
        and cfg.count_ended_trains
    ):
        # A run too short to call clonus (e.g. 2 rhythmic bursts among irregular ones in a
        # released test): the train after the stretch response may hold more beats.
        i_s = int(np.flatnonzero(b.peak >= 0.5 * float(b.peak.max()))[0])
        if i_s == 0 or b.onset_s[i_s] - b.offset_s[i_s - 1] >= 0.5:
            train = _ended_train(b, i_s, rec.duration_s, cfg)
            if train.size > sel.size:
                sel, run_sel = train, train[:0]  # counted, not a clonic run
                stretch = float(b.onset_s[i_s])
                reason += f"; {sel.size} non-rhythmic burst(s) after the stretch response"
    if sel.size:
        on, off = b.onset_s[sel], b.offset_s[sel]
        rms = b.rms[sel]
        ctr = b.centre_s[sel]
        rms_uv = rms * 1e6
        beats = tuple(
            Beat(
                float(on[k]),
                float(rms_uv[k]),
                None if k == 0 else float(on[k] - on[k - 1]),
                float(off[k]),
            )
            for k in range(on.size)
        )
        # Frequency from the beats only (as for motion: 1 / median inter-beat interval, >= 3
        # beats; reflex-model.md section 8), between burst energy centres; the stretch
        # response's interval to the first beat is not a clonus period.
        iv = np.diff(ctr)
        if run_sel.size >= 3 and iv.size:
            # Intervals across a bridged gap (or a skipped beat) are not clonus periods
            # (as the truth's frequency uses intervals within runs).
            within = iv[iv <= 1.5 * _median_period(b.centre_s[run_sel])]
            iv = within if within.size >= 2 else iv
        freq = 1.0 / float(np.median(iv)) if ctr.size >= 3 else None
        duration = float(off[-1] - on[0])
        if main is not None and run_sel.size >= cfg.clonus_min_beats:
            classification = "clonus"
            reason = (
                f"{len(beats)} EMG bursts after the stretch response, {run_sel.size} of them "
                f"rhythmic at {1.0 / _median_period(b.centre_s[run_sel]):.2f} Hz ({main.rule})"
            )
    # A clonic run declined as not a response to one stretch: (class, reason, warning); it
    # then reports no beats, runs or grades.
    decline: tuple[str, str, str] | None = None
    period_run = _median_period(b.centre_s[run_sel]) if run_sel.size >= 2 else None
    if classification == "clonus" and period_run:
        # The response must start from rest. Rhythmic bursts from the first moments of the
        # recording, with no quiet before them, cannot be told from tremor (PD rest tremor
        # bursts at 4-6 Hz, essential tremor at 4-12 Hz: clinical-reference.md) or other
        # ongoing activity: EMG does not see the examiner's stretch, only the rest before the
        # response. (The motion analysis likewise declines a stretch with no rest before it.)
        t_resp = float(b.onset_s[i_on])
        need_s = min(cfg.min_rest_before_s, 1.5 * period_run)
        if t_resp < need_s:
            decline = (
                "indeterminate",
                f"rhythmic EMG bursts already {t_resp:.2f} s into the recording (at least "
                f"{need_s:.2f} s of rest before them is needed): a stretch-triggered clonus "
                "cannot be told from tremor or ongoing activity. Record from rest, before the "
                "stretch.",
                "no rest before the rhythmic EMG bursts: not counted as clonus (tremor or "
                "activity already under way when the recording started?)",
            )
    if classification == "clonus" and period_run and decline is None and cfg.max_build_up > 0:
        waxing = _waxes_in(b, i_on, sel, period_run, cfg)
        if waxing is not None:
            n_open, t_full, ratio, beats_only = waxing
            where = (
                "after their first burst (the first "
                f"{n_open} beats after it average {ratio:.2f} x the median burst; full size "
                f"after {t_full:.2f} s) instead of starting at full size as clonus does after "
                "a stretch"
                if beats_only
                else f"from rest (the first {n_open} average {ratio:.2f} x the median "
                f"burst; full size after {t_full:.2f} s) instead of opening with a reflex "
                "response to a stretch"
            )
            decline = (
                "rhythmic_not_clonus",
                f"rhythmic EMG bursts at {1.0 / period_run:.2f} Hz that wax in {where}: "
                "tremor-like, not counted as clonus",
                "the rhythm waxes in rather than starting with a stretch response "
                "(tremor?); if a slow, gentle stretch was used, a motion channel decides",
            )
    if classification == "clonus" and period_run and decline is None and cfg.recurring_rhythm:
        f_run = 1.0 / period_run
        t_on, t_end = float(b.onset_s[i_on]), float(b.offset_s[sel[-1]])
        spells = [
            e
            for e in eps
            if e is not main
            and e.frequency_hz is not None
            and abs(e.frequency_hz - f_run) <= cfg.recurring_tolerance * f_run
            and (
                (e.end_s <= t_on and e.n_clonic_bursts >= 3)
                or (e.start_s >= t_end and e.n_clonic_bursts >= 6)
            )
        ]
        # A repeated clinical test opens each response with a strong stretch-response burst
        # (on the reflex simulator the opening's larger of its first two bursts is >= the
        # median beat in 91 % of tests); a tremor spell waxes in.
        if spells and float(np.max(_opening(b, i_on, sel, period_run)[1][:2])) < 1.0:
            where = ", ".join(f"{e.start_s:.1f}-{e.end_s:.1f} s" for e in spells[:4])
            decline = (
                "rhythmic_not_clonus",
                f"rhythmic EMG bursts at {f_run:.2f} Hz that come and go: the same rhythm "
                f"also runs at {where}, apart from the response at {t_on:.2f} s. A rhythm "
                "in spells is tremor-like, not a response to one stretch: not counted as "
                "clonus. If the recording holds several tests, crop it to one test each.",
                f"the rhythm recurs in {len(spells) + 1} spells (tremor?); a repeated test "
                "must be cropped to one test per recording to be graded",
            )
    if classification == "clonus" and period_run and decline is None and cfg.max_active_before:
        # Checked last: waxing in and recurring spells say more about what the rhythm is.
        active = _active_before(b, eps, i_on, sel, cfg.min_rest_before_s)
        if active.size >= cfg.max_active_before:
            t0, t1 = float(b.onset_s[active[0]]), float(b.offset_s[active[-1]])
            decline = (
                "indeterminate",
                f"{active.size} EMG bursts of comparable size (>= half the median beat) at "
                f"{t0:.1f}-{t1:.1f} s, before the response at {float(b.onset_s[i_on]):.2f} s: "
                "the muscle was not at rest before the stretch (shivering, tremor, voluntary "
                "or spasm activity?), so a stretch-triggered clonus cannot be told from that "
                "activity. Record the test from rest, crop the recording to the test, or add "
                "a motion sensor.",
                "the muscle was active before the rhythmic EMG bursts: not counted as clonus",
            )
    if (
        classification == "clonus"
        and period_run
        and decline is None
        and cfg.stretch_response_ratio > 0
    ):
        # Checked after the others: is there any sign in the EMG of the stretch that should
        # trigger clonus? The response to a brisk stretch stands out from the beats; without
        # it, the call rests on the rhythm alone, which voluntary tapping (1-4 Hz) and
        # tremor or shivering coming back in spells share.
        f_run = 1.0 / period_run
        resp_ratio = float(b.rms[i_on]) / max(float(np.median(b.rms[sel])), 1e-300)
        if resp_ratio < cfg.stretch_response_ratio:
            after = (
                _active_after(b, eps, sel, cfg)
                if cfg.max_active_after
                else np.zeros(0, np.int64)
            )
            what = None
            if f_run < cfg.voluntary_max_hz:
                what = (
                    f"at {f_run:.2f} Hz, in the range of voluntary foot tapping (1-4 Hz) "
                    f"and below {cfg.voluntary_max_hz:g} Hz, the slowest ankle clonus "
                    "reported under dorsiflexion loads"
                )
            elif cfg.max_active_after and after.size >= cfg.max_active_after:
                what = (
                    f"at {f_run:.2f} Hz, followed by {after.size} more bursts of comparable "
                    f"size at {float(b.onset_s[after[0]]):.1f}-"
                    f"{float(b.offset_s[after[-1]]):.1f} s after the muscle had fallen "
                    "silent, with no new stretch response (clonus does not restart by "
                    "itself; tremor and shivering come back in spells)"
                )
            if what is not None:
                decline = (
                    "indeterminate",
                    f"rhythmic EMG bursts {what}, and the first burst at "
                    f"{float(b.onset_s[i_on]):.2f} s is {resp_ratio:.2f} x the median beat, "
                    f"not >= {cfg.stretch_response_ratio:g} x as a reflex response to a brisk "
                    "stretch would be: EMG alone cannot tell this from voluntary or tremor "
                    "activity. Add a motion channel (phone, IMU or goniometer on the foot) "
                    "to see the stretch.",
                    "no stretch response stands out in the EMG and the rhythm "
                    "could be voluntary or tremor: not counted as clonus; add a motion "
                    "channel",
                )
    train = (
        _beat_train(b, sel, cond.envelope, fs, cfg)
        if classification == "clonus" and period_run
        else None
    )
    if train is not None and decline is None:
        decline = _train_decline(b, sel, i_on, period_run, train, cfg)
    declined = decline is not None
    rhythm_hz = None  # the rhythm a rhythmic_not_clonus verdict is about (its reason quotes it)
    if decline is not None:
        classification, reason, note = decline
        if classification == "rhythmic_not_clonus" and period_run:
            rhythm_hz = 1.0 / period_run
        warnings.append(note)
        beats, freq, duration, stretch = (), None, 0.0, None
    if main is None:
        # A regular run outside the clonus band (e.g. tremor at 9-12 Hz)?
        first, n_r = clonic_run(b.centre_s, b.duration_s, band_hz=(1.0, 20.0))
        if n_r >= 3:
            iv = np.diff(b.centre_s[first : first + n_r])
            f_r = 1.0 / float(np.median(iv))
            if (f_r < lo or f_r > hi) and float(
                np.std(iv) / np.mean(iv)
            ) <= cfg.episodes.clonus_max_cv:
                classification = "rhythmic_not_clonus"
                reason = f"{n_r} regular EMG bursts at {f_r:.2f} Hz, outside {lo:g}-{hi:g} Hz"
                rhythm_hz = f_r
    hold = rec.duration_s - stretch if stretch is not None else None
    sustained = bool(
        beats
        and main is not None
        and hold is not None
        and hold >= cfg.sustained_min_hold_s
        and beats[-1].end_s is not None
        and beats[-1].end_s >= rec.duration_s - cfg.sustained_last_s
    )
    n_beats = len(beats)
    grades = (
        _grades(n_beats, duration, sustained, hold, warnings)
        if classification != "indeterminate"
        else {}
    )
    runs = () if declined else tuple(
        Run(e.start_s, e.end_s, e.n_clonic_bursts, e.frequency_hz)
        for e in eps
        if e.kind in ("clonus", "mixed")
    )
    metrics = {
        "emg_method": cfg.bursts.method,
        "emg_clinical_method": minfo["method"],
        "emg_modulation": {k: v for k, v in minfo.items() if k != "method"},
        "emg_band_hz": list(cond.band_hz),
        "mains_hz": cond.mains_hz,
        "n_bursts_total": len(b),
        "bursts": b.to_dicts(scale=1e6),
        "episodes": [e.to_dict(scale=1e6) for e in eps],
        "noise_floor_uV": float(np.median(b.floor) * 1e6) if len(b) else None,
        "mean_beat_rms_uV": float(np.mean([bt.amplitude for bt in beats])) if beats else None,
        "mean_burst_duration_s": float(np.mean([bt.end_s - bt.time_s for bt in beats]))
        if beats
        else None,
        "hold_duration_s": hold,
    }
    if train is not None:
        metrics["emg_beat_train"] = train
    if rhythm_hz is not None:
        metrics["rhythm_frequency_hz"] = float(rhythm_hz)
    if responses:
        metrics["responses"] = [
            {"number": k + 1, "start_s": e.start_s, "end_s": e.end_s, "n_bursts": e.n_bursts,
             "n_clonic_bursts": e.n_clonic_bursts, "frequency_hz": e.frequency_hz,
             "kind": e.kind, "reported": e is main}
            for k, e in enumerate(responses)
        ]
    return Assessment(
        n_beats=n_beats,
        beats=beats,
        amplitude_unit="uV",
        frequency_hz=freq,
        clonus_duration_s=duration,
        sustained=sustained,
        stretch_onset_s=stretch,
        classification=classification,
        reason=reason,
        grades=grades,
        pathological=classification == "clonus",
        channel=name,
        fs_hz=fs,
        software_version=__version__,
        signal_kind="emg",
        runs=runs,
        metrics=metrics,
        config=cfg.to_dict(),
        warnings=tuple(warnings),
        source=rec.source,
        trace=trace,
        spectrum=spectrum,
    )


def combine(
    motion_assessment: Assessment, emg_recording: Recording, *, config: EmgConfig | None = None
) -> Assessment:
    """Add EMG confirmation to a motion assessment; the motion beats stay primary.

    Each motion beat (a dorsiflexion peak) is *confirmed* when an EMG burst onset lies between
    ``match_tolerance_s`` before it and a quarter of that after it. The result is the motion
    assessment with ``metrics["emg"]`` = ``{n_bursts, n_clonic_bursts, frequency_hz,
    classification, confirmed_beats, confirmed_fraction, median_lag_s, channel}`` and a warning
    when fewer than half the motion beats are confirmed or the two classifications disagree.

    Parameters
    ----------
    motion_assessment : Assessment
        From :func:`clonus.detect.motion.assess_motion`.
    emg_recording : Recording
        The EMG channels of the same recording (same time base).
    config : EmgConfig, optional
        EMG settings.

    Returns
    -------
    Assessment
        A copy of ``motion_assessment`` with the EMG metrics and warnings added.
    """
    cfg = config or EmgConfig()
    emg = assess_emg(emg_recording, config=cfg)
    onsets = (
        np.array([bd["onset_s"] for bd in emg.metrics.get("bursts", [])])
        if emg.metrics
        else np.zeros(0)
    )
    beat_t = np.array([bt.time_s for bt in motion_assessment.beats])
    lags = []
    confirmed = 0
    tol = cfg.match_tolerance_s
    for t in beat_t:
        d = t - onsets  # positive: burst before the beat
        ok = (d <= tol) & (d >= -tol / 4)
        if ok.any():
            confirmed += 1
            lags.append(float(d[ok][np.argmin(np.abs(d[ok]))]))
    frac = confirmed / beat_t.size if beat_t.size else None
    info = {
        "channel": emg.channel,
        "classification": emg.classification,
        "n_bursts": int(emg.metrics.get("n_bursts_total", 0)) if emg.metrics else 0,
        "n_clonic_bursts": emg.n_beats,
        "frequency_hz": emg.frequency_hz,
        "confirmed_beats": confirmed,
        "confirmed_fraction": frac,
        "median_lag_s": float(np.median(lags)) if lags else None,
        "reason": emg.reason,
    }
    warns = list(motion_assessment.warnings) + [f"EMG: {w}" for w in emg.warnings]
    if frac is not None and frac < 0.5:
        warns.append(f"EMG bursts confirm only {confirmed} of {beat_t.size} motion beats")
    if emg.classification not in ("indeterminate",) and (
        (emg.classification == "clonus") != (motion_assessment.classification == "clonus")
    ):
        warns.append(
            f"EMG analysis says {emg.classification!r}, motion says "
            f"{motion_assessment.classification!r}"
        )
    metrics = dict(motion_assessment.metrics)
    metrics["emg"] = info
    return dataclasses.replace(motion_assessment, metrics=metrics, warnings=tuple(warns))

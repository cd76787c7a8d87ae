"""Ankle-clonus test analysis from motion signals (phone/IMU gyroscope or accelerometer,
goniometer).

Pipeline (details, departures and limits in ``docs/motion.md``):

1. Pick the motion source: a goniometer angle if present, else the gyroscope (1 or 3 axes),
   else the accelerometer. Several sensors (e.g. left and right foot) are grouped by channel
   name; the one with the most movement is analysed.
2. Check signal quality: sampling rate, duration, dropouts (NaN gaps, frozen samples),
   clipping/saturation, impacts. Any problem -> ``indeterminate`` with the reason.
3. Orientation-free angle: the ankle's plantar/dorsiflexion axis is the first principal
   component of the angular velocity in the analysis band (2.5-10 Hz); the projected angular
   velocity is integrated (median bias removed) and high-passed to remove residual drift.
   Dorsiflexion is made positive from the direction of the examiner's stretch (the largest
   excursion).
4. Stretch: the first brisk dorsiflexion (velocity >= ``stretch_min_velocity_deg_s`` and
   excursion >= ``stretch_min_excursion_deg``); its onset and peak.
5. Beats: dorsiflexion peaks after the stretch peak (prominence >= 0.5 deg, >= 80 ms apart),
   grouped into runs; frequency = 1 / median inter-beat interval (>= 3 beats).
6. Hold and release, sustained (peak-to-peak > 1 deg in the last second of a hold >= 10 s),
   decay rate, regularity, spectrum.
7. Classification (clonus / no_clonus / rhythmic_not_clonus / indeterminate) and grades.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from .._validation import check_option, check_positive
from .._version import __version__
from ..exceptions import ClonusError, InvalidParameterError
from ..grade.grading import GradingConfig, grade_all
from ..model import Assessment, Beat, Recording, Run, Trace
from ..signal.filters import bandpass, gaussian_lowpass, highpass, lowpass
from ..signal.integrate import integrate, integrate_bandlimited, upsample
from ..signal.orientation import principal_axis, project
from ..signal.spectral import peak_frequency, power_spectrum
from ..units import require_unit
from ._channels import axis_stem
from .acc_angle import DEFAULT_RADIUS_M, fit_acc_angle
from .beats import Peaks, drop_peaks, find_dorsiflexion_peaks, fit_decay, group_runs
from .cycles import count_cycles
from .quality import _MAX_ABS, _runs, check_quality

__all__ = ["MotionConfig", "DEFAULT_MOTION", "MotionAngle", "assess_motion", "motion_angle"]

logger = logging.getLogger("clonus")

_G0 = 9.80665
#: fraction of the largest 0.25 s excursion that marks the examiner's stretch (sign finding)
_SIGN_FRACTION = 0.3
#: clonus beating this long (s) after an apparent release, to the end, shows the hold went on
_HOLD_EVIDENCE_S = 3.0
#: power above the clonus range / inside it above which an irregular (interval CV > 0.15),
#: spread-out (spectral concentration < 0.5) oscillation is broadband movement (shivering),
#: not clonus; simulated clonus stayed below 0.24 (noisy goniometer), shivering was 0.44-0.76
_BROADBAND_FAST_RATIO = 0.35
#: share of beat cycles with an impact that marks tapping/stepping, and the impact level (g)
_SINE_PP_PER_RMS = 2.0 * np.sqrt(2.0)  # peak-to-peak of a sinusoid per its RMS
_STRIKE_FRACTION = 0.75
_STRIKE_G = 0.5
#: ... counted only when the cycles bottom out within this fraction of the stretch excursion
#: above the rest level before the stretch: a toe strike is the floor the foot rested on, while
#: during the test the examiner holds the foot up and the beats hang from the held level. A quick
#: twitch (plantarflexion falling in 20-45 ms) gives 1-5 g above 20 Hz from its rotation alone.
#: Simulated tapping (negatives, 300 cases) bottomed at most 0.42 excursions above rest; an
#: independent generator's held sharp beats taken for strikes 0.5-0.97 (released ones,
#: whose foot falls back to rest, stay vetoed: a documented limit)
_STRIKE_LEVEL_FRACTION = 0.5
#: ... or in this share of the cycles when the cycles bottom out at the rest level (within
#: _FLOOR_LEVEL_FRACTION of the excursion) with bottoms at most this fraction as variable as the
#: tops: a 60 Hz toe strike sampled at 100 Hz showed in 11 of 16 cycles
_STRIKE_FRACTION_ON_FLOOR = 0.5
_STRIKE_FLOOR_STEADINESS = 0.25
#: ... and not at all when every beat comes after a detected release and the median beat is
#: below this fraction of the stretch excursion: a tap lifts the toes about as high as the
#: first lift (simulated tapping vetoed by strikes, 16 seeds x 40: median beat 0.3-0.84 x the
#: first lift, bar one 0.04 whose beats lay before its "release"), whereas a foot the examiner
#: let go falls back to rest and rebounds in beats much smaller than the stretch (independent
#: generator, released sharp beats vetoed as strikes: 0.09-0.22 x)
_STRIKE_RELEASED_BEAT_FRACTION = 0.25
#: power above the clonus range / inside it below which a gyroscope is free of examiner tremor
_CLEAN_FAST_RATIO = 0.05
_CLEAN_FAST_SKIP_S = 0.3  # s after the stretch peak left out of the clean-gyroscope fast check
_RELEASE_RECOVERY_S = 1.0  # s: a fall recovered within this time was not a release
_MAX_DROPOUT_FRACTION = 0.25  # of the recording lost in dropouts: indeterminate at once
#: a regular run of >= 6 beats may start this long (s) after the stretch peak or the kick
_LATE_FIRST_RUN_S = 1.5
#: a run's fading tail may drop single cycles under the beat threshold while the foot keeps
#: beating at the same period (reflex-model section 8 labels every dorsiflexion peak >= 0.5 deg,
#: so its beat list then skips cycles): later peaks up to this many periods apart are still
#: beats of the run, when they fall within _TAIL_PHASE_TOLERANCE of a whole number of periods
_TAIL_MAX_SKIPPED_PERIODS = 3
_TAIL_PHASE_TOLERANCE = 0.25  # fraction of the period
_TAIL_MIN_RUN_BEATS = 5  # the period must be known from at least 4 intervals
#: largest plausible distance (m) of a foot-worn sensor from the ankle axis (foot ~0.25 m)
_MAX_RADIUS_M = 0.3
#: window (s) before a stretch onset in which the foot must be at rest (moved < the stretch)
_REST_WINDOW_S = 0.3
#: internal rate (Hz) for integrating the gyroscope and locating beat extremes
_INTERNAL_FS_HZ = 400.0
# repeated tests in one recording (repetitions.py): a later push needs 0.5 s of quiet foot
# before it; its part starts 0.5 s (the longest beat interval) after the previous test's last
# beat, and at least 0.6 s before its onset (rest for the stretch finder); the previous part
# ends 0.1 s before it
_QUIET_BEFORE_TEST_S = 0.5
_TEST_PRE_S = 0.6
_TEST_GAP_S = 0.1
_TEST_SETTLE_S = 0.5
# a clonus test before or after walking or a knock (_assess_outside): the part holding it must
# last this long, its response must end this long before a left-out span, and a knock's span
# is widened by this margin (ringing, the foot settling), in s
_MIN_PART_OUTSIDE_S = 3.0
# a rhythm without a stretch whose first cycle is this close to the recording start may be a
# clonus whose stretch was not recorded: say so, in s
_RHYTHM_AT_START_S = 1.0
# a stretch starting before min_pre_stretch_s (no rest seen before it) is taken only when the
# beats' median is under 1/_EARLY_STRETCH_RATIO of it (assess_motion)
_EARLY_STRETCH_RATIO = 2.5
# ... and only when it starts from rest within the recording: onset >= this, in s
_EARLY_MIN_ONSET_S = 0.03
# the foot moving down by this fraction of the stretch excursion within one beat period before
# the stretch onset makes the "stretch" the upswing of an ongoing oscillation (a tremor spell,
# shivering), not a push from rest. Simulated pushes (1200 reflex trials, 445 called clonus)
# reached at most 0.15; tremor and shivering taken for clonus on the negatives 0.36-0.99
_PRE_STRETCH_DROP_FRACTION = 0.3
# the first this many beats all larger than the stretch excursion: not set off by it (unless
# hand-bound). On our simulator (1200 trials) only one clonus trial had its first 3 beats over
# 0.9 x the stretch, and the hand-bound check accepted it; the postural tremor taken for clonus
# on the negatives had 1.1-1.4 x
_FIRST_BEATS_OVER_STRETCH = 3
# a rise faster than stretch_min_rise_s or with power above 20 Hz is still a push (a position
# servo's ramp) when the foot stays up after it and the >20 Hz velocity stays under this
# multiple of its peak: ramps of 10-30 ms gave 0.5-0.9 (2.0 for an implausible 800 deg/s
# ramp), a 30 Hz tap's ringing 2.8-4.3
_PUSH_MAX_HF_RATIO = 1.5
# toes tapping the floor: every beat comes back down to the rest level seen before the
# "stretch" (within this fraction of its excursion), the bottoms stay steadier than the tops
# (std ratio below this: a floor stops the foot, while during a clonus test the examiner's
# hand bounds the top), and the beats are as large as the first lift (median >= this fraction
# of it). Simulated clonus with such large beats bottomed 0.35-2.1 excursions below the rest
# level (one released 4-beat trial at 0.07, with bottoms 18 x as variable as its tops)
_FLOOR_LEVEL_FRACTION = 0.2
_FLOOR_STEADINESS = 0.65
_FLOOR_BEAT_FRACTION = 0.6
# ... and the tops vary by at least this fraction of the beats' median size (a voluntary lift
# varies in height, 10-20 % in the negatives' tapping); beats of constant size bounded by a
# steady hand say nothing about a floor
_FLOOR_TOP_VARIATION = 0.08
# toes tapping without an accelerometer to hear them (gyroscope alone, goniometer) and with a
# drifting integrated angle, which blurs the all-bottoms test above: the first lift ("stretch")
# falls straight back to the rest level seen before it - within _RETURN_LEVEL_FRACTION of its
# excursion, measured before drift has built up - the larger half of the beats rises about as
# high as that lift (upper quartile >= _RETURN_BEAT_FRACTION of it) and no cycle bottoms out
# more than _RETURN_MAX_DROP of the excursion below the one before (a floor stops the foot),
# while the lifts vary in height (median change between consecutive tops, stretch peak
# included, >= _RETURN_TOP_VARIATION of the upper-quartile beat: voluntary lifts vary; the
# negatives' tapping >= 0.035, the analytic held test of tests/detect/test_accuracy_fixes.py,
# whose 10 deg beats hang from a steady 12 deg hold down to 2 deg above rest, <= 0.006).
# In the clonus test the examiner holds the foot up: with beats that large the reflex kick
# throws it 0.5-2.7 excursions below rest (simulated held trials), and a released foot drops
# into plantarflexion. Negatives foot_tapping, 16 seeds x 40 (453 cases with beats >= 0.6 x
# the lift): first low point -0.04 excursions from rest (median; 5-95 % -0.32 to +0.05; the
# gyroscope/goniometer cases called clonus -0.19 to +0.06), largest drop 0.05 (95 %: 0.46;
# those cases <= 0.23). Simulator, 6 seeds x 200 (443 called clonus): 9 with upper-quartile
# beats >= 0.6 x the stretch came back to within 0.3 excursions of rest, all released, and 8
# of them then dropped 0.99-2.35 excursions; the ninth has beats of 0.51 x the stretch.
_RETURN_LEVEL_FRACTION = 0.25
_RETURN_BEAT_FRACTION = 0.7
_RETURN_MAX_DROP = 0.5
_RETURN_TOP_VARIATION = 0.02
# an accelerometer-only recording longer than this (s) is analysed on its parts with movement:
# the rotating-sensor fit over a long record with posture changes drifted (one simulated test
# in 26 min of rest and walking: right on a 25 s crop, wrong on the whole); still stretches of
# >= _MIN_QUIET_S are left out, keeping _QUIET_PAD_S of rest beside the movement
_LONG_ACC_S = 60.0
_MIN_QUIET_S = 10.0
_QUIET_PAD_S = 3.0
_MAX_MOVEMENT_PARTS = 60  # more: a day of wear, not a test session (each part is fitted)
_RESPONSE_CLEAR_S = 1.0
_ARTEFACT_MARGIN_S = 1.0


@dataclass(frozen=True)
class MotionConfig:
    """Parameters of the motion clonus-test analysis (all defaults cited in ``docs/motion.md``).

    Parameters
    ----------
    band_hz : (float, float)
        Analysis band, in Hz: clonus 3-8 Hz widened to 2.5-10 Hz (clinical reference section 10).
        Used to find the ankle axis and for the spectrum and rhythm checks.
    clonus_frequency_hz : (float, float)
        A run is clonus only if its frequency lies here, in Hz. Ankle clonus 3-8 Hz, slowing by
        up to 2 Hz at onset/end (Wallace 2012; Boyraz 2015; clinical reference 1.1); the upper
        limit 8.5 Hz keeps most examiner hand tremor (8-12 Hz, reflex-model section 7) out.
    beat_lowpass_hz : float
        Low-pass applied to the angle before peak picking, in Hz (above the band so that an
        8 Hz clonus keeps >= 96 % of its amplitude).
    drift_highpass_hz : float
        High-pass removing gyroscope integration drift before peak picking, in Hz. 0.03 Hz
        (time constant ~5 s): a higher cut-off rings after a held 10-25 deg stretch and
        makes or breaks 0.5 deg peaks (0.3 Hz counted mechanical rebounds as beats in the
        simulated benchmark); gyroscope bias drift (< 0.05 deg/s on phones) is this slow and
        barely changes a prominence. Accelerometer-derived angles keep >= 0.3 Hz.
    min_prominence_deg : float
        Beat peak prominence, in degrees (shared beat definition, reflex-model section 8).
    min_beat_interval_s : float
        Minimum spacing of beats, in seconds (shared beat definition: 80 ms).
    max_beat_interval_s : float
        A longer gap ends a run, in seconds (0.5 s = 2 Hz: the band's lower edge minus the slowing
        at the end of a run, Wallace 2012).
    max_first_beat_delay_s : float
        The first run counts only if its first beat follows the stretch peak within this time,
        in seconds (the first clonus period is the longest, about 0.2-0.4 s; Boyraz 2015).
    max_interval_change : float
        A run also ends when an interval differs from the run's median interval by more than this
        fraction (clonus periods change gradually, Wallace 2012; noise peaks do not keep a rhythm).
    adaptive_lowpass_factor : float
        The peak-picking low-pass is lowered to this multiple of the dominant post-stretch
        frequency (between 7 Hz and ``beat_lowpass_hz``) when that frequency is clear: a 4th-order
        zero-phase Butterworth at 1.6 x f0 keeps >= 97 % of the clonus fundamental and
        suppresses examiner tremor (8-12 Hz) and noise above it. 0 disables it. Not applied
        to a clean gyroscope (noise x ``noise_factor`` <= half the beat threshold and power
        above the clonus range < 5 % of that inside it), whose small beats keep their shape.
    noise_factor : float
        The prominence threshold is raised to this many standard deviations of the sensor
        noise in the peak-picking signal when that is above ``min_prominence_deg`` (noisy
        goniometers at low sampling rates); the threshold used is in ``metrics``.
    min_later_run_beats : int
        A later run (after a gap) is counted only with at least this many beats.
    range_check_min_beats : int
        Beats whose frequency is outside ``clonus_frequency_hz`` are called rhythmic but not
        clonus only from this many beats on. In a released test the foot, free of the
        examiner's hand, rebounds faster (9-10 Hz in the simulator), and with 3-5 beats those
        rebounds set the median interval; examiner hand tremor lasts through the hold
        (6 seeds x 200 simulated trials: count +0.3 points, negatives unchanged).
    resumed_run_gap_s, resumed_run_prominence_factor : float, float
        A later run starting more than ``resumed_run_gap_s`` seconds after the last counted
        beat is counted only if its median peak prominence is at least this multiple of the
        noise threshold (``noise_factor`` x the noise RMS). Sensor noise near the beat
        threshold (a 0.3 deg goniometer at 50 Hz) throws up short spells of peaks that pass the
        rhythm test by chance (simulated held trials with a flat true angle); on a clean
        sensor, small clonus that waxes and wanes (0.5-0.75 deg beats of a marginally stable
        loop) is well above the noise and keeps its later runs.
    clonus_run_min_beats, clonus_run_min_pp_deg : int, float
        The classification is ``clonus`` only with a run holding at least this many beats
        larger than this peak-to-peak amplitude, in degrees (reflex-model section 8: >= 3
        consecutive beats with peak-to-peak > 1 deg; clinical reference 3: "abnormal if >= 3
        beats"). Fewer or smaller beats are reported as beats with ``no_clonus``.
    small_beats_max_cv : float
        Beats that are all no larger than ``clonus_run_min_pp_deg`` are still ``clonus`` when
        there are as many as the bedside threshold (``grading.bedside_threshold_beats``), but
        only if their intervals (those the frequency is measured on: skipped cycles left out)
        vary by at most this coefficient of variation (std/mean): clonus periods change
        gradually (Wallace 2012; clinical reference 1.1), while peaks of noise or of a tremor's
        envelope near the beat threshold come irregularly. 0.25 is the regularity ``_rhythm``
        asks of an ongoing oscillation; the examiner-tremor negative it was made for had 0.40.
        Tuned on our simulator and negatives (docs/motion.md), not on patient data.
    stretch_min_velocity_deg_s : float
        Dorsiflexion velocity that marks a brisk stretch, in deg/s. Examiner stretches run at
        100-300 deg/s (reflex-model section 7; Tardieu V3 "as fast as possible"). 60 deg/s keeps
        a margin below the slowest stretch of the simulated benchmark (71 deg/s) while slow
        voluntary positioning of the foot (a lift into a posture, after which a postural tremor
        can start) is not taken as the stretch (benchmarks/negatives: 40 deg/s let 45-56 deg/s
        lifts through).
    stretch_min_excursion_deg : float
        Minimum dorsiflexion excursion of the stretch, in degrees (weak pushes gave 2.5 deg in
        the reference simulator, reflex-model T10).
    stretch_min_rise_s : float
        A stretch takes at least this long from onset to peak, in seconds (examiner pushes last
        60-150 ms, reflex-model section 7); shorter "stretches" are knocks.
    stretch_to_beat_ratio : float
        The stretch excursion must be at least this multiple of the median beat amplitude
        (beats while the stretch is held; after a release the free foot's rebounds are not
        compared); otherwise the "stretch" is just one cycle of an ongoing oscillation (tremor).
    stretch_max_excursion_deg : float
        Largest plausible excursion of an examiner's stretch, in degrees. The ankle's whole
        sagittal range is about 65-70 deg (dorsiflexion ~20, plantarflexion ~50 deg; AAOS
        normal values), and the stretch goes from a relaxed rest position to dorsiflexion, so
        a faster "stretch" of more than 50 deg is the whole foot swinging (gait, a leg
        movement, the phone being moved), not a clonus test; it is skipped as a stretch.
    min_pre_stretch_s : float
        A stretch must start at least this long after the start of the recording, in seconds:
        without seen rest before it, a stretch cannot be told from one cycle of an ongoing
        movement (tremor, gait) and the pre-stretch rhythm check cannot run. Such a candidate
        is skipped (the next one is then checked with the movement before it in view).
        The simulated tests start the push at >= 0.4 s. Half of it applies to an
        accelerometer-derived angle, whose zero-phase filters show the onset up to ~0.25 s
        early (a simulated push at 0.4 s appeared at 0.23 s). A
        candidate is also skipped when the angle moved more than its excursion in the 0.3 s
        before it: not a push from rest.
    pre_oscillation_fraction : float
        The beats are tremor, not clonus, when an oscillation at their frequency was already
        present before the stretch with at least this fraction of their median peak-to-peak
        amplitude and at least ``min_prominence_deg`` (a beat's size: smaller fitted values are
        sensor noise; in the simulated benchmark the fraction stayed <= 0.34 and the fitted
        value <= 0.47 deg before true clonus) in the 0.5 s before the onset. Clonus is
        stretch-triggered: before the stretch the relaxed foot is quiet (clinical reference
        section 3); an examiner's hand tremor or a patient's tremor is there already.
    pre_stretch_window_s : float
        Window before the stretch onset checked for an ongoing rhythm, in seconds. Earlier
        in the recording, a rhythm at the frequency of the post-stretch beats (+-1 Hz) also
        marks them as the same ongoing tremor (rest tremor comes and goes in spells of
        seconds and may be off just before the stretch).
    hold_fraction : float
        The stretch counts as released when the slow angle falls by this fraction of the
        stretch excursion (within ``release_window_s``).
    release_window_s : float
        A release is a return of at least ``hold_fraction`` x the excursion within this time, in
        seconds (an examiner letting go; gyroscope drift is much slower).
    sustained_hold_s : float
        Hold duration needed to call clonus sustained, in seconds (Tardieu 10 s).
    sustained_window_s : float
        Window at the end of the hold checked for ongoing clonus, in seconds (reflex-model 8).
    sustained_min_pp_deg : float
        Peak-to-peak amplitude in that window that counts as ongoing clonus, in degrees.
    min_duration_s : float
        Shorter recordings are indeterminate, in seconds.
    max_duration_s : float
        Longer recordings are indeterminate, in seconds (default 2 h): a clonus test lasts
        seconds to minutes, and hours of data belong to ``clonus monitor`` (clonus episodes
        over the day), which streams them; the test analysis holds the whole recording and
        several derived signals in memory.
    min_fs_hz : float
        Lower sampling rates are indeterminate, in Hz. Default 25 Hz: the Nyquist frequency
        (12.5 Hz) stays above the 10 Hz top of the analysis band, so 30 fps phone video can be
        assessed. Below ``validated_fs_hz`` a warning says accuracy was not validated.
    validated_fs_hz : float
        Lowest rate of the accuracy validation (50 Hz, docs/benchmarks.md), in Hz.
    max_gap_s : float
        NaN gaps up to this length are interpolated, in seconds; longer gaps are dropouts.
    frozen_s : float
        Identical consecutive gyro/acc samples for this long are a dropout, in seconds.
    clip_run_s : float
        Samples stuck at the channel extreme for this long are clipping, in seconds.
    max_angular_velocity_deg_s : float
        Faster rotation is not an ankle movement (drop or knock), in deg/s.
    max_acc_g : float
        Larger accelerations (in g) are an impact (drop or knock).
    gait_min_cycles : int
        This many large (>= 2 x stretch excursion) cycles at 0.3-2.5 Hz mean gait or voluntary
        movement, not a clonus test.
    acc_radius_m : float or None
        Accelerometer-only input: distance from the ankle axis to the sensor, in metres, which
        converts tangential acceleration to angle. None (default): estimated from the
        examiner's stretch (:func:`clonus.detect.acc_angle.estimate_radius`), 0.10 m when the
        data do not show it (reflex-model section 6 reference; phones on the dorsum of the
        foot sit 0.08-0.15 m from the axis). With the radius fixed at 0.10 m, sensors at 0.06
        and 0.15 m lost 10-13 points of beat-count accuracy. Amplitudes from the
        accelerometer alone are estimates; the radius used is in ``metrics``.
    gravity_fusion : bool
        Phone/IMU with gyroscope and accelerometer: take the angle's slow part (below
        ``fusion_crossover_hz``) from the direction of gravity and the rest from the integrated
        gyroscope (a complementary filter). The angle then keeps the real slow movement of the
        foot (a sagging hold, a release) without gyroscope drift, so no drift high-pass is
        needed before peak picking; a high-pass tilts the beats that follow a held stretch and
        shrinks their prominence by up to 0.2 deg (simulated trials). Skipped, with a note,
        when the ankle axis is within 30 deg of vertical (gravity then barely turns) or the
        two disagree.
    fusion_crossover_hz : float
        Crossover of the complementary filter, in Hz: well below the clonus band (tangential
        acceleration at 3-8 Hz would otherwise read as tilt) and above gyroscope bias drift.
    dorsiflexion_sign : {"auto", "positive", "negative"}
        Sign of dorsiflexion in the input. ``auto``: the direction of the largest excursion (the
        examiner's stretch).
    source : {"auto", "angle", "gyro", "acc"}
        Which sensor kind to analyse (auto: angle, else gyro, else acc).
    split_tests : bool
        Find repeated tests in one recording (push, hold, release, push again) and analyse each
        on its own part (:mod:`clonus.detect.repetitions`). A later test needs the foot back
        down (to within ``1 - hold_fraction`` x the previous excursion of where the previous
        push started), quiet for 0.5 s before its push, and ``min_test_spacing_s`` since the
        previous push.
    min_test_spacing_s : float
        Shortest time between the pushes of two tests, in s: an examiner lets go, waits and
        takes the foot again, which takes seconds; faster repeated dorsiflexion is voluntary
        movement (foot tapping), not repeated tests.
    test_number : int or None
        With several tests: report this one (1 = first). None: the strongest response.
    grading : GradingConfig
        Grading choices (bedside threshold etc.).
    """

    band_hz: tuple[float, float] = (2.5, 10.0)
    clonus_frequency_hz: tuple[float, float] = (2.5, 8.5)
    beat_lowpass_hz: float = 12.0
    drift_highpass_hz: float = 0.03
    min_prominence_deg: float = 0.5
    min_beat_interval_s: float = 0.08
    max_beat_interval_s: float = 0.5
    max_first_beat_delay_s: float = 0.6
    max_interval_change: float = 0.6
    noise_factor: float = 3.5
    adaptive_lowpass_factor: float = 1.6
    min_later_run_beats: int = 4
    range_check_min_beats: int = 6
    resumed_run_gap_s: float = 1.0
    resumed_run_prominence_factor: float = 1.5
    clonus_run_min_beats: int = 3
    clonus_run_min_pp_deg: float = 1.0
    small_beats_max_cv: float = 0.25
    stretch_min_velocity_deg_s: float = 60.0
    stretch_min_excursion_deg: float = 2.0
    stretch_to_beat_ratio: float = 1.5
    stretch_min_rise_s: float = 0.04
    stretch_max_excursion_deg: float = 50.0
    min_pre_stretch_s: float = 0.3
    pre_oscillation_fraction: float = 0.4
    pre_stretch_window_s: float = 2.0
    hold_fraction: float = 0.5
    release_window_s: float = 0.6
    sustained_hold_s: float = 10.0
    sustained_window_s: float = 1.0
    sustained_min_pp_deg: float = 1.0
    min_duration_s: float = 1.0
    max_duration_s: float = 7200.0
    min_fs_hz: float = 25.0
    validated_fs_hz: float = 50.0
    max_gap_s: float = 0.05
    frozen_s: float = 0.1
    clip_run_s: float = 0.01
    max_angular_velocity_deg_s: float = 1500.0
    max_acc_g: float = 8.0
    gait_min_cycles: int = 4
    acc_radius_m: float | None = None
    gravity_fusion: bool = True
    fusion_crossover_hz: float = 0.25
    dorsiflexion_sign: str = "auto"
    source: str = "auto"
    split_tests: bool = True
    min_test_spacing_s: float = 2.0
    test_number: int | None = None
    grading: GradingConfig = field(default_factory=GradingConfig)

    def __post_init__(self) -> None:
        for name in (
            "beat_lowpass_hz",
            "drift_highpass_hz",
            "min_prominence_deg",
            "min_beat_interval_s",
            "max_beat_interval_s",
            "max_first_beat_delay_s",
            "stretch_min_velocity_deg_s",
            "stretch_min_excursion_deg",
            "stretch_to_beat_ratio",
            "pre_stretch_window_s",
            "release_window_s",
            "sustained_hold_s",
            "sustained_window_s",
            "sustained_min_pp_deg",
            "min_duration_s",
            "max_duration_s",
            "min_fs_hz",
            "validated_fs_hz",
            "max_gap_s",
            "frozen_s",
            "clip_run_s",
            "max_angular_velocity_deg_s",
            "max_acc_g",
            "stretch_min_rise_s",
            "stretch_max_excursion_deg",
            "min_pre_stretch_s",
            "pre_oscillation_fraction",
            "max_interval_change",
            "noise_factor",
            "fusion_crossover_hz",
            "clonus_run_min_pp_deg",
            "small_beats_max_cv",
            "resumed_run_gap_s",
            "resumed_run_prominence_factor",
            "min_test_spacing_s",
        ):
            check_positive(name, getattr(self, name))
        if self.test_number is not None and (
            not isinstance(self.test_number, int) or self.test_number < 1
        ):
            raise InvalidParameterError(
                f"MotionConfig.test_number must be a positive integer or None, "
                f"got {self.test_number!r}."
            )
        for name in ("band_hz", "clonus_frequency_hz"):
            lo, hi = getattr(self, name)
            if not 0 < lo < hi:
                raise InvalidParameterError(
                    f"MotionConfig.{name} must be (low, high) with 0 < low < high, "
                    f"got {getattr(self, name)!r}."
                )
        if self.acc_radius_m is not None:
            check_positive("acc_radius_m", self.acc_radius_m)
        if not 0 < self.hold_fraction < 1:
            raise InvalidParameterError(
                f"MotionConfig.hold_fraction must be in (0, 1), got {self.hold_fraction!r}."
            )
        for name in ("clonus_run_min_beats", "range_check_min_beats"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise InvalidParameterError(
                    f"MotionConfig.{name} must be a positive integer, got {v!r}."
                )
        check_option("dorsiflexion_sign", self.dorsiflexion_sign, ("auto", "positive", "negative"))
        check_option("source", self.source, ("auto", "angle", "gyro", "acc"))
        if not isinstance(self.grading, GradingConfig):
            raise InvalidParameterError("MotionConfig.grading must be a GradingConfig.")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_MOTION = MotionConfig()


# --------------------------------------------------------------------------- source selection
# the axis at the end of a channel name: x/y/z, 1/2/3, or the names some phone apps give
# the gyroscope's axes (AndroSensor "GYROSCOPE Yaw/Pitch/Roll (rad/s)")
_SENSOR_WORD_RE = re.compile(
    r"[\s_\-.:]*(gyroscope|gyro|gyr|angvel|angular[\s_]*velocity|rotation[\s_]*rate|rotrate|"
    r"accelerometer|acceleration|accel|acc|linacc)$",
    re.IGNORECASE,
)


def _device(name: str) -> str:
    """The device part of a channel name, without the axis and the sensor word
    (``right_gyr_x`` and ``right_acc_x`` -> ``right``; ``gyro_x`` and ``acc_x`` -> ``""``)."""
    return _SENSOR_WORD_RE.sub("", axis_stem(name)).strip(" _-.:").lower()


def _pick_source(
    rec: Recording, cfg: MotionConfig, notes: list[str] | None = None
) -> tuple[str, list[int]]:
    kinds = [c.kind for c in rec.channels]
    order = ("angle", "gyro", "acc") if cfg.source == "auto" else (cfg.source,)
    for kind in order:
        idx = [i for i, k in enumerate(kinds) if k == kind]
        if not idx:
            continue
        groups: dict[str, list[int]] = {}
        for i in idx:
            groups.setdefault(
                axis_stem(rec.channels[i].name) if kind != "angle" else rec.channels[i].name, []
            ).append(i)
        if len(groups) == 1:
            return kind, next(iter(groups.values()))

        # several sensors: the one that moves most (robust spread of the finite samples)
        def spread(ii: list[int]) -> float:
            d = rec.data[ii]
            return float(
                sum(
                    np.nanpercentile(r, 95) - np.nanpercentile(r, 5)
                    for r in d
                    if np.isfinite(r).any()
                )
            )

        best = max(groups.values(), key=spread)
        if notes is not None:
            names = {k: _device(rec.channels[ii[0]].name) or k for k, ii in groups.items()}
            chosen = names[axis_stem(rec.channels[best[0]].name) if kind != "angle"
                           else rec.channels[best[0]].name]
            others = [v for v in names.values() if v != chosen]
            hint = (f" To analyse another, pick its channels (clonus assess --channel "
                    f"{others[0]}; channel={others[0]!r})." if others else "")
            notes.append(
                f"{len(groups)} {kind} sensors ({', '.join(names.values())}): analysed "
                f"{chosen!r}, the one that moved most.{hint}"
            )
        return kind, best
    raise InvalidParameterError(
        f"{rec.source or 'recording'}: no motion channel of kind {order} to assess; channel "
        f"kinds are {sorted(set(kinds))}. Use --channel or check the file's channel names and "
        "units (clonus info PATH)."
    )


#: in-band goniometer noise (deg) below which the goniometer is kept whatever the gyroscope
_GONIO_NOISE_FLOOR_DEG = 0.02


def _gyro_is_cleaner(rec: Recording, angle_idx: list[int], fs: float, cfg: MotionConfig):
    """Goniometer noise (deg) if a gyroscope in the same recording is much cleaner, else None.

    A goniometer is preferred (no drift), but a noisy one (e.g. 0.1 deg RMS at 60 Hz) blurs
    0.5-1 deg beats that the phone's gyroscope resolves. The gyroscope is used instead when the
    goniometer's in-band noise is > 0.02 deg and more than 5 x that of the integrated
    gyroscope. (The floor was 0.05 deg, a tenth of the beat threshold; but in-band noise falls
    with the sampling rate: the simulated 0.3 deg goniometer sampled at 1 kHz beside EMG has
    0.035 deg below 12 Hz, was kept, and lost 1-6 of 36 beats of 0.7 deg that its gyroscope
    counted exactly.)
    """
    gyr = [i for i, c in enumerate(rec.channels) if c.kind == "gyro"]
    if not gyr:
        return None
    x = rec.data[angle_idx[0]]
    if not np.isfinite(x).all():
        return None
    n_ang = _noise_in_band(np.rad2deg(x), fs, cfg.beat_lowpass_hz)
    if n_ang <= _GONIO_NOISE_FLOOR_DEG:
        return None
    _, gidx = _pick_source(rec, replace(cfg, source="gyro"))
    g = rec.data[gidx]
    if not np.isfinite(g).all():
        return None
    if g.shape[0] > 1:
        axis_v, _ = principal_axis(bandpass(g, fs=fs, band_hz=cfg.band_hz))
        g = project(g, axis_v)
    else:
        g = g[0]
    th = integrate_bandlimited(np.rad2deg(g - np.median(g)), fs=fs, min_fs_hz=_INTERNAL_FS_HZ)
    n_gyr = _noise_in_band(th, fs, cfg.beat_lowpass_hz)
    return float(n_ang) if n_ang > 5.0 * n_gyr else None


# --------------------------------------------------------------------------- angle
@dataclass
class MotionAngle:
    """Derived single-axis motion of the ankle (output of :func:`motion_angle`).

    Attributes
    ----------
    theta_deg : ndarray
        Plantar/dorsiflexion angle, in degrees, dorsiflexion positive (gyro: integrated, median
        bias removed; not high-passed).
    omega_deg_s : ndarray
        Angular velocity, in deg/s, dorsiflexion positive.
    beat_deg : ndarray
        Peak-picking signal, in degrees (low-passed; drift high-passed for gyro/acc).
    axis : list of float or None
        Unit rotation axis in the sensor frame (3-axis input), dorsiflexion positive.
    axis_explained : float or None
        Fraction of the band-passed angular-velocity variance along ``axis``.
    notes : list of str
        Warnings about the derivation.
    noise_deg : float
        White-noise RMS left in ``beat_deg``, in degrees.
    kind : str
        Sensor kind used (``gyro``, ``acc``, ``angle``).
    amp_deg : ndarray or None
        Low-passed angle without drift high-pass, for beat amplitudes, in degrees.
    drift_free : bool
        The angle has no integration drift (goniometer, or gyroscope fused with gravity), so
        peaks are picked without a drift high-pass.
    acc_fit : dict or None
        Accelerometer only: the rotating-sensor fit's diagnostics
        (:func:`clonus.detect.acc_angle.fit_acc_angle`), else None.
    """

    theta_deg: np.ndarray  # trace angle (deg), dorsiflexion positive
    omega_deg_s: np.ndarray  # angular velocity (deg/s), dorsiflexion positive
    beat_deg: np.ndarray  # drift-corrected, low-passed angle used for peaks
    axis: list[float] | None
    axis_explained: float | None
    notes: list[str]
    noise_deg: float = 0.0
    kind: str = "gyro"
    amp_deg: np.ndarray | None = None  # low-passed angle without high-pass, for amplitudes
    drift_free: bool = False
    acc_fit: dict | None = None


def gyro_bias(omega_rad_s: np.ndarray, *, fs: float, window_s: float = 0.2,
              min_still_s: float = 0.25, still_max_rad_s: float = 0.05) -> float:
    """Gyroscope bias (unit of ``omega``) from the first still stretch of the recording.

    The median of the whole signal is not the bias while the foot beats: clonus is asymmetric
    (dorsiflexion about 55 % of the period, Boyraz 2015), and at high reflex gain the slow
    phase can take most of the cycle, so the median angular velocity is off by tenths to
    several degrees per second (up to about 11 deg/s on simulated trials). Integrated, that
    tilts the angle by degrees per second and can even flip the sign found for dorsiflexion.
    The foot rests before the examiner's stretch: the bias is the mean angular velocity over
    the first run of at least ``min_still_s`` where the running standard deviation
    (``window_s`` windows) is within twice the quietest 10 % of the recording and below
    ``still_max_rad_s`` (about 3 deg/s: phone gyroscope noise is 0.3-0.7 deg/s, a 0.5 deg
    beat at 5 Hz moves at about 8 deg/s). Later still stretches (a hold that slowly sags) are
    used only when there is none before; with no stillness at all, the median.

    Parameters
    ----------
    omega_rad_s : ndarray
        Angular velocity about the ankle axis, in rad/s.
    fs : float
        Sampling rate, in Hz.
    window_s : float
        Window of the running standard deviation, in s.
    min_still_s : float
        Stillness needed for the estimate, in s.
    still_max_rad_s : float
        Largest running standard deviation that counts as still, in rad/s.

    Returns
    -------
    float
        Bias, in rad/s.
    """
    from scipy.ndimage import uniform_filter1d

    x = np.asarray(omega_rad_s, dtype=float)
    w = max(3, int(round(window_s * fs)))
    need = max(3, int(round(min_still_s * fs)))
    if len(x) < 2 * w:
        return float(np.median(x))
    m = uniform_filter1d(x, w, mode="nearest")
    sd = np.sqrt(np.maximum(uniform_filter1d(x * x, w, mode="nearest") - m * m, 0.0))
    still = sd <= min(2.0 * float(np.percentile(sd, 10)), still_max_rad_s)
    for a, b in _runs(still):
        if b - a >= need:
            return float(np.mean(x[a:b]))
    if still.sum() >= need:
        return float(np.mean(x[still]))
    return float(np.median(x))


def motion_angle(
    data: np.ndarray,
    *,
    fs: float,
    kind: str,
    config: MotionConfig = DEFAULT_MOTION,
    acc: np.ndarray | None = None,
) -> MotionAngle:
    """Derive the plantar/dorsiflexion angle and angular velocity from one sensor.

    Parameters
    ----------
    data : ndarray, shape (n_axes, n_samples)
        Gyroscope (rad/s), accelerometer (m/s^2) or angle (rad) channels of one sensor, SI.
    fs : float
        Sampling rate, in Hz.
    kind : {"gyro", "acc", "angle"}
        Sensor kind.
    config : MotionConfig
        Analysis parameters.
    acc : ndarray, shape (3, n_samples), optional
        Accelerometer of the same device (m/s^2, same rate) for ``kind="gyro"``: its gravity
        direction gives the angle's slow part (``MotionConfig.gravity_fusion``).

    Returns
    -------
    MotionAngle
    """
    cfg = config
    notes: list[str] = []
    axis = None
    expl = None
    acc_fit = None
    band = cfg.band_hz
    if data.shape[0] > 1:
        axis_v, expl = principal_axis(bandpass(data, fs=fs, band_hz=band))
        if expl < 0.05:  # nothing in the band: fall back to broadband movement
            axis_v, expl = principal_axis(highpass(data, fs=fs, cutoff_hz=0.2))
        x = project(data, axis_v)
        axis = [float(a) for a in axis_v]
    else:
        x = np.asarray(data[0], dtype=float)
    drift_free = kind == "angle"
    if kind == "gyro":
        omega = np.rad2deg(x - gyro_bias(x, fs=fs))
        theta = integrate_bandlimited(omega, fs=fs, min_fs_hz=_INTERNAL_FS_HZ)
        if cfg.gravity_fusion and acc is not None and axis is not None:
            fused, note = _gravity_fusion(theta, acc, np.asarray(axis), fs, cfg)
            if fused is not None:
                theta, drift_free = fused, True
            elif note:
                notes.append(note)
    elif kind == "angle":
        theta = np.rad2deg(x - x[0])
        omega = np.gradient(theta) * fs
    else:  # acc
        theta, acc_fit = _acc_angle(data, fs, cfg, x)
        omega = np.gradient(theta) * fs
        # the fitted angle is anchored to gravity (no integration drift), like the fused one
        drift_free = acc_fit is not None
        if acc_fit is not None:
            r = acc_fit["radius_m"]
            how = (
                "estimated from the stretch"
                if acc_fit["radius_estimated"]
                else "given" if cfg.acc_radius_m is not None
                else "the reference radius: the movement did not show a clearly different one"
            )
            notes.append(
                "accelerometer only: angle fitted to gravity's turn and the tangential and "
                f"centripetal acceleration of a sensor at {r:.3g} m from the ankle axis ({how}); "
                "amplitudes in degrees are approximate."
            )
        else:
            notes.append(
                "accelerometer only: angle from the tilt of gravity (below 1 Hz) and from "
                f"tangential acceleration with an assumed sensor radius of {_acc_radius(cfg):g} m "
                "(above 1 Hz); amplitudes in degrees are approximate."
            )
    # sign: dorsiflexion positive
    sign = 1.0
    if cfg.dorsiflexion_sign == "negative":
        sign = -1.0
    elif cfg.dorsiflexion_sign == "auto":
        # the examiner's stretch is the first large fast excursion: change of the (6 Hz
        # low-passed) angle over 0.25 s, which drift cannot produce. "Large" is >= 0.3 x the
        # largest such change, not the largest itself: the reflex kick that answers a brisk
        # stretch (and a release) can be up to 3 x larger than the stretch but comes later
        # (simulated trials: stretch >= 0.35 x the largest change; taking the largest one
        # flipped the sign in 10 % of trials)
        sm = lowpass(theta, fs=fs, cutoff_hz=6.0)
        lag = max(1, int(round(0.25 * fs)))
        # changes from the first sample count too: a push within the first 0.25 s (a recording
        # or another simulator's output that starts with the push) is otherwise only seen
        # through the reflex kick that follows it, and the sign came out flipped
        sm = np.concatenate([np.full(lag, sm[0]), sm])
        d = sm[lag:] - sm[:-lag]
        big = (
            np.flatnonzero(np.abs(d) >= _SIGN_FRACTION * np.max(np.abs(d)))
            if len(d)
            else np.array([0])
        )
        i = int(big[0])
        # follow that excursion to its local extreme before reading its sign
        j = i
        while j + 1 < len(d) and abs(d[j + 1]) >= abs(d[j]):
            j += 1
        sign = 1.0 if d[j] >= 0 else -1.0
    theta = sign * theta
    omega = sign * omega
    if axis is not None:
        axis = [sign * a for a in axis]
    beat, lp = _beat_signals(theta, fs, kind, cfg.beat_lowpass_hz, cfg, drift_free)
    return MotionAngle(
        theta,
        omega,
        beat,
        axis,
        expl,
        notes,
        _noise_in_band(theta, fs, cfg.beat_lowpass_hz),
        kind,
        lp,
        drift_free,
        acc_fit,
    )


def _gravity_fusion(
    theta_gyro_deg: np.ndarray, acc: np.ndarray, axis: np.ndarray, fs: float, cfg: MotionConfig
) -> tuple[np.ndarray | None, str | None]:
    """Complementary filter: gravity tilt about ``axis`` below the crossover, gyroscope above.

    The sensor turning by +theta about ``axis`` turns gravity, seen in the sensor frame, by
    -theta about the same axis. The tilt is read from gravity's component perpendicular to the
    axis (accelerometer low-passed at 2 Hz). Zero-phase Butterworth low- and high-pass at the
    same cut-off sum to exactly one (|H_lp|^2 + |H_hp|^2 = 1), so nothing is lost at the
    crossover. Returns (angle in deg, None) or (None, reason it was skipped).
    """
    fc = cfg.fusion_crossover_hz
    if acc.shape != (3, len(theta_gyro_deg)) or not np.isfinite(acc).all():
        return None, None
    if axis.shape != (3,):
        # a gyroscope with one or two axes (the others left out or lost): its rotation axis
        # cannot be placed in the accelerometer's 3-D frame
        return None, (
            f"the gyroscope has {axis.size} axes, not 3, so gravity cannot correct its drift; "
            "the angle's slow part is high-passed instead."
        )
    u = axis / np.linalg.norm(axis)
    g = lowpass(acc, fs=fs, cutoff_hz=2.0)
    with np.errstate(over="ignore", invalid="ignore"):
        gp = g - np.outer(u, u @ g)
        norm_p = np.linalg.norm(gp, axis=0)
    if not np.isfinite(norm_p).all():
        # values no accelerometer gives (1e300 m/s^2 in a damaged export): not gravity
        return None, (
            f"the accelerometer has values up to {float(np.max(np.abs(acc))):.3g} m/s^2, far "
            "beyond any sensor's range, so it cannot correct the gyroscope's drift; the angle's "
            "slow part is high-passed instead."
        )
    if float(np.median(norm_p)) < 0.5 * _G0 or float(np.min(norm_p)) < 0.2 * _G0:
        return None, (
            "the ankle axis is close to vertical, so gravity cannot correct the gyroscope's "
            "drift; the angle's slow part is high-passed instead."
        )
    gp = gp / norm_p
    g0 = np.median(gp[:, : max(1, int(0.2 * fs))], axis=1)
    g0 = g0 / np.linalg.norm(g0)
    phi = np.arctan2(u @ np.cross(np.broadcast_to(g0, gp.T.shape), gp.T).T, g0 @ gp)
    th_acc = -np.rad2deg(np.unwrap(phi))
    # the two must agree on the slow movement (the stretch and the release, 0.1-1 Hz)
    a = bandpass(th_acc, fs=fs, band_hz=(0.1, 1.0), order=2)
    b = bandpass(theta_gyro_deg, fs=fs, band_hz=(0.1, 1.0), order=2)
    den = float(np.sqrt(np.dot(a, a) * np.dot(b, b)))
    if not (0 < den < np.inf) or not float(np.dot(a, b)) / den >= 0.8:
        return None, (
            "the accelerometer's tilt and the gyroscope disagree (loose sensor or the foot "
            "moving in space); the angle's slow part is high-passed instead."
        )
    fused = lowpass(th_acc, fs=fs, cutoff_hz=fc) + highpass(theta_gyro_deg, fs=fs, cutoff_hz=fc,
                                                            order=4)
    return fused - fused[0], None


def _acc_radius(cfg: MotionConfig) -> float:
    """The sensor radius (m) of the filter fallback, which cannot estimate it."""
    return DEFAULT_RADIUS_M if cfg.acc_radius_m is None else cfg.acc_radius_m


def _acc_angle(
    data: np.ndarray, fs: float, cfg: MotionConfig, x: np.ndarray
) -> tuple[np.ndarray, dict | None]:
    """Angle (deg) from an accelerometer, and the model fit's diagnostics (None if not fitted).

    Fallback: gravity tilt below 1 Hz + tangential part above 1 Hz.

    Above 1 Hz the tangential acceleration r * d2(theta)/dt2 dominates (at 5 Hz, r w^2 is ten
    times g for r = 0.1 m) and is integrated twice and divided by ``acc_radius_m`` (0.10 m
    if not given). Below 1 Hz
    the foot's tilt is read from the direction of gravity: it rotates about the ankle axis,
    which is perpendicular to the arc the gravity direction sweeps. The two parts are joined
    with complementary zero-phase Butterworth filters (|LP|^2 + |HP|^2 = 1).

    With three axes measuring gravity, the angle is instead fitted to the rotating-sensor
    model (:func:`clonus.detect.acc_angle.fit_acc_angle`); the filters above are the fallback.
    """
    if data.shape[0] == 3:
        fit = fit_acc_angle(data, fs=fs, radius_m=cfg.acc_radius_m)
        if fit is not None:
            return fit
    xh = highpass(x, fs=fs, cutoff_hz=1.0)
    v = highpass(integrate(xh, fs=fs, remove_bias=True), fs=fs, cutoff_hz=1.0)
    th_hf = np.rad2deg(integrate(v / _acc_radius(cfg), fs=fs, remove_bias=True))
    th_hf = highpass(th_hf, fs=fs, cutoff_hz=0.5)
    if data.shape[0] != 3:
        return th_hf, None
    g = lowpass(data, fs=fs, cutoff_hz=2.0)
    norm = np.linalg.norm(g, axis=0)
    if not np.all(norm > 0.2 * _G0):
        return th_hf, None
    gh = g / norm
    m = gh.mean(axis=1)
    t1, _ = principal_axis(gh)
    u = np.cross(m, t1)
    if np.linalg.norm(u) < 1e-9:
        return th_hf, None
    u = u / np.linalg.norm(u)
    g0 = np.median(gh[:, : max(1, int(0.2 * fs))], axis=1)
    g0 = g0 / np.linalg.norm(g0)
    th_lf = np.rad2deg(np.arctan2(u @ np.cross(np.broadcast_to(g0, gh.T.shape), gh.T).T, g0 @ gh))
    b1 = bandpass(th_lf, fs=fs, band_hz=(0.5, 2.5), order=2)
    b2 = bandpass(th_hf, fs=fs, band_hz=(0.5, 2.5), order=2)
    if float(np.dot(b1, b2)) < 0:
        th_hf = -th_hf
    return lowpass(th_lf, fs=fs, cutoff_hz=1.0, order=4) + highpass(
        th_hf, fs=fs, cutoff_hz=1.0, order=4
    ), None


def _drift_highpass_hz(kind: str, cfg: MotionConfig) -> float:
    """Cut-off (Hz) of the drift high-pass before peak picking for an integrated angle."""
    # accelerometer angles carry a wandering gravity-tilt part: keep their high-pass at 0.3 Hz
    return min(cfg.drift_highpass_hz if kind != "acc" else max(cfg.drift_highpass_hz, 0.3),
               0.25 * cfg.band_hz[0])


def _beat_signals(
    theta: np.ndarray,
    fs: float,
    kind: str,
    lp_hz: float,
    cfg: MotionConfig,
    drift_free: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Peak-picking signal and amplitude signal (low-passed angle without drift high-pass).

    ``drift_free`` (goniometer, or gyroscope fused with gravity): no drift high-pass."""
    hp = _drift_highpass_hz(kind, cfg)
    lp = lowpass(theta, fs=fs, cutoff_hz=lp_hz)
    # integrated sensors drift: high-pass them for peak picking; a goniometer does not
    beat = lp if drift_free else highpass(lp, fs=fs, cutoff_hz=hp)
    return beat, lp


def _set_beat_signal(ang: MotionAngle, fs: float, lp_hz: float, cfg: MotionConfig) -> None:
    ang.beat_deg, ang.amp_deg = _beat_signals(
        ang.theta_deg, fs, ang.kind, lp_hz, cfg, ang.drift_free
    )
    ang.noise_deg = _noise_in_band(ang.theta_deg, fs, lp_hz)


def _dominant_frequency(ang: MotionAngle, fs: float, pk_i: int, cfg: MotionConfig) -> float | None:
    """Spectral peak (Hz) in the clonus range of the 3 s after the stretch peak, if clear."""
    seg = ang.theta_deg[pk_i : pk_i + int(3.0 * fs)]
    if len(seg) < int(0.75 * fs):
        return None
    seg = highpass(seg, fs=fs, cutoff_hz=1.0)
    f, p = power_spectrum(seg, fs=fs, window_s=min(1.5, len(seg) / fs))
    f0, conc = peak_frequency(f, p, band_hz=cfg.clonus_frequency_hz)
    if f0 is None or conc < 0.3:
        return None
    return float(f0)


def _noise_in_band(theta: np.ndarray, fs: float, cutoff_hz: float) -> float:
    """White-noise level (deg RMS) left in the peak-picking signal, from the residual above it.

    The residual above ``max(cutoff_hz, 15 Hz)`` holds sensor noise but (almost) no movement;
    its robust RMS is scaled to the bandwidth below ``cutoff_hz`` assuming white noise.
    """
    nyq = fs / 2
    hi = max(cutoff_hz, 15.0)
    if hi >= 0.9 * nyq:
        return 0.0
    res = theta - lowpass(theta, fs=fs, cutoff_hz=hi)
    s_res = 1.4826 * float(np.median(np.abs(res - np.median(res))))
    s_white = s_res / np.sqrt(max(1e-6, 1.0 - hi / nyq))
    return float(s_white * np.sqrt(min(cutoff_hz, nyq) / nyq))


# --------------------------------------------------------------------------- stretch
def _stays_up(th: np.ndarray, fs: float, onset: int, peak: int, exc: float) -> bool:
    """Whether the foot stays dorsiflexed after a fast rise: the median angle 0.1-0.3 s after
    the peak is >= 0.7 x the excursion above the onset.

    A knock or tap on the sensor rings and leaves the angle where it was; a ramp-and-hold
    push faster than ``stretch_min_rise_s`` (a position servo at 300 deg/s over 10 deg rises
    in 33 ms; reflex-model section 7 allows 100-300 deg/s ramps) keeps the foot up.
    """
    a, b = peak + int(round(0.1 * fs)), peak + int(round(0.3 * fs))
    if b > len(th):
        return False
    return float(np.median(th[a:b])) - float(th[onset]) >= 0.7 * exc


def _find_stretch(
    ang: MotionAngle, fs: float, cfg: MotionConfig, knocks: list[float], start_idx: int = 0,
    early: bool = False,
) -> dict | None:
    om = lowpass(ang.omega_deg_s, fs=fs, cutoff_hz=15.0)
    th = lowpass(ang.theta_deg, fs=fs, cutoff_hz=15.0)
    vth = cfg.stretch_min_velocity_deg_s
    # a hand movement has almost no angular velocity above 20 Hz; a knock or tap rings there
    # (gyroscope only: a differentiated goniometer angle is dominated by quantisation noise there)
    om_hf = (
        highpass(ang.omega_deg_s, fs=fs, cutoff_hz=20.0)
        if fs >= 60 and ang.kind == "gyro"
        else None
    )
    # acc-derived angles are smoothed by zero-phase filters: their onsets show up early
    min_pre_s = 0.0 if early else cfg.min_pre_stretch_s * (0.5 if ang.kind == "acc" else 1.0)
    above = om >= vth
    ups = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    if above[0]:
        ups = np.concatenate([[0], ups])
    ups = ups[ups >= start_idx]
    n = len(om)
    for i in ups:
        # peak of the stretch: first zero down-crossing of the velocity after i
        j = i
        while j < n - 1 and om[j] > 0:
            j += 1
        vpk = float(om[i : j + 1].max()) if j > i else float(om[i])
        k = i
        while k > 0 and om[k] > 0.1 * vpk and om[k] > 0:
            k -= 1
        onset, peak = k, int(i + np.argmax(th[i : j + 1])) if j > i else i
        exc = float(th[peak] - th[onset])
        w0, w1 = max(0, onset - int(0.05 * fs)), min(n, peak + int(0.05 * fs) + 1)
        hf_ratio = float(np.max(np.abs(om_hf[w0:w1]))) / vpk if om_hf is not None else 0.0
        impulsive = hf_ratio > 0.5
        # ... unless the foot stays up after it and the rotation does not ring (a ramp-and-
        # hold push's velocity edges reach up to ~0.9 x its peak above 20 Hz, a tap's ringing
        # 2.8-4.3 x)
        fast_push = hf_ratio <= _PUSH_MAX_HF_RATIO and _stays_up(th, fs, onset, peak, exc)
        if exc >= cfg.stretch_min_excursion_deg and (
            (peak - onset) / fs < cfg.stretch_min_rise_s or impulsive
        ) and not fast_push:
            knocks.append(onset / fs)
            continue
        if onset / fs < min_pre_s or exc > cfg.stretch_max_excursion_deg:
            # no rest seen before it, or larger than the ankle's range: not an examiner stretch
            continue
        w_rest = th[max(0, onset - int(_REST_WINDOW_S * fs)) : onset + 1]
        if exc >= cfg.stretch_min_excursion_deg and float(np.ptp(w_rest)) > exc:
            # the foot moved more than the "stretch" just before it: not a push from rest
            continue
        if exc >= cfg.stretch_min_excursion_deg:
            return {
                "onset_idx": int(onset),
                "peak_idx": int(peak),
                "excursion_deg": exc,
                "peak_velocity_deg_s": vpk,
            }
    return None


def _slow_push_before(
    ang: MotionAngle, fs: float, cfg: MotionConfig, rhythm: dict, start_idx: int
) -> dict | None:
    """A dorsiflexion from rest, too slow for the test's stretch (between half the stretch
    velocity and it), that the rhythm ``rhythm`` (from :func:`_rhythm`) begins right after:
    within the first-beat delay plus one period of its peak. None otherwise.

    Such a rhythm may be clonus set off by a slow push (which the bedside test does not
    standardise) or a tremor that began then: the answer is to repeat the test, not "tremor".
    """
    slow_cfg = replace(cfg, stretch_min_velocity_deg_s=0.5 * cfg.stretch_min_velocity_deg_s)
    st = _find_stretch(ang, fs, slow_cfg, [], start_idx=start_idx)
    if st is None:
        return None
    t_pk = st["peak_idx"] / fs
    lag = rhythm["start_s"] - t_pk
    if not 0.0 <= lag <= cfg.max_first_beat_delay_s + 1.0 / rhythm["frequency_hz"]:
        return None
    return {
        "onset_s": st["onset_idx"] / fs,
        "peak_s": t_pk,
        "excursion_deg": st["excursion_deg"],
        "peak_velocity_deg_s": st["peak_velocity_deg_s"],
    }


def _later_stretches(ang: MotionAngle, fs: float, cfg: MotionConfig, st: dict) -> list[dict]:
    """Later tests in the same recording: the stretches of the pushes after the first.

    A later stretch passes :func:`_find_stretch` and also: it starts ``min_test_spacing_s``
    after the previous push; the foot is back down (slow angle at its onset within
    ``1 - hold_fraction`` x the previous excursion of where the previous push started), so the
    examiner let go or eased off in between; and the foot is quiet before it (the angle moved
    less than half its excursion in the 0.5 s before: not a rebound, not a beat of the previous
    test). A release need not have been detected: a hold that sagged back towards rest and a
    release whose fall the foot recovered from look alike.
    """
    slow = lowpass(ang.theta_deg, fs=fs, cutoff_hz=2.0)
    n = len(slow)
    out: list[dict] = []
    cur = st
    q = int(round(_QUIET_BEFORE_TEST_S * fs))
    start = cur["onset_idx"] + int(round(cfg.min_test_spacing_s * fs))
    while start < n - int(cfg.min_duration_s * fs):
        cand = _find_stretch(ang, fs, cfg, [], start_idx=start)
        if cand is None:
            break
        on = cand["onset_idx"]
        down = slow[on] <= slow[cur["onset_idx"]] + (1 - cfg.hold_fraction) * cur["excursion_deg"]
        quiet = on - q > cur["peak_idx"] and float(np.ptp(ang.theta_deg[on - q : on + 1])) <= (
            0.5 * cand["excursion_deg"]
        )
        if down and quiet:
            out.append(cand)
            cur = cand
            start = on + int(round(cfg.min_test_spacing_s * fs))
        else:
            start = cand["peak_idx"] + 1
    return out


def _assess_each_test(
    rec: Recording, cfg: MotionConfig, onsets_i: list[int], fs: float, warns: list[str]
) -> Assessment:
    """Analyse each test on its own part of the recording and report one (repetitions.py)."""
    from .repetitions import combine_tests, shift_assessment

    sub_cfg = replace(cfg, split_tests=False, test_number=None)
    n = rec.n_samples
    tests, parts = [], []
    for k, on in enumerate(onsets_i):
        a = 0
        if k:
            # from the end of the previous test's response (its last beat, else its stretch
            # peak, + _TEST_SETTLE_S), so that a tremor between the tests is seen by the
            # pre-stretch checks, but at least _TEST_PRE_S before the push
            prev = tests[-1]
            st_prev = prev.metrics.get("stretch")
            t_end = (prev.beats[-1].time_s if prev.beats
                     else st_prev["peak_s"] if isinstance(st_prev, dict) else on / fs)
            a_s = min(on / fs - _TEST_PRE_S, max(t_end + _TEST_SETTLE_S, parts[-1][0]))
            a = int(math.ceil(a_s * fs - 1e-9))
        b = n - 1 if k == len(onsets_i) - 1 else onsets_i[k + 1] - int(round(_TEST_GAP_S * fs))
        part = rec.crop(a / fs, b / fs)
        after_s = max(0.0, (on - a) / fs - _TEST_PRE_S / 2)
        res = assess_motion(part, config=sub_cfg, _stretch_after_s=after_s)
        tests.append(shift_assessment(res, a / fs))
        parts.append((a / fs, b / fs))
    return combine_tests(tests, parts, test_number=cfg.test_number, warnings=warns)


def _blank_timestamp_gaps(
    data: np.ndarray, gaps: list[tuple[float, float]], fs: float, max_gap_s: float
) -> np.ndarray:
    """Samples a reader interpolated across a pause in the timestamps, set to NaN.

    Readers of timestamped files put the samples on a uniform grid and list the pauses in
    ``metadata["gap_intervals_s"]`` (:attr:`Recording.gap_intervals_s`).
    Pauses longer than ``max_gap_s`` are blanked so that the quality check treats them like
    missing samples (a dropout), not as a straight line.
    """
    if not gaps:
        return data
    out = np.array(data, dtype=float, copy=True)
    n = out.shape[1]
    for a, length in gaps:
        if length <= max_gap_s:
            continue
        i0 = max(0, int(np.floor(a * fs)) + 1)
        i1 = min(n, int(np.ceil((a + length) * fs)))
        if i1 > i0:
            out[:, i0:i1] = np.nan
    return out


def _hold(ang: MotionAngle, fs: float, st: dict, cfg: MotionConfig) -> tuple[float, bool]:
    """Hold duration (s, from stretch onset) and whether it lasted to the end of the recording.

    The release is the first fast return that the foot stays down from: the slow angle (2 Hz
    low-pass, which removes clonus) falls by at least ``hold_fraction`` x the stretch excursion
    within ``release_window_s`` and does not come back to within half that fall of where it
    began within ``_RELEASE_RECOVERY_S``. Slow drift of an integrated gyroscope angle cannot
    fall like that; a reflex kick with the examiner still holding comes back.
    """
    from scipy.ndimage import maximum_filter1d

    slow = lowpass(ang.theta_deg, fs=fs, cutoff_hz=2.0)
    start = min(len(slow) - 1, st["peak_idx"])
    seg = slow[start:]
    w = max(2, int(cfg.release_window_s * fs))
    # running maximum over the preceding window (inclusive)
    runmax = maximum_filter1d(seg, size=w, origin=(w - 1) // 2, mode="nearest")
    drop = runmax - seg
    need = cfg.hold_fraction * st["excursion_deg"]
    rec_w = int(_RELEASE_RECOVERY_S * fs)
    k = 0
    while True:
        hit = np.flatnonzero(drop[k:] >= need)
        if len(hit) == 0:
            return (len(slow) - st["onset_idx"]) / fs, True
        i = k + int(hit[0])
        # release starts where the fall began: the last maximum before the drop
        j0 = max(0, i - w + 1)
        j = j0 + int(np.argmax(seg[j0 : i + 1]))
        # a fall the foot comes back from is not a release: the reflex kick answering a brisk
        # stretch can throw the foot down further than the stretch, and the examiner, still
        # holding, brings it back up within a second (simulated held trials: 12 of 61 were
        # "released" by their kick)
        after = seg[i : i + rec_w]
        back = np.flatnonzero(after >= seg[j] - 0.5 * need)
        if len(back) == 0:
            rel = start + j
            return max(0.0, (rel - st["onset_idx"]) / fs), False
        k = i + int(back[0]) + 1
        if k >= len(seg):
            return (len(slow) - st["onset_idx"]) / fs, True


# --------------------------------------------------------------------------- rhythm checks
def _rhythm(
    beat_deg: np.ndarray,
    fs: float,
    cfg: MotionConfig,
    lo_hz: float,
    hi_hz: float,
    min_prominence_deg: float | None = None,
) -> dict | None:
    """Regular oscillation (>= 4 peaks, CV < 0.25) in [lo_hz, hi_hz].

    Peaks need ``min_prominence_deg`` (default ``cfg.min_prominence_deg``, 0.5 deg).
    """
    if len(beat_deg) < int(4 * fs / hi_hz) + 3:
        return None
    pk = find_dorsiflexion_peaks(
        beat_deg,
        fs=fs,
        min_prominence_deg=cfg.min_prominence_deg if min_prominence_deg is None
        else min_prominence_deg,
        min_interval_s=1.0 / (hi_hz * 1.3),
    )
    best = None
    for r in group_runs(pk.times_s, max_interval_s=1.3 / lo_hz):
        if len(r) < 4:
            continue
        iv = np.diff(pk.times_s[r])
        f = 1.0 / float(np.median(iv))
        cv = float(np.std(iv) / np.mean(iv))
        if lo_hz <= f <= hi_hz and cv < 0.25 and (best is None or len(r) > best["n"]):
            best = {
                "n": int(len(r)),
                "frequency_hz": f,
                "cv": cv,
                "amplitude_deg": float(np.median(pk.amplitudes[r])),
                "start_s": float(pk.times_s[r[0]]),
                "end_s": float(pk.times_s[r[-1]]),
            }
    return best


def _pre_oscillation(ang: MotionAngle, fs: float, on_i: int, f_hz: float) -> float | None:
    """Peak-to-peak (deg) of the oscillation at ``f_hz`` (+-0.5 Hz) just before the stretch.

    A sinusoid plus a quadratic trend (slow sway, drift) is fitted by least squares to the
    angle in the last max(0.5 s, 2 periods) before the stretch onset (ending 50 ms before it,
    so the stretch itself does not leak in): an examiner's tremor may start only when the hand
    takes the foot, shortly before the push. The largest fitted amplitude over a 0.1 Hz grid
    is returned. Needs >= 2 periods of data, else None. A quiet foot gives only the noise.
    """
    # (an angle fitted to the accelerometer alone is zero-phase filtered: a brisk stretch leaks
    # ~0.1 s back into it, which a noiseless simulated accelerometer showed as a 0.5 deg
    # "oscillation" before the push; its window ends 0.15 s before the onset)
    i1 = on_i - int((0.15 if ang.kind == "acc" else 0.05) * fs)
    if f_hz <= 0:
        return None
    best = None
    # the last max(0.5 s, 2 periods), and the last 3 periods alone when shorter: a hand tremor
    # that starts 0.3-0.4 s before the push (the examiner takes the foot) fills only part of
    # 0.5 s at 8 Hz, and the longer fit diluted it to 1/4 of the beats
    for win_s in sorted({max(0.5, 2.0 / f_hz), min(max(0.5, 2.0 / f_hz), 3.0 / f_hz)}):
        i0 = max(0, i1 - int(win_s * fs))
        if i1 - i0 < int(2.0 * fs / f_hz):
            continue
        y = ang.beat_deg[i0:i1]
        t = np.arange(len(y)) / fs
        tc = t - t.mean()
        for f in np.arange(f_hz - 0.5, f_hz + 0.51, 0.1):
            X = np.column_stack(
                [np.ones_like(t), tc, tc**2, np.cos(2 * np.pi * f * t), np.sin(2 * np.pi * f * t)]
            )
            c, *_ = np.linalg.lstsq(X, y, rcond=None)
            best = max(best or 0.0, 2.0 * float(np.hypot(c[3], c[4])))
    return best


def _drop_before(ang: MotionAngle, fs: float, on_i: int, f_hz: float) -> float | None:
    """Plantarflexion (deg) within one beat period before the stretch onset.

    The largest fall of the angle from a maximum to a later minimum inside the period that
    ends at the onset sample: the downswing of an oscillation that the "stretch" continues.
    A foot at rest before the push gives only the noise. None when less than a quarter
    period was recorded before the onset.
    """
    n = int(round(fs / f_hz)) if f_hz > 0 else 0
    i0 = max(0, on_i - n)
    if n <= 0 or on_i - i0 < max(3, n // 4):
        return None
    w = ang.theta_deg[i0 : on_i + 1]
    i_max = int(np.argmax(w))
    return float(w[i_max] - np.min(w[i_max:]))


def _floor_bottoms(
    ang: MotionAngle, fs: float, on_i: int, beat_times_s: np.ndarray
) -> dict | None:
    """Where the beats bottom out, relative to the rest level before the stretch.

    Returns the rest level (median angle in the second before the onset, deg), the median
    bottom between consecutive beats minus that level (deg), and the standard deviations of
    the bottoms and of the tops (deg). None with fewer than 3 bottoms.
    """
    th = ang.theta_deg
    ib = np.clip(np.round(np.asarray(beat_times_s) * fs).astype(int), 0, len(th) - 1)
    if len(ib) < 4:
        return None
    bottoms = np.array([th[a : b + 1].min() for a, b in zip(ib[:-1], ib[1:], strict=True)])
    tops = th[ib[:-1]]
    w0, w1 = max(0, on_i - int(round(fs))), on_i - int(round(0.05 * fs))
    rest = float(np.median(th[w0:w1])) if w1 - w0 >= 3 else float(th[on_i])
    return {
        "rest_deg": rest,
        "bottom_above_rest_deg": float(np.median(bottoms)) - rest,
        "bottom_sd_deg": float(np.std(bottoms)),
        "top_sd_deg": float(np.std(tops)),
    }


def _floor_return(
    ang: MotionAngle, fs: float, on_i: int, pk_i: int, beat_times_s: np.ndarray,
    beat_amps_deg: np.ndarray, excursion_deg: float,
) -> dict | None:
    """Whether the foot came straight back down to its rest level after the "stretch" and kept
    rising from there as high again, like toes tapping the floor (see ``_RETURN_*``).

    Read on the low-passed angle without the drift high-pass. Returns, in degrees, the rest level
    (median of the second before the onset, up to 50 ms before it), the first low point after
    the stretch peak relative to it, the upper quartile of the beat amplitudes, the largest fall
    of one cycle's bottom below the previous one (first low point included), the median change
    between consecutive bottoms and between consecutive tops (stretch peak included), and
    whether they make tapping. None with fewer than 3 beats, a first beat at the stretch peak or
    less than 0.3 s seen before the onset.
    """
    th = ang.amp_deg if ang.amp_deg is not None else ang.theta_deg
    ib = np.clip(np.round(np.asarray(beat_times_s) * fs).astype(int), 0, len(th) - 1)
    w0, w1 = max(0, on_i - int(round(fs))), on_i - int(round(0.05 * fs))
    if len(ib) < 3 or ib[0] <= pk_i + 1 or w1 - w0 < int(0.3 * fs):
        return None
    rest = float(np.median(th[w0:w1]))
    lows = np.array([float(th[pk_i : ib[0] + 1].min())]
                    + [float(th[a : b + 1].min()) for a, b in zip(ib[:-1], ib[1:], strict=True)])
    first = float(lows[0]) - rest
    upper = float(np.percentile(beat_amps_deg, 75))
    drop = float(np.max(lows[:-1] - lows[1:]))
    tops = np.concatenate([[float(th[pk_i])], th[ib]])
    low_step = float(np.median(np.abs(np.diff(lows))))
    top_step = float(np.median(np.abs(np.diff(tops))))
    tapping = (
        abs(first) <= _RETURN_LEVEL_FRACTION * excursion_deg
        and upper >= _RETURN_BEAT_FRACTION * excursion_deg
        and drop <= _RETURN_MAX_DROP * excursion_deg
        and top_step >= _RETURN_TOP_VARIATION * upper
    )
    return {"rest_deg": rest, "first_low_above_rest_deg": first, "upper_beat_deg": upper,
            "largest_drop_deg": drop, "excursion_deg": float(excursion_deg),
            "low_step_deg": low_step, "top_step_deg": top_step,
            "tapping": bool(tapping)}


#: beats larger than the stretch are accepted as a held clonus only with this many beats, a
#: stretch of at least this fraction of the median beat, tops within _HAND_BOUND_TOP_FRACTION of
#: the beat size from the held level (median) and steady (s.d.), bottoms below the rest level by
#: _HAND_BOUND_BELOW_REST of the excursion, and a quiet foot before (_HAND_BOUND_PRE_QUIET of the
#: beat size, peak-to-peak). Simulated held tests at 10 x G_c: tops 0.02-0.3 of the beat size
#: from the held level, bottoms 0.8-1.0 excursions below rest.
_HAND_BOUND_MIN_BEATS = 8
_HAND_BOUND_MIN_RATIO = 0.5
_HAND_BOUND_TOP_FRACTION = 0.35
_HAND_BOUND_TOP_SD = 0.15
_HAND_BOUND_BELOW_REST = 0.25
_HAND_BOUND_PRE_QUIET = 0.25
#: ... and the foot dwelling at the held level after the stretch peak, before its first fall by a
#: quarter of the beat size, for >= this many beat periods (simulated: 0.55-0.6; a sinusoid
#: turning over at its peak: 1/6)
_HAND_BOUND_DWELL_PERIODS = 0.35


def _pre_stretch_quiet(ang: MotionAngle, fs: float, on_i: int) -> tuple[float, float] | None:
    """Detrended peak-to-peak and median level (deg) of the second before the stretch onset
    (up to 50 ms before it), or None with less than 0.3 s seen. Read on the angle without the
    drift high-pass, whose zero-phase filtering smears the level of a large oscillation back
    into the quiet part before it."""
    w1 = on_i - int(0.05 * fs)
    w0 = max(0, on_i - int(1.0 * fs))
    if w1 - w0 < int(0.3 * fs):
        return None
    pre = ang.amp_deg[w0:w1] if ang.amp_deg is not None else ang.beat_deg[w0:w1]
    tt = np.arange(len(pre)) / fs
    return float(np.ptp(pre - np.polyval(np.polyfit(tt, pre, 1), tt))), float(np.median(pre))


def _hand_bound(ang: MotionAngle, fs: float, on_i: int, pk_i: int, beat_times_s: np.ndarray,
                beat_deg: float, excursion_deg: float) -> dict | None:
    """Whether beats larger than the stretch hang from the examiner's hand (see the caller)."""
    th = ang.amp_deg if ang.amp_deg is not None else ang.theta_deg
    ib = np.clip(np.round(np.asarray(beat_times_s) * fs).astype(int), 0, len(th) - 1)
    quiet = _pre_stretch_quiet(ang, fs, on_i)
    if len(ib) < 4 or quiet is None:
        return None
    pre_pp, rest = quiet
    held = float(th[pk_i])
    tops = th[ib]
    bottoms = np.array([th[a: b + 1].min() for a, b in zip(ib[:-1], ib[1:], strict=True)])
    top_off = float(np.median(tops)) - held
    top_sd = float(np.std(tops))
    below = rest - float(np.median(bottoms))
    # the held foot stays at the hand until the reflex contraction has built up; a voluntary
    # or tremor oscillation turns over smoothly at its peak (a sinusoid falls by a quarter of
    # its size within 1/6 period)
    period = float(np.median(np.diff(beat_times_s)))
    down = np.flatnonzero(th[pk_i:] < held - 0.25 * beat_deg)
    dwell = float(down[0]) / fs / period if down.size else 0.0
    ok = (
        pre_pp < _HAND_BOUND_PRE_QUIET * beat_deg
        and abs(top_off) <= _HAND_BOUND_TOP_FRACTION * beat_deg
        and top_sd <= _HAND_BOUND_TOP_SD * beat_deg
        and below >= _HAND_BOUND_BELOW_REST * excursion_deg
        and dwell >= _HAND_BOUND_DWELL_PERIODS
    )
    return {"accepted": bool(ok), "pre_stretch_pp_deg": pre_pp, "top_offset_deg": top_off,
            "top_sd_deg": top_sd, "bottom_below_rest_deg": below, "dwell_periods": dwell}


def _gait(ang: MotionAngle, fs: float, cfg: MotionConfig) -> dict | None:
    if len(ang.theta_deg) < int(4 * fs):
        return None
    try:
        cyc = count_cycles(
            ang.theta_deg,
            fs=fs,
            band_hz=(0.3, 2.0),
            rel_prominence=0.35,
            min_prominence=2 * max(cfg.stretch_min_excursion_deg, 5.0),
        )
    except Exception:  # too short for the band
        return None
    if cyc.n_cycles >= cfg.gait_min_cycles and cyc.frequency_hz is not None:
        return {"n_cycles": cyc.n_cycles, "frequency_hz": cyc.frequency_hz,
                "cv": cyc.regularity_cv, "times_s": [float(t) for t in cyc.times_s]}
    return None


def _quiet_spans(acc: np.ndarray, fs: float) -> list[tuple[float, float]]:
    """Long still stretches of an accelerometer recording, in s, shrunk by
    ``_QUIET_PAD_S`` at either end (that much rest stays with the movement beside it).

    Still: the RMS of the acceleration magnitude high-passed at 0.3 Hz, over 1 s bins, below
    max(0.05 m/s^2, 4 x its median) for >= ``_MIN_QUIET_S``. A clonus test is far above it:
    the push is 1-4 g, and even 0.5 deg beats at 6 Hz and 0.1 m from the ankle make about
    1 m/s^2 of tangential acceleration.
    """
    mag = np.linalg.norm(np.nan_to_num(acc), axis=0)
    hp = highpass(mag, fs=fs, cutoff_hz=0.3)
    nb = max(1, int(round(fs)))
    k = len(hp) // nb
    if k < 2:
        return []
    rms = np.sqrt(np.mean(hp[: k * nb].reshape(k, nb) ** 2, axis=1))
    still = rms < max(0.05, 4.0 * float(np.median(rms)))
    out = []
    d = np.diff(np.concatenate([[0], still.astype(np.int8), [0]]))
    for a, b in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True):
        a_s, b_s = a * nb / fs, b * nb / fs
        if b_s - a_s >= _MIN_QUIET_S:
            out.append((a_s + (_QUIET_PAD_S if a > 0 else 0.0),
                        b_s - (_QUIET_PAD_S if b < k else 0.0)))
    return out


def _merge_spans(
    events: list[tuple[float, float]], margin_s: float, join_s: float, duration_s: float
) -> list[tuple[float, float]]:
    """Event spans (s) joined when closer than ``join_s`` and widened by ``margin_s``."""
    out: list[list[float]] = []
    for a, b in sorted(events):
        if out and a - out[-1][1] <= join_s:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(max(0.0, a - margin_s), min(duration_s, b + margin_s)) for a, b in out]


def _assess_outside(
    rec: Recording, cfg: MotionConfig, spans: list[tuple[float, float]], fs: float,
    fallback: Assessment | None, what: str,
) -> Assessment | None:
    """A clonus test recorded before or after something that makes the whole recording
    unjudgeable (walking, a knock or drop while the phone was strapped on): analysed on the
    part holding it, with ``spans`` (s) left out.

    Each part between the spans lasting >= ``_MIN_PART_OUTSIDE_S`` is analysed alone; the
    parts with an examiner's stretch compete as repeated tests do (repetitions.strength). A
    part that ends at a span must show the response over ``_RESPONSE_CLEAR_S`` before it
    (else the span may have cut the test short, and ``fallback`` is returned, as it is when no
    part holds a stretch).
    """
    from .repetitions import shift_assessment, strength

    if not spans:
        return fallback

    dur = rec.n_samples / fs
    edges = [0.0] + [x for ab in spans for x in ab] + [dur]
    parts = [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)
             if edges[i + 1] - edges[i] >= _MIN_PART_OUTSIDE_S]
    found = []
    for a_s, b_s in parts:
        try:
            res = assess_motion(rec.crop(a_s, b_s), config=replace(cfg, test_number=None),
                                _whole=False)
        except ClonusError:
            continue
        if res.stretch_onset_s is None or res.classification == "indeterminate":
            continue
        res = shift_assessment(res, a_s)
        st = res.metrics.get("stretch") or {}
        t_last = res.beats[-1].time_s if res.beats else st.get("peak_s", res.stretch_onset_s)
        if b_s < dur - 1e-9 and t_last + _RESPONSE_CLEAR_S > b_s:
            continue  # the span may have cut this test short
        found.append((res, (a_s, b_s)))
    if not found:
        return fallback
    if len(found) > 1 and not any("n_tests" in r.metrics for r, _ in found):
        # a test in each of several parts: repeated tests (repetitions.py lists them all)
        from .repetitions import combine_tests

        best = combine_tests([r for r, _ in found], [p for _, p in found],
                             test_number=cfg.test_number)
        a_s, b_s = found[best.metrics["test_number"] - 1][1]
    else:
        best, (a_s, b_s) = max(found, key=lambda r: strength(r[0]))
        if cfg.test_number not in (None, 1) and "n_tests" not in best.metrics:
            raise InvalidParameterError(
                f"test_number {cfg.test_number} asked for, but the recording holds one clonus "
                f"test (stretch at {best.stretch_onset_s:.2f} s)."
            )
    where = ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in spans)
    note = (f"Left out {where}: {what.rstrip('.')}. The clonus test was analysed on "
            f"{a_s:.1f}-{b_s:.1f} s.")
    return replace(
        best,
        warnings=(note, *best.warnings),
        metrics={**best.metrics, "part_s": [a_s, b_s], "left_out_s": [list(x) for x in spans],
                 "left_out_reason": what},
    )


def _impacts(
    rec: Recording, ang: MotionAngle, fs: float, cfg: MotionConfig, kind: str,
    spans: list[tuple[float, float]] | None = None,
) -> list[str]:
    """Impacts, drops and impossible rotation speeds: one message each (the first of a kind).

    ``spans`` (if given) receives the time span of every such event, in s.
    """
    out = []
    ev: list[tuple[float, float]] = []
    fast = (
        np.flatnonzero(np.abs(ang.omega_deg_s) > cfg.max_angular_velocity_deg_s)
        if kind == "gyro"
        else []
    )
    ev += [(i / fs, i / fs) for i in fast]
    if len(fast):
        out.append(
            f"angular velocity {np.abs(ang.omega_deg_s).max():.4g} deg/s at {fast[0] / fs:.2f} s "
            "is "
            f"faster than an ankle can move (> {cfg.max_angular_velocity_deg_s:g} deg/s): device "
            "dropped, knocked or loose."
        )
    acc_idx = [i for i, c in enumerate(rec.channels) if c.kind == "acc"]
    om_rad_s = None  # angular speed for telling a brisk push from an impact
    if kind == "gyro":
        om_rad_s = np.deg2rad(ang.omega_deg_s)
    else:
        gyr = [i for i, c in enumerate(rec.channels) if c.kind == "gyro"]
        if len(gyr) == 3 and np.isfinite(rec.data[gyr]).all():
            g3 = rec.data[gyr] - np.median(rec.data[gyr], axis=1, keepdims=True)
            om_rad_s = np.sqrt(np.sum(g3**2, axis=0))
    if acc_idx:
        groups: dict[str, list[int]] = {}
        for i in acc_idx:
            groups.setdefault(axis_stem(rec.channels[i].name), []).append(i)
        for ii in groups.values():
            if len(ii) != 3:
                continue
            a = rec.data[ii]
            if not np.isfinite(a).all():
                continue
            big = float(np.max(np.abs(a)))
            if big > _MAX_ABS:
                hit = np.flatnonzero(np.max(np.abs(a), axis=0) > _MAX_ABS)
                ev.append((hit[0] / fs, hit[-1] / fs))
                out.append(
                    f"accelerometer values up to {big:.3g} m/s^2, beyond any sensor's range: a "
                    "damaged export. Export the recording again."
                )
                continue
            mag = np.sqrt(np.sum(a**2, axis=0)) / _G0
            hit = np.flatnonzero(mag > cfg.max_acc_g)
            pushed = om_rad_s is not None and len(hit) > 0
            if pushed and _rotation_explains(mag[hit], hit, om_rad_s, fs):
                ang.notes.append(
                    f"acceleration up to {mag.max():.3g} g (> {cfg.max_acc_g:g} g) is explained by "
                    "the foot's rotation measured by the gyroscope (a brisk push), not an impact."
                )
                hit = hit[:0]
            if len(hit) and kind == "acc" and _acc_fit_explains(ang.acc_fit, hit, cfg):
                ang.notes.append(
                    f"acceleration up to {mag.max():.3g} g (> {cfg.max_acc_g:g} g) is explained by "
                    "the foot's rotation fitted to the accelerometer (a brisk push), not an impact."
                )
                hit = hit[:0]
            ev += [(i / fs, i / fs) for i in hit]
            if len(hit):
                out.append(
                    f"acceleration of {mag.max():.3g} g at {hit[0] / fs:.2f} s "
                    f"(> {cfg.max_acc_g:g} g): "
                    "impact (device dropped or knocked)."
                )
            # free fall only on an accelerometer that measures gravity: "linear acceleration"
            # channels (gravity removed by the phone) read near 0 g at rest
            if float(np.median(mag)) < 0.7:
                continue
            ff = lowpass(mag, fs=fs, cutoff_hz=10.0) < 0.3
            need = int(0.1 * fs)
            if need > 0 and ff.any():
                d = np.diff(np.concatenate([[0], ff.astype(np.int8), [0]]))
                starts, stops = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
                long = [(s, e) for s, e in zip(starts, stops, strict=True) if e - s >= need]
                ev += [(s / fs, e / fs) for s, e in long]
                if long:
                    out.append(
                        f"free fall (|a| < 0.3 g for {(long[0][1] - long[0][0]) / fs:.2f} s at "
                        f"{long[0][0] / fs:.2f} s): device dropped."
                    )
    if spans is not None:
        spans.extend(ev)
    return out


def _rotation_explains(mag_g: np.ndarray, idx: np.ndarray, om: np.ndarray, fs: float) -> bool:
    """Whether large accelerations (in g, at samples ``idx``) come from the foot's rotation.

    A sensor at radius r from the ankle axis feels r * alpha (tangential) and r * omega^2
    (centripetal) on top of gravity. A brisk torque push gives alpha of several hundred
    rad/s^2, i.e. > 8 g at r = 0.1 m (reflex-model section 6-7). An impact (knock, drop) is a
    translation that the gyroscope does not see, or a rotation far too fast for an ankle
    (caught separately by ``max_angular_velocity_deg_s``). The acceleration is taken as
    explained when it is within ``_MAX_RADIUS_M`` x sqrt(alpha^2 + omega^4) + 1 g (gravity) of
    the gyroscope's rotation, within +-2 samples (alpha from a sampled gyroscope is smeared).
    """
    from scipy.ndimage import maximum_filter1d

    al = np.gradient(om) * fs
    k = maximum_filter1d(np.sqrt(al**2 + om**4), size=5, mode="nearest")
    need = np.maximum(mag_g - 1.0, 0.0) * _G0
    return bool(np.all(need <= _MAX_RADIUS_M * k[idx]))


def _acc_fit_explains(fit: dict | None, idx: np.ndarray, cfg: MotionConfig) -> bool:
    """Accelerometer only: whether large accelerations (at samples ``idx``) are the foot's
    rotation, by the rotating-sensor fit (:func:`clonus.detect.acc_angle.fit_acc_angle`).

    A brisk push turns the foot with an angular acceleration of several hundred rad/s^2, i.e.
    several g of tangential acceleration at the sensor, in the plane perpendicular to the
    ankle axis and in step with gravity's turn: the fit explains it. A knock or a drop is a
    translation in any direction (also along the axis): the fit leaves it as residual. Taken
    as explained when the residual is below 1 g at every such sample (the same 1 g allowance
    as :func:`_rotation_explains`) and the fitted angular velocity is one an ankle can make.
    """
    if fit is None or not len(idx):
        return False
    res = np.asarray(fit["residual_m_s2"])
    om = np.asarray(fit["omega_rad_s"])
    if len(res) <= int(np.max(idx)) or len(om) != len(res):
        return False
    fast = np.rad2deg(np.max(np.abs(om))) > cfg.max_angular_velocity_deg_s
    return bool(not fast and np.all(res[idx] <= _G0))


def _ringing_free_cutoff(theta: np.ndarray, fs: float, base_hz: float,
                         cfg: MotionConfig) -> float | None:
    """Cut-off (Hz) of the least Gaussian smoothing the noise allows: 2.5, 1.5 or 1 x
    ``base_hz``, below 0.45 x ``fs``, with ``noise_factor`` x the noise left at most half the
    beat threshold; None when even ``base_hz`` leaves more noise than that."""
    for cut in (2.5 * base_hz, 1.5 * base_hz, base_hz):
        if cut < 0.45 * fs and cfg.noise_factor * _noise_in_band(theta, fs, cut) <= (
            0.5 * cfg.min_prominence_deg
        ):
            return cut
    return None


#: a candidate beat is the low-pass's ringing when the ringing-free angle spans less than this
#: fraction of the Butterworth signal's range over the candidate's cycle (trough to trough).
#: Simulated beats (reflex simulator, 2 seeds x 200 trials, 2759 counted true beats) kept
#: 0.62-1.0 (goniometer 0.62-0.98, gyroscope 0.71-1.0); the ripples that a 7 Hz low-pass puts
#: between voluntary taps on a goniometer (toes slapped down on the floor, where the angle
#: stays flat) 0.13-0.47
_RINGING_RANGE_FRACTION = 0.5
#: ... and when it is no larger than the low-pass can ring beside the steepest movement within
#: this many of its periods: a 4th-order Butterworth run forward and back overshoots an ideal
#: step of height H by 0.068 H half a period after it and comes back to +0.02 H one period
#: after it (before it, mirrored), a ripple of 0.088 H; the steps within reach before and after
#: the candidate (a toe put down on the floor and lifted again) add up. A beat is a movement of
#: the foot, not bounded by the steps around it
_RINGING_REACH_PERIODS = 1.5
_RINGING_STEP_FRACTION = 0.088


def _ringing_peaks(pk: Peaks, ang: MotionAngle, fs: float, lp_hz: float, t_after_s: float,
                   cfg: MotionConfig) -> np.ndarray:
    """Which candidate beats are ripples of the peak-picking low-pass, not movement.

    A Butterworth low-pass rings at its cut-off for a cycle or two beside a steep movement
    (overshoot of its step response, before and after it when run forward and back): after
    a toe is slapped down on the floor, a 7 Hz low-pass puts a ~1 deg ripple on the flat angle,
    which passes the 0.5 deg beat threshold. A Gaussian low-pass has a monotonic step
    response and creates no extrema (scale-space causality: Babaud et al. 1986, IEEE PAMI
    8:26-33; Lindeberg 1990, IEEE PAMI 12:234-254). Over each candidate's cycle (from the
    lowest point since the previous candidate to the lowest point before the next one) the
    range of the angle smoothed by a Gaussian (the least smoothing the noise allows, never
    more than the Butterworth's: :func:`_ringing_free_cutoff`) is compared with the range of
    the Butterworth signal. A beat moves both about equally (a Gaussian at the same -6 dB
    point keeps >= 0.76 of a fundamental at 1/1.6 of it, more at the less-smoothed cut-offs);
    a ripple on a still foot moves the Butterworth signal only.

    Returns
    -------
    ndarray of bool
        True for the candidates whose Gaussian range is below ``_RINGING_RANGE_FRACTION`` of
        the Butterworth range.
    """
    cut = _ringing_free_cutoff(ang.theta_deg, fs, lp_hz, cfg) or lp_hz
    ref = gaussian_lowpass(ang.theta_deg, fs=fs, cutoff_hz=cut)
    if not ang.drift_free:
        ref = highpass(ref, fs=fs, cutoff_hz=_drift_highpass_hz(ang.kind, cfg))
    beat = ang.beat_deg
    n = len(beat)
    idx = np.clip(np.round(pk.times_s * fs).astype(int), 0, n - 1)
    # the cycle's ends: the lowest point since the previous candidate (or the stretch peak)
    # and before the next one (or within the longest beat interval)
    prev = np.concatenate([[int(round(t_after_s * fs))], idx[:-1]])
    nxt = np.concatenate([idx[1:], [min(n - 1, idx[-1] + int(round(cfg.max_beat_interval_s
                                                                    * fs)))]])
    reach = int(round(_RINGING_REACH_PERIODS * fs / lp_hz))
    quarter = max(1, int(round(0.25 * fs / lp_hz)))
    out = np.zeros(len(idx), dtype=bool)
    for k, (i0, i, i1) in enumerate(zip(prev, idx, nxt, strict=True)):
        a = i0 + int(np.argmin(beat[i0 : i + 1])) if i > i0 else i
        b = i + int(np.argmin(beat[i : i1 + 1])) if i1 > i else i
        span_bw = float(np.ptp(beat[a : b + 1]))
        # the steps before and after it, each of which can ring into it
        steps = float(np.ptp(ref[max(0, i - reach) : i + 1])) + float(
            np.ptp(ref[i : i + reach + 1]))
        # the cycle's range: a ripple on a still foot
        ripple = (0 < span_bw <= _RINGING_STEP_FRACTION * steps
                  and float(np.ptp(ref[a : b + 1])) < _RINGING_RANGE_FRACTION * span_bw)
        # the peak's prominence (the smaller of its rise and its fall): a bump the low-pass
        # puts on the corner where a still foot starts a steep movement (the fall of a
        # released foot), whose fall is the step itself
        prom_bw = min(float(beat[i] - beat[a : i + 1].min()),
                      float(beat[i] - beat[i : b + 1].min()))
        if not ripple and 0 < prom_bw <= _RINGING_STEP_FRACTION * steps:
            j0, j1 = max(a, i - quarter), min(b, i + quarter)
            j = j0 + int(np.argmax(ref[j0 : j1 + 1]))
            prom_ref = min(float(ref[j] - ref[a : j + 1].min()),
                           float(ref[j] - ref[j : b + 1].min()))
            ripple = prom_ref < _RINGING_RANGE_FRACTION * prom_bw
        out[k] = ripple
    return out


_REFINE_S = 0.03  # s, window in which a beat time is re-read on the ringing-free angle
_REFINE_MAX_S = 0.07  # s, wider window when the Butterworth peak has no ringing-free maximum


def _is_ringing(ref: np.ndarray, i_bw: int, j: int) -> bool:
    """Whether the ringing-free signal falls monotonically from maximum ``j`` through the
    Butterworth peak's sample ``i_bw`` (no maximum of its own there: a filter artefact)."""
    a, b = sorted((i_bw, j))
    seg = ref[a : b + 1]
    d = np.diff(seg)
    return bool(np.all(d <= 0) if j < i_bw else np.all(d >= 0))


def _run_intervals(times_s: np.ndarray) -> np.ndarray:
    """Intervals (s) of one run, a skipped-cycle tail's gaps divided by their whole number of
    periods (:func:`_skipped_cycle_tail`)."""
    iv = np.diff(times_s)
    if len(iv) < 2:
        return iv
    per = float(np.median(iv))
    k = np.maximum(1.0, np.round(iv / per))
    return iv / k


def _skipped_cycle_tail(
    times_s: np.ndarray, run: np.ndarray, hold_end_s: float | None
) -> np.ndarray:
    """Peaks after a run that keep its period across cycles too small to count.

    A fading run ends in cycles near the beat threshold; some stay under it while the next
    clear it again (reflex-model section 8 counts every dorsiflexion peak >= 0.5 deg, so its
    beat list skips those cycles). Each peak after the run whose distance from the previous
    beat is k = 1 .. ``_TAIL_MAX_SKIPPED_PERIODS`` periods within ``_TAIL_PHASE_TOLERANCE`` of a
    period is a beat of the run; the first peak off that grid ends the tail, and so does the
    release (a held foot only: the free foot's rebounds have their own timing).

    Parameters
    ----------
    times_s : ndarray
        All candidate peak times, in seconds, increasing.
    run : ndarray of int
        Indices of the run's beats in ``times_s`` (the last counted run).
    hold_end_s : float or None
        End of the hold (release), in seconds; None when held to the end of the recording.

    Returns
    -------
    ndarray of int
        Indices of the tail's peaks (possibly empty).
    """
    if len(run) < _TAIL_MIN_RUN_BEATS:
        return np.array([], dtype=int)
    rt = times_s[run]
    per = float(np.median(np.diff(rt)[-4:]))
    last = float(rt[-1])
    out: list[int] = []
    for j in range(int(run[-1]) + 1, len(times_s)):
        t = float(times_s[j])
        if hold_end_s is not None and t > hold_end_s:
            break
        k = round((t - last) / per)
        if not 1 <= k <= _TAIL_MAX_SKIPPED_PERIODS or abs(t - last - k * per) > (
            _TAIL_PHASE_TOLERANCE * per
        ):
            break
        out.append(j)
        last = t
    return np.asarray(out, dtype=int)


#: a skipped cycle between two counted runs is filled only from a noisy signal: its peak must
#: reach the threshold minus this many SDs of a peak-to-trough difference's noise
#: (sqrt(2) x the angle noise)
_GAP_NOISE_SDS = 3.0
#: cycles on each side whose prominences set the run's local level around a skipped cycle
_GAP_LEVEL_CYCLES = 4


@dataclass(frozen=True)
class _Bridged:
    """Counted runs after :func:`_bridge_runs`: ``runs`` index the merged peaks; ``gaps[k]``
    marks the intervals of run k that span skipped cycles (left out of the frequency)."""

    peaks: Peaks
    runs: list[np.ndarray]
    gaps: list[np.ndarray]
    filled_s: list[float]
    bridged: int


def _bridge_runs(
    pk: Peaks, counted: list[np.ndarray], low: Peaks, prom: float, noise_deg: float,
    tail: frozenset[int] = frozenset(),
) -> tuple[list[list[int]], list[int]]:
    """Counted runs that one rhythm joins across cycles under the beat threshold.

    A run near the threshold (0.5-0.7 deg beats from a goniometer with 0.3 deg noise, or a
    noisy accelerometer angle) keeps its rhythm, but noise pulls some of its peaks under the
    threshold; the run rule then ends the run at the first skipped cycle and the rest come as
    later runs, short ones not counted, although reflex-model section 8 counts every peak of
    the true angle >= 0.5 deg. Two consecutive counted runs are one run when every peak
    between them (counted or not) keeps the first run's period: 1 to
    ``_TAIL_MAX_SKIPPED_PERIODS`` periods after the previous one, within
    ``_TAIL_PHASE_TOLERANCE`` of a period (the grid of :func:`_skipped_cycle_tail`). A skipped
    cycle of the joined run is filled with a peak of ``low`` (found with a lower threshold) on
    its slot when

    - its prominence is within ``_GAP_NOISE_SDS`` noise SDs of the threshold
      (SD = sqrt(2) x ``noise_deg``), so a clean sensor's skipped cycles, which really were
      small, stay skipped;
    - the run's level around it, the median prominence of its cycles within
      ``_GAP_LEVEL_CYCLES`` cycles on each side (beats and skipped cycles' peaks alike, so the
      beats' selection above the threshold does not lift it), is at least the threshold. A run
      fading through the threshold, whose true cycles alternate above and below it, has its
      level under it and keeps its gaps.

    Parameters
    ----------
    pk : Peaks
        The candidate beats (threshold ``prom``).
    counted : list of ndarray of int
        The counted runs, indices into ``pk``, in time order.
    low : Peaks
        Peaks of the same signal found with a lower threshold (a superset of ``pk``'s).
    prom, noise_deg : float
        Beat threshold and angle noise RMS, in degrees.
    tail : frozenset of int
        Indices into ``pk`` of a fading tail's peaks (:func:`_skipped_cycle_tail`): the cycles
        skipped there fell under the threshold as the run faded, and are not filled.

    Returns
    -------
    runs : list of list of int
        The runs; indices ``< len(pk)`` are peaks of ``pk``, ``len(pk) + c`` is peak ``c`` of
        ``low``.
    filled : list of int
        Indices into ``low`` of the filled cycles.
    """
    filled: list[int] = []
    pooled = [_run_intervals(pk.times_s[r]) for r in counted if len(r) >= 3]
    iv = np.concatenate(pooled) if pooled else np.array([])
    if len(iv) < _TAIL_MIN_RUN_BEATS - 1:
        return [list(map(int, r)) for r in counted], filled
    per = float(np.median(iv))
    tol = _TAIL_PHASE_TOLERANCE * per

    def steps(t0: float, t1: float) -> int | None:
        k = int(round((t1 - t0) / per))
        ok = 1 <= k <= _TAIL_MAX_SKIPPED_PERIODS and abs(t1 - t0 - k * per) <= tol
        return k if ok else None

    # 1. join consecutive runs whose peaks in between all keep the grid
    out: list[list[int]] = [list(map(int, counted[0]))]
    for r in counted[1:]:
        a, b = int(out[-1][-1]), int(r[0])
        seq = list(range(a + 1, b + 1))
        ts = [float(pk.times_s[a])] + [float(pk.times_s[j]) for j in seq]
        if all(steps(x, y) is not None for x, y in zip(ts[:-1], ts[1:], strict=True)):
            out[-1].extend(seq[:-1])
            out[-1].extend(map(int, r))
        else:
            out.append(list(map(int, r)))
    # 2. fill the skipped cycles of runs long enough to know their period
    sd = np.sqrt(2.0) * noise_deg
    floor = max(0.5 * prom, prom - _GAP_NOISE_SDS * sd)
    taken = set(int(i) for i in pk.idx)
    n_pk = len(pk)
    runs: list[list[int]] = []
    for run in out:
        cand: list[int] = []
        if len(run) >= _TAIL_MIN_RUN_BEATS and floor < prom and len(low):
            for x, y in zip(run[:-1], run[1:], strict=True):
                if y in tail:
                    continue
                t0, t1 = float(pk.times_s[x]), float(pk.times_s[y])
                k = steps(t0, t1)
                for m in range(1, k or 1):
                    d = np.abs(low.times_s - (t0 + m * (t1 - t0) / k))
                    c = int(np.argmin(d))
                    if d[c] <= tol and int(low.idx[c]) not in taken and low.prominences[c] >= floor:
                        cand.append(n_pk + c)
        if not cand:
            runs.append(run)
            continue
        full = sorted(run + cand, key=lambda i: float(pk.times_s[i]) if i < n_pk
                      else float(low.times_s[i - n_pk]))
        proms = np.array([float(pk.prominences[i]) if i < n_pk else float(low.prominences[i - n_pk])
                          for i in full])
        keep = []
        for n, i in enumerate(full):
            if i >= n_pk:
                lo, hi = max(0, n - _GAP_LEVEL_CYCLES), min(len(full), n + _GAP_LEVEL_CYCLES + 1)
                if float(np.median(proms[lo:hi])) < prom:
                    continue
                filled.append(i - n_pk)
            keep.append(i)
        runs.append(keep)
    return runs, filled


def _join_runs(pk: Peaks, counted: list[np.ndarray], beat_up: np.ndarray, amp_up: np.ndarray,
               fs_up: float, after_idx: int, prom: float, ang: MotionAngle, fs: float, up: int,
               cfg: MotionConfig, tail: frozenset[int]) -> _Bridged:
    """Apply :func:`_bridge_runs`: the merged peak list, runs, gap intervals and amplitudes."""
    none = _Bridged(pk, counted, _gap_intervals(pk, counted), [], 0)
    if not counted:
        return none
    sd = np.sqrt(2.0) * ang.noise_deg
    floor = max(0.5 * prom, prom - _GAP_NOISE_SDS * sd)
    low = find_dorsiflexion_peaks(beat_up, fs=fs_up, min_prominence_deg=min(floor, prom),
                                  min_interval_s=cfg.min_beat_interval_s, after_idx=after_idx,
                                  amplitude_signal=amp_up)
    runs, filled = _bridge_runs(pk, counted, low, prom, ang.noise_deg, tail)
    if len(runs) == len(counted) and not filled:
        return none
    add = low.select(np.isin(np.arange(len(low)), filled))
    if len(add):
        add = _refine_times(add, ang, fs, up, cfg)
    n_pk = len(pk)
    src = {int(c): k for k, c in enumerate(np.flatnonzero(np.isin(np.arange(len(low)), filled)))}
    idx = np.concatenate([pk.idx, add.idx]).astype(int)
    order = np.argsort(idx, kind="stable")
    pos = np.empty(len(idx), dtype=int)
    pos[order] = np.arange(len(idx))
    merged = Peaks(idx[order], np.concatenate([pk.times_s, add.times_s])[order],
                   np.concatenate([pk.values, add.values])[order],
                   np.concatenate([pk.amplitudes, add.amplitudes])[order],
                   np.concatenate([pk.prominences, add.prominences])[order])
    new_runs = [np.array([pos[i] if i < n_pk else pos[n_pk + src[i - n_pk]] for i in r], dtype=int)
                for r in runs]
    # amplitudes of the filled cycles and of the peaks after them: from the lowest angle since
    # the previous peak of the merged list
    amps = merged.amplitudes.copy()
    fix = {int(pos[n_pk + k]) for k in range(len(add))}
    for j in sorted(fix | {f + 1 for f in fix}):
        if j < len(merged):
            start = int(merged.idx[j - 1]) if j else after_idx
            i = int(merged.idx[j])
            lo = amp_up[start : i + 1].min() if i > start else amp_up[i]
            amps[j] = float(merged.values[j] - beat_up[i] + amp_up[i] - lo)
    merged = Peaks(merged.idx, merged.times_s, merged.values, amps, merged.prominences)
    return _Bridged(merged, new_runs, _gap_intervals(merged, new_runs),
                    [float(x) for x in add.times_s], len(counted) - len(runs))


def _gap_intervals(pk: Peaks, runs: list[np.ndarray]) -> list[np.ndarray]:
    """Per run, which of its intervals span skipped cycles (>= 1.5 of the runs' pooled period,
    :func:`_run_intervals`); none for runs when fewer than 4 intervals give the period."""
    pooled = [_run_intervals(pk.times_s[r]) for r in runs if len(r) >= 3]
    iv = np.concatenate(pooled) if pooled else np.array([])
    if len(iv) < _TAIL_MIN_RUN_BEATS - 1:
        return [np.zeros(max(0, len(r) - 1), bool) for r in runs]
    per = float(np.median(iv))
    return [np.round(np.diff(pk.times_s[r]) / per) >= 2 for r in runs]


def _refine_times(pk, ang: MotionAngle, fs: float, up: int, cfg: MotionConfig):
    """Beat times re-read on a ringing-free copy of the angle.

    Peaks are found on the Butterworth-filtered signal (fewer spurious ones), but a Butterworth
    low-pass rings beside a sharp step: the fall of a released foot puts a false maximum up
    to 60 ms after the last held beat, and a low-pass near 1.6 x the beat frequency shifts a
    peak riding on a slope by up to 15 ms (0.3 Hz on a 3-beat frequency). Each time is taken
    from the local maximum, within +-30 ms, of the angle smoothed by a Gaussian kernel at
    ``beat_lowpass_hz`` (monotonic step response), when the noise there is well below the beat
    threshold.
    """
    # the least smoothing the noise allows: any low-pass moves the top of an asymmetric peak
    # (slow rise, sharp fall at a release) earlier
    cut = _ringing_free_cutoff(ang.theta_deg, fs, cfg.beat_lowpass_hz, cfg)
    if cut is None:
        return pk
    ref = gaussian_lowpass(ang.theta_deg, fs=fs, cutoff_hz=cut)
    ref_up = upsample(ref, fs=fs, min_fs_hz=_INTERNAL_FS_HZ)[0] if up > 1 else ref
    fs_up = fs * up
    maxima = np.flatnonzero((ref_up[1:-1] > ref_up[:-2]) & (ref_up[1:-1] >= ref_up[2:])) + 1
    times = pk.times_s.copy()
    if not maxima.size:
        return pk
    gaps = np.diff(pk.times_s)
    for k, t in enumerate(pk.times_s):
        # search within +-30 ms, widened up to +-70 ms (a ringing maximum after the last held
        # beat) but never past 40 % of the way to the neighbouring beat on that side
        left = min(_REFINE_MAX_S, 0.4 * gaps[k - 1]) if k else _REFINE_MAX_S
        right = min(_REFINE_MAX_S, 0.4 * gaps[k]) if k < len(gaps) else _REFINE_MAX_S
        dt = maxima / fs_up - t
        m = maxima[(dt >= -max(left, _REFINE_S)) & (dt <= max(right, _REFINE_S))]
        if not m.size:
            continue
        j = int(m[np.argmin(np.abs(m / fs_up - t))])
        if abs(j / fs_up - t) > _REFINE_S and not _is_ringing(ref_up, int(round(t * fs_up)), j):
            continue
        y0, y1, y2 = ref_up[j - 1], ref_up[j], ref_up[j + 1]
        den = y0 - 2 * y1 + y2
        d = 0.5 * (y0 - y2) / den if den != 0 else 0.0
        times[k] = (j + float(np.clip(d, -0.5, 0.5))) / fs_up
    order_ok = np.all(np.diff(times) > 0)
    if not order_ok:
        return pk
    return type(pk)(pk.idx, times, pk.values, pk.amplitudes, pk.prominences)


#: a dip's return to a steady hold ends a beat when the foot then stays within this fraction of
#: the return's rise for one beat period (a centred oscillation falls again by more)
_HOLD_STEADY_FRACTION = 0.25


def _returns_to_hold(
    x: np.ndarray, amp: np.ndarray, fs: float, pk: Peaks, runs: list[np.ndarray], prom: float,
    cfg: MotionConfig,
) -> list[tuple[int, float, float, float, float]]:
    """The last beat of runs whose beats hang from the held position as dips.

    A beat is one plantarflexor contraction: the foot dips and comes back up. When the beats
    are dips from the held level rather than a centred oscillation, the last dip's return to
    the hold is not a peak (nothing falls after it) and the peak rule misses that beat. Found
    here after each run of >= 2 beats (:func:`_return_to_hold_end`, with the run's median
    period). The end of a centred oscillation (the reflex-model simulator's) settles about
    halfway up, so the shared peak rule is unchanged there.

    Returns (index, time s, value deg, amplitude deg, rise deg) per beat found, on the
    (upsampled) signal ``x`` at ``fs``.
    """
    out = []
    for r in runs:
        if len(r) < 2:
            continue
        per = float(np.median(np.diff(pk.times_s[r])))
        end = _return_to_hold_end(x, amp, fs, pk, r, per, prom, cfg)
        if end is not None:
            out.append(end)
    return out


def _return_to_hold_end(
    x: np.ndarray, amp: np.ndarray, fs: float, pk: Peaks, r: np.ndarray, per: float,
    prom: float, cfg: MotionConfig,
) -> tuple[int, float, float, float, float] | None:
    """The dip and return to a level hold that ends run ``r`` (indices into ``pk``), if any.

    Within 1.5 periods ``per`` (s) of the run's last peak the angle dips by >= ``prom`` and
    comes back up by 0.75-1.33 times the dip; the run's tops are level (spread within a
    quarter of its median beat) and the return reaches their level; the end of that rise (its
    velocity down to a tenth of its peak) falls in step with the rhythm (``max_interval_change``
    of ``per``); and the foot then stays within :data:`_HOLD_STEADY_FRACTION` of the rise for
    one period. Returns (index, time s, value deg, amplitude deg, rise deg) on the (upsampled)
    signal ``x`` at ``fs``, or None.
    """
    n = len(x)
    i_last = int(pk.idx[r[-1]])
    w1 = i_last + int(round(1.5 * per * fs))
    if w1 + int(round(per * fs)) >= n:
        return None
    i_low = i_last + int(np.argmin(x[i_last:w1]))
    drop = float(x[i_last] - x[i_low])
    if drop < prom:
        return None
    # the top: where the rise's velocity has fallen to a tenth of its peak (a flat hold
    # has no maximum of its own; its noise would put one anywhere)
    v = np.diff(x[i_low : i_low + int(round(per * fs)) + 1])
    if len(v) < 3:
        return None
    j_v = int(np.argmax(v))
    slow = np.flatnonzero(v[j_v:] <= 0.1 * v[j_v])
    if v[j_v] <= 0 or not len(slow):
        return None
    i_top = i_low + j_v + int(slow[0])
    rise = float(x[i_top] - x[i_low])
    t_top = i_top / fs
    iv = t_top - pk.times_s[r[-1]]
    if rise < prom or abs(iv - per) > cfg.max_interval_change * per:
        return None
    # dips from a level hold: the run's tops level (within a quarter of its median beat),
    # the last dip coming back up by as much as it fell, to that level. The end of a
    # centred oscillation settles halfway, or past the tops when the foot is released
    tops = pk.values[r]
    lvl = float(np.median(tops))
    quarter = 0.25 * float(np.median(pk.amplitudes[r]))
    if (
        float(np.ptp(tops)) > quarter
        or not 0.75 <= rise / drop <= 1.33
        or abs(float(x[i_top]) - lvl) > max(quarter, 0.25 * rise)
    ):
        return None
    after = x[i_top : i_top + int(round(per * fs)) + 1]
    if float(np.max(np.abs(after - x[i_top]))) > _HOLD_STEADY_FRACTION * rise:
        return None
    if np.any(np.abs(pk.idx - i_top) < cfg.min_beat_interval_s * fs):
        return None
    return (i_top, t_top, float(x[i_top]), float(amp[i_top] - amp[i_low:i_top + 1].min()), rise)


def _released_train_end(
    x: np.ndarray, amp: np.ndarray, fs: float, pk: Peaks, runs: list[np.ndarray],
    release_s: float | None, prom: float, cfg: MotionConfig,
) -> tuple[int, float, float, float, float] | None:
    """The second beat of a two-beat train right after the release, as :func:`_returns_to_hold`.

    When the examiner lets go of a foot that is still beating, the foot falls towards rest and
    the reflex loop can go on for a beat or two there (reflex-model section 7, T7: "released
    gives a few beats then stops"). Two such beats hanging from the rest level give one peak
    (the first beat's top, the second's fall after it) and a return to the rest level that the
    peak rule misses; with a single peak the run has no period of its own, so the held run's
    (>= 3 beats, reaching the release: :func:`_is_released_train`) is used. Returns the
    return's (index, time s, value deg, amplitude deg, rise deg) on the (upsampled) ``x``,
    or None.
    """
    if release_s is None:
        return None
    for k in range(1, len(runs)):
        held, r = runs[k - 1], runs[k]
        if len(r) != 1 or pk.times_s[r[0]] <= release_s:
            continue
        if not _is_released_train(pk.times_s, held, r, release_s, cfg):
            return None
        per = float(np.median(np.diff(pk.times_s[held])))
        return _return_to_hold_end(x, amp, fs, pk, r, per, prom, cfg)
    return None


def _is_released_train(
    times_s: np.ndarray, held: np.ndarray, r: np.ndarray, release_s: float | None,
    cfg: MotionConfig,
) -> bool:
    """Whether run ``r`` continues the held run ``held`` right after the release, in its rhythm.

    The release breaks the run (the foot's fall shifts the beats off the held run's period
    grid), and the beats after it are too few for a later run (``min_later_run_beats``). They
    belong to the same clonus when the held run (>= 3 beats) went on until the release (its
    last beat within ``max_beat_interval_s`` or two periods of it), ``r`` holds the very next
    peaks after it, starts after the release and within ``max_first_beat_delay_s`` plus one
    period of the held run's last beat (the release is a new stretch of the loop, answered like
    the examiner's), and keeps the held run's rhythm: every interval within
    ``max_interval_change`` / 2 of its period (the ``same`` rule for later runs). ``r`` needs
    only its first peak for :func:`_released_train_end`; to count it needs >= 2 beats.
    """
    if release_s is None or len(held) < 3 or not len(r) or int(r[0]) != int(held[-1]) + 1:
        return False
    per = float(np.median(np.diff(times_s[held])))
    t_last, t_first = float(times_s[held[-1]]), float(times_s[r[0]])
    if release_s - t_last > max(cfg.max_beat_interval_s, 2.0 * per) or t_first <= release_s:
        return False
    if t_first - t_last > cfg.max_first_beat_delay_s + per:
        return False
    iv = np.diff(times_s[r])
    return bool(np.all(np.abs(iv - per) <= 0.5 * cfg.max_interval_change * per))


def _with_peaks(pk: Peaks, extra: list[tuple[int, float, float, float, float]]):
    """``pk`` with the extra beats of :func:`_returns_to_hold` inserted in time order."""
    idx = np.concatenate([pk.idx, [e[0] for e in extra]]).astype(int)
    o = np.argsort(idx, kind="stable")
    return Peaks(
        idx[o],
        np.concatenate([pk.times_s, [e[1] for e in extra]])[o],
        np.concatenate([pk.values, [e[2] for e in extra]])[o],
        np.concatenate([pk.amplitudes, [e[3] for e in extra]])[o],
        np.concatenate([pk.prominences, [e[4] for e in extra]])[o],
    )


def _strikes_per_cycle(acc: np.ndarray | None, bt: np.ndarray, fs: float) -> dict | None:
    """Impacts in each cycle between beats, from the accelerometer above min(20 Hz, fs/4).

    A foot tapping on the floor, or stepping, strikes the ground once per cycle: a broadband
    shock of one to several g at the sensor. During the clonus test the examiner holds the foot
    in the air; clonus itself is smooth (3-8 Hz with small harmonics; its tangential
    acceleration, up to about 1 g, stays below 20 Hz). Counted: cycles (consecutive beats)
    whose acceleration magnitude, high-passed at the cut-off, exceeds ``_STRIKE_G`` and 8 x its
    median over the recording. The cut-off is 20 Hz, or fs/4 at 50-79 Hz (at 50 Hz a 20 Hz
    high-pass leaves only 20-25 Hz, where 1-3 g toe strikes showed as 0.5 g or less: held-out
    negative seeds 2-3 lost 4 of 8 tapping false positives, no simulated trial changed).
    ``acc`` is the device's 3-axis accelerometer (m/s^2, from :func:`_companion_acc`, gravity or
    not); None without one or below 50 Hz.
    """
    if acc is None or fs < 50.0 or len(bt) < 4:
        return None
    cut = min(20.0, fs / 4)
    hf = np.linalg.norm(highpass(acc, fs=fs, cutoff_hz=cut), axis=0) / _G0
    level = max(_STRIKE_G, 8.0 * float(np.median(hf)))
    idx = np.clip(np.round(np.asarray(bt) * fs).astype(int), 0, len(hf) - 1)
    hits = [float(hf[i0:i1].max()) if i1 > i0 else 0.0 for i0, i1 in zip(idx[:-1], idx[1:],
                                                                        strict=True)]
    n_hit = int(sum(h >= level for h in hits))
    return {"n_cycles": len(hits), "n_hit": n_hit, "fraction": n_hit / len(hits),
            "max_g": float(max(hits)), "level_g": level, "cutoff_hz": cut}


def _robust_cv(intervals_s: np.ndarray) -> float:
    """Robust coefficient of variation of beat intervals: 1.4826 x MAD / median.

    One interval spanning a beat that fell just under the prominence threshold (twice the
    period) must not make a long regular run look irregular; random noise peaks stay
    irregular whatever the statistic.
    """
    iv = np.asarray(intervals_s, dtype=float)
    med = float(np.median(iv))
    if len(iv) < 2 or med <= 0:
        return 1.0
    return 1.4826 * float(np.median(np.abs(iv - med))) / med


def _largest_swing(x: np.ndarray) -> float:
    """Largest peak-to-peak swing (deg) between consecutive turning points of ``x``.

    The "peak-to-peak in the last second" of the sustained rule (reflex-model section 8) is
    one beat's excursion, trough to peak; the range of the window would add any slow residual
    movement to it. Turning points need a prominence of 0.02 deg (noise).
    """
    from scipy.signal import find_peaks

    hi, _ = find_peaks(x, prominence=0.02)
    lo, _ = find_peaks(-x, prominence=0.02)
    ext = np.sort(np.concatenate([hi, lo]))
    if len(ext) < 2:
        return 0.0
    return float(np.max(np.abs(np.diff(x[ext]))))


def _fast_rhythm(
    ang: MotionAngle, fs: float, pk_i: int, hold_s: float, on_i: int, cfg: MotionConfig,
    skip_s: float = 0.0,
) -> dict | None:
    """Power above the clonus range vs inside it, while the stretch is held (up to 3 s).

    Examiner hand tremor (8-12 Hz, reflex-model section 7) shakes the foot during the hold; a
    12 Hz tremor is half-suppressed by the peak-picking low-pass and can leave a few stray peaks,
    so it is judged on the spectrum of the drift-free, unfiltered angle.
    """
    lo, hi = cfg.clonus_frequency_hz
    top = min(14.0, 0.45 * fs)
    if top <= hi + 1.0:
        return None
    i1 = min(len(ang.theta_deg), on_i + int(min(hold_s, 3.0 + (pk_i - on_i) / fs) * fs))
    seg = ang.theta_deg[pk_i + int(skip_s * fs):i1]
    if len(seg) < int(0.75 * fs):
        return None
    seg = highpass(seg, fs=fs, cutoff_hz=1.0)
    f, p = power_spectrum(seg, fs=fs, window_s=min(1.0, len(seg) / fs))
    df = float(f[1] - f[0])
    slow = float(np.sum(p[(f >= lo) & (f <= hi)]) * df)
    fastp = float(np.sum(p[(f > hi) & (f <= top)]) * df)
    if fastp <= 0:
        return None
    m = (f > hi) & (f <= top)
    return {
        "peak_hz": float(f[m][np.argmax(p[m])]),
        "power_ratio": fastp / max(slow, 1e-12),
        "fast_rms_deg": float(np.sqrt(fastp)),
    }


# --------------------------------------------------------------------------- assembly
def _spectrum(x: np.ndarray, fs: float) -> Trace:
    f, p = power_spectrum(x, fs=fs, window_s=2.0)
    m = f <= min(20.0, fs / 2)
    return Trace(f[m], p[m], "deg^2/Hz", "power spectrum of the plantar/dorsiflexion angle")


def _result(
    *,
    rec: Recording,
    cfg: MotionConfig,
    channel: str,
    classification: str,
    reason: str,
    beats: tuple[Beat, ...] = (),
    runs: tuple[Run, ...] = (),
    frequency: float | None = None,
    duration: float = 0.0,
    sustained: bool = False,
    stretch_onset: float | None = None,
    metrics: dict | None = None,
    warnings: list[str] | None = None,
    trace: Trace | None = None,
    spectrum: Trace | None = None,
    hold_s: float | None = None,
    continued: bool | None = None,
    rhythm_hz: float | None = None,
) -> Assessment:
    if rhythm_hz is not None:
        # the frequency of a rhythm judged not to be clonus: frequency_hz stays the clonus
        # beats' (null here, json-contract.md), but the reason quotes this one
        metrics = {**(metrics or {}), "rhythm_frequency_hz": float(rhythm_hz)}
    no_test = classification == "rhythmic_not_clonus" and stretch_onset is None
    n = None if classification == "indeterminate" or no_test else len(beats)
    grades = grade_all(
        n_beats=n,
        duration_s=None if n is None else duration,
        sustained=sustained,
        hold_duration_s=hold_s,
        continued_until_release=continued,
        config=cfg.grading,
    )
    if no_test:  # rhythm without an examiner stretch: no clonus test was performed
        grades = {
            k: replace(g, rule="not graded: no examiner stretch, so no clonus test to grade")
            for k, g in grades.items()
        }
    pathological = bool(grades["bedside"].value == 1) if classification == "clonus" else False
    t0 = (metrics or {}).get("rhythm_at_start_s")
    if classification == "rhythmic_not_clonus" and t0 is not None:
        warnings = [*(warnings or ()),
                    f"the rhythm was already there when the recording started (first cycle at "
                    f"{t0:.2f} s): if it followed a stretch made before recording began, record "
                    "the test again, starting before the stretch."]
    return Assessment(
        n_beats=len(beats),
        beats=beats,
        amplitude_unit="deg",
        frequency_hz=frequency,
        clonus_duration_s=float(duration),
        sustained=bool(sustained),
        stretch_onset_s=stretch_onset,
        classification=classification,
        reason=reason,
        grades=grades,
        pathological=pathological,
        channel=channel,
        fs_hz=float(rec.fs),
        software_version=__version__,
        signal_kind="motion",
        runs=runs,
        metrics=metrics or {},
        config=cfg.to_dict(),
        warnings=tuple(warnings or ()),
        source=rec.source,
        trace=trace,
        spectrum=spectrum,
    )


def _companion_acc(rec: Recording, names: list[str], *, gravity: bool) -> np.ndarray | None:
    """The 3-axis accelerometer (m/s^2) of the same device as the analysed channels, if any:
    the one whose name stem matches theirs, else the one closest to 1 g. With ``gravity``,
    only one that measures gravity (median |a| within 0.7-1.3 g)."""
    acc = [i for i, c in enumerate(rec.channels) if c.kind == "acc"]
    if len(acc) < 3:
        return None
    groups: dict[str, list[int]] = {}
    for i in acc:
        groups.setdefault(axis_stem(rec.channels[i].name), []).append(i)
    stems = {axis_stem(n) for n in names}
    # only an accelerometer that measures gravity (median |a| within 0.7-1.3 g) can correct the
    # gyroscope; "linear acceleration" channels (gravity removed) cannot
    three = []
    for ii in groups.values():
        if len(ii) != 3:
            continue
        a = np.asarray(rec.data[ii], dtype=float)
        if not np.isfinite(a).all() or float(np.max(np.abs(a))) > _MAX_ABS:
            continue  # gaps, or values no sensor gives (a damaged export)
        g = float(np.median(np.linalg.norm(a, axis=0))) / _G0
        if 0.7 <= g <= 1.3 or not gravity:
            three.append((abs(g - 1.0), ii))
    if not three:
        return None
    same = [ii for _, ii in three if axis_stem(rec.channels[ii[0]].name) in stems]
    if not same:  # the same device: right_gyr_x with right_acc_x, gyro_x with acc_x
        devices = {_device(n) for n in names}
        same = [ii for _, ii in three if _device(rec.channels[ii[0]].name) in devices]
    if same:
        pick = same[0]
    elif len({_device(rec.channels[ii[0]].name) for ii in groups.values()}) == 1:
        pick = min(three, key=lambda x: x[0])[1]  # one device: its accelerometer
    else:
        return None  # several devices, none matching: another foot's accelerometer is no use
    return np.asarray(rec.data[pick], dtype=float)


# --------------------------------------------------------------------------- unitless channels
_MOTION_KIND_SI = {"gyro": "rad/s", "acc": "m/s^2", "angle": "rad"}
#: A gyroscope channel without a unit whose largest values (99.5th percentile of |w|, over
#: the axes) exceed this is read as deg/s, else as rad/s: 30 rad/s is 1700 deg/s, beyond any
#: ankle (an examiner's stretch is 60-600 deg/s, so in deg/s the same test reads >= 60).
_AU_GYRO_DEG_S_ABOVE = 30.0
#: An accelerometer without a unit: the median norm of its three axes (gravity) near 1 is g,
#: near 9.8 m/s^2 is m/s^2.
_AU_ACC_G_RANGE = (0.5, 1.6)
_AU_ACC_SI_RANGE = (5.0, 15.0)
#: An angle without a unit whose range (1st-99th percentile) exceeds this is in degrees: 3 rad
#: is 170 deg, more than the ankle's whole range.
_AU_ANGLE_DEG_ABOVE = 3.0


def _assume_motion_units(rec: Recording) -> tuple[Recording, list[str], dict[str, str]]:
    """Give unitless ("AU") motion channels a unit judged from their size, on a copy.

    Returns the recording to analyse (the input itself when nothing was unitless), one warning
    per kind converted, and ``{channel: unit assumed}``. The caller's recording is unchanged.
    """
    au = [i for i, c in enumerate(rec.channels) if c.unit == "AU" and c.kind in _MOTION_KIND_SI]
    if not au:
        return rec, [], {}
    data = rec.data
    scale = np.ones(rec.n_channels)
    assumed: dict[str, str] = {}
    warns: list[str] = []
    for kind in ("gyro", "acc", "angle"):
        ii = [i for i in au if rec.channels[i].kind == kind]
        if not ii:
            continue
        x = data[ii]
        finite = np.isfinite(x).all(axis=0)
        if not finite.any():
            continue
        x = x[:, finite]
        names = ", ".join(rec.channels[i].name for i in ii)
        if kind == "gyro":
            size = float(np.percentile(np.linalg.norm(x, axis=0), 99.5))
            unit = "deg/s" if size > _AU_GYRO_DEG_S_ABOVE else "rad/s"
            why = (f"its largest values ({size:.3g}) would be "
                   + (f"{np.degrees(size):.0f} deg/s in rad/s, faster than an ankle can turn"
                      if unit == "deg/s" else f"{size:.3g} deg/s in deg/s, too slow for a "
                      "clonus test"))
        elif kind == "acc":
            if len(ii) != 3:
                continue
            g = float(np.median(np.linalg.norm(x, axis=0)))
            if _AU_ACC_G_RANGE[0] <= g <= _AU_ACC_G_RANGE[1]:
                unit = "g"
            elif _AU_ACC_SI_RANGE[0] <= g <= _AU_ACC_SI_RANGE[1]:
                unit = "m/s^2"
            else:
                continue
            why = f"the median size of the acceleration (gravity) is {g:.3g}"
        else:
            lo, hi = np.percentile(x, [1, 99], axis=1)
            rng = float(np.max(hi - lo))
            unit = "deg" if rng > _AU_ANGLE_DEG_ABOVE else "rad"
            why = f"it spans {rng:.3g}" + (", more than an ankle's range in rad"
                                           if unit == "deg" else "")
        for i in ii:
            scale[i] = require_unit(unit).scale
            assumed[rec.channels[i].name] = unit
        warns.append(
            f"The {kind} channel(s) {names} have no unit; analysed as {unit} because {why}. "
            f"If that is wrong, give the unit: read(path, units={{'{rec.channels[ii[0]].name}': "
            "...}) or clonus assess --units NAME=UNIT."
        )
    if not assumed:
        return rec, [], {}
    chans = tuple(
        replace(c, unit=_MOTION_KIND_SI[c.kind], orig_unit=assumed[c.name]) if c.name in assumed
        else c
        for c in rec.channels
    )
    out = Recording(data * scale[:, None], rec.fs, chans, start_time=rec.start_time,
                    tz_is_local=rec.tz_is_local, source=rec.source, metadata=rec.metadata)
    return out, warns, assumed


def assess_motion(
    recording: Recording, *, config: MotionConfig | None = None, _stretch_after_s: float = 0.0,
    _whole: bool = True,
) -> Assessment:
    """Analyse an ankle clonus test recorded with a phone/IMU or a goniometer.

    Parameters
    ----------
    recording : Recording
        Motion channels: gyroscope (rad/s), accelerometer (m/s^2) and/or angle (rad), in any
        sensor orientation. Other channels are ignored.
    config : MotionConfig, optional
        Analysis parameters (defaults: :data:`DEFAULT_MOTION`, cited in ``docs/motion.md``).

    Returns
    -------
    Assessment
        ``beats`` (time of each dorsiflexion peak after the stretch, amplitude peak-to-peak in
        deg), ``frequency_hz``, ``clonus_duration_s`` (stretch peak to last beat, in s),
        ``sustained``, ``stretch_onset_s``, ``classification`` with ``reason``, ``grades``,
        ``pathological`` (bedside rule), ``trace`` (angle in deg), ``spectrum`` and ``metrics``.

    Notes
    -----
    Bad input (too short, too low a sampling rate, dropouts, clipping, impacts, no stretch)
    gives ``classification="indeterminate"`` with the reason and no beat count; parameter
    errors raise :class:`~clonus.exceptions.InvalidParameterError`.

    A stretch needs rest seen before it (``min_pre_stretch_s``). When the analysis finds no
    clonus and the angle moves at the stretch velocity within the first
    ``min_pre_stretch_s`` + 0.2 s, a stretch that starts earlier (a recording or simulation that
    starts with the push) is tried too, and taken only if it gives clonus with beats at most
    1 / ``_EARLY_STRETCH_RATIO`` of the stretch (no tremor check before it is possible), with a
    warning (``metrics.stretch_without_rest_before``).

    Examples
    --------
    >>> import numpy as np, clonus
    >>> fs = 200.0
    >>> t = np.arange(0, 6, 1 / fs)
    >>> beats = np.where(t > 0.7, np.sin(2 * np.pi * 6 * (t - 0.7)), 0.0)
    >>> ang = np.deg2rad(np.where(t > 0.5, 10.0, 0.0) + beats)
    >>> rec = clonus.Recording.from_array(ang, fs=fs, names=["ankle"], kinds="angle", units="rad")
    >>> a = assess_motion(rec)
    >>> a.classification, round(a.frequency_hz, 1)
    ('clonus', 6.0)
    """
    a = _assess_motion(recording, config=config, _stretch_after_s=_stretch_after_s,
                       _whole=_whole)
    if a.classification == "clonus" or _stretch_after_s > 0 or not _fast_at_start(a, config):
        return a
    b = _assess_motion(recording, config=config, _whole=_whole, _early=True)
    if b.classification == "clonus" and b.metrics.get("stretch_without_rest_before"):
        return b
    return a


def _fast_at_start(a: Assessment, config: MotionConfig | None) -> bool:
    """Could an early stretch exist? The analysed angle (``a.trace``) moves at the stretch
    velocity within ``min_pre_stretch_s`` + 0.2 s (a push reaches it within its rise) of the
    start. Without it the early-stretch pass (a second full analysis) is skipped."""
    if a.trace is None or len(a.trace.times_s) < 3:
        return False
    cfg = config if isinstance(config, MotionConfig) else DEFAULT_MOTION
    t, th = a.trace.times_s, a.trace.values
    n = int(np.searchsorted(t, cfg.min_pre_stretch_s + 0.2)) + 1  # from the recording start
    v = np.diff(th[:n]) / np.diff(t[:n])
    return bool(v.size) and float(np.max(np.abs(v))) >= cfg.stretch_min_velocity_deg_s


def _assess_motion(
    recording: Recording, *, config: MotionConfig | None = None, _stretch_after_s: float = 0.0,
    _whole: bool = True, _early: bool = False,
) -> Assessment:
    """The analysis behind :func:`assess_motion` (``_early``: allow a stretch without rest seen
    before it)."""
    if not isinstance(recording, Recording):
        raise InvalidParameterError(
            f"assess_motion needs a clonus.Recording, got {type(recording).__name__}."
        )
    cfg = DEFAULT_MOTION if config is None else config
    if isinstance(cfg, GradingConfig):
        cfg = replace(DEFAULT_MOTION, grading=cfg)
    if not isinstance(cfg, MotionConfig):
        raise InvalidParameterError(f"config must be a MotionConfig, got {type(cfg).__name__}.")
    rec, unit_warns, assumed_units = _assume_motion_units(recording)
    fs = float(rec.fs)
    src_notes: list[str] = []
    kind, idx = _pick_source(rec, cfg, src_notes)
    gon_noise = None
    if cfg.source == "auto" and kind == "angle" and fs >= cfg.validated_fs_hz:
        gon_noise = _gyro_is_cleaner(rec, idx, fs, cfg)
        if gon_noise is not None:
            src_notes = []
            kind, idx = _pick_source(rec, replace(cfg, source="gyro"), src_notes)
    names = [rec.channels[i].name for i in idx]
    channel = ",".join(names)
    metrics: dict[str, Any] = {"source_kind": kind, "channels_used": names}
    if gon_noise is not None:
        metrics["goniometer_noise_deg"] = gon_noise
    warns: list[str] = list(unit_warns) + src_notes
    if assumed_units:
        metrics["assumed_units"] = assumed_units

    def indeterminate(reason: str, trace: Trace | None = None) -> Assessment:
        logger.info("indeterminate: %s", reason)
        return _result(
            rec=rec,
            cfg=cfg,
            channel=channel,
            classification="indeterminate",
            reason=reason,
            metrics=metrics,
            warnings=warns,
            trace=trace,
        )

    if fs < cfg.min_fs_hz:
        return indeterminate(
            f"sampling rate {fs:g} Hz is below the {cfg.min_fs_hz:g} Hz needed to resolve "
            f"clonus beats up to {cfg.band_hz[1]:g} Hz; record at >= 50 Hz."
        )
    if fs < cfg.validated_fs_hz:
        warns.append(
            f"sampling rate {fs:g} Hz is below the {cfg.validated_fs_hz:g} Hz validated in the "
            "accuracy benchmark: beat times are coarse (1 sample = "
            f"{1000 / fs:.0f} ms) and fast beats may be missed; record at >= 50 Hz (60 fps video)."
        )
    if rec.duration_s < cfg.min_duration_s:
        return indeterminate(
            f"recording of {rec.duration_s:.2f} s is too short to judge a clonus test "
            f"(need >= {cfg.min_duration_s:g} s: the stretch and the beats that follow)."
        )
    if rec.duration_s > cfg.max_duration_s:
        return indeterminate(
            f"recording of {rec.duration_s / 3600:.1f} h is longer than a clonus test "
            f"(max_duration_s = {cfg.max_duration_s / 3600:g} h). For clonus over hours use "
            "'clonus monitor' (episodes per hour), or cut out the part with the test."
        )
    raw = _blank_timestamp_gaps(rec.data[idx], rec.gap_intervals_s, fs,
                                cfg.max_gap_s)
    data, qrep = check_quality(
        raw,
        fs=fs,
        names=names,
        kind=kind,
        max_gap_s=cfg.max_gap_s,
        frozen_s=cfg.frozen_s,
        clip_run_s=cfg.clip_run_s,
    )
    warns.extend(qrep.notes)
    if not qrep.ok:
        metrics["quality_problems"] = qrep.problems
        return indeterminate("signal quality: " + " ".join(qrep.problems))
    dropouts = qrep.dropouts
    if dropouts:
        metrics["dropouts"] = [{"start_s": a, "length_s": n} for a, n in dropouts]
        lost = sum(n for _, n in dropouts)
        if lost > _MAX_DROPOUT_FRACTION * rec.duration_s:
            return indeterminate(
                f"signal quality: sensor dropout, {len(dropouts)} gap(s) without data totalling "
                f"{lost:.2f} s of {rec.duration_s:.1f} s; record again without interruptions."
            )

    if kind == "acc" and _whole and rec.duration_s > _LONG_ACC_S:
        quiet = _quiet_spans(data, fs)
        if len(quiet) > _MAX_MOVEMENT_PARTS:
            return indeterminate(
                f"{len(quiet) + 1} separate periods of movement in {rec.duration_s / 60:.0f} min: "
                "not a clonus test recording. For clonus over hours use 'clonus monitor', or "
                "cut out the part with the test."
            )
        res = _assess_outside(rec, cfg, quiet, fs, None, "no movement (the sensor at rest)")
        if res is not None:
            return res
    ang = motion_angle(
        data, fs=fs, kind=kind, config=cfg, acc=_companion_acc(rec, names, gravity=True)
    )
    warns.extend(ang.notes)
    times = np.arange(len(ang.theta_deg)) / fs
    trace = Trace(times, ang.theta_deg, "deg", "plantar/dorsiflexion angle (dorsiflexion positive)")
    metrics.update(
        {
            "axis": ang.axis,
            "axis_explained_variance": ang.axis_explained,
            "gravity_fused": bool(kind == "gyro" and ang.drift_free),
            "range_deg": float(np.ptp(ang.theta_deg)),
        }
    )
    if ang.acc_fit is not None:
        metrics["acc_radius_m"] = ang.acc_fit["radius_m"]
        metrics["acc_radius_estimated"] = ang.acc_fit["radius_estimated"]

    # a rhythm from the recording's first second may be clonus whose stretch was made before
    # recording began: whatever the verdict on it, _result then says how to record the test
    rh0 = _rhythm(ang.beat_deg[: int((_RHYTHM_AT_START_S + 1.0) * fs)], fs, cfg, cfg.band_hz[0],
                  14.0, max(cfg.min_prominence_deg, cfg.noise_factor * ang.noise_deg))
    if rh0 is not None and rh0["start_s"] <= _RHYTHM_AT_START_S:
        metrics["rhythm_at_start_s"] = rh0["start_s"]
    gait = _gait(ang, fs, cfg)
    if gait:
        metrics["repetitive_movement"] = {k: v for k, v in gait.items() if k != "times_s"}
        gait_result = _result(
            rec=rec,
            cfg=cfg,
            channel=channel,
            classification="rhythmic_not_clonus",
            reason=(
                f"{gait['n_cycles']} large repetitive movements at {gait['frequency_hz']:.2f} Hz "
                "(gait or voluntary movement), not a clonus test"
            ),
            rhythm_hz=gait["frequency_hz"],
            metrics=metrics,
            warnings=warns,
            trace=trace,
            spectrum=_spectrum(ang.beat_deg, fs),
        )
        if not _whole:
            return gait_result
        per = 1.0 / gait["frequency_hz"]
        spans = _merge_spans([(t, t) for t in gait["times_s"]], per + 1.0, max(3.0, 3 * per),
                             rec.duration_s)
        metrics["repetitive_movement"]["spans_s"] = [list(x) for x in spans]
        return _assess_outside(
            rec, cfg, spans, fs, gait_result,
            f"{gait['n_cycles']} large repetitive movements at {gait['frequency_hz']:.2f} Hz "
            "(gait or voluntary movement)",
        )
    imp_spans: list[tuple[float, float]] = []
    imp = _impacts(rec, ang, fs, cfg, kind, imp_spans)
    warns.extend(n for n in ang.notes if n not in warns)
    if imp:
        metrics["artefacts"] = imp
        bad = indeterminate("artefact: " + " ".join(imp), trace)
        if not _whole:
            return bad
        spans = _merge_spans(imp_spans, _ARTEFACT_MARGIN_S, 2 * _ARTEFACT_MARGIN_S,
                             rec.duration_s)
        return _assess_outside(rec, cfg, spans, fs, bad, " ".join(imp))

    knocks: list[float] = []
    # (_stretch_after_s: one of several tests, whose part starts before its push)
    st = _find_stretch(ang, fs, cfg, knocks, start_idx=int(_stretch_after_s * fs),
                       early=_early)
    early_stretch = False
    if st is not None and _early:
        min_pre_s = cfg.min_pre_stretch_s * (0.5 if ang.kind == "acc" else 1.0)
        early_stretch = st["onset_idx"] / fs < min_pre_s
        if early_stretch and st["onset_idx"] < max(2, int(round(_EARLY_MIN_ONSET_S * fs))):
            # moving from the first sample on: the movement began before the recording (or
            # is the filters' edge transient), not a push from rest
            st = None
            early_stretch = False
        if early_stretch:
            metrics["stretch_without_rest_before"] = True
            warns.append(
                f"the stretch starts {st['onset_idx'] / fs:.2f} s into the recording, with no "
                "rest recorded before it, so a tremor already present before it cannot be ruled "
                f"out; it is taken because the beats are under 1/{_EARLY_STRETCH_RATIO:g} of "
                "it. Start recording before the stretch."
            )
    if knocks:
        metrics["impulses_s"] = knocks
        warns.append(
            f"{len(knocks)} brief impulse(s) (knock?) at "
            f"{', '.join(f'{k:.2f}' for k in knocks[:5])} s "
            "were not taken as the examiner's stretch."
        )
    if st is None:
        rh = _rhythm(ang.beat_deg, fs, cfg, cfg.band_hz[0], 14.0)
        spec = _spectrum(ang.beat_deg, fs)
        if rh:
            metrics["rhythm"] = rh
            movement = (
                f"rhythmic movement at {rh['frequency_hz']:.1f} Hz ({rh['n']} cycles, "
                f"{rh['amplitude_deg']:.1f} deg)"
            )
            slow = _slow_push_before(ang, fs, cfg, rh, int(_stretch_after_s * fs))
            if slow is not None:
                metrics["slow_push"] = slow
                cls = "indeterminate"
                reason = (
                    f"{movement} begins right after a dorsiflexion of "
                    f"{slow['excursion_deg']:.0f} deg at {slow['onset_s']:.2f} s that was too "
                    f"slow for the clonus test's stretch ({slow['peak_velocity_deg_s']:.0f} "
                    f"deg/s, the test needs >= {cfg.stretch_min_velocity_deg_s:g} deg/s): "
                    "clonus set off by it cannot be told from tremor. Repeat the test with "
                    "a brisk push."
                )
            else:
                cls = "rhythmic_not_clonus"
                reason = (
                    f"{movement} without a stretch trigger: tremor or voluntary movement, "
                    "not clonus"
                )
            return _result(
                rec=rec,
                cfg=cfg,
                channel=channel,
                classification=cls,
                reason=reason,
                rhythm_hz=rh["frequency_hz"],
                metrics=metrics,
                warnings=warns,
                trace=trace,
                spectrum=spec,
            )
        return _result(
            rec=rec,
            cfg=cfg,
            channel=channel,
            classification="indeterminate",
            reason=(
                ("brief impulse(s) only (knock or tap on the sensor), " if knocks else "")
                + "no examiner stretch found (no dorsiflexion of >= "
                f"{cfg.stretch_min_excursion_deg:g} deg "
                f"at >= {cfg.stretch_min_velocity_deg_s:g} deg/s); cannot judge clonus. Was the "
                "test performed with the sensor on the foot?"
            ),
            metrics=metrics,
            warnings=warns,
            trace=trace,
            spectrum=spec,
        )

    on_i, pk_i = st["onset_idx"], st["peak_idx"]
    t_on, t_pk = on_i / fs, pk_i / fs
    metrics["stretch"] = {
        "onset_s": t_on,
        "peak_s": t_pk,
        "excursion_deg": st["excursion_deg"],
        "peak_velocity_deg_s": st["peak_velocity_deg_s"],
    }
    hold_s, held_to_end = _hold(ang, fs, st, cfg)
    if cfg.split_tests:
        later = _later_stretches(ang, fs, cfg, st)
        if later:
            logger.info("%d clonus tests in one recording", len(later) + 1)
            return _assess_each_test(
                rec, cfg, [on_i] + [s["onset_idx"] for s in later], fs, list(unit_warns)
            )
    if cfg.test_number not in (None, 1):
        raise InvalidParameterError(
            f"test_number {cfg.test_number} asked for, but the recording holds one clonus test "
            f"(stretch at {t_on:.2f} s)."
        )
    metrics["hold_duration_s"] = hold_s
    metrics["held_to_end_of_recording"] = held_to_end

    # rhythm already present before the stretch: tremor. Its peaks must clear the same noise
    # threshold as the beats (below): a 0.3 deg goniometer at 50 Hz throws up 4 regular noise
    # peaks of 0.7 deg now and then (stress trials with a quiet foot before the push)
    pre0 = max(0, on_i - int(cfg.pre_stretch_window_s * fs))
    noise_prom = max(cfg.min_prominence_deg, cfg.noise_factor * ang.noise_deg)
    pre = (
        _rhythm(ang.beat_deg[pre0:on_i], fs, cfg, cfg.band_hz[0], 14.0, noise_prom)
        if on_i - pre0 > 0
        else None
    )
    spec_all = _spectrum(ang.beat_deg, fs)
    if pre:
        metrics["pre_stretch_rhythm"] = pre
        return _result(
            rec=rec,
            cfg=cfg,
            channel=channel,
            classification="rhythmic_not_clonus",
            reason=(
                f"rhythmic movement at {pre['frequency_hz']:.1f} Hz already before the stretch "
                f"(at {t_on:.2f} s): tremor, not stretch-triggered clonus"
            ),
            rhythm_hz=pre["frequency_hz"],
            stretch_onset=t_on,
            metrics=metrics,
            warnings=warns,
            trace=trace,
            spectrum=spec_all,
        )

    # adaptive peak-picking low-pass: 1.6 x the dominant post-stretch frequency (keeps >= 97 %
    # of the clonus fundamental, suppresses examiner tremor and sensor noise above it)
    # A clean gyroscope (noise well below the beat threshold, no examiner tremor above the
    # clonus range) keeps the 12 Hz low-pass: the lower one also rounds off the harmonics of
    # small non-sinusoidal beats and cost up to 0.1 deg of prominence on 0.5-0.6 deg beats in
    # the simulated benchmark. Noisy sensors, double-integrated accelerometers and tremor
    # still get it.
    clean = False
    fast = _fast_rhythm(ang, fs, pk_i, hold_s, on_i, cfg)
    fast_hold_s = hold_s
    # (likewise an accelerometer angle fitted to the rotating-sensor model: not integrated)
    if ang.kind == "gyro" or (ang.kind == "acc" and ang.acc_fit is not None):
        noise_12 = _noise_in_band(ang.theta_deg, fs, cfg.beat_lowpass_hz)
        # examiner tremor lasts through the hold; the fast transients of the reflex kick
        # answering the stretch are over within ~0.3 s and must not cost a clean gyroscope its
        # 12 Hz low-pass (at 7 Hz two beats 110 ms apart after a kick merged into one)
        fast_c = _fast_rhythm(ang, fs, pk_i, hold_s, on_i, cfg, skip_s=_CLEAN_FAST_SKIP_S)
        clean = cfg.noise_factor * noise_12 <= 0.5 * cfg.min_prominence_deg and (
            fast_c is None or fast_c["power_ratio"] <= _CLEAN_FAST_RATIO
        )
        metrics["clean_gyroscope" if ang.kind == "gyro" else "clean_accelerometer_fit"] = clean
    if cfg.adaptive_lowpass_factor > 0 and not clean:
        f0 = _dominant_frequency(ang, fs, pk_i, cfg)
        if f0 is not None:
            lp_hz = float(np.clip(cfg.adaptive_lowpass_factor * f0, 7.0, cfg.beat_lowpass_hz))
            if lp_hz < cfg.beat_lowpass_hz:
                _set_beat_signal(ang, fs, lp_hz, cfg)
            metrics["beat_lowpass_hz"] = lp_hz
            metrics["dominant_frequency_hz"] = f0

    # beats after the stretch peak
    prom = max(cfg.min_prominence_deg, cfg.noise_factor * ang.noise_deg)
    metrics["prominence_threshold_deg"] = prom
    metrics["noise_deg"] = ang.noise_deg
    if prom > cfg.min_prominence_deg:
        warns.append(
            f"noisy signal (noise {ang.noise_deg:.2f} deg RMS after filtering): beats need a "
            f"prominence of {prom:.2f} deg instead of {cfg.min_prominence_deg:g} deg; the smallest "
            "beats may be missed."
        )
    # peaks on the band-limited interpolation (>= 400 Hz): at 50-60 Hz the samples miss the
    # true extremes by up to 5 % of a beat, which decides 0.5-0.6 deg beats
    beat_up, fs_up, up = upsample(ang.beat_deg, fs=fs, min_fs_hz=_INTERNAL_FS_HZ)
    amp_up = upsample(ang.amp_deg, fs=fs, min_fs_hz=_INTERNAL_FS_HZ)[0] if up > 1 else ang.amp_deg
    pk = find_dorsiflexion_peaks(
        beat_up,
        fs=fs_up,
        min_prominence_deg=prom,
        min_interval_s=cfg.min_beat_interval_s,
        after_idx=pk_i * up,
        amplitude_signal=amp_up,
    )
    pk = pk.select(pk.times_s > t_pk + 0.5 * cfg.min_beat_interval_s)
    # a Butterworth low-pass rings beside a steep movement (a toe slapped down on the floor):
    # its ripples are not beats when the ringing-free angle stays flat under them
    if len(pk):
        ringing = _ringing_peaks(pk, ang, fs, metrics.get("beat_lowpass_hz", cfg.beat_lowpass_hz),
                                 t_pk, cfg)
        if ringing.any():
            metrics["ringing_peaks_s"] = [float(x) for x in pk.times_s[ringing]]
            pk = drop_peaks(pk, ~ringing, beat_up, after_idx=pk_i * up, amplitude_signal=amp_up)
    # the stretch's own plateau: a top the foot reached without first falling by a beat's size
    # below the stretch peak (the examiner's hand creeping up as the beats start) is not a beat
    n_plateau = 0
    ref_i = pk_i * up
    ref_v = float(amp_up[ref_i])
    while n_plateau < len(pk):
        i_k = int(pk.idx[n_plateau])
        if i_k <= ref_i or ref_v - float(amp_up[ref_i:i_k + 1].min()) >= prom:
            break
        if pk.times_s[n_plateau] - t_pk > cfg.max_first_beat_delay_s:
            # the hand creeps up while the first beats build, within the first (longest)
            # clonus period; a top reached later on a foot that stayed up is no part of the
            # stretch, and taking it as the reference let a rhythm starting 1.4 s after the
            # push count as stretch-locked (negatives seed 4: re-emergent PD tremor)
            break
        ref_v = max(ref_v, float(amp_up[i_k]))
        ref_i = i_k
        n_plateau += 1
    if n_plateau:
        metrics["stretch_plateau_tops_s"] = [float(x) for x in pk.times_s[:n_plateau]]
        pk = pk.select(np.arange(len(pk)) >= n_plateau)
    if len(pk):
        pk = _refine_times(pk, ang, fs, up, cfg)
    runs_idx = group_runs(
        pk.times_s,
        max_interval_s=cfg.max_beat_interval_s,
        max_interval_change=cfg.max_interval_change,
    )
    ends = _returns_to_hold(beat_up, amp_up, fs_up, pk, runs_idx, prom, cfg)
    if ends:
        metrics["returns_to_hold_s"] = [float(e[1]) for e in ends]
        pk = _with_peaks(pk, ends)
        runs_idx = group_runs(
            pk.times_s,
            max_interval_s=cfg.max_beat_interval_s,
            max_interval_change=cfg.max_interval_change,
        )
    # a short train of beats right after the release, in the held run's rhythm
    release_at = None if held_to_end else t_on + hold_s
    train_end = _released_train_end(beat_up, amp_up, fs_up, pk, runs_idx, release_at, prom, cfg)
    if train_end is not None:
        pk = _with_peaks(pk, [train_end])
        runs_idx = group_runs(
            pk.times_s,
            max_interval_s=cfg.max_beat_interval_s,
            max_interval_change=cfg.max_interval_change,
        )
    lo_f, hi_f = cfg.clonus_frequency_hz
    counted = []
    train_run = None
    # the first beat may come late after a big reflex kick: a brisk stretch can be answered by a
    # plantarflexion deeper than the stretch and the foot needs up to ~1 s to come back up. The
    # first-beat delay is then counted from the bottom of that kick (>= half the stretch
    # excursion below the stretch peak), which a quiet foot or unrelated later movement lacks.
    # (from the top of the stretch's plateau when the foot crept up to it)
    t_ref = max([t_pk, *metrics.get("stretch_plateau_tops_s", [])])
    if len(pk):
        i_first = int(round(pk.times_s[0] * fs))
        if i_first > pk_i + 1:
            seg_k = ang.beat_deg[pk_i:i_first]
            i_low = int(np.argmin(seg_k))
            if ang.beat_deg[pk_i] - seg_k[i_low] >= 0.5 * st["excursion_deg"]:
                t_ref = (pk_i + i_low) / fs
    metrics["first_beat_reference_s"] = t_ref
    for r_i, r in enumerate(runs_idx):
        delay_r = pk.times_s[r[0]] - t_ref
        first = r_i == 0 and delay_r <= cfg.max_first_beat_delay_s
        late_ok = t_ref > t_pk and delay_r <= _LATE_FIRST_RUN_S
        if r_i == 0 and not first and late_ok and len(r) >= max(cfg.min_later_run_beats, 6):
            # a slow recovery from the kick can put the first beat ~1 s after it; accept such a
            # run only when it is unmistakably clonus: >= 6 beats, regular, in the clonus range.
            # Without a kick there is nothing to recover from: a rhythm that starts > 0.6 s
            # after the stretch was not set off by it (examiner hand tremor whose narrow-band
            # fluctuation was small just before the push, negatives seeds 4 and 6)
            iv_r = np.diff(pk.times_s[r])
            f_r = 1.0 / float(np.median(iv_r))
            first = lo_f <= f_r <= hi_f and _robust_cv(iv_r) < 0.15
            if first:
                metrics["late_first_run"] = True
        if first:
            counted.append(r)
        elif (
            counted
            and len(r) >= 2
            and _is_released_train(pk.times_s, counted[-1], r, release_at, cfg)
            and lo_f <= 1.0 / float(np.median(np.diff(pk.times_s[r]))) <= hi_f
            # only two beats: they must stand clear of the noise, as a resumed run must
            and float(np.median(pk.prominences[r]))
            >= cfg.resumed_run_prominence_factor * cfg.noise_factor * ang.noise_deg
        ):
            counted.append(r)
            train_run = r
            metrics["released_train_s"] = [float(x) for x in pk.times_s[r]]
        elif len(r) >= cfg.min_later_run_beats and counted:
            iv_r = np.diff(pk.times_s[r])
            f_r = 1.0 / float(np.median(iv_r))
            # a resumed run must keep the first run's rhythm (same reflex loop, same period)
            r0 = counted[0]
            f0 = 1.0 / float(np.median(np.diff(pk.times_s[r0]))) if len(r0) >= 3 else f_r
            same = abs(f_r - f0) <= cfg.max_interval_change * f0 / 2
            # a run resuming after a long pause must stand clear of the noise
            clear_r = (
                pk.times_s[r[0]] - pk.times_s[counted[-1][-1]] <= cfg.resumed_run_gap_s
                or float(np.median(pk.prominences[r]))
                >= cfg.resumed_run_prominence_factor * cfg.noise_factor * ang.noise_deg
            )
            if lo_f <= f_r <= hi_f and _robust_cv(iv_r) < 0.15 and same and clear_r:
                counted.append(r)
    # the runs' own intervals: their regularity (a join below must not make an irregular
    # rhythm look regular; examiner tremor at 8 Hz on a noisy 50 Hz IMU did). Not the released
    # train's (nor, below, in the frequency): the free foot's rhythm is not the held one, and
    # its second beat's time is the end of a return to rest, not a peak
    iv_all = [np.diff(pk.times_s[r]) for r in counted if len(r) >= 2 and r is not train_run]
    iv = np.concatenate(iv_all) if iv_all else np.array([])
    tail = np.array([], dtype=int)
    if counted:
        hold_end_s = None if held_to_end else t_on + hold_s
        tail = _skipped_cycle_tail(pk.times_s, counted[-1], hold_end_s)
        if len(tail):
            metrics["skipped_cycle_tail_s"] = [float(x) for x in pk.times_s[tail]]
            counted[-1] = np.concatenate([counted[-1], tail])
    br = _join_runs(pk, counted, beat_up, amp_up, fs_up, pk_i * up, prom, ang, fs, up, cfg,
                    frozenset(int(i) for i in tail))
    pk, counted = br.peaks, br.runs
    if br.bridged:
        metrics["runs_joined"] = br.bridged
    if br.filled_s:
        metrics["skipped_cycles_filled_s"] = br.filled_s
    # the frequency from the joined runs' intervals, leaving out those spanning skipped cycles
    train_t = metrics.get("released_train_s", [])
    ivf_all = [np.diff(pk.times_s[r])[~g & ~np.isin(pk.times_s[r][1:], train_t)]
               for r, g in zip(counted, br.gaps, strict=True) if len(r) >= 2]
    iv_f = np.concatenate(ivf_all) if ivf_all else np.array([])
    sel = np.concatenate(counted) if counted else np.array([], dtype=int)
    bt, ba = pk.times_s[sel], pk.amplitudes[sel]
    freq = float(1.0 / np.median(iv_f)) if len(bt) >= 3 and len(iv_f) else None
    f_check = float(1.0 / np.median(iv_f)) if len(iv_f) else None
    beats = tuple(
        Beat(float(t), float(a), None if k == 0 else float(t - bt[k - 1]))
        for k, (t, a) in enumerate(zip(bt, ba, strict=True))
    )
    runs = tuple(
        Run(
            float(pk.times_s[r[0]]),
            float(pk.times_s[r[-1]]),
            int(len(r)),
            float(1.0 / np.median(_run_intervals(pk.times_s[r]))) if len(r) >= 3 else None,
        )
        for r in counted
    )
    duration = float(bt[-1] - t_pk) if len(bt) else 0.0
    decay = fit_decay(bt, ba)
    metrics.update(
        {
            "instantaneous_frequency_hz": [float(1 / d) for d in iv_f] if len(iv_f) else [],
            "regularity_cv": float(np.std(iv) / np.mean(iv)) if len(iv) >= 2 else None,
            "decay": decay,
            "decay_rate_per_s": decay["p_per_s"],
            "median_amplitude_deg": float(np.median(ba)) if len(ba) else None,
            "first_beat_delay_s": float(bt[0] - t_pk) if len(bt) else None,
            "uncounted_peaks": int(len(pk) - len(bt)),
        }
    )
    # spectrum over the clonus window
    if len(bt) >= 3:
        i0, i1 = pk_i, min(len(ang.beat_deg), int(bt[-1] * fs) + 1)
        seg = ang.beat_deg[i0:i1]
        if len(seg) > int(0.5 * fs):
            f, p = power_spectrum(seg, fs=fs, window_s=min(2.0, len(seg) / fs))
            fpk, conc = peak_frequency(f, p, band_hz=cfg.band_hz)
            metrics["spectral_peak_hz"] = fpk
            metrics["spectral_concentration"] = conc
    # release and sustained
    t_end = len(ang.theta_deg) / fs
    if not held_to_end and len(bt) >= 3:
        # a regular run that goes on for >= 3 s after the apparent "release" and up to the end
        # of the recording means the stretch was still held: clonus is not sustained without a
        # maintained stretch (clinical reference 1.2; released clonus dies out within a few
        # beats). The angle drop was the reflex kick answering a brisk stretch, which can be
        # larger than the stretch itself, or the examiner settling the foot.
        t_rel = t_on + hold_s
        gap_end = max(cfg.max_beat_interval_s, 2.0 / (f_check or 5.0))
        if bt[-1] - t_rel >= _HOLD_EVIDENCE_S and t_end - bt[-1] <= gap_end:
            metrics["apparent_release_s"] = t_rel
            hold_s, held_to_end = (len(ang.theta_deg) - on_i) / fs, True
            metrics["hold_duration_s"] = hold_s
            metrics["held_to_end_of_recording"] = True
    release_s = None if held_to_end else t_on + hold_s
    metrics["release_s"] = release_s
    end_hold_i = min(len(ang.beat_deg), on_i + int(round(hold_s * fs)))
    win = ang.beat_deg[max(on_i, end_hold_i - int(cfg.sustained_window_s * fs)) : end_hold_i]
    if len(win) >= 3:
        # remove a linear trend first: residual gyroscope drift (bias random walk, reflex-model
        # section 6) adds a ramp of a few tenths of a degree per second that is not clonus
        tt = np.arange(len(win)) / fs
        win = win - np.polyval(np.polyfit(tt, win, 1), tt)
    pp_end = _largest_swing(upsample(win, fs=fs, min_fs_hz=_INTERNAL_FS_HZ)[0]) if len(win) else 0.0
    metrics["end_of_hold_pp_deg"] = pp_end
    continued = None
    if len(bt):
        end_ref = t_on + hold_s
        continued = bool(end_ref - bt[-1] <= max(cfg.max_beat_interval_s, 2.0 / (f_check or 5.0)))
    metrics["continued_until_release"] = continued

    if dropouts:
        # a gap without data matters where it can hide the stretch's rest, a beat or the end
        # of the hold: from the rest before the stretch to one beat interval past the last beat,
        # and the last second of a hold judged for sustained clonus
        w1 = (bt[-1] if len(bt) else t_pk) + max(cfg.max_beat_interval_s,
                                                  cfg.max_first_beat_delay_s)
        windows = [(t_on - cfg.min_pre_stretch_s, w1)]
        if hold_s >= cfg.sustained_hold_s:
            windows.append((t_on + hold_s - cfg.sustained_window_s, t_on + hold_s))
        hit = [(a, n) for a, n in dropouts if any(a < b and a + n > c for c, b in windows)]
        # shorter than half a beat period, a gap can hide at most one beat peak
        half_period = 0.5 / (f_check or 5.0)
        if hit and max(n for _, n in hit) > half_period:
            a, n = max(hit, key=lambda g: g[1])
            # no beats are reported, so nothing derived from them either
            for key in ("instantaneous_frequency_hz", "regularity_cv", "decay",
                        "decay_rate_per_s", "median_amplitude_deg", "first_beat_delay_s"):
                metrics.pop(key, None)
            return indeterminate(
                f"signal quality: sensor dropout during the test, {len(hit)} gap(s) without "
                f"data (longest at {a:.2f} s, {n:.3f} s long, over half a beat period of "
                f"{half_period:.3f} s) between the rest before the stretch at {t_on:.2f} s and "
                f"{w1:.2f} s: beats inside a gap cannot be counted. Repeat the test, or record "
                "without interruptions.",
                trace,
            )
        if hit:
            warns.append(
                f"{len(hit)} short sensor dropout(s) during the test (first at {hit[0][0]:.2f} "
                f"s, {hit[0][1]:.3f} s long), interpolated: each may hide one beat."
            )
        if len(hit) < len(dropouts):
            rest = [g for g in dropouts if g not in hit]
            warns.append(
                f"{len(rest)} sensor dropout(s) outside the test (first at {rest[0][0]:.2f} s, "
                f"{rest[0][1]:.3f} s long), interpolated; they do not affect the result."
            )

    # classification
    lo, hi = cfg.clonus_frequency_hz
    # Beats after a release are not compared with the stretch: the free foot's rebounds carry
    # the release's own fall (simulated released trials: 2-3 rebounds of 15-16 deg after a
    # 13-14 deg stretch were called an ongoing rhythm). 6 seeds x 200: count +2, section 8
    # metric +3 (one trial lost: its hold ended at a kick larger than the stretch); negatives
    # unchanged.
    ba_r = ba if held_to_end else ba[bt <= t_on + hold_s]
    ratio_ok = (not len(ba_r)) or st["excursion_deg"] >= cfg.stretch_to_beat_ratio * float(
        np.median(ba_r)
    )
    if early_stretch:
        # no rest seen before the stretch: neither the quiet-foot exception below nor the
        # pre-stretch tremor checks can run, so the stretch must clearly dwarf the beats - all
        # of them when none fell in the hold (a tremor cycle's downswing right after the
        # "stretch" read as a release: real wrist rest tremor cut to start mid-tremor)
        ba_e = ba_r if len(ba_r) else ba
        ratio_ok = (not len(ba_e)) or st["excursion_deg"] >= _EARLY_STRETCH_RATIO * float(
            np.median(ba_e))
    elif (
        not ratio_ok
        and held_to_end
        and len(ba_r) >= _HAND_BOUND_MIN_BEATS
        and _HAND_BOUND_MIN_RATIO * float(np.median(ba_r)) <= st["excursion_deg"]
        < float(np.median(ba_r))
    ):
        # Beats larger than the stretch (extreme reflex gain): the foot is still held if the
        # beats hang from the examiner's hand - their tops at the held level, steady - and
        # reach below the rest level the foot started from (toes tapping stop at it), after
        # a quiet foot (an ongoing tremor would already be there).
        hb = _hand_bound(ang, fs, on_i, pk_i, bt, float(np.median(ba_r)),
                         st["excursion_deg"])
        if hb is not None:
            metrics["hand_bound"] = hb
            ratio_ok = bool(hb["accepted"])
    elif not ratio_ok and st["excursion_deg"] >= float(np.median(ba_r)):
        # at high reflex gain the beats can be nearly as large as the stretch. The oscillation
        # is still stretch-triggered if the foot was quiet before the stretch (>= 0.3 s seen,
        # peak-to-peak < 1/4 of the beats): an ongoing tremor would already be there. Beats
        # larger than the stretch (only extreme simulated gains, 10 x G_c) need more: the
        # hand-bound check above, since voluntary foot tapping from rest looks like that.
        quiet = _pre_stretch_quiet(ang, fs, on_i)
        if quiet is not None:
            metrics["pre_stretch_pp_deg"] = quiet[0]
            ratio_ok = quiet[0] < 0.25 * float(np.median(ba_r))
    # the clonus range is judged on runs of >= range_check_min_beats beats: the median of 2-4
    # intervals of a released test is set by the free foot's faster rebounds (the examiner's
    # hand no longer loads it), while examiner tremor lasts through the hold
    in_range = f_check is not None and (
        len(bt) < max(3, cfg.range_check_min_beats) or lo <= f_check <= hi
    )
    # a clonus run: >= 3 beats over 1 deg peak-to-peak within one counted run (reflex-model
    # section 8 asks for consecutive ones; one small spurious peak between them, which noisy
    # accelerometer angles produce, does not break the run here)
    has_run = any(
        int(np.sum(pk.amplitudes[r] > cfg.clonus_run_min_pp_deg)) >= cfg.clonus_run_min_beats
        for r in counted
    )
    metrics["clonus_run"] = has_run
    # as many beats as the bedside threshold is clonus whatever their size: the count rule
    # decides "pathological", and a long rhythmic run after a stretch is clonus even when small
    many = len(bt) >= cfg.grading.bedside_threshold_beats
    small_irregular = False
    if many and len(iv_f) >= 2 and float(np.max(ba)) <= cfg.clonus_run_min_pp_deg:
        # beats that are all small count for their number only when they keep a regular
        # rhythm: clonus periods change gradually (Wallace 2012; clinical reference 1.1), while
        # peaks of sensor noise or of a tremor's fluctuating envelope at the beat threshold come
        # at irregular intervals (negatives seed 6: five 0.56-0.7 deg peaks at intervals of
        # 0.115-0.265 s on a 0.3 deg goniometer under examiner hand tremor)
        # (on the reported beats' intervals, skipped cycles left out, as for the frequency)
        small_cv = float(np.std(iv_f) / np.mean(iv_f))
        small_irregular = small_cv > cfg.small_beats_max_cv
        metrics["small_beats_cv"] = small_cv
        many = not small_irregular
    if hold_s != fast_hold_s:  # the hold was extended (apparent release overridden)
        fast = _fast_rhythm(ang, fs, pk_i, hold_s, on_i, cfg)
    metrics["post_stretch_fast_rhythm"] = fast
    # the beats' rhythm already there before the stretch (sinusoid fitted at their frequency)
    pre_osc = _pre_oscillation(ang, fs, on_i, f_check) if len(bt) >= 3 and f_check else None
    if pre_osc is not None:
        metrics["pre_stretch_oscillation_pp_deg"] = pre_osc
    # an earlier spell of the same rhythm (before the pre-stretch window): ongoing tremor
    early = (
        _rhythm(ang.beat_deg[:pre0], fs, cfg, cfg.band_hz[0], 14.0, noise_prom)
        if len(bt) >= 3 and f_check is not None and pre0 > 0
        else None
    )
    if early is not None and abs(early["frequency_hz"] - f_check) > 1.0:
        early = None
    drop = _drop_before(ang, fs, on_i, f_check) if len(bt) >= 3 and f_check else None
    if drop is not None:
        metrics["drop_before_stretch_deg"] = drop
    # (not judged on an angle fitted to the accelerometer alone: it can dip just before a
    # brisk push - two released simulated tests, 13 and 27 deg before 16 and 34 deg stretches)
    upswing = (
        ang.kind != "acc"
        and drop is not None
        and drop >= max(cfg.min_prominence_deg, _PRE_STRETCH_DROP_FRACTION * st["excursion_deg"])
    )
    # the floor, tapping and strike checks judge the beats as before a released train was
    # added to them: its cycles lie at the rest level the released foot fell to, and the
    # cycle spanning the release holds the fall itself
    in_train = np.isin(bt, metrics.get("released_train_s", []))
    bt_v, ba_v = bt[~in_train], ba[~in_train]
    floor = None
    if len(bt_v) >= 4 and float(np.median(ba_v)) >= _FLOOR_BEAT_FRACTION * st["excursion_deg"]:
        floor = _floor_bottoms(ang, fs, on_i, bt_v)
        if floor is not None:
            metrics["beat_bottoms"] = floor
    tapping = floor is not None and (
        abs(floor["bottom_above_rest_deg"]) <= _FLOOR_LEVEL_FRACTION * st["excursion_deg"]
        and floor["bottom_sd_deg"] <= _FLOOR_STEADINESS * floor["top_sd_deg"]
        and floor["top_sd_deg"] >= _FLOOR_TOP_VARIATION * float(np.median(ba_v))
    )
    back_down = None
    if len(bt_v) >= 3:
        back_down = _floor_return(ang, fs, on_i, pk_i, bt_v, ba_v, st["excursion_deg"])
        if back_down is not None:
            metrics["floor_return"] = back_down
    # impacts show on any accelerometer, with or without gravity
    strikes = _strikes_per_cycle(_companion_acc(rec, names, gravity=False), bt_v, fs)
    struck = False
    if strikes is not None:
        metrics["impacts_per_cycle"] = strikes
        # an impact can only be the floor where the foot comes down to the level it rested at;
        # or, in fewer cycles, when it comes down right to that level and stops there far more
        # steadily than its tops vary (_strikes_per_cycle needs the >= 4 beats _floor_bottoms does)
        fb = floor if floor is not None else _floor_bottoms(ang, fs, on_i, bt_v)
        if fb is not None:
            strikes["bottom_above_rest_deg"] = fb["bottom_above_rest_deg"]
            exc = st["excursion_deg"]
            near_rest = fb["bottom_above_rest_deg"] <= _STRIKE_LEVEL_FRACTION * exc
            on_floor = (
                abs(fb["bottom_above_rest_deg"]) <= _FLOOR_LEVEL_FRACTION * exc
                and fb["bottom_sd_deg"] <= _STRIKE_FLOOR_STEADINESS * fb["top_sd_deg"]
            )
            struck = (strikes["fraction"] >= _STRIKE_FRACTION and near_rest) or (
                strikes["fraction"] >= _STRIKE_FRACTION_ON_FLOOR and on_floor
            )
            # beats after a release, far smaller than the stretch: the released foot's sharp
            # rebounds (whose rotation alone gives the impacts), not taps lifting it again
            after_release = release_s is not None and float(bt_v[0]) > release_s
            small = float(np.median(ba_v)) < _STRIKE_RELEASED_BEAT_FRACTION * exc
            if struck and after_release and small:
                strikes["released_small_beats"] = True
                struck = False
    rhythm_hz = f_check  # the rhythm a rhythmic_not_clonus verdict below is about
    if pre_osc is not None and pre_osc >= max(
        cfg.pre_oscillation_fraction * float(np.median(ba)),
        # the floor: the beat threshold, lowered to half of it on a quiet sensor (a clean
        # gyroscope shows a fitted 0.44 deg hand tremor far above its noise; examiner tremor at
        # 8.2-8.5 Hz with 0.5-0.6 deg beats slipped under the 0.5 deg floor)
        min(cfg.min_prominence_deg,
            max(0.5 * cfg.min_prominence_deg, cfg.noise_factor * ang.noise_deg)),
    ):
        cls, sustained = "rhythmic_not_clonus", False
        reason = (
            f"an oscillation at the beats' frequency ({f_check:.1f} Hz, {pre_osc:.1f} deg peak-to-"
            f"peak) was already present before the stretch at {t_on:.2f} s: tremor (the "
            "patient's, or the examiner's hand), not stretch-triggered clonus"
        )
    elif early is not None:
        metrics["earlier_rhythm"] = early
        cls, sustained = "rhythmic_not_clonus", False
        rhythm_hz = early["frequency_hz"]
        reason = (
            f"the same rhythm ({early['frequency_hz']:.1f} Hz, {early['n']} cycles) was already "
            f"present at {early['start_s']:.1f} s, before the stretch at {t_on:.2f} s: an "
            "intermittent tremor, not stretch-triggered clonus"
        )
    elif (
        rh0 is not None
        and len(bt) >= 3
        and f_check is not None
        and rh0["start_s"] < t_on - 1.0 / rh0["frequency_hz"]
        and abs(rh0["frequency_hz"] - f_check) <= 1.0
        and st["excursion_deg"] < _EARLY_STRETCH_RATIO * float(np.median(ba))
    ):
        # the beats' rhythm ran from the recording's start, a cycle or more before a "stretch"
        # not much larger than the beats (whose rest window is too short for the checks above:
        # a real wrist tremor cut 3-6 s long). A brisk 30-40 deg push makes its filters ring
        # before it, which can put one peak of a regular run just before its onset
        metrics["rhythm_before_stretch"] = rh0
        cls, sustained = "rhythmic_not_clonus", False
        rhythm_hz = rh0["frequency_hz"]
        reason = (
            f"the same rhythm ({rh0['frequency_hz']:.1f} Hz) was already there from "
            f"{rh0['start_s']:.2f} s, before the stretch at {t_on:.2f} s: tremor, not "
            "stretch-triggered clonus"
        )
    elif upswing:
        cls, sustained = "rhythmic_not_clonus", False
        reason = (
            f"the 'stretch' at {t_on:.2f} s ({st['excursion_deg']:.1f} deg) is the upswing of an "
            f"oscillation already under way: the foot had moved down by {drop:.1f} deg in the "
            f"beat period before it, like the {f_check:.1f} Hz beats that follow, instead of "
            "being pushed from rest: tremor or shivering, not stretch-triggered clonus"
        )
    elif tapping:
        cls, sustained = "rhythmic_not_clonus", False
        reason = (
            f"every beat comes back down to the rest level seen before the 'stretch' (bottoms "
            f"{floor['bottom_above_rest_deg']:+.1f} deg from it, varying "
            f"{floor['bottom_sd_deg']:.1f} deg against {floor['top_sd_deg']:.1f} deg for the "
            "tops) and the beats are as large "
            f"as the first lift ({float(np.median(ba)):.1f} of {st['excursion_deg']:.1f} deg): "
            "toes tapping the floor, not clonus (during the test the examiner holds the foot up)"
        )
    elif struck:
        cls, sustained = "rhythmic_not_clonus", False
        reason = (
            f"the foot strikes something in {strikes['n_hit']} of {strikes['n_cycles']} cycles "
            f"(impacts up to {strikes['max_g']:.1f} g above {strikes['cutoff_hz']:g} Hz): "
            "voluntary tapping or "
            "stepping, not clonus (during the test the examiner holds the foot in the air)"
        )
    elif back_down is not None and back_down["tapping"]:
        cls, sustained = "rhythmic_not_clonus", False
        reason = (
            f"the foot came straight back down from the 'stretch' ({st['excursion_deg']:.1f} deg) "
            f"to where it rested before it (first low point "
            f"{back_down['first_low_above_rest_deg']:+.1f} deg from that level), and the larger "
            f"beats rise about as high again ({back_down['upper_beat_deg']:.1f} deg, varying in "
            f"height by {back_down['top_step_deg']:.1f} deg from one to the next) without the foot "
            "ever dropping below the previous low point by more than half the lift: the foot "
            "lifted from where it rests and put back down there again and again, as in voluntary "
            "tapping, not clonus (during the test the examiner holds the foot up; beats that "
            "large throw it below its rest level, and a released foot drops)"
        )
    elif (
        fast is not None
        and fast["power_ratio"] > _BROADBAND_FAST_RATIO
        and len(iv) >= 3
        and float(np.std(iv) / np.mean(iv)) > 0.15
        and (metrics.get("spectral_concentration") or 0.0) < 0.5
    ):
        cls, sustained = "rhythmic_not_clonus", False
        reason = (
            f"irregular, broadband oscillation after the stretch (interval CV "
            f"{float(np.std(iv) / np.mean(iv)):.2f}, power above {hi:g} Hz "
            f"{fast['power_ratio']:.2f} x that inside the clonus range): shivering or "
            "restlessness, not the regular rhythm of clonus"
        )
    elif (
        fast is not None
        and fast["power_ratio"] > 2.0
        # a tremor too small to make a beat does not matter (0.02-0.1 deg on a quiet hold)
        and _SINE_PP_PER_RMS * fast["fast_rms_deg"] >= 0.5 * cfg.min_prominence_deg
    ):
        cls, sustained = "rhythmic_not_clonus", False
        rhythm_hz = fast["peak_hz"]
        reason = (
            f"the oscillation after the stretch is dominated by {fast['peak_hz']:.1f} Hz, above "
            "the "
            f"clonus range {lo:g}-{hi:g} Hz (tremor, of the patient or the examiner's hand?)"
        )
    elif (
        (has_run or many)  # the two checks below only decline what would be called clonus
        and rh0 is not None
        and len(bt) >= 3
        and f_check is not None
        and rh0["start_s"] < t_on
        and rh0["end_s"] > t_pk
        and abs(rh0["frequency_hz"] - f_check) <= 1.0
        and st["excursion_deg"] < _EARLY_STRETCH_RATIO * float(np.median(ba))
        and drop is not None
        and drop >= max(cfg.min_prominence_deg, _PRE_STRETCH_DROP_FRACTION * st["excursion_deg"])
    ):
        # the beats' rhythm ran from the recording's start through the "stretch" (its first peak
        # before the onset, less than a cycle before it, the regular run still going after the
        # stretch peak), and the foot fell by a good part of the stretch just before it: the
        # stretch is one upswing of the rhythm (a recording starting mid-tremor; also on an angle
        # fitted to the accelerometer, where the fall alone is not trusted: negatives seed 2)
        metrics["rhythm_before_stretch"] = rh0
        cls, sustained = "rhythmic_not_clonus", False
        rhythm_hz = rh0["frequency_hz"]
        reason = (
            f"the same rhythm ({rh0['frequency_hz']:.1f} Hz) ran from {rh0['start_s']:.2f} s "
            f"through the 'stretch' at {t_on:.2f} s ({st['excursion_deg']:.1f} deg), which "
            f"followed a fall of {drop:.1f} deg like the beats' downswings: one upswing of an "
            "ongoing tremor, not stretch-triggered clonus"
        )
    elif (
        (has_run or many)
        and ratio_ok  # (beats larger than the stretch overall are declined by the ratio rule)
        and len(ba) >= _FIRST_BEATS_OVER_STRETCH
        and float(np.min(ba[:_FIRST_BEATS_OVER_STRETCH])) > st["excursion_deg"]
        and not (metrics.get("hand_bound") or {}).get("accepted", False)
    ):
        # the beats answer the stretch: a reflex kick can exceed it once, but when the first
        # beats all do, the "stretch" was a smaller cycle of an oscillation already building up
        # (a postural tremor waxing as the foot is lifted, negatives seed 4), unless they hang
        # from the examiner's hand (hand-bound check above)
        cls, sustained = "rhythmic_not_clonus", False
        first_amps = ", ".join(f"{a:.1f}" for a in ba[:_FIRST_BEATS_OVER_STRETCH])
        reason = (
            f"the first {_FIRST_BEATS_OVER_STRETCH} beats ({first_amps} deg) are all larger than "
            f"the 'stretch' at {t_on:.2f} s ({st['excursion_deg']:.1f} deg) that should have set "
            f"them off: an oscillation ({f_check:.1f} Hz) building up by itself, such as a "
            "postural tremor, not stretch-triggered clonus"
        )
    elif len(bt) >= 2 and in_range and ratio_ok and not (has_run or many):
        cls, sustained = "no_clonus", False
        reason = (
            f"{len(bt)} beat(s) after the stretch at {t_on:.2f} s, but no run with "
            f"{cfg.clonus_run_min_beats} beats over {cfg.clonus_run_min_pp_deg:g} deg "
            "peak-to-peak (reflex-model section 8): a few small beats, not a clonus run"
        )
        if small_irregular:
            reason += (
                f"; they are too irregular to count for their number (interval CV "
                f"{metrics['small_beats_cv']:.2f} > {cfg.small_beats_max_cv:g}): noise or "
                "tremor fluctuation at the beat threshold"
            )
    elif len(bt) >= 2 and in_range and ratio_ok:
        cls = "clonus"
        sustained = bool(
            hold_s >= cfg.sustained_hold_s and pp_end > cfg.sustained_min_pp_deg and continued
        )
        fat = (
            "sustained (unfatigable)"
            if sustained
            else (
                "fatigable (stopped while the stretch was held)"
                if continued is False
                else "still beating when the stretch was released"
            )
        )
        at_f = f" at {freq:.1f} Hz" if freq is not None else ""
        small = (
            ""
            if has_run
            else f" (small: fewer than {cfg.clonus_run_min_beats} beats over "
            f"{cfg.clonus_run_min_pp_deg:g} deg, counted as clonus for their number)"
        )
        reason = (
            f"{len(bt)} beats{at_f}{small} after the stretch at {t_on:.2f} s, lasting "
            f"{duration:.1f} s; {fat}"
        )
    elif len(bt) >= 3 and f_check is not None and not in_range:
        cls, sustained = "rhythmic_not_clonus", False
        reason = (
            f"oscillation after the stretch at {f_check:.1f} Hz is outside the clonus range "
            f"{lo:g}-{hi:g} Hz ("
            + ("tremor of the patient or the examiner's hand, or mechanical ringing?)"
               if f_check > hi
               else "voluntary movement, such as tapping the heel or foot?)")
        )
    elif len(bt) >= 2 and not ratio_ok:
        cls, sustained = "rhythmic_not_clonus", False
        reason = (
            f"the 'stretch' ({st['excursion_deg']:.1f} deg) is no larger than the following "
            f"oscillation ({float(np.median(ba)):.1f} deg): an ongoing rhythm (tremor or "
            "voluntary), not a stretch-"
            "triggered clonus"
        )
    else:
        cls, sustained = "no_clonus", False
        reason = (
            f"{len(bt)} beat(s) after the stretch at {t_on:.2f} s "
            f"({st['excursion_deg']:.1f} deg): no "
            "rhythmic clonus"
        )
    if cls in ("rhythmic_not_clonus", "indeterminate"):
        metrics["rejected_beats"] = [
            {"time_s": float(t), "amplitude": float(a)} for t, a in zip(bt, ba, strict=True)
        ]
        beats, runs, freq, duration, continued_g = (), (), None, 0.0, None
    else:
        continued_g = continued
    return _result(
        rec=rec,
        cfg=cfg,
        channel=channel,
        classification=cls,
        reason=reason,
        beats=beats,
        runs=runs,
        frequency=freq,
        duration=duration,
        sustained=sustained,
        stretch_onset=t_on,
        rhythm_hz=rhythm_hz if cls == "rhythmic_not_clonus" else None,
        metrics=metrics,
        warnings=warns,
        trace=trace,
        spectrum=spec_all,
        hold_s=hold_s,
        continued=continued_g,
    )

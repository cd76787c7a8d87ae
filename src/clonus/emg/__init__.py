"""Surface EMG: conditioning, contraction bursts, spasm episodes, long-term monitoring.

By task:

* Conditioning: :func:`condition`, :func:`detect_mains`, :class:`ConditioningConfig`.
* Bursts: :func:`detect_bursts` (methods ``"hysteresis"``, ``"mummidisetty2012"``),
  :class:`Bursts`, :class:`BurstConfig`, :func:`reject_heartbeat`.
* Episodes and classes (Thomas et al. 2014): :func:`find_episodes`, :class:`Episode`,
  :class:`EpisodeConfig`.
* Long recordings: :func:`monitor` -> :class:`MonitorResult` (streams EDF/BDF in chunks).
* Clinical test: :func:`assess_emg`, :func:`combine`, :class:`EmgConfig`.
* Scales: :func:`penn_frequency`, :func:`snow_frequency`.

See ``docs/emg.md``.
"""

from .bursts import METHODS, BurstConfig, Bursts, BurstStream, detect_bursts, reject_heartbeat
from .clinical import EmgConfig, assess_emg, combine
from .conditioning import ConditioningConfig, condition, detect_mains
from .episodes import EPISODE_KINDS, Episode, EpisodeConfig, find_episodes
from .monitor import MonitorConfig, MonitorResult, monitor
from .scales import penn_frequency, snow_frequency

__all__ = [
    "METHODS",
    "BurstConfig",
    "Bursts",
    "BurstStream",
    "detect_bursts",
    "reject_heartbeat",
    "EmgConfig",
    "assess_emg",
    "combine",
    "ConditioningConfig",
    "condition",
    "detect_mains",
    "EPISODE_KINDS",
    "Episode",
    "EpisodeConfig",
    "find_episodes",
    "MonitorConfig",
    "MonitorResult",
    "monitor",
    "penn_frequency",
    "snow_frequency",
]

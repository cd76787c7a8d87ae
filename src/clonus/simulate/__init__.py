"""Neuromechanical simulator of the ankle stretch-reflex loop, with sensors and ground truth.

Clonus is modelled as an over-active, delayed stretch reflex (``docs/simulator.md``, spec
``reflex-model.md``): loss of descending inhibition lowers the motoneuron threshold or raises
the pool gain, and a brisk stretch then starts a stable limit cycle.

Public API by task
------------------
Clinical trials with ground truth
    :func:`simulate_trial` -> :class:`Trial` (``trial.recording``, ``trial.truth``)
Low-level simulation
    :func:`simulate` (state time series), :class:`ReflexParams`, :class:`Manoeuvre`,
    :class:`CentralParams`, :func:`sample_params`, :func:`sample_manoeuvre`
Stability
    :func:`critical_gain` (linear analysis), :func:`critical_gain_time_domain`,
    :func:`sustained_gain_threshold`
Figures and files
    :func:`plot_mechanism`, :func:`plot_inhibition`, :func:`write_trial`
"""

from .params import (
    MANOEUVRE_RANGES,
    PARAM_RANGES,
    CentralParams,
    Manoeuvre,
    ReflexParams,
    sample_manoeuvre,
    sample_params,
)
from .reflex import SimResult, simulate
from .stability import (
    critical_gain,
    critical_gain_time_domain,
    linear_check_params,
    open_loop,
    sustained_gain_threshold,
)
from .trial import SENSORS, Trial, Truth, simulate_trial
from .truth import TruthConfig, derive_truth

__all__ = [
    "simulate_trial",
    "Trial",
    "Truth",
    "TruthConfig",
    "derive_truth",
    "SENSORS",
    "simulate",
    "SimResult",
    "ReflexParams",
    "Manoeuvre",
    "CentralParams",
    "PARAM_RANGES",
    "MANOEUVRE_RANGES",
    "sample_params",
    "sample_manoeuvre",
    "critical_gain",
    "critical_gain_time_domain",
    "linear_check_params",
    "open_loop",
    "sustained_gain_threshold",
    "plot_mechanism",
    "plot_inhibition",
    "write_trial",
]


def __getattr__(name: str):  # lazy: plotting and file writers import optional libraries
    if name == "plot_mechanism":
        from .figure import plot_mechanism

        return plot_mechanism
    if name == "plot_inhibition":
        from .figure import plot_inhibition

        return plot_inhibition
    if name == "write_trial":
        from .files import write_trial

        return write_trial
    raise AttributeError(f"module 'clonus.simulate' has no attribute {name!r}")

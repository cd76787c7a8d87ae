"""Clinical context and decision support around a clonus assessment.

Public API
----------
Context
    :class:`ClinicalContext` (``from_dict``/``to_dict``), :func:`load_context`,
    :func:`context_template`
Decision support
    :func:`interpret` -> :class:`Interpretation` (statements with level, triggering inputs,
    citation and rule version; never a diagnosis)
Rules
    :func:`hunter_criteria` (Hunter Serotonin Toxicity Criteria, Dunkley 2003),
    :mod:`clonus.clinical.rules` (red flags, when to consult, conditions, next steps),
    :func:`find_serotonergic` (curated, cited list of serotonergic agents)

clonus is decision-support software: it does not make a diagnosis and does not replace clinical
judgement.
"""

from .context import (
    ClinicalContext,
    MedicationChange,
    Signs,
    Symptoms,
    context_template,
    load_context,
)
from .hunter import HunterResult, evaluate_hunter, hunter_criteria
from .interpret import Interpretation, Statement, build_facts, interpret
from .medications import SEROTONERGIC_AGENTS, find_serotonergic
from .rules import RULESET_VERSION

__all__ = [
    "ClinicalContext",
    "MedicationChange",
    "Signs",
    "Symptoms",
    "context_template",
    "load_context",
    "HunterResult",
    "evaluate_hunter",
    "hunter_criteria",
    "Interpretation",
    "Statement",
    "build_facts",
    "interpret",
    "SEROTONERGIC_AGENTS",
    "find_serotonergic",
    "RULESET_VERSION",
]

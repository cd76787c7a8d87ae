"""Batch analysis of whole studies (``clonus batch``).

:func:`run_batch` assesses every recording of a folder, glob, file list or manifest CSV and
returns one row per recording (optionally in parallel with Dask); :func:`summarize` gives
per-subject/session statistics; :func:`collect_inputs` shows what a run would analyse.
See ``docs/batch.md``.
"""

from .run import GRADE_SCALES, RESULT_COLUMNS, BatchItem, collect_inputs, run_batch, summarize

__all__ = ["BatchItem", "GRADE_SCALES", "RESULT_COLUMNS", "collect_inputs", "run_batch",
           "summarize"]

"""``python -m clonus`` is the same as the ``clonus`` command."""

from .cli.main import run

run()

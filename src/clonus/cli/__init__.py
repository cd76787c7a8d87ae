"""The ``clonus`` command-line interface (thin wrappers over library calls)."""

"""The teacher's desk (contract §7): a variant of a scenario for every student, the values
they must work out, and grading that names each slip.

Pure NumPy and PyYAML, above the learner's tools (it grades with their diagnosis) and the
exports (worksheets reuse the LaTeX escaping); the command line (``tui/cli.py``) drives it.
"""

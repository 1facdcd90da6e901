"""cnn-tui's front ends: the ``cnn-tui`` command (headless commands) and the Textual app.

Importing this package, or ``tui.cli``, never imports Textual: only launching the TUI does.
"""

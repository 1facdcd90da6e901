"""cnn-tui's engine: pure NumPy forward/backward, stepping, derivations and scenarios.

Nothing in this package imports the UI; the TUI and the headless commands both read
the engine's state and its derivations, so every number has one source of truth.
"""

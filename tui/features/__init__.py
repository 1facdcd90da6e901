"""The main screen's features: each owns its keys (rows of ``tui.bindings.KEYS``), its state and its messages."""

"""The inline editors' kinds (the value editor lives with the panel that hosts it)."""

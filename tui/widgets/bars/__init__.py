"""The one-line bars: status, message and keys."""

"""Text from a file or a user, for a widget: shown exactly as written, never acted on.

A string a widget receives is parsed as Textual markup: ``[/]`` raises MarkupError and
``[@click=app.quit]`` makes a link that runs an action. ``literal`` gives Content with no
markup parsed and control characters made visible (``\\x1b``), so a scenario's name, a
path or a typed value shows as written. Every such text enters a widget through it.
"""

from __future__ import annotations

from textual.content import Content

from core.text import visible


def literal(text: str, keep_newlines: bool = False) -> Content:
    """``text`` as plain Content: no markup, control characters visible (newlines kept on request)."""
    return Content(visible(text, keep_newlines))

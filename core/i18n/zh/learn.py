"""Chinese for the learn area's messages (see core/i18n/zh/__init__.py for the shared terms)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}

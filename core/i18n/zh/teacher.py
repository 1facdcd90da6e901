"""Chinese for the teacher's desk and the exports' document words (see core/i18n/zh/__init__.py)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}

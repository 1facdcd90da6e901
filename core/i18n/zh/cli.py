"""Chinese for the cli area's messages (see core/i18n/zh/__init__.py for the shared terms)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "--lang takes en or zh, not {value}": "--lang 只接受 en 或 zh，而不是 {value}",
    "--lang needs a language: en or zh": "--lang 需要一种语言：en 或 zh",
}

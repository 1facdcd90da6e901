"""Scenario files: safe YAML with line numbers, loading with checks, atomic saving, bundled names."""

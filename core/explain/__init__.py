"""Derivations: every value with the formula and numbers that made it."""

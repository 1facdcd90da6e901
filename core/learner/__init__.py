"""Learner tools: checks of hand values, slip diagnosis, the quiz, gradient checks."""

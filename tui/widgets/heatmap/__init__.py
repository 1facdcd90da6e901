"""Heatmaps: the panel view as colour pixels, and its renderer."""

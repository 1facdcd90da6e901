"""Bundled scenarios, shipped as package data so they work after any kind of install."""

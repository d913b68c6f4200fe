"""Simulation engine (see docs/methods/simulation-odd.md)."""

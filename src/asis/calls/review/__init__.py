"""Reviewing: eligibility screening, evaluators, assignment, scoring, the panel."""

"""Counterfactual policy tests (no Django): difference-in-differences with its event study,
propensity-score matching and synthetic control. The engines prepare the data, call statsmodels
(and SciPy) for the estimation, check the assumptions and return results with plain facts
(codes + parameters) that the app words in the reader's language. See ``docs/methods/``.
"""

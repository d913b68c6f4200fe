"""Impact engines (no Django), one idea per module, methods in ``docs/methods/``:

- :mod:`~asis.engines.impact.units`: units of measure and conversions inside a dimension
  (``units-and-rollups.md``);
- :mod:`~asis.engines.impact.rollup`: roll-ups of indicator values per project and across
  projects, by group and over time, never mixing units (``units-and-rollups.md``);
- :mod:`~asis.engines.impact.flags`: monitoring flags: trajectory, off-track, late reports,
  outliers, achievement (``monitoring-flags.md``);
- :mod:`~asis.engines.impact.learning`: the learning loop: do ex-ante criterion scores
  predict measured outcomes, and a cautious re-weighting (``learning-loop.md``);
- :mod:`~asis.engines.impact.errors`: errors with a ``code`` and ``params`` the app translates.

Social return on investment lives beside them in its own module.
"""

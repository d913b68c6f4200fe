"""Simulation engine of the policy lab (docs/methods/simulation-odd.md, decision 0008).

Public API, for the app and the task queue:

* ``parameters``: ``RunSpec`` (geography, ``ModelParams``, ``Levers``, horizon, runs, seed,
  resolution), ``default_geography``, ``spread_agents``;
* ``experiments``: ``run_chunk(spec, start, stop)`` -> ``ChunkResult``, ``chunk_bounds``,
  ``combine``, ``run_parallel``, ``summarise`` (fan-chart percentiles), Sobol/Morris helpers,
  ``prim`` (scenario discovery);
* ``meanfield.mean_field(spec)`` for the slider preview;
* ``bass.fit_bass`` and ``calibration`` (``fit_emergence``, ``abc_rejection``);
* ``regions.shipped_adjacency``; errors in ``errors`` (``SimulationError.code`` / ``params``).
"""

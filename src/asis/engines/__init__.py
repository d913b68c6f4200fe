"""Pure computation for ASIS: no Django import (checked by import-linter).

Frozen dataclasses in, frozen dataclasses out. One idea per module:

* :mod:`~asis.engines.grids` - versioned criteria grids (package data in ``data/``)
* :mod:`~asis.engines.weights` - direct, equal, rank-order centroid and AHP weights
* :mod:`~asis.engines.mcda` - weighted sum, TOPSIS, PROMETHEE II, VIKOR
* :mod:`~asis.engines.aggregation` - across evaluators, calibration, consensus
* :mod:`~asis.engines.agreement` - Krippendorff's alpha, ICC, flags, evaluator report
* :mod:`~asis.engines.sensitivity` - SMAA over weights and evaluators
* :mod:`~asis.engines.portfolio` - MILP portfolio selection beside greedy
* :mod:`~asis.engines.assess` - the pipeline used by ``asis assess`` and the web app
* :mod:`~asis.engines.errors` - typed errors
* :mod:`~asis.engines.impact` - units, roll-ups, monitoring flags, learning loop, SROI
* :mod:`~asis.engines.counterfactual` - difference-in-differences, matching, synthetic control

The methods and their references are explained in ``docs/methods/``.
"""

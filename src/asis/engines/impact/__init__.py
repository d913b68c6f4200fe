"""Impact engines (no Django): units and conversions, roll-up rules, monitoring flags,
the learning loop (do ex-ante scores predict measured outcomes?) and social return on
investment. One idea per module; the methods are explained in ``docs/methods/``.
"""

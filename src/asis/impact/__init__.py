"""Impact: what funded projects change. Theory of change, the indicator library, monitoring
(baselines, targets, periodic reports validated by staff), dashboards and roll-ups, social return
on investment, counterfactual policy tests and the learning loop back to the calls' criteria."""

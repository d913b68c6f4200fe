"""Counterfactual policy tests in the app: panels, studies, their job, pages, PDF and API.
The estimation is ``asis.engines.counterfactual``'s; this package stores, permits and words it."""

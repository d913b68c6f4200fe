"""Results and decisions: aggregation, ranking, selection, reports, letters."""

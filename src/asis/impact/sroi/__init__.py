"""Social return on investment in the app: access rules, adapters to the engine
(``asis.engines.impact.sroi``), services, pages, the background run, the PDF, CLI and API."""

"""Background job handlers of the calls module (registered with ``@job_handler``)."""

from __future__ import annotations

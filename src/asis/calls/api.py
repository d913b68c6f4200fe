"""REST API of the calls module (registered on the shared ``api``)."""

from __future__ import annotations

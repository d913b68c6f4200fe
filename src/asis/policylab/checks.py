"""System check of the simulation backend setting (``asis manage check``, and at worker start)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from asis.engines._backend import BACKENDS, get_backend
from asis.engines.errors import EngineError


@register()
def simulation_backend_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """ASIS_SIM_BACKEND names a backend this machine can import (CuPy only where it is installed)."""
    from asis.policylab.runs import simulation_backend

    name = simulation_backend()
    if name not in BACKENDS:
        return [Error(f"ASIS_SIM_BACKEND is {name!r}; it must be one of {', '.join(BACKENDS)}.",
                      hint="Leave it unset for NumPy on the CPU.", id="asis.E030")]
    try:
        get_backend(name)
    except EngineError as exc:
        return [Error(f"ASIS_SIM_BACKEND is {name!r} but CuPy cannot be imported on this machine "
                      f"({exc.__cause__ or exc}).", id="asis.E031",
                      hint="Install CuPy for the worker's CUDA version (pip install cupy-cuda12x) "
                           "or set ASIS_SIM_BACKEND=numpy.")]
    return []

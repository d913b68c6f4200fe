"""Array backend selection: NumPy always, CuPy only when asked for (imported lazily)."""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np

from asis.engines.errors import BackendUnavailableError, InvalidInputError

BACKENDS: tuple[str, ...] = ("numpy", "cupy")


def get_backend(name: str) -> ModuleType:
    """Return the array module for ``name``; CuPy is imported only here, on request."""
    if name == "numpy":
        return np
    if name != "cupy":
        raise InvalidInputError("backend", f"must be one of {', '.join(BACKENDS)}, got {name!r}")
    try:
        return importlib.import_module("cupy")
    except ImportError as exc:
        raise BackendUnavailableError(
            "cupy", "is not installed; install cupy for your CUDA version or use backend='numpy'"
        ) from exc


def to_numpy(array: object) -> np.ndarray:
    """Bring a backend array back to host memory as a NumPy array."""
    getter = getattr(array, "get", None)
    if callable(getter):  # CuPy arrays live on the device and come back with .get()
        return np.asarray(getter())
    return np.asarray(array)

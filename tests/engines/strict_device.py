"""A strict stand-in for CuPy, on the CPU, for the tests of the engines' GPU code paths.

No GPU is guaranteed where the suite runs, so the "cupy" backend is exercised here with NumPy
arrays that behave like device arrays in the ways that break code written for NumPy only:

- an operation that mixes a device array with a host (NumPy) array raises ``TypeError``, as CuPy
  does ("Unsupported type <class 'numpy.ndarray'>");
- indexing a device array with a host array raises, and so does assigning a host array into one;
- calling a NumPy function on a device array raises (code must use the backend's ``xp``);
- ``np.add.at`` on a device array raises (CuPy code uses ``cupyx.scatter_add``), and so does
  ``scatter_add`` into a dtype CUDA's atomicAdd lacks (int64, CuPy's own check);
- a device array comes back to the host only through ``.get()``.

The numbers are NumPy's, so results must equal the NumPy backend's bit for bit; what a real GPU
adds (its own rounding of log and exp) is measured by benchmarks/simulation.py --backend cupy.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np
import scipy.special


class DeviceArray(np.ndarray):
    """An array that lives "on the device"."""

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method == "at":
            raise TypeError(f"{ufunc.__name__}.at on a device array: use cupyx.scatter_add")
        out = kwargs.get("out", ())
        _refuse_host((*inputs, *out), f"numpy.{ufunc.__name__}")
        if out:
            kwargs["out"] = tuple(_host(o) for o in out)
        return _device(getattr(ufunc, method)(*(_host(x) for x in inputs), **kwargs))

    def __array_function__(self, func: Any, types_: Any, args: Any, kwargs: Any) -> Any:
        raise TypeError(f"numpy.{func.__name__} called on a device array: use the backend's xp")

    def __getitem__(self, key: Any) -> Any:
        _refuse_host(key if isinstance(key, tuple) else (key,), "indexing")
        return _device(np.ndarray.__getitem__(self.view(np.ndarray), _host(key)))

    def __setitem__(self, key: Any, value: Any) -> None:
        _refuse_host((*(key if isinstance(key, tuple) else (key,)), value), "assignment")
        np.ndarray.__setitem__(self.view(np.ndarray), _host(key), _host(value))

    def get(self) -> np.ndarray:
        """Copy to the host, like ``cupy.ndarray.get``."""
        return np.array(self.view(np.ndarray))


def _refuse_host(values: Any, where: str) -> None:
    for value in values:
        if isinstance(value, np.ndarray) and not isinstance(value, DeviceArray) and value.ndim > 0:
            raise TypeError(f"{where}: host array mixed with device arrays")


def _host(value: Any) -> Any:
    if isinstance(value, DeviceArray):
        return value.view(np.ndarray)
    if isinstance(value, tuple):
        return tuple(_host(v) for v in value)
    if isinstance(value, list):
        return [_host(v) for v in value]
    return value


def _device(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.view(DeviceArray)
    if isinstance(value, tuple):
        return tuple(_device(v) for v in value)
    return value


def _function(name: str, func: Any, *, transfer: bool = False) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        if not transfer:  # only asarray copies host data to the device
            _refuse_host((*args, *kwargs.values()), f"cupy.{name}")
            flat = [a for arg in args if isinstance(arg, list | tuple) for a in arg]
            _refuse_host(flat, f"cupy.{name}")
        return _device(func(*_host(args), **{k: _host(v) for k, v in kwargs.items()}))

    return call


class _Namespace(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        value = getattr(np, name)
        if isinstance(value, type) or not callable(value):
            return value  # dtypes, constants
        return _function(name, value, transfer=name in ("asarray", "array"))


# What cupy/_core/_routines_indexing.pyx accepts for scatter_add (atomicAdd types).
SCATTER_ADD_TYPES = (np.int32, np.float16, np.float32, np.float64, np.uint32, np.uint64)


def _scatter_add(array: Any, index: Any, value: Any) -> None:
    if not isinstance(array, DeviceArray):
        raise TypeError("cupyx.scatter_add needs a device array")
    if not issubclass(array.dtype.type, SCATTER_ADD_TYPES):
        raise TypeError(f"scatter_add does not support {array.dtype}")
    _refuse_host((*(index if isinstance(index, tuple) else (index,)), value), "cupyx.scatter_add")
    np.add.at(array.view(np.ndarray), _host(index), _host(value))


def modules() -> dict[str, Any]:
    """What ``importlib.import_module`` returns for each name in the strict stand-in."""
    cupy = _Namespace("cupy")
    cupyx = types.ModuleType("cupyx")
    cupyx.scatter_add = _scatter_add  # type: ignore[attr-defined]
    special = types.ModuleType("cupyx.scipy.special")
    special.ndtri = _function("ndtri", scipy.special.ndtri)  # type: ignore[attr-defined]
    return {"cupy": cupy, "cupyx": cupyx, "cupyx.scipy.special": special}


def install(monkeypatch: Any, *, missing: bool = False) -> dict[str, Any]:
    """Make ``importlib.import_module("cupy")`` (and cupyx) return the stand-in for one test, or
    raise ImportError as on a machine without CuPy (``missing``)."""
    import importlib

    fakes, real = modules(), importlib.import_module

    def import_module(name: str, package: str | None = None) -> Any:
        if name not in fakes:
            return real(name, package)
        if missing:
            raise ImportError(f"No module named {name!r}")
        return fakes[name]

    monkeypatch.setattr(importlib, "import_module", import_module)
    return fakes

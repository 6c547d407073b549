"""LightGBM prediction through its C library, without importing the ``lightgbm`` package.

``import lightgbm`` imports scikit-learn, SciPy and pandas when they are installed (about 2.4
CPU seconds in a fresh process, more than the inference of a 2 MB chunk), and each
``Booster.predict`` sets up a predictor again (a third of a millisecond per call). Inference
only needs the library LightGBM ships (``lib_lightgbm``) and two calls of its public C API:
``LGBM_BoosterLoadModelFromString`` once per model, ``LGBM_BoosterPredictForMat`` per batch.
The predictions are those of ``Booster.predict`` with the same parameters, bit for bit: the
same library does the same computation (tests/segment/test_learned.py checks it).
"""
from __future__ import annotations

import ctypes
import importlib.util
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

_FLOAT32 = 0  # C_API_DTYPE_FLOAT32
_ROW_MAJOR = 1
_PREDICT_NORMAL = 0


class TreeModelError(ValueError):
    """LightGBM refused a model text (the message is LightGBM's)."""


@lru_cache(maxsize=1)
def _library() -> Any:
    """``lib_lightgbm``, found where the ``lightgbm`` package keeps it (as its ``libpath``
    does), else through the package itself."""
    spec = importlib.util.find_spec("lightgbm")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("LightGBM is not installed (pip install lightgbm)")
    package = Path(list(spec.submodule_search_locations)[0])
    names = {"win32": "lib_lightgbm.dll", "darwin": "lib_lightgbm.dylib"}
    name = names.get(sys.platform, "lib_lightgbm.so")
    for folder in (package / "lib", package / "bin", package.parent):
        if (folder / name).is_file():
            return _declared(ctypes.cdll.LoadLibrary(str(folder / name)))
    from lightgbm.basic import _LIB  # a layout this lookup does not know: the package's own

    return _declared(_LIB)


def _declared(lib: Any) -> Any:
    lib.LGBM_GetLastError.restype = ctypes.c_char_p
    return lib


def _check(code: int) -> None:
    if code != 0:
        raise TreeModelError(_library().LGBM_GetLastError().decode("utf-8", "replace"))


class TreePredictor:
    """One LightGBM model (its text format), loaded once and kept for every prediction."""

    def __init__(self, model_text: str, parameters: dict[str, Any] | None = None) -> None:
        lib = _library()
        self._lib = lib
        self._handle = ctypes.c_void_p()
        iterations = ctypes.c_int(0)
        _check(lib.LGBM_BoosterLoadModelFromString(
            ctypes.c_char_p(model_text.encode("utf-8")), ctypes.byref(iterations),
            ctypes.byref(self._handle),
        ))
        features = ctypes.c_int(0)
        _check(lib.LGBM_BoosterGetNumFeature(self._handle, ctypes.byref(features)))
        self.features = features.value
        # What ``Booster.predict(**parameters)`` passes on (its ``_param_dict_to_str``).
        self._parameters = " ".join(f"{k}={v}" for k, v in (parameters or {}).items()).encode()

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """Probabilities (the model's transformed output), one per row of ``matrix``."""
        rows = len(matrix)
        if rows == 0:
            return np.zeros(0, dtype=np.float64)
        data = np.ascontiguousarray(matrix, dtype=np.float32)
        if data.ndim != 2 or data.shape[1] != self.features:
            raise ValueError(f"expected rows of {self.features} features, got shape {data.shape}")
        out = np.empty(rows, dtype=np.float64)
        written = ctypes.c_int64(0)
        _check(self._lib.LGBM_BoosterPredictForMat(
            self._handle, data.ctypes.data_as(ctypes.c_void_p), ctypes.c_int(_FLOAT32),
            ctypes.c_int32(rows), ctypes.c_int32(data.shape[1]), ctypes.c_int(_ROW_MAJOR),
            ctypes.c_int(_PREDICT_NORMAL), ctypes.c_int(0), ctypes.c_int(-1),
            ctypes.c_char_p(self._parameters), ctypes.byref(written),
            out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
        ))
        if written.value != rows:
            raise TreeModelError(f"LightGBM wrote {written.value} predictions for {rows} rows")
        return out

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle is not None and handle.value:
            self._lib.LGBM_BoosterFree(handle)
            self._handle = None

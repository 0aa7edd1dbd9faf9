"""cgp.ArrayOptimizer: a plugin stepping a numpy array in place, for optimizer paths on surfaces
written in numpy (the course's saddle and contour pictures) and any loop of one's own."""
import os

import numpy as np

from . import _cgp, _options

_ALIGNMENT = 64  # CGP_ALIGNMENT: state arrays are aligned and padded to it (abi.h)


def aligned_zeros(n, dtype):
    """A zeroed array of n elements starting on a 64-byte boundary, its memory padded to 64 bytes."""
    itemsize = np.dtype(dtype).itemsize
    per_line = _ALIGNMENT // itemsize
    buffer = np.zeros(-(-max(n, 1) // per_line) * per_line + per_line, dtype=dtype)
    skip = (-buffer.ctypes.data % _ALIGNMENT) // itemsize
    return buffer[skip:skip + n]


class ArrayOptimizer:
    """Steps a 1-D float32 or float64 numpy array of `size` elements with a cgp plugin.

        opt = cgp.ArrayOptimizer("adam", size=2, lr=0.05)
        opt.step(p, grad)          # p updated in place; grad: same length and dtype

    hparams: the plugin's hyperparameters by name. state: the plugin's state arrays; t: steps taken."""

    def __init__(self, plugin="adam", size=1, dtype="float64", plugin_dir=None, scalar=False, **hparams):
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise _options.UsageError(f"cgp.ArrayOptimizer: dtype {self.dtype}: use float32 or float64")
        dirs = [] if plugin_dir is None else [os.fspath(plugin_dir)]
        info = _cgp.plugin_info(plugin, dirs)
        names = [h["name"] for h in info["hyperparameters"]]
        values = {h["name"]: h["default"] for h in info["hyperparameters"]}
        for key, value in hparams.items():
            if key not in values:
                raise _options.unknown_keyword(f"cgp.ArrayOptimizer (plugin {info['id']})", key, names)
            values[key] = float(value)
        self.hyperparameters = values
        self._step = _cgp.PluginStep(plugin, dirs, [values[n] for n in names])
        self.size, self.t, self.scalar = int(size), 0, bool(scalar)
        self.state = [aligned_zeros(self.size, self.dtype) for _ in range(self._step.state_count)]
        self._initialized = False
        self._addresses = tuple(s.ctypes.data for s in self.state)
        self._fn = self._step.step_f32 if self.dtype == np.float32 else self._step.step_f64

    def _check(self, a, what):
        if not isinstance(a, np.ndarray) or a.dtype != self.dtype or a.shape != (self.size,):
            shape = getattr(a, "shape", None)
            dtype = getattr(a, "dtype", type(a).__name__)
            raise _options.UsageError(f"cgp.ArrayOptimizer.step: {what} has shape {shape} and dtype {dtype}; "
                                      f"expected a numpy array of shape ({self.size},) and dtype {self.dtype}")
        if not a.flags.c_contiguous:
            raise _options.UsageError(f"cgp.ArrayOptimizer.step: {what} is not contiguous; pass "
                                      f"np.ascontiguousarray({what})")

    def step(self, params, grads):
        """One step, in place on params."""
        self._check(params, "params")
        self._check(grads, "grads")
        if not params.flags.writeable:
            raise _options.UsageError("cgp.ArrayOptimizer.step: params is read-only")
        if not self._initialized:
            fill = self._step.fill_state_f32 if self.dtype == np.float32 else self._step.fill_state_f64
            for k, s in enumerate(self.state):
                fill(k, params.ctypes.data, s.ctypes.data, self.size)
            self._initialized = True
        self.t += 1
        self._fn(self.t, params.ctypes.data, grads.ctypes.data, self._addresses, self.size, None, self.scalar)

"""cgp.torch: any cgp optimizer plugin as a torch.optim.Optimizer.

    import cgp.torch
    opt = cgp.torch.Optimizer(model.parameters(), plugin="adamw", lr=1e-3, weight_decay=1e-2)

Each step calls the plugin's step once per parameter tensor, in place, on the tensor's memory
(contiguous CPU float32 or float64), with the tensor's shape. The plugin's state arrays are torch
tensors in optimizer.state (state0, state1, ... shaped like the parameter, and step), so
state_dict() and load_state_dict() save and restore a run exactly. Hyperparameters are the
plugin's (cgp.plugins() lists them) and live in each param group, so torch's learning-rate
schedulers work; betas=(b1, b2) is accepted for beta1 and beta2 as in torch.optim.

A plugin that evaluates the loss inside its steps (cgp.needs_closure/1: sam, sam_adam, lbfgs) steps
as torch.optim.LBFGS does: opt.step(closure) with a closure that clears the gradients, computes the
loss, calls backward() and returns the loss. It steps all parameters of its one param group as one
flat array (torch's parameter order); each evaluation the plugin asks for sets the parameters to its
point and calls the closure (under torch.enable_grad). Its state arrays and run state (a list of
floats, "run_state") are kept on the first parameter, as torch.optim.LBFGS keeps its own.
"""
import os

import torch

from . import _cgp, _options
from ._errors import TensorError, UsageError

_ALIGNMENT = 64  # CGP_ALIGNMENT: state arrays are aligned and padded to it (abi.h)


def _aligned_zeros(numel, dtype):
    """A zeroed 1-D tensor of numel elements whose memory starts on a 64-byte boundary and is padded
    to a multiple of 64 bytes."""
    per_line = _ALIGNMENT // torch.empty((), dtype=dtype).element_size()
    padded = -(-max(numel, 1) // per_line) * per_line
    buffer = torch.zeros(padded + per_line, dtype=dtype)
    skip = (-buffer.data_ptr() % _ALIGNMENT) // buffer.element_size()
    return buffer[skip:skip + numel]


def _describe(index, p):
    return f"parameter {index} (shape {tuple(p.shape)}, {p.dtype}, {p.device})"


class Optimizer(torch.optim.Optimizer):
    """A torch.optim.Optimizer stepping with a cgp plugin.

    plugin: a plugin name (adam, adamw, sgdplus, lion, ...), file name or path; plugin_dir: more
    folders to look in; scalar: run the plugin's scalar form instead of its SIMD form; hparams:
    the plugin's hyperparameters by name (the defaults are the plugin's)."""

    def __init__(self, params, plugin="adam", plugin_dir=None, scalar=False, **hparams):
        dirs = [] if plugin_dir is None else [os.fspath(plugin_dir)] if isinstance(plugin_dir, (str, os.PathLike)) \
            else [os.fspath(d) for d in plugin_dir]
        info = _cgp.plugin_info(plugin, dirs)
        self._names = [h["name"] for h in info["hyperparameters"]]
        defaults = {h["name"]: h["default"] for h in info["hyperparameters"]}
        self.plugin_id = info["id"]
        for key, value in self._hyperparameters(hparams, "").items():
            defaults[key] = float(value)
        self._plugin, self._dirs, self._scalar = plugin, dirs, bool(scalar)
        self._steppers = {}  # id(param group) -> (PluginStep, its values)
        self._prepared = {}  # parameter -> (step function, state addresses, element count, dtype, shape)
        super().__init__(params, defaults)
        for group in self.param_groups:
            self._stepper(group)  # refuse bad hyperparameters now, not at the first step
        self.needs_closure = self._stepper(self.param_groups[0]).needs_closure
        if self.needs_closure and len(self.param_groups) != 1:
            raise UsageError(f"cgp.torch.Optimizer: plugin {self.plugin_id} evaluates the loss inside its steps and "
                             f"steps all parameters as one array: it takes one param group, not "
                             f"{len(self.param_groups)}\nhint: pass model.parameters(), as to torch.optim.LBFGS")
        self._flat = None  # closure plugins: (dtype, params, grads, point, gradient), each flat and aligned

    def _hyperparameters(self, values, where):
        """values with betas=(b1, b2) as beta1 and beta2 (as torch.optim spells them); an unknown name is
        refused with the plugin's nearest."""
        values = dict(values)
        if "betas" in values and "beta1" in self._names and "beta2" in self._names:
            values["beta1"], values["beta2"] = (float(b) for b in values.pop("betas"))
        for key in values:
            if key not in self._names:
                raise _options.unknown_keyword(f"cgp.torch.Optimizer (plugin {self.plugin_id}){where}", key,
                                               self._names)
        return values

    def _stepper(self, group):
        values = [float(group[n]) for n in self._names]
        entry = self._steppers.get(id(group))
        if entry is None:
            entry = (_cgp.PluginStep(self._plugin, self._dirs, values, closures=True), values)
            self._steppers[id(group)] = entry
        elif entry[1] != values:
            entry[0].set_hparams(values)
            entry = (entry[0], values)
            self._steppers[id(group)] = entry
        return entry[0]

    @staticmethod
    def _check_tensor(p, index):
        if p.device.type != "cpu":
            raise TensorError(f"{_describe(index, p)} is not on the CPU; cgp plugins step CPU memory\nhint: keep the "
                              f"model on the CPU (model.cpu()) or use a torch.optim optimizer for it")
        if p.dtype not in (torch.float32, torch.float64):
            raise TensorError(f"{_describe(index, p)}: cgp plugins step float32 or float64 tensors\nhint: "
                              f"model.float() or model.double()")
        if not p.is_contiguous():
            raise TensorError(f"{_describe(index, p)} is not contiguous\nhint: make the parameter contiguous "
                              f"(p.data = p.data.contiguous()) before creating the optimizer")

    def _prepare(self, p, index, stepper):
        self._check_tensor(p, index)
        state = self.state[p]
        n = p.numel()
        if not state:
            state["step"] = 0
            for k in range(stepper.state_count):
                state[f"state{k}"] = _aligned_zeros(n, p.dtype).view_as(p)
            fill = stepper.fill_state_f32 if p.dtype == torch.float32 else stepper.fill_state_f64
            for k in range(stepper.state_count):
                fill(k, p.data_ptr(), state[f"state{k}"].data_ptr(), n)
        for k in range(stepper.state_count):
            s = state.get(f"state{k}")
            if s is None or s.shape != p.shape or s.dtype != p.dtype:
                raise TensorError(f"{_describe(index, p)}: its state state{k} is missing or does not match it: "
                                  f"{'missing' if s is None else f'shape {tuple(s.shape)}, {s.dtype}'}\nhint: a "
                                  f"state_dict from another model or plugin, or a model changed (model.double()) "
                                  f"after its optimizer was made? Make the optimizer after the model is final")
            if not s.is_contiguous() or s.data_ptr() % _ALIGNMENT:
                s = _aligned_zeros(n, p.dtype).view_as(p).copy_(s)  # a loaded state, put where plugins read
                state[f"state{k}"] = s
        addresses = tuple(state[f"state{k}"].data_ptr() for k in range(stepper.state_count))
        fn = stepper.step_f32 if p.dtype == torch.float32 else stepper.step_f64
        entry = (fn, addresses, n, p.dtype, p.shape)
        self._prepared[p] = entry
        return entry

    @torch.no_grad()
    def step(self, closure=None):
        if self.needs_closure:
            return self._step_with_closure(closure)
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        scalar = self._scalar
        for group in self.param_groups:
            stepper = self._stepper(group)
            for index, p in enumerate(group["params"]):
                g = p.grad
                if g is None:
                    continue
                entry = self._prepared.get(p)
                if entry is None or entry[3] is not p.dtype or entry[4] != p.shape or not p.is_cpu or \
                        not p.is_contiguous():  # new, or its .data replaced since (model.double(), .cuda())
                    entry = self._prepare(p, index, stepper)
                if g.is_sparse or not g.is_contiguous():
                    raise TensorError(f"the gradient of {_describe(index, p)} is "
                                      f"{'sparse' if g.is_sparse else 'not contiguous'}; cgp plugins step dense "
                                      f"contiguous gradients")
                state = self.state[p]
                state["step"] += 1
                entry[0](state["step"], p.data_ptr(), g.data_ptr(), entry[1], entry[2], p.shape, scalar)
        return loss

    def _flat_buffers(self, params):
        dtype = params[0].dtype
        for index, p in enumerate(params):
            self._check_tensor(p, index)
            if p.dtype != dtype:
                raise TensorError(f"{_describe(index, p)}: a closure plugin steps all parameters as one array, so "
                                  f"they must share one dtype ({dtype})\nhint: model.float() or model.double()")
        n = sum(p.numel() for p in params)
        if self._flat is None or self._flat[0] != dtype or self._flat[1].numel() != n:
            self._flat = (dtype,) + tuple(_aligned_zeros(n, dtype) for _ in range(4))
        return self._flat[1:]

    def _step_with_closure(self, closure):
        if closure is None:
            raise UsageError(f"cgp.torch.Optimizer: plugin {self.plugin_id} evaluates the loss inside its steps "
                             f"(cgp.needs_closure/1), so step() needs a closure\nhint: opt.step(closure), with "
                             f"closure() calling opt.zero_grad(), computing the loss, calling loss.backward() and "
                             f"returning the loss, as for torch.optim.LBFGS")
        group = self.param_groups[0]
        stepper = self._stepper(group)
        params = list(group["params"])
        flat_p, flat_g, point, gradient = self._flat_buffers(params)
        n = flat_p.numel()

        def gather(into):
            offset = 0
            for p in params:
                k = p.numel()
                if p.grad is None:
                    into[offset:offset + k].zero_()
                else:
                    into[offset:offset + k].copy_(p.grad.reshape(-1))
                offset += k

        def put(values):
            offset = 0
            for p in params:
                k = p.numel()
                p.copy_(values[offset:offset + k].view_as(p))
                offset += k

        def evaluate():
            put(point)
            with torch.enable_grad():
                value = closure()
            gather(gradient)
            return float(value)

        with torch.enable_grad():
            orig_loss = closure()
        offset = 0
        for p in params:
            flat_p[offset:offset + p.numel()].copy_(p.reshape(-1))
            offset += p.numel()
        gather(flat_g)
        state = self.state[params[0]]
        if "run_state" not in state:
            state["step"] = 0
            for k in range(stepper.state_count):
                state[f"state{k}"] = _aligned_zeros(n, flat_p.dtype)
            fill = stepper.fill_state_f32 if flat_p.dtype == torch.float32 else stepper.fill_state_f64
            for k in range(stepper.state_count):
                fill(k, flat_p.data_ptr(), state[f"state{k}"].data_ptr(), n)
            state["run_state"] = list(stepper.run_state)
        for k in range(stepper.state_count):
            s = state.get(f"state{k}")
            if s is None or s.numel() != n or s.dtype != flat_p.dtype:
                raise TensorError(f"parameter 0: its state state{k} is missing or does not match the {n} parameters "
                                  f"(a state_dict from another model or plugin?)")
            if not s.is_contiguous() or s.data_ptr() % _ALIGNMENT:
                state[f"state{k}"] = _aligned_zeros(n, flat_p.dtype).copy_(s.reshape(-1))
        state["step"] += 1
        fn = stepper.step_closure_f32 if flat_p.dtype == torch.float32 else stepper.step_closure_f64
        try:
            fn(state["step"], flat_p.data_ptr(), flat_g.data_ptr(),
               tuple(state[f"state{k}"].data_ptr() for k in range(stepper.state_count)), n, float(orig_loss),
               point.data_ptr(), gradient.data_ptr(), evaluate, [float(v) for v in state["run_state"]], self._scalar)
        finally:
            state["run_state"] = list(stepper.run_state)
            put(flat_p)
        return orig_loss

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        self._prepared.clear()
        self._steppers.clear()
        for group in self.param_groups:
            self._stepper(group)

    # Keys torch's own tools add to param groups (schedulers, SWA, named groups).
    _TORCH_GROUP_KEYS = ("params", "initial_lr", "swa_lr", "name")

    def add_param_group(self, param_group):
        if isinstance(param_group, dict):
            own = {k: v for k, v in param_group.items() if k not in self._TORCH_GROUP_KEYS}
            param_group = dict({k: v for k, v in param_group.items() if k in self._TORCH_GROUP_KEYS},
                               **self._hyperparameters(own, f", param group {len(self.param_groups)}"))
        super().add_param_group(param_group)
        self._stepper(self.param_groups[-1])

"""torch_optimizers.py: the torch.optim counterpart of each cgp plugin, from its hyperparameters.

Used by tools/torch_check.py (retrain a trace in PyTorch) and tools/record_torch_trajectories.py (the
test data of tests/data/torch). `hp` holds the plugin's hyperparameters by cgp's names; a value left
out takes the plugin's default. Lion, which torch.optim lacks, is written with torch operations from
the paper's equations, as is Adam with eps inside the square root (the course handout's form).
"""

# cgp reference algorithm -> the plugin whose hyperparameter names it uses
BY_ALGORITHM = {"sgd": "sgd", "sgd-momentum": "sgdplus", "adam": "adam", "adamw": "adamw", "adamax": "adamax",
                "nadam": "nadam", "radam": "radam", "rmsprop": "rmsprop", "adadelta": "adadelta", "rprop": "rprop",
                "asgd": "asgd", "adagrad": "adagrad", "lion": "lion", "lbfgs": "lbfgs"}

# Plugins whose torch counterpart steps with a closure: opt.step(closure), which evaluates the loss.
CLOSURE_PLUGINS = ("lbfgs",)


def _flag(hp, name):
    return bool(hp.get(name, 0))


def _betas(hp, b1, b2):
    return (hp.get("beta1", b1), hp.get("beta2", b2))


def lion_class(torch):
    class Lion(torch.optim.Optimizer):
        """Lion (Chen et al. 2023): p *= 1 - lr*wd; p -= lr*sign(b1*m + (1-b1)*g); m = b2*m + (1-b2)*g."""

        def __init__(self, params, lr, betas, weight_decay):
            super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

        @torch.no_grad()
        def step(self):
            for group in self.param_groups:
                b1, b2 = group["betas"]
                for p in group["params"]:
                    state = self.state[p]
                    if not state:
                        state["m"] = torch.zeros_like(p)
                    m = state["m"]
                    c = (m * b1).add_(p.grad, alpha=1 - b1)
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                    p.add_(c.sign_(), alpha=-group["lr"])
                    m.mul_(b2).add_(p.grad, alpha=1 - b2)

    return Lion


def handout_adam_class(torch):
    class HandoutAdam(torch.optim.Optimizer):
        """Adam with eps inside the square root (the course handout): p -= lr * m^ / sqrt(u^ + eps), with
        adam's options: d = (maximize ? -g : g) + weight_decay * p; u = v, or its running maximum with amsgrad."""

        def __init__(self, params, lr, betas, eps, weight_decay=0, amsgrad=False, maximize=False):
            super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                          maximize=maximize))

        @torch.no_grad()
        def step(self):
            for group in self.param_groups:
                b1, b2 = group["betas"]
                for p in group["params"]:
                    state = self.state[p]
                    if not state:
                        state["step"] = 0
                        state["m"] = torch.zeros_like(p)
                        state["v"] = torch.zeros_like(p)
                        state["w"] = torch.zeros_like(p)
                    state["step"] += 1
                    t = state["step"]
                    m, v = state["m"], state["v"]
                    g = -p.grad if group["maximize"] else p.grad
                    if group["weight_decay"] != 0:
                        g = g.add(p, alpha=group["weight_decay"])
                    m.mul_(b1).add_(g, alpha=1 - b1)
                    v.mul_(b2).addcmul_(g, g, value=1 - b2)
                    u = v
                    if group["amsgrad"]:
                        torch.maximum(state["w"], v, out=state["w"])
                        u = state["w"]
                    bc1 = 1 - b1 ** t
                    bc2 = 1 - b2 ** t
                    p.addcdiv_(m, (u / bc2 + group["eps"]).sqrt(), value=-group["lr"] / bc1)

    return HandoutAdam


def make(torch, plugin, hp, params):
    """The optimizer for cgp plugin `plugin` (an id of BY_ALGORITHM's values) over `params`; None if unknown."""
    o = torch.optim
    if plugin == "sgd":
        return o.SGD(params, lr=hp.get("lr", 0.01), weight_decay=hp.get("weight_decay", 0),
                     maximize=_flag(hp, "maximize"))
    if plugin == "sgdplus":
        return o.SGD(params, lr=hp.get("lr", 0.01), momentum=hp.get("momentum", 0.9),
                     dampening=hp.get("dampening", 0), nesterov=_flag(hp, "nesterov"),
                     weight_decay=hp.get("weight_decay", 0), maximize=_flag(hp, "maximize"))
    if plugin == "adam" and _flag(hp, "eps_inside_sqrt"):
        return handout_adam_class(torch)(params, lr=hp.get("lr", 1e-3), betas=_betas(hp, 0.9, 0.999),
                                         eps=hp.get("eps", 1e-8), weight_decay=hp.get("weight_decay", 0),
                                         amsgrad=_flag(hp, "amsgrad"), maximize=_flag(hp, "maximize"))
    if plugin in ("adam", "adamw"):
        cls = o.Adam if plugin == "adam" else o.AdamW
        return cls(params, lr=hp.get("lr", 1e-3), betas=_betas(hp, 0.9, 0.999), eps=hp.get("eps", 1e-8),
                   weight_decay=hp.get("weight_decay", 0), amsgrad=_flag(hp, "amsgrad"),
                   maximize=_flag(hp, "maximize"))
    if plugin == "adamax":
        return o.Adamax(params, lr=hp.get("lr", 2e-3), betas=_betas(hp, 0.9, 0.999), eps=hp.get("eps", 1e-8),
                        weight_decay=hp.get("weight_decay", 0), maximize=_flag(hp, "maximize"))
    if plugin == "nadam":
        return o.NAdam(params, lr=hp.get("lr", 2e-3), betas=_betas(hp, 0.9, 0.999), eps=hp.get("eps", 1e-8),
                       weight_decay=hp.get("weight_decay", 0), momentum_decay=hp.get("momentum_decay", 4e-3))
    if plugin == "radam":
        return o.RAdam(params, lr=hp.get("lr", 1e-3), betas=_betas(hp, 0.9, 0.999), eps=hp.get("eps", 1e-8),
                       weight_decay=hp.get("weight_decay", 0))
    if plugin == "rmsprop":
        return o.RMSprop(params, lr=hp.get("lr", 1e-2), alpha=hp.get("alpha", 0.99), eps=hp.get("eps", 1e-8),
                         weight_decay=hp.get("weight_decay", 0), momentum=hp.get("momentum", 0),
                         centered=_flag(hp, "centered"), maximize=_flag(hp, "maximize"))
    if plugin == "adadelta":
        return o.Adadelta(params, lr=hp.get("lr", 1.0), rho=hp.get("rho", 0.9), eps=hp.get("eps", 1e-6),
                          weight_decay=hp.get("weight_decay", 0), maximize=_flag(hp, "maximize"))
    if plugin == "rprop":
        return o.Rprop(params, lr=hp.get("lr", 1e-2), etas=(hp.get("etaminus", 0.5), hp.get("etaplus", 1.2)),
                       step_sizes=(hp.get("step_size_min", 1e-6), hp.get("step_size_max", 50)),
                       maximize=_flag(hp, "maximize"))
    if plugin == "asgd":
        return o.ASGD(params, lr=hp.get("lr", 1e-2), lambd=hp.get("lambd", 1e-4), alpha=hp.get("alpha", 0.75),
                      t0=hp.get("t0", 0), weight_decay=hp.get("weight_decay", 0), maximize=_flag(hp, "maximize"))
    if plugin == "adagrad":
        return o.Adagrad(params, lr=hp.get("lr", 1e-2), lr_decay=hp.get("lr_decay", 0),
                         weight_decay=hp.get("weight_decay", 0),
                         initial_accumulator_value=hp.get("initial_accumulator_value", 0), eps=hp.get("eps", 1e-10),
                         maximize=_flag(hp, "maximize"))
    if plugin == "lbfgs":  # cgp's max_eval 0 is torch's default, max_iter*5//4
        return o.LBFGS(params, lr=hp.get("lr", 1.0), max_iter=int(hp.get("max_iter", 20)),
                       max_eval=int(hp.get("max_eval", 0)) or None, tolerance_grad=hp.get("tolerance_grad", 1e-7),
                       tolerance_change=hp.get("tolerance_change", 1e-9), history_size=int(hp.get("history_size", 6)),
                       line_search_fn="strong_wolfe" if _flag(hp, "line_search") else None)
    if plugin == "lion":
        return lion_class(torch)(params, lr=hp.get("lr", 1e-4), betas=_betas(hp, 0.9, 0.99),
                                 weight_decay=hp.get("weight_decay", 0))
    return None


def describe(optimizer):
    """One line naming the torch optimizer and its settings."""
    group = {k: v for k, v in optimizer.param_groups[0].items()
             if k not in ("params", "foreach", "capturable", "differentiable", "fused")}
    settings = ", ".join(f"{k}={v}" for k, v in group.items())
    name = type(optimizer).__name__
    return f"torch.optim.{name}({settings})" if hasattr(__import__("torch").optim, name) else f"{name}({settings}), " \
        "written with torch operations"

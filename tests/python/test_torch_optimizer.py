"""cgp.torch.Optimizer: every library plugin whose algorithm torch.optim has gives torch.optim's
trajectory on a PyTorch model (float64 to rounding, float32 closely); state_dict round trips
exactly; schedulers, views and bad tensors. Skipped, with the reason, where torch is missing."""
import copy
import os
import sys
import time
import unittest

from support import BUILD, SOURCE

import cgp

try:
    import torch
    import cgp.torch
except ImportError:
    torch = None
NO_TORCH = "torch is not installed (apt-get install python3-torch)"

sys.path.insert(0, os.path.join(SOURCE, "tools"))
import torch_optimizers  # noqa: E402  (tools/: the torch.optim counterpart of each plugin)

# Hyperparameters per plugin: the defaults, and a set that turns on the variants.
CASES = {
    "sgd": [{}, {"lr": 0.05, "weight_decay": 0.01}],
    "sgdplus": [{}, {"momentum": 0.8, "nesterov": 1, "weight_decay": 1e-3}, {"dampening": 0.3}],
    "adam": [{}, {"lr": 0.01, "amsgrad": 1, "weight_decay": 0.01}, {"eps_inside_sqrt": 1}],
    "adamw": [{}, {"lr": 0.01, "amsgrad": 1}],
    "adamax": [{}, {"weight_decay": 0.01}],
    "nadam": [{}, {"momentum_decay": 0.01}],
    "radam": [{}, {"lr": 0.01}],
    "rmsprop": [{}, {"momentum": 0.5, "centered": 1}],
    "adadelta": [{}, {"rho": 0.8, "weight_decay": 0.01}],
    "rprop": [{}, {"etaminus": 0.3, "etaplus": 1.5}],
    "asgd": [{}, {"lambd": 1e-3, "t0": 5}],
    "adagrad": [{}, {"lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.01}],
    "lion": [{}, {"lr": 1e-3, "weight_decay": 0.1}],
}


def model(dtype, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)).to(dtype)


def batch(dtype, step):
    g = torch.Generator().manual_seed(1000 + step)
    return torch.randn(32, 5, generator=g, dtype=dtype), torch.randn(32, 3, generator=g, dtype=dtype)


def train(net, opt, steps, first=0):
    for s in range(first, first + steps):
        x, y = batch(next(net.parameters()).dtype, s)
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(x), y).backward()
        opt.step()


def max_difference(a, b):
    return max((p - q).abs().max().item() for p, q in zip(a.parameters(), b.parameters()))


@unittest.skipIf(torch is None, NO_TORCH)
class SameTrajectoryAsTorchOptim(unittest.TestCase):
    def check(self, plugin, hp, dtype, steps, tolerance):
        ours, theirs = model(dtype), model(dtype)
        info = next(p for p in cgp.plugins() if p["id"] == plugin)
        full = dict({h["name"]: h["default"] for h in info["hyperparameters"]}, **hp)  # the plugin's defaults
        reference = torch_optimizers.make(torch, plugin, full, theirs.parameters())
        self.assertIsNotNone(reference, f"no torch counterpart for {plugin} {hp}")
        opt = cgp.torch.Optimizer(ours.parameters(), plugin=plugin, **hp)
        # torch.optim keeps some per-step scalars (ASGD's eta and mu) in the default dtype
        default = torch.get_default_dtype()
        torch.set_default_dtype(dtype)
        self.addCleanup(torch.set_default_dtype, default)
        for s in range(steps):
            train(ours, opt, 1, s)
            train(theirs, reference, 1, s)
            scale = max(p.abs().max().item() for p in theirs.parameters())
            self.assertLess(max_difference(ours, theirs), tolerance * scale, f"{plugin} {hp} {dtype} step {s + 1}")

    def test_every_plugin_in_float64_follows_torch_to_rounding(self):
        for plugin, cases in CASES.items():
            for hp in cases:
                with self.subTest(plugin=plugin, hp=hp):
                    self.check(plugin, hp, torch.float64, 60, 1e-9)

    def test_every_plugin_in_float32_follows_torch_closely(self):
        for plugin, cases in CASES.items():
            for hp in cases[:1]:
                with self.subTest(plugin=plugin, hp=hp):
                    self.check(plugin, hp, torch.float32, 30, 2e-4)

    def test_torch_style_betas_set_beta1_and_beta2(self):
        ours, theirs = model(torch.float64), model(torch.float64)
        opt = cgp.torch.Optimizer(ours.parameters(), plugin="adam", lr=0.01, betas=(0.8, 0.99))
        self.assertEqual((opt.param_groups[0]["beta1"], opt.param_groups[0]["beta2"]), (0.8, 0.99))
        train(ours, opt, 20)
        train(theirs, torch.optim.Adam(theirs.parameters(), lr=0.01, betas=(0.8, 0.99)), 20)
        self.assertLess(max_difference(ours, theirs), 1e-12)

    def test_a_learning_rate_scheduler_drives_the_plugin(self):
        ours, theirs = model(torch.float64), model(torch.float64)
        opt = cgp.torch.Optimizer(ours.parameters(), plugin="adam", lr=0.05)
        ref = torch.optim.Adam(theirs.parameters(), lr=0.05)
        s1 = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
        s2 = torch.optim.lr_scheduler.StepLR(ref, step_size=5, gamma=0.5)
        for s in range(20):
            train(ours, opt, 1, s)
            train(theirs, ref, 1, s)
            s1.step()
            s2.step()
        self.assertLess(max_difference(ours, theirs), 1e-12)
        self.assertEqual(opt.param_groups[0]["lr"], 0.05 * 0.5 ** 4)

    def test_param_groups_keep_their_own_hyperparameters(self):
        ours, theirs = model(torch.float64), model(torch.float64)
        groups = lambda net: [{"params": net[0].parameters(), "lr": 0.02}, {"params": net[2].parameters()}]
        opt = cgp.torch.Optimizer(groups(ours), plugin="sgdplus", lr=0.005, momentum=0.9)
        ref = torch.optim.SGD(groups(theirs), lr=0.005, momentum=0.9)
        train(ours, opt, 15)
        train(theirs, ref, 15)
        self.assertLess(max_difference(ours, theirs), 1e-12)

    def test_a_param_group_takes_torch_style_betas_and_refuses_an_unknown_name(self):
        ours, theirs = model(torch.float64), model(torch.float64)
        groups = lambda net: [{"params": net[0].parameters(), "betas": (0.8, 0.95)}, {"params": net[2].parameters()}]
        opt = cgp.torch.Optimizer(groups(ours), plugin="adam", lr=0.01)
        self.assertEqual((opt.param_groups[0]["beta1"], opt.param_groups[0]["beta2"]), (0.8, 0.95))
        train(ours, opt, 15)
        train(theirs, torch.optim.Adam(groups(theirs), lr=0.01), 15)
        self.assertLess(max_difference(ours, theirs), 1e-12)
        with self.assertRaises(cgp.UsageError) as e:
            opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))], "lrr": 0.1})
        self.assertIn("param group 2: unknown keyword 'lrr'", str(e.exception))
        self.assertIn("did you mean lr?", str(e.exception))
        self.assertEqual(len(opt.param_groups), 2)


@unittest.skipIf(torch is None, NO_TORCH)
class State(unittest.TestCase):
    def test_state_dict_and_load_state_dict_continue_a_run_exactly(self):
        straight = model(torch.float32)
        opt = cgp.torch.Optimizer(straight.parameters(), plugin="adamw", lr=0.01)
        train(straight, opt, 20)

        first = model(torch.float32)
        opt1 = cgp.torch.Optimizer(first.parameters(), plugin="adamw", lr=0.01)
        train(first, opt1, 10)
        path = os.path.join(os.environ.get("CGP_TEST_WORK", "."), "torch-state.pt")
        torch.save({"model": first.state_dict(), "opt": opt1.state_dict()}, path)
        saved = torch.load(path)
        second = model(torch.float32, seed=99)
        second.load_state_dict(saved["model"])
        opt2 = cgp.torch.Optimizer(second.parameters(), plugin="adamw", lr=0.01)
        opt2.load_state_dict(saved["opt"])
        self.assertEqual(opt2.state[next(second.parameters())]["step"], 10)
        train(second, opt2, 10, 10)
        self.assertEqual(max_difference(second, straight), 0.0)

    def test_state_is_kept_in_torch_tensors_shaped_like_the_parameter(self):
        net = model(torch.float64)
        opt = cgp.torch.Optimizer(net.parameters(), plugin="adam")
        train(net, opt, 1)
        w = net[0].weight
        self.assertEqual(sorted(opt.state[w]), ["state0", "state1", "step"])
        self.assertEqual(opt.state[w]["state0"].shape, w.shape)
        self.assertEqual(opt.state[w]["state0"].data_ptr() % 64, 0)

    def test_a_parameter_that_is_an_unaligned_view_steps_correctly(self):
        base = torch.zeros(20, dtype=torch.float64)
        ours = torch.nn.Parameter(base[1:6])
        theirs = torch.nn.Parameter(torch.zeros(5, dtype=torch.float64))
        opt = cgp.torch.Optimizer([ours], plugin="adam", lr=0.1)
        ref = torch.optim.Adam([theirs], lr=0.1)
        for s in range(5):
            for p, o in ((ours, opt), (theirs, ref)):
                o.zero_grad()
                ((p - torch.arange(5.0, dtype=torch.float64)) ** 2).sum().backward()
                o.step()
        self.assertLess((ours - theirs).abs().max().item(), 1e-12)
        self.assertEqual(base[0].item(), 0.0)
        self.assertEqual(base[6:].abs().sum().item(), 0.0)


def lamb_reference(params, grads_per_step, lr, beta1, beta2, eps, weight_decay):
    """LAMB per tensor in float64 (plugins/lamb/lamb.cpp's formulas, optax.lamb), written here."""
    params = [p.detach().double().clone() for p in params]
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    for t, grads in enumerate(grads_per_step, start=1):
        for k, (p, g) in enumerate(zip(params, grads)):
            g = g.double()
            m[k] = beta1 * m[k] + (1 - beta1) * g
            v[k] = beta2 * v[k] + (1 - beta2) * g * g
            u = (m[k] / (1 - beta1 ** t)) / ((v[k] / (1 - beta2 ** t)).sqrt() + eps) + weight_decay * p
            p_norm, u_norm = p.norm().item(), u.norm().item()
            ratio = p_norm / u_norm if p_norm > 0 and u_norm > 0 else 1.0
            params[k] = p - lr * ratio * u
    return params


@unittest.skipIf(torch is None, NO_TORCH)
class TensorShapes(unittest.TestCase):
    def test_each_tensor_is_offered_to_the_plugin_with_its_shape_and_kind(self):
        weight = torch.zeros(3, 4, dtype=torch.float64, requires_grad=True)
        bias = torch.zeros(5, dtype=torch.float64, requires_grad=True)
        scalar = torch.zeros((), dtype=torch.float64, requires_grad=True)
        cube = torch.zeros(2, 2, 2, 2, 2, dtype=torch.float64, requires_grad=True)
        opt = cgp.torch.Optimizer([weight, bias, scalar, cube], plugin="shape_probe",
                                  plugin_dir=os.path.join(BUILD, "tests", "plugins"))
        for p in (weight, bias, scalar, cube):
            p.grad = torch.ones_like(p)
        opt.step()
        # rank, shape[0..3], kind (0 weight, 1 bias, 2 scalar), tensors offered to the step
        self.assertEqual(weight.flatten()[:7].tolist(), [2, 3, 4, 0, 0, 0, 1])
        self.assertEqual(bias.tolist(), [1, 5, 0, 0, 0])
        self.assertEqual(scalar.item(), 0.0)  # rank 0: one element, the rank
        self.assertEqual(cube.flatten()[:7].tolist(), [4, 2, 2, 2, 4, 0, 1])  # rank 5 folded into 4

    def test_lamb_steps_each_torch_tensor_with_its_own_trust_ratio_as_the_reference_does(self):
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
        start = [p.detach().clone() for p in net.parameters()]
        x, y = torch.randn(16, 3, dtype=torch.float64), torch.randn(16, 1, dtype=torch.float64)
        hp = dict(lr=0.05, beta1=0.9, beta2=0.99, eps=1e-6, weight_decay=0.01)
        opt = cgp.torch.Optimizer(net.parameters(), plugin="lamb", **hp)
        grads_per_step = []
        for _ in range(20):
            opt.zero_grad()
            torch.nn.functional.mse_loss(net(x), y).backward()
            grads_per_step.append([p.grad.detach().clone() for p in net.parameters()])
            opt.step()
        reference = lamb_reference(start, grads_per_step, **hp)
        for ours, theirs in zip(net.parameters(), reference):
            torch.testing.assert_close(ours.detach(), theirs, rtol=1e-12, atol=1e-14)
        # One trust ratio over the whole model would move them differently.
        self.assertGreater((reference[0] - start[0]).norm().item(), 0.0)


def sam_reference(start, x, y, net, steps, lr, rho, momentum):
    """SAM over SGD with momentum in float64 (Foret et al. 2021, davda54/sam's two steps over
    torch.optim.SGD), written here with the flat parameter vector."""
    p = torch.nn.utils.parameters_to_vector(start).detach().clone()
    b = None

    def grad_at(v):
        torch.nn.utils.vector_to_parameters(v, net.parameters())
        net.zero_grad()
        torch.nn.functional.mse_loss(net(x), y).backward()
        return torch.cat([q.grad.reshape(-1) for q in net.parameters()])

    with torch.no_grad():
        for _ in range(steps):
            with torch.enable_grad():
                g = grad_at(p.clone())
            e = g * (rho / (g.norm() + 1e-12))
            with torch.enable_grad():
                g2 = grad_at(p + e)
            b = g2.clone() if b is None else momentum * b + g2
            p = p - lr * b
    return p


@unittest.skipIf(torch is None, NO_TORCH)
class Closures(unittest.TestCase):
    """Closure plugins step with opt.step(closure), as torch.optim.LBFGS."""

    def setUp(self):
        g = torch.Generator().manual_seed(7)
        self.x = torch.randn(24, 5, generator=g, dtype=torch.float64)
        self.y = torch.randn(24, 3, generator=g, dtype=torch.float64)

    def closure_for(self, net, opt, counter=None):
        def closure():
            if counter is not None:
                counter[0] += 1
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(self.x), self.y)
            loss.backward()
            return loss
        return closure

    def test_lbfgs_follows_torch_optim_lbfgs_with_and_without_the_line_search(self):
        for hp in ({}, {"line_search": 1, "history_size": 4}, {"history_size": 2, "max_iter": 7, "lr": 0.5}):
            with self.subTest(hp=hp):
                ours, theirs = model(torch.float64), model(torch.float64)
                info = next(p for p in cgp.plugins() if p["id"] == "lbfgs")
                full = dict({h["name"]: h["default"] for h in info["hyperparameters"]}, **hp)
                opt = cgp.torch.Optimizer(ours.parameters(), plugin="lbfgs", **hp)
                ref = torch_optimizers.make(torch, "lbfgs", full, theirs.parameters())
                calls_ours, calls_theirs = [0], [0]
                for step in range(5):
                    loss_ours = opt.step(self.closure_for(ours, opt, calls_ours))
                    loss_theirs = ref.step(self.closure_for(theirs, ref, calls_theirs))
                    self.assertLessEqual(abs(loss_ours.item() - loss_theirs.item()),
                                         1e-10 * abs(loss_theirs.item()) + 1e-14, f"step {step + 1}: the loss at the start")
                    # torch's AVX2 kernels fuse q + alpha*y (the recorded trajectories, at its default
                    # kernels, match bitwise); L-BFGS carries that rounding through its iterations
                    scale = max(p.abs().max().item() for p in theirs.parameters())
                    self.assertLess(max_difference(ours, theirs), 1e-9 * scale, f"step {step + 1}")
                self.assertEqual(calls_ours[0], calls_theirs[0])
                state = ref.state[next(theirs.parameters())]
                self.assertEqual(opt.state[next(ours.parameters())]["run_state"][:2],
                                 [state["n_iter"], state["func_evals"]])

    def test_sam_follows_its_float64_reference(self):
        net = model(torch.float64)
        start = [p.detach().clone() for p in net.parameters()]
        opt = cgp.torch.Optimizer(net.parameters(), plugin="sam", lr=0.05, rho=0.1, momentum=0.5)
        counter = [0]
        for _ in range(30):
            opt.step(self.closure_for(net, opt, counter))
        self.assertEqual(counter[0], 60)  # the gradient at p, and at p + e
        ours = torch.nn.utils.parameters_to_vector(net.parameters()).detach()
        reference = sam_reference(start, self.x, self.y, model(torch.float64), 30, lr=0.05, rho=0.1, momentum=0.5)
        torch.testing.assert_close(ours, reference, rtol=1e-12, atol=1e-14)

    def test_lbfgs_state_dict_resumes_exactly(self):
        straight = model(torch.float64)
        opt = cgp.torch.Optimizer(straight.parameters(), plugin="lbfgs", line_search=1, max_iter=4)
        for _ in range(6):
            opt.step(self.closure_for(straight, opt))
        first = model(torch.float64)
        opt1 = cgp.torch.Optimizer(first.parameters(), plugin="lbfgs", line_search=1, max_iter=4)
        for _ in range(3):
            opt1.step(self.closure_for(first, opt1))
        saved = copy.deepcopy({"model": first.state_dict(), "opt": opt1.state_dict()})
        second = model(torch.float64, seed=5)
        second.load_state_dict(saved["model"])
        opt2 = cgp.torch.Optimizer(second.parameters(), plugin="lbfgs", line_search=1, max_iter=4)
        opt2.load_state_dict(saved["opt"])
        for _ in range(3):
            opt2.step(self.closure_for(second, opt2))
        self.assertEqual(max_difference(second, straight), 0.0)

    def test_an_exception_in_the_closure_reaches_the_caller(self):
        net = model(torch.float64)
        opt = cgp.torch.Optimizer(net.parameters(), plugin="lbfgs")
        calls = [0]

        def closure():
            calls[0] += 1
            if calls[0] == 2:
                raise KeyError("from the closure")
            return self.closure_for(net, opt)()
        with self.assertRaises(KeyError):
            opt.step(closure)


@unittest.skipIf(torch is None, NO_TORCH)
class BadTensors(unittest.TestCase):
    def step_with(self, p):
        opt = cgp.torch.Optimizer([p], plugin="sgd")
        p.grad = torch.ones_like(p)
        opt.step()

    def test_a_tensor_not_on_the_cpu_is_refused(self):
        with self.assertRaises(cgp.TensorError) as e:
            self.step_with(torch.nn.Parameter(torch.zeros(3, device="meta")))
        self.assertIn("is not on the CPU", str(e.exception))

    def test_a_non_contiguous_tensor_is_refused(self):
        with self.assertRaises(cgp.TensorError) as e:
            self.step_with(torch.nn.Parameter(torch.zeros(4, 3).t()))
        self.assertIn("is not contiguous", str(e.exception))

    def test_a_model_changed_to_another_dtype_after_its_optimizer_was_made_is_refused(self):
        net = model(torch.float32)
        opt = cgp.torch.Optimizer(net.parameters(), plugin="adam")
        train(net, opt, 1)
        net.double()  # the same Parameter objects, new float64 memory; the state is float32
        before = [p.detach().clone() for p in net.parameters()]
        with self.assertRaises(cgp.TensorError) as e:
            train(net, opt, 1)
        self.assertIn("parameter 0 (shape (16, 5), torch.float64, cpu): its state state0 is missing or does not "
                      "match it: shape (16, 5), torch.float32", str(e.exception))
        self.assertIn("hint:", str(e.exception))
        self.assertTrue(all(torch.equal(p, q) for p, q in zip(net.parameters(), before)))

    def test_a_half_precision_tensor_is_refused(self):
        with self.assertRaises(cgp.TensorError) as e:
            self.step_with(torch.nn.Parameter(torch.zeros(3, dtype=torch.float16)))
        self.assertIn("float32 or float64", str(e.exception))

    def test_an_unknown_hyperparameter_suggests_the_plugins_names(self):
        with self.assertRaises(cgp.UsageError) as e:
            cgp.torch.Optimizer(model(torch.float32).parameters(), plugin="adam", beta=0.9)
        self.assertRegex(str(e.exception), "did you mean beta[12] or beta[12]")

    def test_a_plugin_that_needs_a_closure_stepped_without_one_is_refused_with_a_hint(self):
        net = model(torch.float32)
        opt = cgp.torch.Optimizer(net.parameters(), plugin="lbfgs")
        start = [p.detach().clone() for p in net.parameters()]
        with self.assertRaises(cgp.UsageError) as e:
            opt.step()
        self.assertIn("plugin lbfgs evaluates the loss inside its steps", str(e.exception))
        self.assertIn("hint: opt.step(closure)", str(e.exception))
        self.assertTrue(all(torch.equal(p, q) for p, q in zip(net.parameters(), start)))

    def test_a_hyperparameter_out_of_range_is_refused_when_set(self):
        with self.assertRaises(cgp.Error):
            cgp.torch.Optimizer(model(torch.float32).parameters(), plugin="adam", beta1=1.5)
        opt = cgp.torch.Optimizer(model(torch.float32).parameters(), plugin="adam")
        opt.param_groups[0]["lr"] = -1.0
        with self.assertRaises(cgp.Error):
            opt.step()


@unittest.skipIf(torch is None, NO_TORCH)
class StepTime(unittest.TestCase):
    def test_a_step_costs_no_more_than_torch_optims_adam(self):
        # A model with many small tensors and some large ones; the median of repeated timings.
        def net():
            torch.manual_seed(0)
            return torch.nn.Sequential(*[torch.nn.Linear(256, 256) for _ in range(8)])

        def timing(make):
            m = net()
            for p in m.parameters():
                p.grad = torch.randn_like(p)
            opt = make(m.parameters())
            opt.step()
            times = []
            for _ in range(30):
                t = time.perf_counter()
                opt.step()
                times.append(time.perf_counter() - t)
            return sorted(times)[len(times) // 2]

        ours = timing(lambda ps: cgp.torch.Optimizer(ps, plugin="adam"))
        theirs = timing(lambda ps: torch.optim.Adam(ps))
        self.assertLess(ours, 1.5 * theirs, f"cgp {ours * 1e6:.0f} us, torch {theirs * 1e6:.0f} us per step")


if __name__ == "__main__":
    unittest.main()

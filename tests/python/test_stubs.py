"""The type stubs (cgp/__init__.pyi, cgp/torch.pyi) describe the package as it is: every public
name, the parameters of every function and method, cgp.train's keywords (cgp-run's options), and
the attributes of a Result, a Model and Predictions, so an editor completes what exists."""
import ast
import inspect
import os
import unittest

import cgp

PACKAGE = os.path.dirname(cgp.__file__)
TRAIN_OWN = {"data", "optimizer", "label", "progress", "plugin_dir"}  # cgp.train's own parameters


def stub(name):
    with open(os.path.join(PACKAGE, name)) as f:
        return ast.parse(f.read(), name)


def parameters(node):
    """A stub function's parameter names, without self and **kwargs."""
    a = node.args
    names = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
    return [n for n in names if n != "self"] + ([f"*{a.vararg.arg}"] if a.vararg else [])


def runtime_parameters(function):
    return [("*" + p.name if p.kind == p.VAR_POSITIONAL else p.name)
            for p in inspect.signature(function).parameters.values()
            if p.name != "self" and p.kind != p.VAR_KEYWORD]


def definitions(tree):
    """{name: node} of a module's top-level functions and classes, and {class: {member: node}}."""
    top, members = {}, {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top[node.name] = node
        if isinstance(node, ast.ClassDef):
            members[node.name] = {n.name if isinstance(n, ast.FunctionDef) else n.target.id: n for n in node.body
                                  if isinstance(n, ast.FunctionDef) or
                                  (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))}
    return top, members


class Stubs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.top, cls.members = definitions(stub("__init__.pyi"))

    def test_every_public_name_has_a_stub(self):
        self.assertEqual(sorted(n for n in cgp.__all__ if n not in self.top), [])

    def test_every_function_and_method_has_the_parameters_of_the_code(self):
        for name, node in self.top.items():
            if name == "train":
                continue
            value = getattr(cgp, name)
            if isinstance(node, ast.FunctionDef):
                with self.subTest(function=name):
                    self.assertEqual(parameters(node), runtime_parameters(value))
                continue
            for member, m in self.members[name].items():
                if isinstance(m, ast.FunctionDef) and not any(
                        isinstance(d, ast.Name) and d.id == "property" for d in m.decorator_list):
                    with self.subTest(method=f"{name}.{member}"):
                        self.assertEqual(parameters(m), runtime_parameters(getattr(value, member)))

    def test_train_lists_every_option_cgp_train_takes_and_no_other(self):
        options = {o["name"] for o in cgp.train_options("adam") if o["group"] == "option"}
        listed = set(parameters(self.top["train"]))
        self.assertEqual(sorted(options - listed), [])
        self.assertEqual(sorted(listed - options - TRAIN_OWN), [])
        self.assertEqual(runtime_parameters(cgp.train), ["data", "optimizer", "label", "progress", "plugin_dir"])

    def test_a_result_a_model_and_predictions_have_the_attributes_listed(self):
        r = cgp.train(model="one-neuron", iterations=20, progress=False)
        model = r.to_model()
        for name, value in (("Result", r), ("Model", model), ("Predictions", model.predict([[0.0] * 4]))):
            with self.subTest(cls=name):
                listed = set(self.members[name])
                public = {a for a in dir(value) if not a.startswith("_")}
                self.assertEqual(sorted(public - listed), [])
                self.assertEqual(sorted(listed - public - {"__init__", "__len__"}), [])

    def test_the_torch_optimizer_stub_has_the_parameters_of_the_code(self):
        top, members = definitions(stub("torch.pyi"))
        init = members["Optimizer"]["__init__"]
        self.assertEqual(parameters(init), ["params", "plugin", "plugin_dir", "scalar"])
        with open(os.path.join(PACKAGE, "torch.py")) as f:
            code, code_members = definitions(ast.parse(f.read()))
        self.assertEqual(parameters(code_members["Optimizer"]["__init__"]), parameters(init))
        self.assertEqual(parameters(code_members["Optimizer"]["step"]), parameters(members["Optimizer"]["step"]))


if __name__ == "__main__":
    unittest.main()

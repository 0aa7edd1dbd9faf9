"""tests/python/run.py, which runs each test file for ctest: a failure fails the entry even when
other tests of the file are skipped for a missing module, and the entry is reported skipped only
when every test was skipped for one."""
import os
import subprocess
import sys
import textwrap
import unittest

from support import WORK

RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run.py")

PASS = "    def test_passes(self):\n        self.assertEqual(1 + 1, 2)\n"
FAIL = "    def test_fails(self):\n        self.assertEqual(1 + 1, 3)\n"
MISSING = "    @unittest.skip('torch is not installed')\n    def test_needs_torch(self):\n        pass\n"
OTHER_SKIP = "    @unittest.skip('the nonconforming test plugins are not built')\n    def test_other(self):\n        pass\n"


def run(name, *tests):
    path = os.path.join(WORK, f"runner_{name}.py")
    with open(path, "w") as f:
        f.write("import unittest\n\n\nclass Case(unittest.TestCase):\n" + "".join(tests))
    return subprocess.run([sys.executable, RUN, path], capture_output=True, text=True)


class Runner(unittest.TestCase):
    def test_a_failure_fails_the_entry_although_other_tests_skip_for_a_missing_module(self):
        r = run("fail", PASS, FAIL, MISSING)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("SKIPPED runner_fail.Case.test_needs_torch: torch is not installed", r.stdout)

    def test_passing_tests_beside_skipped_ones_pass_the_entry(self):
        self.assertEqual(run("pass", PASS, MISSING).returncode, 0)

    def test_the_entry_is_skipped_only_when_every_test_skipped_for_a_missing_module(self):
        self.assertEqual(run("skip", MISSING, MISSING.replace("needs_torch", "needs_torch_too")).returncode, 77)
        self.assertEqual(run("other", MISSING, OTHER_SKIP).returncode, 0)

    def test_a_file_that_does_not_import_fails_the_entry(self):
        r = run("broken", "    def test_x(self):\n        pass\nimport no_such_module_here\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no_such_module_here", r.stderr)


if __name__ == "__main__":
    unittest.main()

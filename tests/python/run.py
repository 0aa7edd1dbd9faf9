"""Runs the unittest cases of one test file, as its ctest entry: exit status 0 when every test
passed (some may be skipped, each printed with its reason), 1 on a failure or an error, and 77,
which ctest reports as skipped, only when every test was skipped because a module it needs
(torch, pandas, matplotlib, nbformat) is not installed.

    python3 tests/python/run.py tests/python/test_train.py
"""
import importlib.util
import os
import sys
import unittest

SKIPPED = 77  # the entries' SKIP_RETURN_CODE
MISSING = " is not installed"  # how a test that needs a missing module says why it skipped


def main(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    for test, reason in result.skipped:
        print(f"SKIPPED {test.id()}: {reason}")
    if not result.wasSuccessful():
        return 1
    if result.skipped and len(result.skipped) == result.testsRun and all(MISSING in r for _, r in result.skipped):
        return SKIPPED
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: run.py TEST_FILE.py")
    sys.exit(main(sys.argv[1]))

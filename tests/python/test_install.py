"""`cmake --install` puts the package where the python3 it was built for finds it (for CMake's
default prefix /usr/local and for /usr), and the installed copy runs on its own: it trains, finds
the installed plugins and programs, and none of the build tree's."""
import glob
import os
import shutil
import subprocess
import sys
import unittest

from support import BUILD, WORK

PREFIX = os.path.join(WORK, "install-prefix")


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        shutil.rmtree(PREFIX, ignore_errors=True)
        subprocess.run([os.environ.get("CGP_CMAKE", "cmake"), "--install", BUILD, "--prefix", PREFIX], check=True,
                       capture_output=True)
        found = glob.glob(os.path.join(PREFIX, "**", "cgp", "__init__.py"), recursive=True)
        assert len(found) == 1, found
        cls.site = os.path.dirname(os.path.dirname(found[0]))
        cls.relative = os.path.relpath(cls.site, PREFIX)

    def test_the_package_goes_where_python_looks_under_the_usual_prefixes(self):
        path = subprocess.run([sys.executable, "-c", "import sys; print('\\n'.join(sys.path))"], check=True,
                              capture_output=True, text=True, env={"PATH": os.environ.get("PATH", "")}).stdout.split()
        self.assertIn(os.path.join(sys.base_prefix, self.relative), path)
        if os.path.isfile("/etc/debian_version") and sys.base_prefix == "/usr":  # Debian's python3
            self.assertIn(os.path.join("/usr/local", self.relative), path)

    def test_the_installed_copy_trains_with_the_installed_plugins_and_programs(self):
        script = ("import cgp, cgp._programs as p\n"
                  "r = cgp.train(model='one-neuron', optimizer='sgd', iterations=50, progress=False)\n"
                  "print(r.iterations)\n"
                  "print(cgp.__file__)\n"
                  "print(r.optimizer['path'])\n"
                  "print(p.program('cgp-sweep'))\n"
                  "print(cgp.conformance('sgd', checks='determinism')[0]['result'])\n")
        env = dict(os.environ, PYTHONPATH=self.site)
        env.pop("CGP_PLUGIN_PATH", None)
        out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, env=env,
                             cwd=WORK).stdout.split("\n")
        self.assertEqual(out[0], "50")
        for line in out[1:4]:
            self.assertTrue(line.startswith(PREFIX + os.sep), line)
        self.assertEqual(out[4], "pass")


if __name__ == "__main__":
    unittest.main()

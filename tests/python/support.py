"""What the Python tests share: the source, build and work folders, and cgp-run's own answer for
a run (its JSON summary), to compare cgp.train with."""
import json
import os
import subprocess

SOURCE = os.environ.get("CGP_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("CGP_BUILD_DIR", os.path.join(SOURCE, "build"))
WORK = os.environ.get("CGP_TEST_WORK", os.getcwd())
CSV = os.path.join(SOURCE, "examples", "data", "two-classes.csv")


def work_file(name):
    """A path in the work folder, removed first (ctest reruns)."""
    path = os.path.join(WORK, name)
    if os.path.exists(path):
        os.remove(path)
    return path


def cgp_run_json(*args):
    """cgp-run's JSON summary of a run with these command-line arguments."""
    out = subprocess.run([os.path.join(BUILD, "bin", "cgp-run"), "--json", "--quiet", *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)

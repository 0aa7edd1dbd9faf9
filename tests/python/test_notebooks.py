"""The example notebooks (examples/notebooks/*.ipynb) run top to bottom: each is read and validated
with nbformat, and its code cells run in order in one namespace, as a kernel would run them. Every
figure a cell draws is saved to the work folder (work/notebooks/NAME/), where the asserts in the
cells have checked the numbers behind them."""
import glob
import os
import unittest

from support import SOURCE, WORK

try:
    import matplotlib
    import nbformat
    import pandas  # noqa: F401  (the notebooks use it)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    MISSING = None
except ImportError as e:
    MISSING = f"{e.name} is not installed (scripts/install-deps.sh installs it)"

NOTEBOOKS = sorted(glob.glob(os.path.join(SOURCE, "examples", "notebooks", "*.ipynb")))


def run_notebook(path):
    """Runs the code cells; returns the figure files written."""
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    folder = os.path.join(WORK, "notebooks", os.path.splitext(os.path.basename(path))[0])
    os.makedirs(folder, exist_ok=True)
    for old in glob.glob(os.path.join(folder, "*.png")):
        os.remove(old)
    namespace = {"__name__": "__main__"}
    figures = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        try:
            exec(compile(cell.source, f"{os.path.basename(path)} cell {index}", "exec"), namespace)
        except Exception as e:
            raise AssertionError(f"{path}: cell {index} failed: {type(e).__name__}: {e}") from e
        for number in plt.get_fignums():
            figures.append(os.path.join(folder, f"cell{index:02d}-figure{number}.png"))
            plt.figure(number).savefig(figures[-1], dpi=80)
        plt.close("all")
    return figures


@unittest.skipIf(MISSING is not None, MISSING)
class Notebooks(unittest.TestCase):
    def test_there_are_the_course_study_and_the_real_data_notebooks(self):
        names = [os.path.basename(p) for p in NOTEBOOKS]
        self.assertEqual(names, ["course-study.ipynb", "real-data.ipynb"])

    def test_every_notebook_runs_top_to_bottom_and_draws_its_figures(self):
        expected = {"course-study.ipynb": 5, "real-data.ipynb": 1}
        for path in NOTEBOOKS:
            with self.subTest(notebook=os.path.basename(path)):
                figures = run_notebook(path)
                self.assertEqual(len(figures), expected[os.path.basename(path)])
                self.assertTrue(all(os.path.getsize(f) > 1000 for f in figures))


if __name__ == "__main__":
    unittest.main()

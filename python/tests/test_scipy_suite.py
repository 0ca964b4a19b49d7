"""scipy's own tests of linear_sum_assignment, run against ivassign's drop-in.

The test file pip installs with scipy (scipy/optimize/tests/test_linear_assignment.py, 22 tests in
scipy 1.17) is read from the installed package, rewritten with `ast` in two ways only: its
`from scipy.optimize import linear_sum_assignment` imports ivassign's instead, and the `match=`
message patterns of pytest.raises are dropped (the messages are ivassign's; the exception types
stay checked). Every assertion stays scipy's. It then runs in its own pytest process, and all of
its tests must pass: none failed, none skipped, as many as scipy's file holds.
"""
import ast
import importlib.util
import os
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

scipy = pytest.importorskip("scipy")  # scripts/test-python.sh installs scipy>=1.17

SCIPY_TESTS = 22  # in scipy 1.17's file; an older or newer scipy may hold another number


class Redirect(ast.NodeTransformer):
    """The import of linear_sum_assignment from ivassign; pytest.raises(..., match=...) without match."""

    def __init__(self):
        self.imports = 0
        self.matches = 0

    def visit_ImportFrom(self, node):
        if node.module == "scipy.optimize" and any(a.name == "linear_sum_assignment" for a in node.names):
            if len(node.names) != 1:
                raise AssertionError("scipy's test imports more than linear_sum_assignment from scipy.optimize")
            self.imports += 1
            return ast.copy_location(ast.ImportFrom(module="ivassign", names=node.names, level=0), node)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "raises":
            kept = [k for k in node.keywords if k.arg != "match"]
            self.matches += len(node.keywords) - len(kept)
            node.keywords = kept
        return node


def scipy_test_file() -> pathlib.Path:
    spec = importlib.util.find_spec("scipy.optimize.tests.test_linear_assignment")
    if spec is None or spec.origin is None:
        pytest.fail(f"scipy {scipy.__version__} has no scipy/optimize/tests/test_linear_assignment.py (installed without tests?)")
    return pathlib.Path(spec.origin)


def test_scipy_linear_assignment_suite_passes_against_ivassign(tmp_path):
    source = scipy_test_file().read_text()
    redirect = Redirect()
    tree = ast.fix_missing_locations(redirect.visit(ast.parse(source)))
    assert redirect.imports == 1, "scipy's import of linear_sum_assignment was not found"
    assert redirect.matches >= 1, "no match= pattern found: has scipy's file changed shape?"
    rewritten = ast.unparse(tree)
    assert "scipy.optimize import" not in rewritten
    test_file = tmp_path / "test_linear_assignment_ivassign.py"
    test_file.write_text(f"# scipy {scipy.__version__}: {scipy_test_file()}, rewritten by {__file__}\n" + rewritten)
    report = tmp_path / "report.xml"
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                          f"--rootdir={tmp_path}", str(test_file)], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=600)
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    counts = {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}
    assert run.returncode == 0 and counts["failures"] == counts["errors"] == counts["skipped"] == 0, \
        run.stdout[-6000:] + run.stderr[-2000:]
    if scipy.__version__.startswith("1.17."):
        assert counts["tests"] == SCIPY_TESTS
    else:
        assert counts["tests"] >= 1

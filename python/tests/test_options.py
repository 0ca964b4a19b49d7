"""Every row of the option tables (ivassign/options.hpp, as ivassign._ivassign._option_table() lists them)
that Python takes: its keyword exists with the default None (the library's default, the table's), and an
out-of-range value raises InputError with the table's message, the library's and the command line's
(tests/common/test_options.cpp)."""
import inspect
import math

import numpy as np
import pytest

import ivassign
from conftest import EXAMPLES

ROWS = ivassign._ivassign._option_table()


def _call(struct, **kw):
    """The Python function that takes `struct`'s keywords, on a small input."""
    toy = EXAMPLES / "toy-2x2.json"
    if struct == "SolverOptions":
        return ivassign.solve_assignment(np.ones((2, 2)), **kw)
    if struct == "VcgOptions":
        return ivassign.vcg(np.ones((2, 2)), **kw)
    if struct in ("MeasureOptions", "MechanismOptions"):
        return ivassign.run_mechanism(toy, **kw)
    if struct == "CheckOptions":
        return ivassign.check_incentives(toy, **kw)
    if struct == "ReplicaOptions":
        return ivassign.replica(toy, **kw)
    raise AssertionError(struct)


_FUNCTIONS = {"SolverOptions": ivassign.solve_assignment, "VcgOptions": ivassign.vcg,
              "MeasureOptions": ivassign.run_mechanism, "MechanismOptions": ivassign.run_mechanism,
              "CheckOptions": ivassign.check_incentives, "ReplicaOptions": ivassign.replica}


def test_every_struct_has_rows():
    assert {r["struct"] for r in ROWS} == set(_FUNCTIONS)
    assert any(r["name"] == "bound_iterations" and r["python"] for r in ROWS)


@pytest.mark.parametrize("row", [r for r in ROWS if r["python"]], ids=lambda r: f"{r['struct']}.{r['name']}")
def test_keyword_default_is_the_tables(row):
    parameter = inspect.signature(_FUNCTIONS[row["struct"]]).parameters.get(row["name"])
    assert parameter is not None, f"{row['name']} is no keyword of {_FUNCTIONS[row['struct']].__name__}"
    # None: the library's default, which the table holds (and the C++ test checks against the struct)
    assert parameter.default is None or parameter.default == row["default"]
    assert row["default"] == row["default"] or math.isnan(row["default"])


@pytest.mark.parametrize("row", [r for r in ROWS if r["python"] and r["out_of_range"] is not None],
                         ids=lambda r: f"{r['struct']}.{r['name']}")
def test_out_of_range_keyword_raises_the_tables_message(row):
    value = row["out_of_range"]
    if row["integral"]:
        value = int(value)
    with pytest.raises(ivassign.InputError) as e:
        _call(row["struct"], **{row["name"]: value})
    # the library names the option X::name; the message's tail is the table's
    assert str(e.value) == f"{row['struct']}::{row['message']}"
    assert row["range"] in str(e.value)


def test_vcg_takes_the_bound_settings():
    w = np.array([[3.0, 1.0], [2.0, 4.0]])
    a = ivassign.vcg(w, bound_iterations=0, bound_work_limit=1e6, bound_time_limit=1.0)
    b = ivassign.vcg(w)
    assert np.array_equal(a.transfers, b.transfers)

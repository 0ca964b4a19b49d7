"""Bad input raises the exception of the C++ hierarchy with the library's message:
InputError (also a ValueError), ResourceError (also a MemoryError), all under ivassign.Error."""
import json

import numpy as np
import pytest

import ivassign
from conftest import EXAMPLES


def test_hierarchy():
    assert issubclass(ivassign.InputError, ivassign.Error) and issubclass(ivassign.InputError, ValueError)
    assert issubclass(ivassign.ResourceError, ivassign.Error) and issubclass(ivassign.ResourceError, MemoryError)
    assert issubclass(ivassign.CudaError, ivassign.Error)
    assert issubclass(ivassign.Error, RuntimeError)


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.json")
    with pytest.raises(ivassign.InputError) as e:
        ivassign.load_instance(path)
    assert str(e.value) == f"{path}: no such file"
    with pytest.raises(ValueError):
        ivassign.run_mechanism(path)


def test_malformed_json_names_line_and_column():
    with pytest.raises(ivassign.InputError, match=r"^<input>: malformed JSON at line 1, column 25"):
        ivassign.parse_instance('{"format": "ivassign/1",')


def test_broken_rule_names_key_and_rule():
    doc = json.loads((EXAMPLES / "toy-2x2.json").read_text())
    doc["states"] = 3
    with pytest.raises(ivassign.InputError) as e:
        ivassign.run_mechanism(doc)
    assert str(e.value) == "toy-2x2: prior.joint: has 8 entries, expected m * prod K_i = 12"


@pytest.mark.parametrize("kwargs,message", [
    (dict(delta="bogus"), "delta: 'bogus' is not auto, exact, theorem1, theorem1_certified or a number >= 0"),
    (dict(delta=-1.0), "delta: -1.0 is not auto, exact, theorem1, theorem1_certified or a number >= 0"),
    (dict(profiles=[0, 5]), "profile: signal 5 of buyer 1 is out of range [0, 2)"),
    (dict(solver="nope"), "solver 'nope' is not one of auto, exact, heuristic, descent, lap, enumerate"),
    (dict(backend="gpu"), None),
    (dict(threads=-2), "SolverOptions::threads: -2 is out of range; it must be >= 1 (0: all cores)"),
    (dict(delta="exact", max_exact_profiles=1), None),
])
def test_bad_settings_raise_input_error(kwargs, message):
    with pytest.raises(ivassign.InputError) as e:
        ivassign.run_mechanism(EXAMPLES / "toy-2x2.json", **kwargs)
    if message:
        assert str(e.value) == message
    else:
        assert str(e.value)


def test_device_backend_without_a_device_path_names_the_cmake_option():
    if ivassign.device_compiled():
        pytest.skip("built with a device path")
    with pytest.raises(ivassign.InputError, match="IVASSIGN_DEVICE"):
        ivassign.run_mechanism(EXAMPLES / "toy-2x2.json", backend="device")


def test_unknown_setting_and_unknown_keyword():
    inst = ivassign.load_instance(str(EXAMPLES / "toy-2x2.json"))
    with pytest.raises(ivassign.InputError, match="unknown setting 'bogus'"):
        ivassign._ivassign._run_mechanism(inst, None, {"bogus": 1})
    with pytest.raises(TypeError):
        ivassign.run_mechanism(inst, bogus=1)


def test_bad_assignment_input():
    w = np.ones((2, 2))
    with pytest.raises(ivassign.InputError, match="time_limit"):
        ivassign.solve_assignment(w, time_limit=-1)
    with pytest.raises(ivassign.InputError, match=r"dense externalities: shape must be \(2, 2, 2, 2\)"):
        ivassign.solve_assignment(w, np.zeros((2, 2, 2, 3)))
    with pytest.raises(ivassign.InputError, match="dense externalities: expected a 4-dimensional array"):
        ivassign.solve_assignment(w, np.zeros((2, 2)))
    with pytest.raises(ivassign.InputError, match="unique keys"):
        ivassign.vcg(w, sparse=([[0, 0, 1, 1], [0, 0, 1, 1]], [1.0, 2.0]))


def test_resource_error_is_a_memory_error():
    # 48 buyers with 2 signals each: the full posterior table needs 2^48 profiles
    n = 48
    doc = {"format": "ivassign/1", "name": "huge", "states": 2, "buyers": n, "sellers": 1, "signals": [2] * n,
           "prior": {"lambda": [0.5, 0.5], "q": [[0.7, 0.3], [0.3, 0.7]]},
           "valuations": [[[1.0]] * n] * 2, "costs": [[[0.0]] * n] * 2}
    inst = ivassign.instance(doc)
    with pytest.raises(ivassign.ResourceError) as e:
        ivassign.posterior_table(inst, backend="cpu")
    assert isinstance(e.value, MemoryError) and "bytes" in str(e.value)

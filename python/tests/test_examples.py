"""run_mechanism on every bundled example against its brute-force reference report, with the
tolerances of the C++ tests (tests/mechanism/test_examples.cpp, include/ivassign/tolerances.hpp:
relative 1e-6, absolute 1e-9 near zero)."""
import json

import numpy as np
import pytest

import ivassign
from conftest import EXAMPLES

NAMES = sorted(p.name[: -len(".expected.json")] for p in EXAMPLES.glob("*.expected.json"))
REL, ABS = 1e-6, 1e-9


def close(got, want):
    return abs(got - want) <= max(REL * max(abs(got), abs(want)), ABS)


def compare_report(got, want):
    assert got["format"] == "ivassign-report/1"
    assert close(got["bound"], want["bound"])
    for key in ("theorem1", "exact", "used"):
        assert close(got["delta"][key], want["delta"][key]), f"delta.{key}"
    assert len(got["informational_size"]) == len(want["informational_size"])
    for g, w in zip(got["informational_size"], want["informational_size"]):
        assert close(g, w)
    assert len(got["profiles"]) == len(want["profiles"])
    for g, w in zip(got["profiles"], want["profiles"]):
        assert g["profile"] == w["profile"]
        assert all(close(a, b) for a, b in zip(g["posterior"], w["posterior"])), w["profile"]
        assert close(g["welfare"], w["welfare"]), w["profile"]
        for i in range(len(w["payoffs"])):
            net_g = g["payoffs"][i] + g["transfers"][i]
            net_w = w["payoffs"][i] + w["transfers"][i]
            assert close(net_g, net_w), f"net utility of buyer {i} at {w['profile']}"
            assert close(g["rewards"][i], w["rewards"][i]), f"reward of buyer {i} at {w['profile']}"
        assert g["optimal"] is True


def test_examples_are_there():
    assert NAMES, f"no *.expected.json under {EXAMPLES}"


@pytest.mark.parametrize("name", NAMES)
def test_report_matches_reference(name):
    report = ivassign.run_mechanism(EXAMPLES / f"{name}.json", all_profiles=True, backend="cpu")
    want = json.loads((EXAMPLES / f"{name}.expected.json").read_text())
    compare_report(report.to_dict(), want)


@pytest.mark.parametrize("name", NAMES)
def test_numpy_arrays_match_reference(name):
    inst = ivassign.load_instance(str(EXAMPLES / f"{name}.json"))
    report = ivassign.run_mechanism(inst, all_profiles=True, backend="cpu")
    want = json.loads((EXAMPLES / f"{name}.expected.json").read_text())
    rows = want["profiles"]
    assert report.profiles.shape == (len(rows), inst.buyers)
    assert report.posteriors.shape == (len(rows), inst.states)
    np.testing.assert_array_equal(report.profiles, [r["profile"] for r in rows])
    np.testing.assert_allclose(report.posteriors, [r["posterior"] for r in rows], rtol=REL, atol=ABS)
    np.testing.assert_allclose(report.welfare, [r["welfare"] for r in rows], rtol=REL, atol=ABS)
    np.testing.assert_allclose(report.payoffs + report.transfers,
                               [np.add(r["payoffs"], r["transfers"]) for r in rows], rtol=REL, atol=ABS)
    np.testing.assert_allclose(report.rewards, [r["rewards"] for r in rows], rtol=REL, atol=ABS)
    np.testing.assert_allclose(report.informational_size, want["informational_size"], rtol=REL, atol=ABS)
    assert close(report.delta_exact, want["delta"]["exact"])
    assert close(report.delta_used, want["delta"]["used"])
    assert report.delta_source == "exact"
    assert report.optimal.all()
    assert (report.transfers <= 0).all()


def test_instance_from_path_text_and_dict_agree():
    path = EXAMPLES / "toy-2x2.json"
    text = path.read_text()
    a = ivassign.run_mechanism(str(path), profiles=[0, 1], delta="theorem1")
    b = ivassign.run_mechanism(ivassign.parse_instance(text), profiles=[[0, 1]], delta="theorem1")
    assert ivassign.load_instance(path).name == ivassign.load_instance(str(path)).name == "toy-2x2"
    c = ivassign.run_mechanism(json.loads(text), profiles=np.array([[0, 1]]), delta="theorem1")
    for r in (b, c):
        np.testing.assert_array_equal(r.transfers, a.transfers)
        np.testing.assert_array_equal(r.posteriors, a.posteriors)
    assert a.delta_used == a.delta_theorem1


def test_observed_profile_is_the_default():
    inst = ivassign.load_instance(str(EXAMPLES / "toy-2x2.json"))
    report = ivassign.run_mechanism(inst, delta="theorem1")
    assert report.profiles.tolist() == [list(inst.observed)]


def test_posteriors_and_measures_agree_with_the_report():
    inst = ivassign.load_instance(str(EXAMPLES / "ci-3x3.json"))
    report = ivassign.run_mechanism(inst, all_profiles=True, backend="cpu")
    marginal, table = ivassign.posterior_table(inst, backend="cpu")
    assert table.shape == (inst.profile_count, inst.states)
    assert abs(marginal.sum() - 1.0) < 1e-12
    np.testing.assert_allclose(table, report.posteriors, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ivassign.posterior(inst, [2, 0, 1]), table[2 * 9 + 0 * 3 + 1], rtol=1e-12)
    measures = ivassign.information_measures(inst, backend="cpu")
    np.testing.assert_allclose(measures.informational_size, report.informational_size, rtol=1e-12)
    assert measures.score_gain[0].shape == (3, 3)
    assert close(ivassign.delta_theorem1(inst), report.delta_theorem1)


def test_check_incentives_is_truthful_with_exact_delta():
    check = ivassign.check_incentives(EXAMPLES / "toy-2x2.json", delta="exact", backend="cpu")
    assert check["stage1"]["truthful"] is True
    assert check["stage1"]["min_margin"] >= -1e-9
    assert check["stage2"]["max_gain"] <= 1e-9


def test_device_path_agrees_with_the_cpu_when_built_with_one():
    if not (ivassign.device_compiled() and ivassign.device_available()):
        pytest.skip("built without a device path (pip install . -Ccmake.define.IVASSIGN_DEVICE=OMP|CUDA)")
    for name in NAMES:
        cpu = ivassign.run_mechanism(EXAMPLES / f"{name}.json", all_profiles=True, backend="cpu")
        dev = ivassign.run_mechanism(EXAMPLES / f"{name}.json", all_profiles=True, backend="device")
        assert dev.backend != "cpu"
        np.testing.assert_allclose(dev.posteriors, cpu.posteriors, rtol=0, atol=1e-12)
        np.testing.assert_allclose(dev.informational_size, cpu.informational_size, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(dev.transfers, cpu.transfers, rtol=1e-9, atol=1e-12)

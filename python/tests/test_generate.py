"""generate_spectrum (SpectrumOptions as keywords) and the replica experiment."""
import json

import pytest

import ivassign
from conftest import ROOT, EXAMPLES


def test_generate_spectrum_is_seeded_and_runs():
    a = ivassign.generate_spectrum(buyers=4, licences=6, states=2, seed=5)
    assert isinstance(a, ivassign.Instance)
    assert (a.buyers, a.sellers, a.states) == (4, 6, 2)
    assert a.valuations.shape == (2, 4, 6)
    assert a.to_json() == ivassign.generate_spectrum(buyers=4, licences=6, states=2, seed=5).to_json()
    assert a.to_json() != ivassign.generate_spectrum(buyers=4, licences=6, states=2, seed=6).to_json()
    doc = json.loads(a.to_json())
    assert ivassign.instance(doc).to_json() == a.to_json()
    report = ivassign.run_mechanism(a, delta="theorem1")
    assert report.transfers.shape == (1, 4)


def test_generate_spectrum_refuses_bad_options():
    with pytest.raises(ValueError, match="buyers"):
        ivassign.generate_spectrum(buyers=0)
    with pytest.raises(ValueError, match="accuracy"):
        ivassign.generate_spectrum(accuracy_min=0.9, accuracy_max=0.6)
    with pytest.raises(TypeError):
        ivassign.generate_spectrum(5)  # keywords only


def test_replica():
    base = ivassign.load_instance(ROOT / "examples" / "replica-base.json")
    r = ivassign.replica(base, sizes=[4, 8, 16], welfare_samples=0)
    assert r["format"] == "ivassign-replica/1"
    rows = r["rows"]
    assert [row["buyers"] for row in rows] == [4, 8, 16]
    for a, b in zip(rows, rows[1:]):
        assert b["expected_total_rewards"] < a["expected_total_rewards"]
        assert a["expected_total_rewards"] / b["expected_total_rewards"] == pytest.approx(8.0, rel=1e-9)
    big = ivassign.replicate_market(base, 6)
    assert big.buyers == 6
    with pytest.raises(ValueError):
        ivassign.replicate_market(ivassign.load_instance(EXAMPLES / "toy-2x2.json"), 4)

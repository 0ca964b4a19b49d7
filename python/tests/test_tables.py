"""MechanismReport.buyers(): the per-buyer table as a pandas DataFrame, checked cell by cell against
the report's own arrays; and the error that names pandas when it is not installed."""
import sys

import numpy as np
import pytest

import ivassign
from conftest import ROOT

SPECTRUM = ROOT / "examples" / "spectrum-small.json"


@pytest.fixture(scope="module")
def report():
    inst = ivassign.load_instance(SPECTRUM)
    rng = np.random.default_rng(5)
    profiles = [[int(rng.integers(k)) for k in inst.signals] for _ in range(3)]
    return ivassign.run_mechanism(inst, profiles, delta="theorem1")


def test_buyers_has_one_row_per_buyer_and_profile_with_the_reports_numbers(report):
    pd = pytest.importorskip("pandas")  # installed by scripts/test-python.sh
    df = report.buyers()
    assert isinstance(df, pd.DataFrame)
    P, n = report.transfers.shape
    assert len(df) == P * n and P == 3
    for col in ["profile", "buyer", "signal", "seller", "matched", "value", "transfer", "payment", "transfer_lo",
                "transfer_hi", "utility_lo", "utility_hi", "stage2_gain_bound", "minus_i_proven", "reward",
                "expected_reward"]:
        assert col in df.columns, col
    by_cell = df.set_index(["profile", "buyer"])
    for p in range(P):
        for i in range(n):
            row = by_cell.loc[(p, i)]
            assert row.signal == report.profiles[p, i]
            assert row.seller == report.assignments[p, i]
            assert row.matched == (report.assignments[p, i] >= 0)
            assert row.value == report.payoffs[p, i]
            assert row.transfer == report.transfers[p, i] and row.payment == -report.transfers[p, i]
            assert (row.transfer_lo, row.transfer_hi) == tuple(report.transfer_interval[p, i])
            assert row.transfer_lo <= row.transfer <= row.transfer_hi + 1e-9
            assert (row.utility_lo, row.utility_hi) == tuple(report.utility_interval[p, i])
            assert row.stage2_gain_bound == report.stage2_gain_bound[p, i]
            assert row.reward == report.rewards[p, i]
            assert row.expected_reward == report.expected_rewards[p, i]
    # the same numbers as the JSON document's (what the CLI writes)
    for p, outcome in enumerate(report.to_dict()["profiles"]):
        np.testing.assert_allclose(df[df.profile == p].transfer.to_numpy(), outcome["transfers"], rtol=1e-12)
        np.testing.assert_array_equal(df[df.profile == p].seller.to_numpy(), outcome["assignment"])
    assert df.seller.dtype.kind == "i" and df.matched.dtype == bool
    assert df.payment.sum() == pytest.approx(-report.transfers.sum())


def test_buyers_of_one_profile(report):
    pytest.importorskip("pandas")
    one = report.buyers(profile=1)
    n = report.transfers.shape[1]
    assert len(one) == n and set(one.profile) == {1}
    np.testing.assert_array_equal(one.transfer.to_numpy(), report.transfers[1])
    with pytest.raises(IndexError, match="not an index of the report's 3 profiles"):
        report.buyers(profile=3)


def test_buyers_without_pandas_names_it(report, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now raises ImportError
    with pytest.raises(ImportError, match=r"pip install pandas") as info:
        report.buyers()
    assert isinstance(info.value, ivassign.MissingDependencyError)
    assert isinstance(info.value, ivassign.Error)
    assert info.value.name == "pandas"

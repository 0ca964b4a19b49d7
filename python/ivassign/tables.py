"""Per-buyer tables of a mechanism report as pandas DataFrames (pandas is optional: ``pip install
ivassign[pandas]`` or ``pip install pandas``). ``MechanismReport.buyers()`` is :func:`buyers`."""
from __future__ import annotations

from typing import Optional

import numpy as _np

from .errors import MissingDependencyError

# The columns of buyers(), in order; the last five only where the report has them (None arrays).
COLUMNS = ("profile", "buyer", "signal", "seller", "matched", "value", "transfer", "payment", "transfer_lo",
           "transfer_hi", "utility_lo", "utility_hi", "stage2_gain_bound", "minus_i_proven", "reward",
           "expected_reward")


def _pandas():
    try:
        import pandas
    except ImportError as e:
        err = MissingDependencyError(
            "MechanismReport.buyers() returns a pandas DataFrame, and pandas is not installed: "
            "pip install pandas (or pip install 'ivassign[pandas]'); the same numbers are the report's "
            "numpy arrays (report.assignments, report.transfers, ...) without it")
        err.name = "pandas"
        raise err from e
    return pandas


def buyers(report, profile: Optional[int] = None):
    """The per-buyer table of a MechanismReport as a pandas DataFrame: one row per buyer and reported
    profile (profile-major), or only profile `profile` (an index into report.profiles).

    Columns: profile (index into report.profiles), buyer, signal (the buyer's reported signal),
    seller (the seller (licence) won, -1 when none), matched, value (g_i, the buyer's value net of
    externality costs at the posterior), transfer (the VCG x_i <= 0), payment (-x_i, what the buyer
    pays), transfer_lo / transfer_hi (the certified interval holding the exact x_i), utility_lo /
    utility_hi (the interval holding W* - W*_-i), stage2_gain_bound (the bound on a stage-2
    misreport's gain), minus_i_proven, reward (the stage-1 reward xi_i) and expected_reward
    (E[xi_i | r_i] under truthful reports). The certified columns and expected_reward are left out
    when the report does not carry them. Raises MissingDependencyError (an ImportError) without pandas.
    """
    pd = _pandas()
    profiles = _np.asarray(report.profiles)
    count, n = profiles.shape if profiles.ndim == 2 else (0, 0)
    if profile is None:
        pick = _np.arange(count)
    else:
        if not 0 <= int(profile) < count:
            raise IndexError(f"profile: {profile} is not an index of the report's {count} profiles")
        pick = _np.array([int(profile)])

    def flat(a):
        return _np.asarray(a)[pick].reshape(-1) if a is not None else None

    seller = flat(report.assignments)
    transfer = flat(report.transfers)
    data = {
        "profile": _np.repeat(pick, n),
        "buyer": _np.tile(_np.arange(n), len(pick)),
        "signal": flat(profiles),
        "seller": seller,
        "matched": seller >= 0,
        "value": flat(report.payoffs),
        "transfer": transfer,
        "payment": 0.0 - transfer,  # not -transfer: no -0.0 for the unmatched
    }
    for name, lo, hi in (("transfer", "transfer_lo", "transfer_hi"), ("utility", "utility_lo", "utility_hi")):
        interval = getattr(report, f"{name}_interval")
        if interval is not None:
            data[lo] = _np.asarray(interval)[pick, :, 0].reshape(-1)
            data[hi] = _np.asarray(interval)[pick, :, 1].reshape(-1)
    for column, attr in (("stage2_gain_bound", "stage2_gain_bound"), ("minus_i_proven", "minus_i_proven"),
                         ("reward", "rewards"), ("expected_reward", "expected_rewards")):
        value = flat(getattr(report, attr))
        if value is not None:
            data[column] = value
    return pd.DataFrame({k: data[k] for k in COLUMNS if k in data and data[k] is not None})

"""ivassign: VCG assignment mechanisms with interdependent valuations and externalities.

Instances (the ``ivassign/1`` JSON format), the two-stage mechanism, posteriors and information
measures, the incentive check, and the assignment problem (with or without externalities) with VCG
transfers. Arrays come back as numpy arrays; settings are keyword arguments named like the fields
of the C++ option structs (include/ivassign/*.hpp). Errors raise :mod:`ivassign.errors` exceptions.

    >>> import ivassign
    >>> inst = ivassign.load_instance("examples/spectrum-small.json")
    >>> report = ivassign.run_mechanism(inst, delta="theorem1")
    >>> report.transfers            # (profiles, buyers)
"""
from __future__ import annotations

import json as _json
import os as _os
from typing import Any, Optional, Sequence, Union

import numpy as _np

from . import _ivassign
from ._ivassign import (AssignmentProblem, Instance, MechanismReport, device_available, device_compiled,
                        device_description, expected_problem, generate_spectrum, load_social_problem,
                        parse_instance, parse_social_problem, posterior, posterior_table, delta_theorem1,
                        replicate_market, SocialProblem)
from .errors import CudaError, Error, InputError, InputTypeError, MissingDependencyError, ResourceError
from . import tables as _tables

__version__ = "0.1.0"

MechanismReport.buyers = _tables.buyers  # the per-buyer table as a pandas DataFrame (tables.py)


class Result(dict):
    """A dict whose keys are also attributes (``r.transfers`` is ``r["transfers"]``)."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(self.keys()) + list(super().__dir__())


def _settings(**kw: Any) -> dict:
    return {k: v for k, v in kw.items() if v is not None}


def load_instance(path: Union[str, _os.PathLike]) -> Instance:
    """Reads and validates an ivassign/1 instance file; raises InputError naming the key and rule."""
    return _ivassign.load_instance(_os.fspath(path))


def instance(source: Union[Instance, str, _os.PathLike, dict]) -> Instance:
    """An Instance from an Instance, a file path, or a dict holding the ivassign/1 document."""
    if isinstance(source, Instance):
        return source
    if isinstance(source, dict):
        return parse_instance(_json.dumps(source), source.get("name", "<dict>"))
    if isinstance(source, (str, _os.PathLike)):
        return load_instance(source)
    raise TypeError(f"instance: expected an Instance, a path or a dict, not {type(source).__name__}")


def _array(name: str, a, ndim: int, dtype=_np.float64):
    if a is None:
        return None
    out = _np.ascontiguousarray(a, dtype=dtype)
    if out.ndim != ndim:
        raise InputError(f"{name}: expected a {ndim}-dimensional array, not one of shape {out.shape}")
    return out


def _problem(linear, externalities=None, sparse=None, factored=None, allowed=None) -> AssignmentProblem:
    if isinstance(linear, AssignmentProblem):
        if externalities is not None or sparse is not None or factored is not None or allowed is not None:
            raise InputError("externalities: give them to AssignmentProblem, not with a problem")
        return linear
    if sparse is not None:
        sparse = (_array("sparse indices", sparse[0], 2, _np.int64), _array("sparse values", sparse[1], 1))
    if factored is not None:
        factored = tuple(_array(f"factored {k}", f, d) for k, f, d in zip(("weight", "buyer", "seller"), factored, (2, 3, 3)))
    return AssignmentProblem(_array("linear", linear, 2), dense=_array("dense externalities", externalities, 4),
                             sparse=sparse, factored=factored, allowed=_array("allowed", allowed, 1, bool))


def linear_sum_assignment(cost, maximize: bool = False):
    """Drop-in for scipy.optimize.linear_sum_assignment: (row_ind, col_ind), intp arrays of the
    min(n, m) pairs of a full matching of least (maximize=True: most) total cost, row_ind sorted.

    As scipy: +inf entries (maximize: -inf) are forbidden pairs, never matched, and ValueError
    ("cost matrix is infeasible", naming rows and columns that break Hall's condition) when no
    full matching avoids them; NaN and -inf (maximize: +inf) are invalid entries (ValueError);
    an array numpy cannot cast safely to float64 (strings, complex, objects) is a TypeError, and a
    list or tuple converts entry by entry as numpy's float64 conversion does (None is NaN); a
    constant matrix gives the identity. The errors are ivassign's InputError (a ValueError) and
    ivassign.errors.InputTypeError (an InputError and a TypeError)."""
    if isinstance(cost, (list, tuple)):  # numbers from Python objects, as numpy (and scipy) convert them
        try:
            a = _np.asarray(cost, dtype=_np.float64)
        except TypeError as e:
            raise InputTypeError(f"cost matrix: {e}") from e
        except ValueError as e:
            raise InputError(f"cost matrix: {e}") from e
    else:
        a = _np.asarray(cost)
    if not _np.can_cast(a.dtype, _np.float64, casting="safe"):
        raise InputTypeError(f"Cannot cast array data from {a.dtype!r} to dtype('float64') according to the "
                             "rule 'safe': the cost matrix must hold numbers (bool, int or float)")
    if a.ndim != 2:
        raise InputError(f"expected a matrix (2-D array), got a {a.ndim}-D array")
    a = _np.ascontiguousarray(a, dtype=_np.float64)
    rows, cols, _ = _ivassign._linear_sum_assignment(a, bool(maximize))
    if _np.dtype(_np.intp).itemsize == 8:  # int64 shown as numpy's own intp (scipy's dtype)
        return rows.view(_np.intp), cols.view(_np.intp)
    return rows.astype(_np.intp), cols.astype(_np.intp)


def solve_lap(weights) -> Result:
    """Maximum-weight partial matching of an (n, s) weight matrix (the library's LAP, exact): a buyer
    (row) stays unmatched when that is worth more. Returns a Result: assignment (n,) int32, column of
    each row or -1; objective (sum of matched weights); row_duals (n,) and col_duals (s,) with
    w[i, j] <= row_duals[i] + col_duals[j], equality on matched pairs, col_duals >= 0; seconds."""
    return Result(_ivassign._solve_lap(_array("weights", weights, 2)))


def solve_lap_batch(weights, *, threads: int = 0, backend: str = "cpu") -> Result:
    """solve_lap on each (n, s) matrix of a (B, n, s) array, with the GIL released: on the CPU
    (backend "cpu") the problems spread over `threads` threads (0: all cores); with "device",
    "cuda" or "auto" one problem per device thread (the batch's device path). Returns a Result of
    stacked arrays: assignment (B, n), objective (B,), row_duals (B, n), col_duals (B, s),
    seconds (B,), and backend (where it ran)."""
    return Result(_ivassign._solve_lap_batch(_array("weights", weights, 3), int(threads), backend))


def social_problem(source) -> SocialProblem:
    """A SocialProblem (ivassign-social/1) from a SocialProblem, a file path, a dict, or JSON text
    (a str starting with '{')."""
    if isinstance(source, SocialProblem):
        return source
    if isinstance(source, dict):
        return parse_social_problem(_json.dumps(source), source.get("name", "<dict>"))
    if isinstance(source, str) and source.lstrip().startswith("{"):
        return parse_social_problem(source, "<text>")
    if isinstance(source, (str, _os.PathLike)):
        return load_social_problem(_os.fspath(source))
    raise TypeError(f"social_problem: expected a SocialProblem, a path, a dict or JSON text, not {type(source).__name__}")


def gvcg(problem, *, stages: int = 1, epsilon: Union[str, float] = "exact", profiles=None, threads: int = 0,
         backend: str = "auto", list_profiles: bool = True) -> dict:
    """Augmented generalized VCG on a social problem (what ``ivassign gvcg`` prints), as the
    ivassign-gvcg/1 document: measures, epsilon {exact, theorem, used}, profiles [{profile, outcome,
    welfare, values, transfers, rewards, net}]. stages: 1 (2013) or 2 (2017); epsilon: "exact",
    "theorem" or a number >= 0; profiles: list of type profiles (default: every profile of T*)."""
    p = social_problem(problem)
    value = None
    if not isinstance(epsilon, str):
        value, epsilon = float(epsilon), ""
    if profiles is not None:
        arr = _np.asarray(profiles)
        if arr.ndim == 1:
            arr = arr[None, :]
        profiles = arr.astype(int).tolist()
    return _json.loads(_ivassign._gvcg(p, int(stages), epsilon, value, profiles, int(threads), backend,
                                       bool(list_profiles)))


def audit(problem, *, mechanism: Optional[Union[str, _os.PathLike]] = None, threads: int = 0,
          backend: str = "auto") -> dict:
    """Audits the problem's mechanism (or the one in the file `mechanism`) as ``ivassign audit``
    does: the ivassign-audit/1 document (bayesian, ex_post, weak_ex_post_epsilon,
    individual_rationality, budget)."""
    p = social_problem(problem)
    return _json.loads(_ivassign._audit(p, None if mechanism is None else _os.fspath(mechanism), int(threads), backend))


def epic(problem, *, rule: str = "efficient", threads: int = 0, backend: str = "auto") -> dict:
    """Ex post implementability of the efficient rule (or rule="mechanism": the problem's own) as
    ``ivassign epic`` does: the ivassign-epic/1 document (implementable, and the witness cycle or
    the smallest ex post IC and IR transfers (|T|, n) with their budget)."""
    p = social_problem(problem)
    return _json.loads(_ivassign._epic(p, rule, int(threads), backend))


def replica(instance_or_path, *, sizes: Optional[Sequence[int]] = None, k: Optional[int] = None,
            welfare_samples: Optional[int] = None, seed: Optional[int] = None, solver: Optional[str] = None,
            time_limit: Optional[float] = None, threads: Optional[int] = None) -> dict:
    """Theorem 2's replica experiment on a symmetric conditionally independent base market (what
    ``ivassign replica`` prints): the ivassign-replica/1 document, one row per size in `sizes`.
    Settings are ReplicaOptions' fields (None: its default; sizes 4, 8, ..., 256, k 2, welfare_samples 4)."""
    inst = instance(instance_or_path)
    return ReplicaReport(_ivassign._replica(inst, _settings(
        sizes=None if sizes is None else [int(x) for x in sizes], k=k, welfare_samples=welfare_samples, seed=seed,
        solver=solver, time_limit=time_limit, threads=threads)))


def solve_assignment(linear, externalities=None, *, sparse=None, factored=None, allowed=None,
                     solver: str = "auto", backend: Optional[str] = None, time_limit: Optional[float] = None,
                     iteration_limit: Optional[int] = None, seed: Optional[int] = None,
                     threads: Optional[int] = None, exact_size_limit: Optional[int] = None,
                     tabu_size_limit: Optional[int] = None, target: Optional[float] = None,
                     starts: Optional[int] = None) -> Result:
    """The efficient partial matching: maximize sum_i g_i(z), g_i = w_ij - sum_pq c_ij^pq z_pq.

    linear: (n, s) weights w_ij (or an AssignmentProblem); externalities: dense (n, s, n, s) costs
    c[i, j, p, q] >= 0; sparse: (indices (k, 4), values (k,)); factored: (weight (n, T),
    buyer (T, n, n), seller (T, s, s)); allowed: (n,) bool, buyers that may be matched.
    Settings are SolverOptions' fields (solver: auto, enumerate, lap, branch-and-bound/exact, tabu,
    descent; time_limit in seconds; starts: the tabu search's independent starts, 0 one per thread).
    Returns a Result: assignment (n,) seller or -1, objective,
    optimal, status, upper_bound, iterations, seconds, solver, backend, row_duals, col_duals (LAP).
    """
    p = _problem(linear, externalities, sparse, factored, allowed)
    return Result(_ivassign._solve_assignment(p, _settings(
        solver=solver, backend=backend, time_limit=time_limit, iteration_limit=iteration_limit, seed=seed,
        threads=threads, exact_size_limit=exact_size_limit, tabu_size_limit=tabu_size_limit, target=target,
        starts=starts)))


def vcg(linear, externalities=None, *, sparse=None, factored=None, allowed=None, solver: str = "auto",
        backend: Optional[str] = None, time_limit: Optional[float] = None, iteration_limit: Optional[int] = None,
        seed: Optional[int] = None, threads: Optional[int] = None, exact_size_limit: Optional[int] = None,
        tabu_size_limit: Optional[int] = None, bound_iterations: Optional[int] = None,
        bound_work_limit: Optional[float] = None, bound_time_limit: Optional[float] = None,
        floor_work_limit: Optional[float] = None) -> Result:
    """The efficient matching and its VCG transfers (solve_with_vcg); arguments as solve_assignment,
    and VcgOptions' bound_iterations, bound_work_limit, bound_time_limit (the externality-aware bound) and
    floor_work_limit (the report-independent minus-i searches behind stage2_gain_bound).

    Returns a Result: assignment (n,), payoffs g_i (n,), transfers x_i <= 0 (n,; buyer i pays -x_i),
    minus_i_welfare (n,), minus_i_upper_bound (n,), proven (n,) bool, transfer_error_bound (n,),
    full_improved, welfare, optimal, solver; the certified outcome (docs/certification.md):
    welfare_upper_bound, welfare_gap, welfare_proven, certified_tolerance, transfer_interval (n, 2),
    utility_interval (n, 2), stage2_gain_bound (n,), transfers_certified. Externality costs must be >= 0.
    """
    p = _problem(linear, externalities, sparse, factored, allowed)
    return Result(_ivassign._solve_with_vcg(p, _settings(
        solver=solver, backend=backend, time_limit=time_limit, iteration_limit=iteration_limit, seed=seed,
        threads=threads, exact_size_limit=exact_size_limit, tabu_size_limit=tabu_size_limit,
        bound_iterations=bound_iterations, bound_work_limit=bound_work_limit, bound_time_limit=bound_time_limit,
        floor_work_limit=floor_work_limit)))


def _profiles(inst: Instance, profiles, all_profiles: bool):
    if all_profiles:
        if profiles is not None:
            raise InputError("give profiles or all_profiles=True, not both")
        return None
    if profiles is None:
        if not inst.observed:
            raise InputError("no profile to run: give profiles=[...], all_profiles=True, or an instance with `observed`")
        return [list(inst.observed)]
    arr = _np.asarray(profiles)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or (arr.size and arr.dtype.kind not in "iu"):
        raise InputError("profiles: expected a profile (n signals) or a list of profiles of integers")
    return arr.astype(int).tolist()


def run_mechanism(instance_or_path, profiles=None, *, all_profiles: bool = False,
                  delta: Union[str, float] = "auto", compute_exact_delta: Optional[bool] = None,
                  backend: Optional[str] = None, solver: Optional[str] = None, threads: Optional[int] = None,
                  time_limit: Optional[float] = None, iteration_limit: Optional[int] = None,
                  seed: Optional[int] = None, exact_size_limit: Optional[int] = None,
                  tabu_size_limit: Optional[int] = None, max_exact_profiles: Optional[int] = None,
                  max_exact_work: Optional[int] = None, max_tensor_profiles: Optional[int] = None,
                  samples: Optional[int] = None, confidence: Optional[float] = None,
                  sample_pool_bytes: Optional[int] = None, sampler: Optional[str] = None,
                  bound_iterations: Optional[int] = None, bound_work_limit: Optional[float] = None,
                  bound_time_limit: Optional[float] = None, floor_work_limit: Optional[float] = None) -> MechanismReport:
    """Runs the two-stage mechanism (what ``ivassign mechanism`` does).

    instance_or_path: an Instance, a path or a dict (ivassign/1). profiles: one profile (n signals)
    or a list of them; default the instance's ``observed``; all_profiles=True for every profile.
    delta: "auto", "exact", "theorem1" or a number >= 0 (MechanismOptions); backend: "auto", "cpu",
    "device", "cuda"; the solver settings are SolverOptions' fields, VCG's bound_* and floor_work_limit VcgOptions', the sampling ones
    MeasureOptions' (sampler: "auto", "plain" or "importance"). Returns a MechanismReport: numpy arrays (profiles, posteriors, assignments,
    welfare, payoffs, transfers, rewards, ...), the deltas, and to_dict()/to_json() with the
    ivassign-report/1 document.
    """
    inst = instance(instance_or_path)
    return _ivassign._run_mechanism(inst, _profiles(inst, profiles, all_profiles), _settings(
        delta=delta, compute_exact_delta=compute_exact_delta, backend=backend, solver=solver, threads=threads,
        time_limit=time_limit, iteration_limit=iteration_limit, seed=seed, exact_size_limit=exact_size_limit,
        tabu_size_limit=tabu_size_limit, max_exact_profiles=max_exact_profiles, max_exact_work=max_exact_work,
        max_tensor_profiles=max_tensor_profiles, samples=samples, confidence=confidence,
        sample_pool_bytes=sample_pool_bytes, sampler=sampler, bound_iterations=bound_iterations,
        bound_work_limit=bound_work_limit, bound_time_limit=bound_time_limit, floor_work_limit=floor_work_limit))


def check_incentives(instance_or_path, *, delta: Union[str, float] = "auto", backend: Optional[str] = None,
                     solver: Optional[str] = None, threads: Optional[int] = None, time_limit: Optional[float] = None,
                     seed: Optional[int] = None, max_exact_profiles: Optional[int] = None,
                     max_exact_work: Optional[int] = None, stage2_profiles: Optional[int] = None,
                     stage2_buyers: Optional[int] = None, random_misreports: Optional[int] = None,
                     local_search_steps: Optional[int] = None, budget_samples: Optional[int] = None,
                     bound_iterations: Optional[int] = None, bound_work_limit: Optional[float] = None,
                     bound_time_limit: Optional[float] = None, floor_work_limit: Optional[float] = None,
                     work_limit: Optional[float] = None) -> dict:
    """The incentive, budget and IR checks (what ``ivassign check`` does), as the ivassign-check/1
    document (a dict): stage1 (truthful, min_margin, worst lie, margins), stage2 (with each probed gain
    beside its certified bound), budget, work (what the counted work limit probed and skipped).
    Settings are CheckOptions' fields and its mechanism's (delta, solver, ...)."""
    inst = instance(instance_or_path)
    return CheckReport(_ivassign._check_incentives(inst, _settings(
        delta=delta, backend=backend, solver=solver, threads=threads, time_limit=time_limit, seed=seed,
        max_exact_profiles=max_exact_profiles, max_exact_work=max_exact_work, stage2_profiles=stage2_profiles,
        stage2_buyers=stage2_buyers, random_misreports=random_misreports, local_search_steps=local_search_steps,
        budget_samples=budget_samples, bound_iterations=bound_iterations, bound_work_limit=bound_work_limit,
        bound_time_limit=bound_time_limit, floor_work_limit=floor_work_limit, work_limit=work_limit)))


def information_measures(instance_or_path, *, backend: Optional[str] = None, threads: Optional[int] = None,
                         seed: Optional[int] = None, max_tensor_profiles: Optional[int] = None,
                         samples: Optional[int] = None, confidence: Optional[float] = None) -> Result:
    """The prior's information measures (prior_measures): method, informational_size nu_i (n,),
    variation Lambda_i (n,), and per buyer conditional_norm (K_i,), score_gain S_i and
    theorem1_sum D_i (K_i, K_i). Settings are MeasureOptions' fields."""
    inst = instance(instance_or_path)
    return Result(_ivassign._prior_measures(inst, _settings(
        backend=backend, threads=threads, seed=seed, max_tensor_profiles=max_tensor_profiles, samples=samples,
        confidence=confidence)))


# ---- the notebook view: the page of `ivassign view` (src/view/) as a report's _repr_html_ --------


def view_html(report, instance=None) -> str:
    """The self-contained web page of a report, as ``ivassign view`` writes it: a MechanismReport, a
    check or replica document (what check_incentives and replica return), a dict or the JSON text of
    any of them. `instance` (an Instance or a path) draws the map of licences when it has a
    ``geometry`` block. Save it with ``open("r.html", "w").write(view_html(report))``."""
    if isinstance(report, MechanismReport):
        text = report.to_json(-1)
    elif isinstance(report, dict):
        text = _json.dumps(report)
    else:
        text = str(report)
    inst = None if instance is None else globals()["instance"](instance)
    return _ivassign._view_html(text, inst)


def _notebook_frame(page: str, height: int = 900) -> str:
    """The page inside an iframe (srcdoc): its scripts and styles stay out of the notebook's."""
    import html as _html
    return ('<iframe srcdoc="%s" style="width:100%%;height:%dpx;border:0" sandbox="allow-scripts" '
            'title="ivassign report"></iframe>' % (_html.escape(page, quote=True), height))


def _mechanism_report_html(self) -> str:
    return _notebook_frame(view_html(self))


MechanismReport._repr_html_ = _mechanism_report_html
MechanismReport.view_html = lambda self, instance=None: view_html(self, instance)
MechanismReport.view_html.__doc__ = "The report's web page (ivassign view); `instance` adds the map."


class CheckReport(dict):
    """The ivassign-check/1 document (a dict) that draws itself in a notebook (_repr_html_)."""

    def __init__(self, text: str):
        super().__init__(_json.loads(text))

    def _repr_html_(self) -> str:
        return _notebook_frame(view_html(self))


class ReplicaReport(dict):
    """The ivassign-replica/1 document (a dict) that draws itself in a notebook (_repr_html_)."""

    def __init__(self, text: str):
        super().__init__(_json.loads(text))

    def _repr_html_(self) -> str:
        return _notebook_frame(view_html(self), height=760)


__all__ = [
    "AssignmentProblem", "CudaError", "Error", "Instance", "InputError", "InputTypeError", "MechanismReport",
    "MissingDependencyError", "ResourceError",
    "Result", "check_incentives", "delta_theorem1", "device_available", "device_compiled", "device_description",
    "expected_problem", "information_measures", "instance", "linear_sum_assignment", "load_instance",
    "parse_instance", "posterior", "posterior_table", "run_mechanism", "solve_assignment", "vcg",
    "SocialProblem", "audit", "epic", "generate_spectrum", "gvcg", "load_social_problem", "parse_social_problem",
    "replica", "replicate_market", "social_problem", "solve_lap", "solve_lap_batch",
    "CheckReport", "ReplicaReport", "view_html",
]

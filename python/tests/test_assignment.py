"""solve_assignment, vcg and linear_sum_assignment against brute force in Python: every partial
matching of small problems, with dense, sparse and factored externalities."""
import itertools
from fractions import Fraction
import threading

import numpy as np
import pytest

import ivassign


def matchings(n, s, allowed=None):
    """Every partial matching: assignment[i] = seller or -1, sellers used at most once."""
    for a in itertools.product(range(-1, s), repeat=n):
        used = [j for j in a if j >= 0]
        if len(used) == len(set(used)) and (allowed is None or all(allowed[i] or a[i] < 0 for i in range(n))):
            yield a


def payoffs(w, c, a):
    n = len(a)
    g = np.zeros(n)
    for i, j in enumerate(a):
        if j < 0:
            continue
        g[i] = w[i, j]
        if c is not None:
            g[i] -= sum(c[i, j, p, q] for p, q in enumerate(a) if p != i and q >= 0 and q != j)
    return g


def brute_force(w, c=None, allowed=None):
    best = max(matchings(*w.shape, allowed), key=lambda a: payoffs(w, c, a).sum())
    return np.array(best), payoffs(w, c, best).sum()


def brute_vcg(w, c):
    n = w.shape[0]
    z, welfare = brute_force(w, c)
    g = payoffs(w, c, z)
    minus = np.array([brute_force(w, c, allowed=[k != i for k in range(n)])[1] for i in range(n)])
    return welfare, g, (welfare - g) - minus, minus


def random_problem(rng, n, s, density=0.5):
    w = rng.uniform(-1.0, 4.0, (n, s))
    c = rng.uniform(0.0, 1.5, (n, s, n, s)) * (rng.uniform(size=(n, s, n, s)) < density)
    for i in range(n):
        c[i, :, i, :] = 0.0
    for j in range(s):
        c[:, j, :, j] = 0.0
    return w, c


@pytest.mark.parametrize("seed,n,s", [(1, 3, 3), (2, 4, 3), (3, 3, 4), (4, 4, 4), (5, 2, 5)])
def test_solve_and_vcg_with_dense_externalities_match_brute_force(seed, n, s):
    w, c = random_problem(np.random.default_rng(seed), n, s)
    _, best = brute_force(w, c)
    r = ivassign.solve_assignment(w, c)
    assert r.optimal and r.status == "optimal"
    assert r.objective == pytest.approx(best, abs=1e-9)
    assert payoffs(w, c, r.assignment).sum() == pytest.approx(best, abs=1e-9)
    welfare, _, transfers, minus = brute_vcg(w, c)
    v = ivassign.vcg(w, c)
    assert v.optimal and v.proven.all()
    assert v.welfare == pytest.approx(welfare, abs=1e-9)
    np.testing.assert_allclose(v.minus_i_welfare, minus, atol=1e-9)
    # transfers depend on the matching charged only through sum_{k != i} g_k; with a unique
    # optimum (random data) they are the brute-force ones
    np.testing.assert_allclose(v.transfers, transfers, atol=1e-9)
    assert (v.transfers <= 1e-12).all()


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_sparse_and_factored_forms_equal_their_dense_expansion(seed):
    rng = np.random.default_rng(seed)
    n, s, t = 3, 3, 2
    w = rng.uniform(0.0, 3.0, (n, s))
    weight, buyer, seller = rng.uniform(0, 1, (n, t)), rng.uniform(0, 1, (t, n, n)), rng.uniform(0, 1, (t, s, s))
    dense = np.einsum("it,tip,tjq->ijpq", weight, buyer, seller)
    for i in range(n):
        dense[i, :, i, :] = 0.0
    for j in range(s):
        dense[:, j, :, j] = 0.0
    _, best = brute_force(w, dense)
    assert ivassign.solve_assignment(w, factored=(weight, buyer, seller)).objective == pytest.approx(best, abs=1e-9)
    keys = np.argwhere(dense > 0)
    rng.shuffle(keys)  # any order: the binding sorts the entries
    values = dense[tuple(keys.T)]
    r = ivassign.solve_assignment(w, sparse=(keys, values), solver="enumerate")
    assert r.objective == pytest.approx(best, abs=1e-9)
    v = ivassign.vcg(w, sparse=(keys, values))
    np.testing.assert_allclose(v.transfers, brute_vcg(w, dense)[2], atol=1e-9)


def test_lap_without_externalities_gives_duals_and_vcg():
    w = np.array([[3.0, 1.0, 0.0], [2.0, 2.0, 1.0], [0.0, 1.0, 5.0]])
    r = ivassign.solve_assignment(w)
    assert r.solver == "lap" and r.objective == pytest.approx(10.0)
    assert r.row_duals.shape == (3,) and r.col_duals.shape == (3,)
    welfare, _, transfers, _ = brute_vcg(w, None)
    v = ivassign.vcg(w)
    assert v.welfare == pytest.approx(welfare)
    np.testing.assert_allclose(v.transfers, transfers, atol=1e-12)


def test_problem_object_checks_and_evaluates_matchings():
    w, c = random_problem(np.random.default_rng(7), 3, 3)
    p = ivassign.AssignmentProblem(w, dense=c)
    assert p.buyers == 3 and p.sellers == 3 and p.has_externalities
    a = [2, -1, 0]
    assert p.objective(a) == pytest.approx(payoffs(w, c, a).sum())
    np.testing.assert_allclose(p.payoffs(a), payoffs(w, c, a))
    with pytest.raises(ivassign.Error):
        p.check([0, 0, 1])
    assert ivassign.solve_assignment(p, solver="branch-and-bound").optimal


def brute_lsa(cost, maximize):
    n, m = cost.shape
    sign = -1 if maximize else 1
    if n <= m:
        return min(sign * sum(cost[i, j] for i, j in enumerate(p)) for p in itertools.permutations(range(m), n))
    return min(sign * sum(cost[i, j] for j, i in enumerate(p)) for p in itertools.permutations(range(n), m))


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3), (1, 4), (6, 6)])
@pytest.mark.parametrize("maximize", [False, True])
@pytest.mark.parametrize("integer", [False, True])
def test_linear_sum_assignment_matches_brute_force(shape, maximize, integer):
    rng = np.random.default_rng(hash((shape, maximize, integer)) % 2**32)
    cost = rng.integers(-5, 10, shape) if integer else rng.normal(size=shape)
    rows, cols = ivassign.linear_sum_assignment(cost, maximize=maximize)
    k = min(shape)
    assert len(rows) == len(cols) == k
    assert list(rows) == sorted(rows) and len(set(cols)) == k
    total = cost[rows, cols].sum()
    assert (-total if maximize else total) == pytest.approx(brute_lsa(cost, maximize), abs=1e-9)


def test_linear_sum_assignment_empty_and_bad_input():
    rows, cols = ivassign.linear_sum_assignment(np.zeros((0, 3)))
    assert rows.shape == (0,) and cols.shape == (0,)
    with pytest.raises(ValueError, match="invalid numeric entries"):
        ivassign.linear_sum_assignment([[1.0, np.nan]])
    with pytest.raises(ValueError, match="expected a matrix"):
        ivassign.linear_sum_assignment([1.0, 2.0])


def test_solves_from_several_python_threads_at_once():
    problems = [random_problem(np.random.default_rng(100 + k), 4, 4) for k in range(8)]
    want = [ivassign.vcg(w, c).transfers for w, c in problems]
    got = [None] * len(problems)
    errors = []

    def work(k):
        try:
            for _ in range(5):
                got[k] = ivassign.vcg(*problems[k]).transfers
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(problems))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("shape,maximize", [((60, 60), False), ((40, 90), True), ((90, 40), False), ((70, 70), True)])
@pytest.mark.parametrize("integer", [False, True])
def test_linear_sum_assignment_against_scipy_when_installed(shape, maximize, integer):
    optimize = pytest.importorskip("scipy.optimize")  # installed by scripts/test-python.sh
    rng = np.random.default_rng(shape[0] * shape[1])
    cost = rng.integers(-20, 50, size=shape) if integer else rng.normal(size=shape)
    rows, cols = ivassign.linear_sum_assignment(cost, maximize)
    want_rows, want_cols = optimize.linear_sum_assignment(cost, maximize)
    assert cost[rows, cols].sum() == pytest.approx(cost[want_rows, want_cols].sum(), abs=1e-9)
    assert rows.dtype == want_rows.dtype


def brute_lsa_forbidden(cost, maximize):
    """The least (maximize: largest) total over full matchings without a forbidden (infinite) pair,
    None when there is none."""
    n, m = cost.shape
    forbidden = np.inf if not maximize else -np.inf
    pairs = ([(i, j) for i, j in enumerate(p)] for p in itertools.permutations(range(m), n)) if n <= m else \
        ([(i, j) for j, i in enumerate(p)] for p in itertools.permutations(range(n), m))
    totals = [sum(cost[i, j] for i, j in ps) for ps in pairs if all(cost[i, j] != forbidden for i, j in ps)]
    if not totals:
        return None
    return max(totals) if maximize else min(totals)


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3), (6, 6), (2, 6)])
@pytest.mark.parametrize("maximize", [False, True])
def test_linear_sum_assignment_forbidden_pairs_match_brute_force(shape, maximize):
    """+inf (maximize: -inf) entries are never matched; ValueError exactly when no full matching avoids them."""
    rng = np.random.default_rng(sum(shape) * 7 + maximize)
    outcomes = set()
    for trial in range(40):
        cost = rng.integers(-5, 10, shape).astype(float)
        cost[rng.random(shape) < 0.2 + 0.5 * (trial % 3) / 2] = -np.inf if maximize else np.inf
        want = brute_lsa_forbidden(cost, maximize)
        if want is None:
            with pytest.raises(ivassign.InputError, match="cost matrix is infeasible"):
                ivassign.linear_sum_assignment(cost, maximize=maximize)
            outcomes.add("infeasible")
            continue
        rows, cols = ivassign.linear_sum_assignment(cost, maximize=maximize)
        assert len(rows) == min(shape) and list(rows) == sorted(rows) and len(set(cols)) == min(shape)
        assert np.all(np.isfinite(cost[rows, cols]))
        assert cost[rows, cols].sum() == want
        outcomes.add("feasible")
    assert outcomes == {"feasible", "infeasible"}  # both kinds were drawn


def test_linear_sum_assignment_infeasible_message_names_the_hall_violators():
    cost = np.ones((4, 5))
    cost[1:3, :] = np.inf
    cost[1:3, 3] = 2.0  # rows 1 and 2 can only use column 3
    with pytest.raises(ValueError, match=r"the 2 rows \{1, 2\} have finite costs only in the 1 column \{3\}"):
        ivassign.linear_sum_assignment(cost)
    with pytest.raises(ValueError, match=r"the 2 columns \{1, 2\} have finite costs only in the 1 row \{3\}"):
        ivassign.linear_sum_assignment(cost.T)
    cost[2, 3] = np.inf  # row 2 has no finite entry left
    with pytest.raises(ValueError, match=r"the 1 row \{2\} has finite costs only in the 0 columns \{\}"):
        ivassign.linear_sum_assignment(cost)


def test_linear_sum_assignment_invalid_entries_and_types():
    for cost, maximize in [([[1.0, np.nan]], False), ([[1.0, -np.inf]], False), ([[1.0, np.inf]], True),
                           ([[np.nan, 1.0]], True)]:
        with pytest.raises(ivassign.InputError, match="invalid numeric entries: entry \\(0, [01]\\)"):
            ivassign.linear_sum_assignment(cost, maximize=maximize)
    for bad in [np.identity(3).astype(str), np.identity(2) * 1j, np.array([[1, None]], dtype=object)]:
        with pytest.raises(TypeError, match="Cannot cast array data"):
            ivassign.linear_sum_assignment(bad)
        with pytest.raises(ivassign.InputError):
            ivassign.linear_sum_assignment(bad)
    # lists convert entry by entry, as scipy's: strings of numbers and fractions are numbers, None is NaN
    assert [list(x) for x in ivassign.linear_sum_assignment([["1", "2"], ["0", "5"]])] == [[0, 1], [1, 0]]
    assert [list(x) for x in ivassign.linear_sum_assignment([[Fraction(1, 2), 1]])] == [[0], [0]]
    with pytest.raises(ValueError, match="invalid numeric entries"):
        ivassign.linear_sum_assignment([[1.0, 2.0], [3.0, None]])
    with pytest.raises(ivassign.InputError, match="could not convert string"):
        ivassign.linear_sum_assignment([["a", "b"]])
    with pytest.raises(TypeError):
        ivassign.linear_sum_assignment([[1 + 2j, 1]])
    as_bool = ivassign.linear_sum_assignment(np.identity(3).astype(bool))  # bool casts safely
    np.testing.assert_array_equal(as_bool, ivassign.linear_sum_assignment(np.identity(3)))


@pytest.mark.parametrize("shape", [(8, 8), (3, 7), (7, 3), (1, 5), (50, 50)])
def test_linear_sum_assignment_constant_matrix_gives_the_identity(shape):
    """Ties break toward the lowest column index, as scipy's: a constant matrix is matched by the identity."""
    k = min(shape)
    for value in [1.0, 0.0, -3.5]:
        for maximize in [False, True]:
            rows, cols = ivassign.linear_sum_assignment(np.full(shape, value), maximize=maximize)
            np.testing.assert_array_equal(rows, np.arange(k))
            np.testing.assert_array_equal(cols, np.arange(k))


@pytest.mark.parametrize("density", [0.04, 0.06, 0.2])
def test_linear_sum_assignment_with_infinities_agrees_with_scipy(density):
    """Sparse matrices padded with +inf: feasible or not as scipy's linear_sum_assignment and
    min_weight_full_bipartite_matching, with the same least total."""
    optimize = pytest.importorskip("scipy.optimize")
    csgraph = pytest.importorskip("scipy.sparse.csgraph")
    sparse = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(int(density * 1000))
    raised = set()
    for shape in [(100, 100), (70, 110), (110, 70)] * 4:
        cost = np.full(shape, np.inf)
        mask = rng.random(shape) < density
        cost[mask] = rng.integers(1, 100, mask.sum())
        outcomes = []
        for solve in (ivassign.linear_sum_assignment, optimize.linear_sum_assignment,
                      lambda c: csgraph.min_weight_full_bipartite_matching(sparse.csr_array(np.where(np.isinf(c), 0, c)))):
            try:
                r, c = solve(cost)
                outcomes.append(cost[r, c].sum())
            except ValueError:
                outcomes.append(None)
        assert outcomes[0] == outcomes[1] == outcomes[2]
        raised.add(outcomes[0] is None)
    if density < 0.05:
        assert raised == {True, False}  # both kinds were drawn (the seeds give 6 of 12 infeasible)


def test_vcg_refuses_negative_externality_costs():
    # buyer 1 would gain when buyer 0 holds seller 0: every bound assumes c >= 0 (docs/certification.md)
    w = np.array([[1.0, -10.0], [-10.0, 1.0]])
    c = np.zeros((2, 2, 2, 2))
    c[1, 1, 0, 0] = -5.0
    with pytest.raises(ivassign.InputError, match="externality costs must be >= 0"):
        ivassign.vcg(w, c)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vcg_certified_outcome_holds_the_brute_force_values_with_a_heuristic(seed):
    w, c = random_problem(np.random.default_rng(seed), 5, 4)
    welfare, g, _, minus = brute_vcg(w, c)
    v = ivassign.vcg(w, c, solver="descent", threads=1)
    assert v.welfare_upper_bound >= welfare - 1e-9 and v.welfare <= welfare + 1e-9
    assert v.welfare_gap == pytest.approx(v.welfare_upper_bound - v.welfare)
    assert v.transfer_interval.shape == (5, 2) and v.utility_interval.shape == (5, 2)
    exact_transfer = (v.welfare - v.payoffs) - minus
    assert (v.transfer_interval[:, 0] <= exact_transfer + 1e-9).all()
    assert (v.transfer_interval[:, 1] >= exact_transfer - 1e-9).all()
    exact_utility = welfare - minus
    assert (v.utility_interval[:, 0] <= exact_utility + 1e-9).all()
    assert (v.utility_interval[:, 1] >= exact_utility - 1e-9).all()
    assert (v.stage2_gain_bound >= 0).all()
    assert v.transfers_certified == (v.welfare_proven and v.proven.all())


def test_tabu_starts_keyword_searches_more_starts_reproducibly():
    """starts: the tabu search's independent starts (seeds seed, seed + 1, ...), the best kept. The
    same seed gives the same matching; a start more never ends worse than start 0 alone, whose seed it
    shares; on a small problem every run reaches the brute-force optimum."""
    rng = np.random.default_rng(3)
    n = s = 6
    w = rng.uniform(1.0, 2.0, (n, s))
    c = rng.uniform(0.0, 0.2, (n, s, n, s))
    best = max(payoffs(w, c, a).sum() for a in matchings(n, s))
    one = ivassign.solve_assignment(w, c, solver="tabu", starts=1, seed=5, iteration_limit=200, threads=1)
    four = ivassign.solve_assignment(w, c, solver="tabu", starts=4, seed=5, iteration_limit=200, threads=1)
    again = ivassign.solve_assignment(w, c, solver="tabu", starts=4, seed=5, iteration_limit=200, threads=1)
    assert list(four.assignment) == list(again.assignment)
    assert four.objective >= one.objective - 1e-12
    assert four.objective == pytest.approx(best, abs=1e-9)
    with pytest.raises(ivassign.InputError, match="starts"):
        ivassign.solve_assignment(w, c, solver="tabu", starts=-2)

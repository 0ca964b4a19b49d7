"""solve_lap and solve_lap_batch: the optimum against brute force and scipy, the duals' conditions,
the batch against one-by-one solves, and bad input."""
import itertools

import numpy as np
import pytest

import ivassign


def brute_force(w):
    """The best partial matching's value: every injective map of a subset of rows to columns."""
    n, s = w.shape
    best = 0.0
    for cols in itertools.product(range(-1, s), repeat=n):
        used = [c for c in cols if c >= 0]
        if len(used) != len(set(used)):
            continue
        best = max(best, sum(w[i, c] for i, c in enumerate(cols) if c >= 0))
    return best


def check_duals(w, r, tol=1e-9):
    u, v, a = r.row_duals, r.col_duals, r.assignment
    assert np.all(w <= u[:, None] + v[None, :] + tol)
    assert np.all(v >= -tol)
    for i, j in enumerate(a):
        if j >= 0:
            assert w[i, j] == pytest.approx(u[i] + v[j], abs=1e-7)
    matched = set(int(j) for j in a if j >= 0)
    for j in range(w.shape[1]):
        if j not in matched:
            assert v[j] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (3, 2), (4, 4), (3, 5), (5, 3)])
def test_solve_lap_against_brute_force(shape):
    rng = np.random.default_rng(sum(shape))
    for _ in range(5):
        w = rng.uniform(-5, 10, size=shape)
        r = ivassign.solve_lap(w)
        assert r.assignment.shape == (shape[0],)
        assert r.row_duals.shape == (shape[0],) and r.col_duals.shape == (shape[1],)
        a = r.assignment
        assert len(set(int(j) for j in a if j >= 0)) == sum(1 for j in a if j >= 0)
        assert r.objective == pytest.approx(sum(w[i, j] for i, j in enumerate(a) if j >= 0))
        assert r.objective == pytest.approx(brute_force(w))
        check_duals(w, r)


def test_solve_lap_against_scipy():
    scipy_optimize = pytest.importorskip("scipy.optimize")
    rng = np.random.default_rng(7)
    for n, s in [(30, 30), (20, 45), (50, 50)]:
        w = rng.uniform(1, 100, size=(n, s))  # positive, n <= s: the best partial matching is full
        r = ivassign.solve_lap(w)
        rows, cols = scipy_optimize.linear_sum_assignment(w, maximize=True)
        assert r.objective == pytest.approx(w[rows, cols].sum(), rel=1e-12)
        check_duals(w, r)


def test_solve_lap_batch_matches_single_solves():
    rng = np.random.default_rng(3)
    w = rng.uniform(-2, 10, size=(16, 6, 8))
    for threads in (0, 1, 3):
        b = ivassign.solve_lap_batch(w, threads=threads)
        assert b.assignment.shape == (16, 6) and b.objective.shape == (16,)
        assert b.row_duals.shape == (16, 6) and b.col_duals.shape == (16, 8)
        for k in range(16):
            r = ivassign.solve_lap(w[k])
            assert np.array_equal(b.assignment[k], r.assignment)
            assert b.objective[k] == r.objective
            assert np.array_equal(b.row_duals[k], r.row_duals)
            assert np.array_equal(b.col_duals[k], r.col_duals)


def test_solve_lap_batch_backends():
    rng = np.random.default_rng(5)
    w = rng.uniform(-2, 10, size=(12, 5, 7))
    cpu = ivassign.solve_lap_batch(w, backend="cpu")
    assert cpu.backend == "cpu"
    auto = ivassign.solve_lap_batch(w, backend="auto")  # the CPU here unless the module sees a GPU
    assert auto.backend in ("cpu", "device")
    np.testing.assert_allclose(auto.objective, cpu.objective, rtol=1e-9, atol=1e-9)
    try:
        dev = ivassign.solve_lap_batch(w, backend="device")
    except Exception as e:  # a module built without the device path says so
        assert "device" in str(e)
    else:
        assert dev.backend == "device"
        np.testing.assert_allclose(dev.objective, cpu.objective, rtol=1e-9, atol=1e-9)
    with pytest.raises(ValueError, match="gpu2"):
        ivassign.solve_lap_batch(w, backend="gpu2")


def test_solve_lap_batch_empty_and_bad_input():
    b = ivassign.solve_lap_batch(np.zeros((0, 3, 3)))
    assert b.assignment.shape == (0, 3) and b.objective.shape == (0,)
    with pytest.raises(ValueError, match="NaN or infinite"):
        ivassign.solve_lap(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="NaN or infinite"):
        ivassign.solve_lap_batch(np.array([[[1.0, np.inf]]]))
    with pytest.raises(ValueError, match="3-dimensional"):
        ivassign.solve_lap_batch(np.ones((2, 2)))
    with pytest.raises(ValueError, match="threads"):
        ivassign.solve_lap_batch(np.ones((1, 2, 2)), threads=-1)


def test_lap_solves_from_several_python_threads_at_once():
    import threading
    rng = np.random.default_rng(5)
    batches = [rng.uniform(0, 10, size=(4, 30, 30)) for _ in range(6)]
    want = [ivassign.solve_lap_batch(b, threads=1).objective for b in batches]
    got, errors = [None] * len(batches), []

    def work(k):
        try:
            for _ in range(3):
                got[k] = ivassign.solve_lap_batch(batches[k], threads=2).objective
                assert ivassign.solve_lap(batches[k][0]).objective == want[k][0]
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)

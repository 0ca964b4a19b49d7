"""gvcg, audit and epic on the bundled social problems (../shared/data/social) against their
expected reports, compared as tests/social/test_social.cpp does; problems as paths, dicts and text."""
import json
import math

import pytest

import ivassign
from conftest import shared_dir

SOCIAL = shared_dir() / "data" / "social"


def close(got, want):
    return abs(got - want) <= max(1e-6 * max(abs(got), abs(want)), 1e-9)


def close_or_null(got, want):
    return got is None if want is None else (got is not None and close(got, want))


def want(name):
    path = SOCIAL / name
    if not path.is_file():
        pytest.fail(f"reference data not found at {path}: set IVASSIGN_SHARED_DIR")
    return json.loads(path.read_text())


@pytest.mark.parametrize("stages", [1, 2])
@pytest.mark.parametrize("form", ["path", "dict", "text", "problem"])
def test_gvcg_auction(stages, form):
    path = SOCIAL / "auction-rho0.9-u2.json"
    source = {"path": path, "dict": json.loads(path.read_text()) if path.is_file() else None,
              "text": path.read_text() if path.is_file() else None,
              "problem": ivassign.load_social_problem(str(path)) if path.is_file() else None}[form]
    got = ivassign.gvcg(source, stages=stages, threads=2)
    w = want(f"auction-rho0.9-u2.gvcg{stages}.expected.json")
    assert got["format"] == "ivassign-gvcg/1" and got["stages"] == stages
    for key in ("informational_size", "variability", "aggregate_uncertainty", "state_variability"):
        assert len(got[key]) == len(w[key])
        assert all(close_or_null(g, x) for g, x in zip(got[key], w[key])), key
    assert got["nonexclusive_information"] == w["nonexclusive_information"]
    assert close_or_null(got["epsilon"]["exact"], w["epsilon"]["exact"])
    assert close_or_null(got["epsilon"]["theorem"], w["epsilon"]["theorem"])
    assert close_or_null(got["epsilon"]["used"], w["epsilon"]["exact"])
    by_profile = {tuple(p["profile"]): p for p in got["profiles"]}
    assert len(by_profile) == len(w["profiles"])
    for wp in w["profiles"]:
        g = by_profile[tuple(wp["profile"])]
        assert close(g["welfare"], wp["welfare"])
        assert all(close_or_null(a, b) for a, b in zip(g["net"], wp["net"]))
        for i in range(len(g["net"])):
            assert close(g["net"][i], g["values"][i] + g["transfers"][i])
            assert g["rewards"][i] >= 0.0


def test_gvcg_settings():
    path = SOCIAL / "auction-rho0.9-u2.json"
    one = ivassign.gvcg(path, profiles=[0, 0, 0], epsilon=0.5)
    assert len(one["profiles"]) == 1 and one["profiles"][0]["profile"] == [0, 0, 0]
    assert one["epsilon"]["used"] == 0.5
    assert ivassign.gvcg(path, epsilon="theorem")["epsilon"]["used"] == pytest.approx(
        ivassign.gvcg(path)["epsilon"]["theorem"])
    with pytest.raises(ValueError, match="stages"):
        ivassign.gvcg(path, stages=3)
    with pytest.raises(ValueError, match="epsilon"):
        ivassign.gvcg(path, epsilon="huge")
    with pytest.raises(ValueError, match="epsilon"):
        ivassign.gvcg(path, epsilon=-1.0)


def test_audit_exchange():
    got = ivassign.audit(SOCIAL / "exchange-r0.95.json", backend="cpu")
    w = want("exchange-r0.95.audit.expected.json")
    assert got["format"] == "ivassign-audit/1" and got["backend"] == "cpu"
    assert close(got["bayesian"]["min_margin"], w["bayesian"]["min_margin"])
    assert got["bayesian"]["ic"] == w["bayesian"]["ic"]
    assert close(got["bayesian"]["worst"]["margin"], w["bayesian"]["worst"]["margin"])
    assert close(got["ex_post"]["max_gain"], w["ex_post"]["max_gain"])
    assert got["ex_post"]["ic"] == w["ex_post"]["ic"]
    assert close(got["ex_post"]["worst"]["gain"], w["ex_post"]["worst"]["gain"])
    assert close(got["weak_ex_post_epsilon"], w["weak_ex_post_epsilon"])
    for k in ("ex_post_min", "interim_min"):
        assert close(got["individual_rationality"][k], w["individual_rationality"][k]), k
    for k in ("max_deficit", "expected_deficit"):
        assert close(got["budget"][k], w["budget"][k]), k


def test_audit_needs_a_mechanism():
    with pytest.raises(ValueError, match="mechanism"):
        ivassign.audit(SOCIAL / "trade-a0.5-g5.json")


def test_epic_trade_implementable():
    got = ivassign.epic(SOCIAL / "trade-a0.5-g5.json", threads=1)
    w = want("trade-a0.5-g5.epic.expected.json")
    assert got["implementable"] is True
    assert len(got["transfers"]) == len(w["transfers"])
    for g, x in zip(got["transfers"], w["transfers"]):
        assert all(close_or_null(a, b) for a, b in zip(g, x))
    for k in ("max_deficit", "expected_deficit"):
        assert close(got["budget"][k], w["budget"][k]), k


def test_epic_trade_not_implementable():
    got = ivassign.epic(str(SOCIAL / "trade-a1.5-g4.json"))
    w = want("trade-a1.5-g4.epic.expected.json")
    assert got["implementable"] is False
    v = got["violation"]
    assert len(v["cycle"]) >= 2 and len(v["others"]) == 1
    assert v["gain"] > 1e-9 and close(v["gain"], w["violation"]["gain"])
    with pytest.raises(ValueError, match="rule"):
        ivassign.epic(SOCIAL / "trade-a1.5-g4.json", rule="best")


def test_bad_social_input():
    with pytest.raises(ValueError):
        ivassign.social_problem("{\"format\": \"ivassign-social/1\"}")
    with pytest.raises(ValueError):
        ivassign.social_problem(SOCIAL / "no-such-file.json")
    with pytest.raises(TypeError):
        ivassign.social_problem(3)

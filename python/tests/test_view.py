"""The notebook view: reports render the page of `ivassign view` (_repr_html_ in an iframe), with one
table row of data per buyer and, given an instance with geometry, one map cell per licence."""
import html
import json
import re

import pytest

import ivassign
from conftest import ROOT


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="ivassign-data">(.*?)</script>', page, re.S)
    assert m, "no data in the page"
    return json.loads(m.group(1))


def test_mechanism_report_renders_in_a_notebook():
    inst = ivassign.generate_spectrum(buyers=5, licences=8, states=2, seed=3)
    report = ivassign.run_mechanism(inst, delta=1.0)
    frame = report._repr_html_()
    assert frame.startswith("<iframe srcdoc=")
    page = html.unescape(re.search(r'srcdoc="(.*?)"', frame, re.S).group(1))
    data = page_data(page)
    assert data["kind"] == "mechanism"
    assert len(data["profiles"][0]["licence"]) == 5
    assert data["profiles"][0]["welfare"] == pytest.approx(float(report.welfare[0]), rel=0, abs=0)
    assert "<svg id=\"map\"" not in page  # no instance: no map
    with_map = report.view_html(inst)
    assert with_map.count('<rect class="lic"') == 8
    assert ivassign.view_html(report.to_dict(), instance=inst) == with_map


def test_check_and_replica_documents_render_and_stay_dicts():
    example = ROOT / "examples" / "spectrum-small.json"
    check = ivassign.check_incentives(example, threads=1)
    assert isinstance(check, dict) and check["format"] == "ivassign-check/1"
    assert page_data(ivassign.view_html(check))["kind"] == "check"
    assert "<iframe srcdoc=" in check._repr_html_()
    rep = ivassign.replica(ROOT / "examples" / "replica-base.json", sizes=[4, 8], threads=1)
    assert isinstance(rep, dict) and len(rep["rows"]) == 2
    assert page_data(ivassign.view_html(rep))["kind"] == "replica"


def test_bad_reports_are_input_errors_naming_the_key():
    with pytest.raises(ivassign.InputError, match="malformed JSON"):
        ivassign.view_html("{")
    with pytest.raises(ivassign.InputError, match="format"):
        ivassign.view_html({"format": "ivassign/1"})
    inst = ivassign.generate_spectrum(buyers=3, licences=4, states=2, seed=1)
    doc = ivassign.run_mechanism(inst, delta=1.0).to_dict()
    doc["profiles"][0]["transfers"] = doc["profiles"][0]["transfers"][:2]
    with pytest.raises(ivassign.InputError, match=r"profiles\[0\]\.transfers"):
        ivassign.view_html(doc)

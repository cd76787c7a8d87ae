"""End to end: simulated recordings (ground truth known) -> file -> `clonus assess --report
--context` and `clonus compare` -> reports that carry the measured numbers and the context."""

from __future__ import annotations

import json

import pytest

from clonus.cli.main import main

sim = pytest.importorskip("clonus.simulate")
pytest.importorskip("clonus.detect.motion")
files = pytest.importorskip("clonus.simulate.files")


@pytest.fixture(scope="module")
def trials(tmp_path_factory):
    d = tmp_path_factory.mktemp("e2e")
    out = {}
    # gain 0.03: sustained clonus over a 12 s hold; gain 0.02: clonus that dies out (sim tests)
    for name, kw in (
        ("before", dict(gain=0.03, duration_s=12.0)),
        ("after", dict(gain=0.02, duration_s=8.0)),
    ):
        tr = sim.simulate_trial(mode="held", seed=3, sensors=("imu",), **kw)
        paths = files.write_trial(tr, d / f"{name}.zip")
        out[name] = (paths[0], tr.truth)
    return d, out


def test_assess_with_report_and_context(trials, capsys):
    d, t = trials
    path, truth = t["before"]
    ctx = d / "ctx.json"
    ctx.write_text(
        json.dumps(
            {
                "subject_code": "SIM-1",
                "medications": ["sertraline 100 mg"],
                "signs": {"agitation": True},
                "onset": "new",
            }
        )
    )
    out = d / "before.html"
    rc = main(["assess", str(path), "--json", "--report", str(out), "--context", str(ctx)])
    assert rc == 0
    res = json.loads(capsys.readouterr().out)
    # detector vs truth: +-1 beat (the boundary beats, see compare.py noise model)
    assert abs(res["n_beats"] - truth.n_beats) <= 1
    inter = res["interpretation"]
    assert inter["highest_level"] == "urgent"  # sensor clonus = inducible clonus, + agitation, SSRI
    assert inter["hunter"]["rules_met"] == [2]
    html = out.read_text()
    assert 'id="urgent-banner"' in html and "SIM-1" in html
    assert f"<td>{res['n_beats']}</td>" in html
    assert html.count('class="plot plot-') == 3


def test_fhir_and_csv_from_cli(trials, capsys):
    d, t = trials
    path, truth = t["after"]
    fhir_path = d / "after.fhir.json"
    assert main(["assess", str(path), "--json", "--report", str(fhir_path)]) == 0
    res = json.loads(capsys.readouterr().out)
    from clonus.report import check_observation_r4

    obs = json.loads(fhir_path.read_text())
    assert check_observation_r4(obs) == []
    comps = {c["code"]["coding"][0]["code"]: c for c in obs["component"]}
    assert comps["beat-count"]["valueQuantity"]["value"] == res["n_beats"]
    assert abs(res["n_beats"] - truth.n_beats) <= 1
    assert comps["sustained"]["valueBoolean"] is truth.sustained


def test_compare_before_after(trials, capsys):
    d, t = trials
    out = d / "compare.html"
    rc = main(
        [
            "compare",
            str(t["before"][0]),
            str(t["after"][0]),
            "--label",
            "before",
            "--label",
            "after",
            "--report",
            str(out),
            "--json",
        ]
    )
    assert rc == 0
    res = json.loads(capsys.readouterr().out)
    rows = {r["measure"]: r for r in res["comparisons"][0]["rows"]}
    true_change = t["after"][1].n_beats - t["before"][1].n_beats
    assert abs(rows["beat count"]["change"] - true_change) <= 2  # +-1 beat in each assessment
    assert rows["beat count"]["exceeds_noise"] is True  # 57 -> 37 beats: well beyond 2
    assert "after vs before" in out.read_text()

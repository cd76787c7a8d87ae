"""A real recording (gaitmap, MIT: walking of a person with multiple sclerosis, no clonus; see
shared/data/real/README.md) through `clonus assess --report`: ordinary movement must not turn into
clonus statements in the report."""

from __future__ import annotations

import json

import pytest

from clonus.cli.main import main

pytestmark = pytest.mark.requires_data
pytest.importorskip("clonus.detect.motion")


def test_walking_recording_report(real_data, tmp_path, capsys):
    path = real_data / "gaitmap_foot_imu" / "imu_sample_ms_left.csv"
    ctx = tmp_path / "ctx.json"
    ctx.write_text(
        json.dumps(
            {
                "subject_code": "GAITMAP-MS",
                "history": {"conditions": ["multiple_sclerosis"]},
                "medications": [],
            }
        )
    )
    out = tmp_path / "walk.html"
    assert main(["assess", str(path), "--json", "--report", str(out), "--context", str(ctx)]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["classification"] != "clonus"  # the recording has no clonus (README)
    ids = {s["id"] for s in res["interpretation"]["statements"]}
    assert res["interpretation"]["highest_level"] == "info"
    assert not any(i.startswith(("consult.", "condition.", "next.")) for i in ids)
    html = out.read_text()
    assert 'class="plot plot-signal"' in html  # the real signal is plotted
    assert "gaitmap_foot_imu" not in html  # folder names never appear, only the file name
    assert "imu_sample_ms_left.csv" in html
    from clonus.model import Assessment
    from clonus.report import check_observation_r4, to_fhir

    obs = to_fhir(Assessment.from_dict(res))  # the saved JSON contract is enough for FHIR
    assert check_observation_r4(obs) == []
    comps = {c["code"]["coding"][0]["code"]: c for c in obs["component"]}
    assert comps["beat-count"]["valueQuantity"]["value"] == res["n_beats"]

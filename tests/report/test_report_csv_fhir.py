"""Tidy beats CSV and the FHIR R4 Observation (validated against the R4 structure)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from _report_helpers import make_assessment

from clonus.clinical import ClinicalContext, interpret
from clonus.report import beats_csv, check_observation_r4, to_fhir, write_report
from clonus.report.fhir import LOCAL_SYSTEM
from clonus.report.tables import BEAT_COLUMNS


def test_beats_csv_matches_beats():
    a = make_assessment(n_beats=7, freq_hz=5.0)
    rows = list(csv.DictReader(io.StringIO(beats_csv(a))))
    assert tuple(rows[0]) == BEAT_COLUMNS
    assert len(rows) == 7
    for r, b in zip(rows, a.beats, strict=True):
        assert float(r["time_s"]) == pytest.approx(b.time_s, abs=1e-5)  # 6 significant digits
        assert r["amplitude_unit"] == "deg"
    assert rows[0]["period_s"] == "" and rows[0]["instantaneous_frequency_hz"] == ""
    assert float(rows[3]["instantaneous_frequency_hz"]) == pytest.approx(5.0, rel=1e-5)


def test_csv_for_several_assessments(tmp_path):
    p = write_report(
        tmp_path / "beats.csv",
        [make_assessment(n_beats=3, source="a.csv"), make_assessment(n_beats=5, source="b.csv")],
    )
    rows = list(csv.DictReader(io.StringIO(p.read_text())))
    assert [r["assessment"] for r in rows] == ["a.csv"] * 3 + ["b.csv"] * 5


def test_empty_csv_has_header():
    text = beats_csv(make_assessment(n_beats=0))
    assert text.strip() == ",".join(BEAT_COLUMNS)


def _components(obs):
    return {c["code"]["coding"][0]["code"]: c for c in obs["component"]}


def test_fhir_observation_valid_r4():
    r4b = pytest.importorskip("fhir.resources.R4B.observation")
    a = make_assessment(n_beats=12, sustained=True)
    ctx = ClinicalContext.from_dict(
        {"subject_code": "P-9", "identifiers": {"name": "Jane Example"}}
    )
    obs = to_fhir(a, context=ctx, interpretation=interpret(a, ctx))
    assert check_observation_r4(obs) == []
    r4b.Observation.model_validate(obs)  # raises on any structural error
    comps = _components(obs)
    assert comps["beat-count"]["valueQuantity"]["value"] == 12
    assert comps["beat-count"]["valueQuantity"]["code"] == "{beats}"
    assert comps["frequency"]["valueQuantity"]["value"] == pytest.approx(6.0)
    assert comps["frequency"]["valueQuantity"]["system"] == "http://unitsofmeasure.org"
    assert comps["duration"]["valueQuantity"]["value"] == pytest.approx(a.clonus_duration_s)
    assert comps["sustained"]["valueBoolean"] is True
    for scale in ("scats_clonus", "csi_clonus", "tardieu_quality"):
        cc = comps[f"grade-{scale}"]["valueCodeableConcept"]["coding"][0]
        assert cc["code"] == str(a.grades[scale].value)
        assert cc["version"] == a.grades[scale].version
    assert obs["code"]["coding"][0]["system"] == LOCAL_SYSTEM
    assert obs["subject"] == {
        "identifier": {"system": obs["subject"]["identifier"]["system"], "value": "P-9"}
    }
    assert "Jane" not in json.dumps(obs)
    assert any("not a diagnosis" in n["text"].lower() for n in obs["note"])
    assert obs["interpretation"][0]["coding"][0]["code"] == "A"


def test_fhir_indeterminate_uses_data_absent_reason():
    r4b = pytest.importorskip("fhir.resources.R4B.observation")
    a = make_assessment(n_beats=0, classification="indeterminate", grades={})
    obs = to_fhir(a)
    assert check_observation_r4(obs) == []
    r4b.Observation.model_validate(obs)
    comps = _components(obs)
    assert "valueQuantity" not in comps["beat-count"]
    assert comps["beat-count"]["dataAbsentReason"]["coding"][0]["code"] == "error"
    assert "interpretation" not in obs


def test_fhir_bundle_file(tmp_path):
    bundle_mod = pytest.importorskip("fhir.resources.R4B.bundle")
    p = write_report(
        tmp_path / "x.fhir.json", [make_assessment(n_beats=4), make_assessment(n_beats=8)]
    )
    doc = json.loads(p.read_text())
    assert doc["resourceType"] == "Bundle" and len(doc["entry"]) == 2
    bundle_mod.Bundle.model_validate(doc)
    for e in doc["entry"]:
        assert check_observation_r4(e["resource"]) == []


@pytest.mark.parametrize(
    "mutate,msg",
    [
        (lambda o: o.update(status="done"), "status"),
        (lambda o: o.pop("code"), "code"),
        (lambda o: o["component"][0].update(valueBoolean=True), "several value"),
        (lambda o: o["component"][1].update(dataAbsentReason={"text": "x"}), "obs-6"),
        (lambda o: o["component"][0].pop("valueQuantity"), "needs value"),
    ],
)
def test_structural_check_catches_errors(mutate, msg):
    obs = to_fhir(make_assessment(n_beats=6))
    mutate(obs)
    assert any(msg in e for e in check_observation_r4(obs))


def test_emg_assessment_units():
    from dataclasses import replace

    a = replace(
        make_assessment(n_beats=6, with_trace=False), amplitude_unit="uV", signal_kind="emg"
    )
    obs = to_fhir(a)
    amp = _components(obs)["amplitude-median"]["valueQuantity"]
    assert (
        amp["unit"] == "uV" and amp["code"] == "uV" and amp["system"] == "http://unitsofmeasure.org"
    )
    assert "emg recording" in obs["method"]["text"]
    rows = list(csv.DictReader(io.StringIO(beats_csv(a))))
    assert {r["amplitude_unit"] for r in rows} == {"uV"} and {r["signal_kind"] for r in rows} == {
        "emg"
    }


def test_fhir_from_saved_json_without_rate_or_frequency():
    # Assessment.from_dict of an older/partial JSON: fs_hz missing (NaN), frequency NaN.
    from dataclasses import replace

    a = replace(
        make_assessment(n_beats=2, with_trace=False), fs_hz=float("nan"), frequency_hz=float("nan")
    )
    obs = to_fhir(a)
    assert check_observation_r4(obs) == []
    json.dumps(obs, allow_nan=False)  # no NaN leaks into the JSON
    assert (
        _components(obs)["frequency"]["dataAbsentReason"]["coding"][0]["code"] == "not-applicable"
    )
    assert "sampling rate unknown" in obs["method"]["text"]

"""CLI: `clonus context --template/--check` and `clonus compare`."""

from __future__ import annotations

import json

from _report_helpers import make_assessment

from clonus.cli.main import main


def test_context_template_round_trip(tmp_path, capsys):
    out = tmp_path / "ctx.json"
    assert main(["context", "--template", "--out", str(out)]) == 0
    d = json.loads(out.read_text())
    assert "_about" in d and d["signs"]["agitation"] is None
    # fill it in and check it
    d["medications"] = ["tramadol"]
    d["signs"]["tremor"] = True
    d["signs"]["hyperreflexia"] = True
    out.write_text(json.dumps(d))
    capsys.readouterr()
    assert main(["context", "--check", str(out), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["interpretation"]["highest_level"] == "urgent"
    assert res["interpretation"]["hunter"]["rules_met"] == [4]


def test_context_template_to_stdout_and_refuses_overwrite(tmp_path, capsys):
    assert main(["context", "--template"]) == 0
    assert json.loads(capsys.readouterr().out)["subject_code"] == ""
    out = tmp_path / "ctx.json"
    out.write_text("{}")
    assert main(["context", "--template", "--out", str(out)]) == 4
    assert "--force" in capsys.readouterr().err
    assert main(["context"]) == 4


def test_context_check_bad_field(tmp_path, capsys):
    p = tmp_path / "c.json"
    p.write_text('{"signs": {"temperature_c": "high"}}')
    assert main(["context", "--check", str(p)]) == 4
    assert "signs.temperature_c" in capsys.readouterr().err


def _save(tmp_path, name, a):
    p = tmp_path / name
    p.write_text(json.dumps(a.to_dict()))
    return p


def test_compare_saved_assessments(tmp_path, capsys):
    a = _save(tmp_path, "before.json", make_assessment(n_beats=20, source=""))
    b = _save(tmp_path, "after.json", make_assessment(n_beats=4, source=""))
    out = tmp_path / "cmp.html"
    assert main(["compare", str(a), str(b), "--report", str(out), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    row = next(r for r in res["comparisons"][0]["rows"] if r["measure"] == "beat count")
    assert row["change"] == -16 and row["exceeds_noise"] is True
    html = out.read_text()
    assert "after.json vs before.json" in html and "Comparison" in html


def test_compare_text_and_errors(tmp_path, capsys):
    a = _save(tmp_path, "a.json", make_assessment(n_beats=8))
    b = _save(tmp_path, "b.json", make_assessment(n_beats=9))
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "beat count: 8 -> 9" in out and "within noise" in out and "not a diagnosis" in out
    assert main(["compare", str(a)]) == 4
    assert main(["compare", str(a), str(tmp_path / "missing.json")]) == 3
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert main(["compare", str(a), str(bad)]) == 3

"""ClinicalContext: JSON round trip, template, and clear errors naming the bad field."""

from __future__ import annotations

import json

import pytest

from clonus.clinical import ClinicalContext, context_template, load_context
from clonus.exceptions import FileFormatError, InvalidParameterError

FULL = {
    "subject_code": "P-017",
    "identifiers": {"name": "Jane Example", "birth_date": "1970-01-01"},
    "age_years": 54,
    "onset": "new",
    "persistent": True,
    "severity": "moderate",
    "interferes_with": {"walking": True, "sleep": None},
    "medications": ["sertraline 100 mg", "tramadol"],
    "medication_changes": [{"name": "tramadol", "change": "started", "days_ago": 2}],
    "signs": {"agitation": True, "diaphoresis": False, "temperature_c": 37.4, "tremor": None},
    "symptoms": {"headache": False, "weakness": True},
    "history": {"conditions": ["multiple_sclerosis"], "family_history": "none known", "notes": ""},
    "stretch_applied": None,
    "notes": "seen in clinic",
}


def test_round_trip():
    ctx = ClinicalContext.from_dict(FULL)
    assert (
        ctx.signs.agitation is True and ctx.signs.diaphoresis is False and ctx.signs.tremor is None
    )
    assert ctx.signs.temperature_c == 37.4
    assert ctx.medication_changes[0].change == "started"
    assert ctx.history_conditions == ("multiple_sclerosis",)
    again = ClinicalContext.from_dict(json.loads(json.dumps(ctx.to_dict())))
    assert again == ctx


def test_identifiers_can_be_left_out_of_to_dict():
    ctx = ClinicalContext.from_dict(FULL)
    assert "identifiers" not in ctx.to_dict(include_identifiers=False)
    assert ctx.to_dict()["identifiers"]["name"] == "Jane Example"


def test_sweating_alias():
    assert ClinicalContext.from_dict({"signs": {"sweating": True}}).signs.diaphoresis is True


def test_template_is_valid_and_all_unknown(tmp_path):
    p = tmp_path / "ctx.json"
    p.write_text(json.dumps(context_template()))
    ctx = load_context(p)
    assert ctx == ClinicalContext()
    assert ctx.medications is None  # "not known", different from "none taken"


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"signs": {"temperature_c": "hot"}}, "signs.temperature_c"),
        ({"signs": {"temperature_c": 101.0}}, "signs.temperature_c"),  # Fahrenheit by mistake
        ({"signs": {"agitaton": True}}, "signs.agitaton"),
        ({"signs": {"agitation": "yes"}}, "signs.agitation"),
        ({"symptom": {"headache": True}}, "symptom"),
        ({"onset": "sudden"}, "onset"),
        ({"medications": "sertraline"}, "medications"),
        (
            {"medication_changes": [{"name": "x", "change": "paused"}]},
            "medication_changes[0].change",
        ),
        ({"history": {"conditions": ["flu"]}}, "history.conditions[0]"),
        ({"age_years": -3}, "age_years"),
        ({"interferes_with": {"walking": 1}}, "interferes_with.walking"),
    ],
)
def test_errors_name_the_field(bad, field):
    with pytest.raises(InvalidParameterError, match=rf"'{__import__('re').escape(field)}'"):
        ClinicalContext.from_dict(bad)


def test_load_context_file_errors(tmp_path):
    with pytest.raises(FileFormatError, match="not found"):
        load_context(tmp_path / "missing.json")
    p = tmp_path / "broken.json"
    p.write_text('{"onset": "new",\n "signs": {]}')
    with pytest.raises(FileFormatError, match="line 2"):
        load_context(p)
    p.write_text("[1, 2]")
    with pytest.raises(FileFormatError, match="JSON object"):
        load_context(p)
    p.write_text('{"signs": {"tremor": "maybe"}}')
    with pytest.raises(InvalidParameterError, match=r"broken.json: .*'signs.tremor'"):
        load_context(p)

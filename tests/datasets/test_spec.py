"""BuildSpec: what a valid spec is, and one spec for the same choices."""
from __future__ import annotations

import pytest

from curation.services.datasets.spec import BuildSpec, InvalidSpec


def test_a_spec_survives_its_json():
    spec = BuildSpec(source="auto", teacher_models=("r1",), min_steps=2, ratings="no-negative")

    assert BuildSpec.from_json(spec.to_json()) == spec


def test_the_order_of_choices_does_not_change_the_spec():
    one = BuildSpec(formats=("steps", "srl"), teacher_models=("b", "a"),
                    statuses=("auto", "approved"))
    other = BuildSpec(formats=("srl", "steps"), teacher_models=("a", "b", "a"),
                      statuses=("approved", "auto"))

    assert one == other and one.formats == ("srl", "steps")


@pytest.mark.parametrize("changes,message", [
    ({"source": "everything"}, "source 'everything' is not one of"),
    ({"formats": ("srl", "csv")}, "unknown formats"),
    ({"formats": ()}, "at least one format"),
    ({"containers": ("zip",)}, "unknown containers"),
    ({"statuses": ("draft",)}, "unknown statuses"),
    ({"ratings": "nice"}, "ratings 'nice'"),
    ({"min_steps": -1}, "min_steps must be a non-negative integer"),
    ({"min_tokens": 9, "max_tokens": 3}, "min_tokens \\(9\\) is above max_tokens \\(3\\)"),
    ({"source_key": "a__b"}, "source key"),
    ({"source_value": "x"}, "a source value needs a source key"),
    ({"split_ratios": (0.5, 0.5, 0.5)}, "add up to 1"),
])
def test_an_impossible_spec_is_refused_with_the_reason(changes, message):
    with pytest.raises(InvalidSpec, match=message):
        BuildSpec(**changes)


def test_unknown_fields_in_stored_json_are_refused():
    with pytest.raises(InvalidSpec, match="unknown spec fields: colour"):
        BuildSpec.from_json({"colour": "red"})


def test_the_rating_rule_becomes_the_export_core_s_filter():
    assert [f.__name__ for f in BuildSpec(ratings="through-first-negative").trace_filters] == [
        "keep_steps_through_first_negative"]

"""One check for every setting (services.projects.clean_settings), shared by page, API, command."""
from __future__ import annotations

import pytest

from curation.models import Step
from curation.segment.schema import is_hex_colour, validate_label_schema
from curation.services.projects import SettingsError, change_settings, clean_settings
from curation.services.segmentation import check_config
from tests.factories import add_segmentation, add_trace


def schema_with(project, **changes_by_key):
    labels = [dict(label) for label in project.label_schema]
    for label in labels:
        label.update(changes_by_key.get(label["key"], {}))
    return labels


def test_an_unknown_segmentation_parameter_is_refused_with_the_segmenters_message(project):
    with pytest.raises(SettingsError) as refused:
        clean_settings(project, {"segmentation": {"strategy": "paragraphs", "params": {"max_tokenz": 3}}})
    assert refused.value.errors["segmentation"] == ["Unknown parameter(s) for paragraphs: max_tokenz."]


def test_auto_takes_only_parameters_every_strategy_it_may_pick_accepts():
    with pytest.raises(ValueError, match="unknown parameter.*for solution: max_tokens"):
        check_config({"strategy": "auto", "params": {"max_tokens": 50}})


def test_per_field_strategies_are_checked_field_by_field():
    good = {"fields": {"reasoning": {"strategy": "discourse", "params": {"granularity": "move"}}}}
    assert check_config(good)["fields"]["reasoning"]["params"] == {"granularity": "move"}
    with pytest.raises(ValueError, match="reasoning: granularity must be one of"):
        check_config({"fields": {"reasoning": {"strategy": "discourse", "params": {"granularity": "x"}}}})
    with pytest.raises(ValueError, match="no such field"):
        check_config({"fields": {"answer": {"strategy": "solution"}}})


def test_every_bad_setting_is_named_at_once(project):
    with pytest.raises(SettingsError) as refused:
        clean_settings(project, {"overlap": 0, "gold_rate": 2, "agreement_unit": "words", "colour": "x"})
    assert set(refused.value.errors) == {"overlap", "gold_rate", "agreement_unit", "colour"}


def test_max_annotators_may_not_be_below_the_overlap(project):
    with pytest.raises(SettingsError) as refused:
        clean_settings(project, {"overlap": 3, "max_annotators": 2})
    assert "max_annotators" in refused.value.errors


@pytest.mark.parametrize("colour", ["red", "#12", "#1234567", "url(x)", "#4e79a7;x"])
def test_a_colour_that_is_not_hex_is_refused(colour):
    assert not is_hex_colour(colour)
    with pytest.raises(ValueError, match="colour"):
        validate_label_schema([{"key": "a", "name": "A", "colour": colour}])


def test_keys_and_shortcuts_are_unique():
    with pytest.raises(ValueError, match="share the key"):
        validate_label_schema([{"key": "a", "name": "A", "colour": "#fff"}, {"key": "a", "name": "B", "colour": "#fff"}])
    with pytest.raises(ValueError, match="share the shortcut"):
        validate_label_schema([{"key": "a", "name": "A", "colour": "#fff", "shortcut": "1"},
                               {"key": "b", "name": "B", "colour": "#fff", "shortcut": "1"}])


def test_renaming_a_type_relabels_its_steps(project):
    seg = add_segmentation(add_trace(project, 1))
    seg.steps.update(type="plan")
    change_settings(project, {"label_schema": schema_with(project, plan={"key": "planning"}),
                              "relabel": {"plan": "planning"}})
    assert set(Step.objects.filter(segmentation=seg).values_list("type", flat=True)) == {"planning"}
    assert "planning" in [label["key"] for label in project.label_schema]


def test_two_types_can_swap_names_in_one_save(project):
    seg = add_segmentation(add_trace(project, 1))
    first, second = list(seg.steps.order_by("position"))[:2]
    Step.objects.filter(pk=first.pk).update(type="plan")
    Step.objects.filter(pk=second.pk).update(type="verify")
    schema = schema_with(project, plan={"key": "verify"}, verify={"key": "plan"})
    change_settings(project, {"label_schema": schema, "relabel": {"plan": "verify", "verify": "plan"}})
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.type, second.type) == ("verify", "plan")


def test_retiring_a_type_in_use_asks_which_type_its_steps_become(project):
    seg = add_segmentation(add_trace(project, 1))
    seg.steps.update(type="backtrack")
    schema = [label for label in project.label_schema if label["key"] != "backtrack"]
    with pytest.raises(SettingsError, match="'backtrack' is used by existing steps"):
        clean_settings(project, {"label_schema": schema})
    change_settings(project, {"label_schema": schema, "relabel": {"backtrack": "verify"}})
    assert set(seg.steps.values_list("type", flat=True)) == {"verify"}


def test_retiring_an_unused_type_needs_no_answer(project):
    schema = [label for label in project.label_schema if label["key"] != "conclude"]
    change_settings(project, {"label_schema": schema})
    project.refresh_from_db()
    assert "conclude" not in [label["key"] for label in project.label_schema]


def test_steps_of_another_project_are_never_relabelled(project, other_project):
    mine = add_segmentation(add_trace(project, 1))
    theirs = add_segmentation(add_trace(other_project, 1))
    mine.steps.update(type="plan")
    theirs.steps.update(type="plan")
    change_settings(project, {"label_schema": schema_with(project, plan={"key": "p2"}), "relabel": {"plan": "p2"}})
    assert set(theirs.steps.values_list("type", flat=True)) == {"plan"}


def test_the_command_refuses_a_bad_parameter_with_the_segmenters_message(project):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Unknown parameter\\(s\\) for paragraphs: max_tokenz"):
        call_command("project_settings", "alpha", "--set", 'segmentation={"strategy": "paragraphs", "params": {"max_tokenz": 1}}')
    call_command("project_settings", "alpha", "--set", "overlap=2")
    project.refresh_from_db()
    assert project.overlap == 2

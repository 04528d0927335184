"""`glutewake config region`: where the user lives decides every number the advice names."""

from __future__ import annotations

import json

from click.testing import CliRunner

from glutewake.cli import main

EMERGENCY = {"age": 40, "sex": "male", "duration_days": 3, "answers": {"bladder_change": True}}


def test_the_region_is_shown_set_and_used_by_the_check() -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["config", "region"])
    assert shown.exit_code == 0
    assert "Region: uk, United Kingdom (the default" in shown.output
    assert "au  Australia: emergency 000" in shown.output
    saved = runner.invoke(main, ["config", "region", "AU"])
    assert saved.exit_code == 0
    assert "Saved: Australia. In an emergency glutewake will tell you to call 000." in saved.output
    result = json.loads(
        runner.invoke(main, ["check", "--answers", "-", "--json"], input=json.dumps(EMERGENCY)).stdout
    )
    assert result["title"] == "Emergency: call 000 or go to the emergency department now"
    assert "999" not in json.dumps(result)


def test_a_case_can_name_its_own_region() -> None:
    case = {**EMERGENCY, "region": "ie"}
    out = CliRunner().invoke(main, ["check", "--answers", "-", "--json"], input=json.dumps(case))
    assert (
        json.loads(out.stdout)["title"]
        == "Emergency: call 112 (or 999) or go to the emergency department (A&E) now"
    )
    bad = CliRunner().invoke(
        main, ["check", "--answers", "-", "--json"], input=json.dumps({**case, "region": "xx"})
    )
    assert bad.exit_code == 2
    assert "region: 'xx' is not a region glutewake knows" in bad.stderr


def test_an_unknown_region_is_refused_and_nothing_changes() -> None:
    runner = CliRunner()
    refused = runner.invoke(main, ["config", "region", "mars"])
    assert refused.exit_code == 2
    assert "'mars' is not a region glutewake knows; choose one of uk (United Kingdom)" in refused.stderr
    assert "Region: uk" in runner.invoke(main, ["config", "region"]).output

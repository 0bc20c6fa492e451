"""The README's scenario files and commands, as a newcomer would paste them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

import aipower
from aipower import sweep
from aipower.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
SCENARIO_FILES = [block for block in re.findall(r"```toml\n(.*?)```", README, re.S) if "[scenario]" in block]


def test_the_readme_shows_scenario_files():
    assert len(SCENARIO_FILES) >= 2


@pytest.mark.parametrize("text", SCENARIO_FILES)
def test_every_readme_scenario_file_loads_and_runs(tmp_path, text):
    f = tmp_path / "scenario.toml"
    f.write_text(text, encoding="utf-8")
    r = aipower.run(f)
    assert r.hours.loc["coal", 2030] > 0
    # The worksheet functions' share argument is a fraction whatever unit the file uses.
    assert aipower.required_wind_solar(f, target_share=0.29).target_share == pytest.approx(0.29)


def test_the_readme_sweep_command_runs_on_its_ranges_file(tmp_path):
    text = next(t for t in SCENARIO_FILES if "# my_ranges.toml" in t)
    (tmp_path / "my_ranges.toml").write_text(text, encoding="utf-8")
    assert {u.key for u in sweep.uncertain_inputs(tmp_path / "my_ranges.toml")} >= {"renewables.target_share"}
    command = re.search(r"aipower sweep --scenario my_ranges\.toml .*?--out my_sweep/", README, re.S).group(0)
    args = shlex.split(command.replace("\\\n", " "))[1:]
    args = [str(tmp_path / a) if a in ("my_ranges.toml", "my_sweep/") else a for a in args]
    args[args.index("--samples") + 1] = "2000"  # the README's 200,000, smaller
    assert main([*args, "--no-progress"]) == 0
    assert (tmp_path / "my_sweep" / "tornado.csv").exists()


def test_the_command_line_section_shows_every_option():
    import argparse

    from aipower.cli import _parser

    section = README[README.index("## Command line"):README.index("## Excel")]
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, parser in sub.choices.items():
        assert f"aipower {name}" in section, name
        for action in parser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in section, (name, option)

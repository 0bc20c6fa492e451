import re
import textwrap

import pandas as pd
import pytest

import aipower
from aipower import ScenarioError, load_scenario


def write(tmp_path, text, name="my.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["base", "ai"])
def test_every_assumption_has_value_unit_and_source(name):
    sc = load_scenario(name)
    assert len(sc.assumptions()) > 50
    for a in sc.assumptions():
        assert a.unit, a.key
        assert a.source and not a.source.startswith("set in"), a.key
        if isinstance(a.value, list) and a.value and isinstance(a.value[0], dict):
            for seg in a.value:
                assert seg.get("source"), (a.key, seg)
                assert seg.get("unit"), (a.key, seg)


def test_ai_inherits_base_and_overrides_data_centers():
    base, ai = load_scenario("base"), load_scenario("ai")
    assert ai.get("demand.secondary.segments") == base.get("demand.secondary.segments")
    assert ai.get("demand.data_centers.segments") != base.get("demand.data_centers.segments")
    assert ai.assumption("demand.data_centers.segments").origin.endswith(".toml:" + ai.assumption("demand.data_centers.segments").origin.split(":")[-1])


def test_user_file_overrides_a_subset(tmp_path):
    path = write(tmp_path, """
        [scenario]
        name = "low share"
        parent = "ai"
        [renewables]
        target_share = { value = 28, unit = "%", source = "my assumption" }
    """)
    sc = load_scenario(path)
    assert sc.name == "low share"
    assert sc.get("renewables.target_share") == pytest.approx(0.28)
    assert sc.get("demand.data_centers.segments") == load_scenario("ai").get("demand.data_centers.segments")
    r = aipower.run(path)
    assert r.requirement.target_share == pytest.approx(0.28)


def test_units_convert(tmp_path):
    path = write(tmp_path, """
        [scenario]
        parent = "base"
        [demand.ev_charging]
        start = { value = 117.2, unit = "TWh", source = "same as the seed, in TWh" }
    """)
    assert load_scenario(path).get("demand.ev_charging.start") == pytest.approx(load_scenario("base").get("demand.ev_charging.start"))


def test_unknown_key_names_file_line_and_suggests(tmp_path):
    path = write(tmp_path, """
        [scenario]
        parent = "base"

        [renewables]
        target_shar = { value = 0.3, unit = "fraction" }
    """)
    with pytest.raises(ScenarioError, match=r"my\.toml:6: unknown assumption 'renewables\.target_shar' \(did you mean 'renewables\.target_share'\?\)"):
        load_scenario(path)


def test_wrong_type_and_wrong_unit(tmp_path):
    path = write(tmp_path, """
        [scenario]
        parent = "base"
        [renewables]
        target_share = { value = "thirty", unit = "fraction" }
    """)
    with pytest.raises(ScenarioError, match=r"my\.toml:5: renewables\.target_share = 'thirty': expected number, got string"):
        load_scenario(path)
    path = write(tmp_path, """
        [scenario]
        parent = "base"
        [renewables]
        target_share = { value = 0.3, unit = "GW" }
    """)
    with pytest.raises(ScenarioError, match=r"unit 'GW' does not match the expected unit 'fraction'"):
        load_scenario(path)


def test_bad_choice_and_bad_segment(tmp_path):
    path = write(tmp_path, """
        [scenario]
        parent = "base"
        [renewables]
        mode = { value = "maybe", unit = "choice" }
    """)
    with pytest.raises(ScenarioError, match=r"renewables\.mode = 'maybe': expected one of 'target', 'fixed'"):
        load_scenario(path)
    path = write(tmp_path, """
        [scenario]
        parent = "base"
        [demand.secondary]
        segments = [ { method = "linear", years = [2025, 2035], rate = 0.02, unit = "fraction/yr" } ]
    """)
    with pytest.raises(ScenarioError, match=r"my\.toml:5: demand\.secondary\.segments\[0\]: method = 'linear'"):
        load_scenario(path)


def test_malformed_toml_names_file_and_line(tmp_path):
    path = write(tmp_path, """
        [scenario]
        parent = "base"
        [renewables
    """)
    with pytest.raises(ScenarioError, match=r"my\.toml: malformed TOML: .*line 4"):
        load_scenario(path)


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe[scenario]", r"bad\.toml: not UTF-8 text \(byte 0\); expected a TOML scenario file"),
    (None, r"bad\.toml: cannot read scenario file: Is a directory"),
])
def test_an_unreadable_scenario_file_is_named(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(ScenarioError, match=message):
        load_scenario(path)


@pytest.mark.parametrize("text, words", [
    ('[scenario]\nname = "x"\nparnet = "ai"\n', "my.toml:3: [scenario] parnet is not a field (did you mean 'parent'?)"),
    ('[scenario]\nparent = "ai"\nauthor = "me"\n', "my.toml:3: [scenario] author is not a field; expected name, description, parent"),
])
def test_unknown_scenario_fields_are_refused(tmp_path, text, words):
    # A misspelt parent would otherwise run on the root defaults without a word
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, text))
    assert words in str(info.value)


@pytest.mark.parametrize("table, segment, words", [
    ("demand.data_centers", '{ method = "growth", years = [2025, 2035], rate = 0.2, unit = "GW", source = "x" }',
     "segments[0]: unit 'GW' does not fit method 'growth': expected fraction/yr"),
    ("demand.data_centers", '{ method = "increment", years = [2025, 2035], value = 100, unit = "yi kWh", source = "x" }',
     "unit 'yi kWh' does not fit method 'increment': expected TWh/yr"),
    ("demand.tertiary_core", '{ method = "change", years = [2025, 2035], change = 0.1, from_year = 2024, unit = "fraction/yr", source = "x" }',
     "unit 'fraction/yr' does not fit method 'change': expected fraction"),
    ("hours.wind", '{ method = "target", years = [2025, 2035], value = 2000, unit = "GW", source = "x" }',
     "unit 'GW' does not fit method 'target': expected h"),
])
def test_a_segment_unit_must_fit_its_method_and_series(tmp_path, table, segment, words):
    # Only the value was converted before: a rate in GW ran as a fraction, an energy as a yearly one
    key = "additions" if table.startswith("supply") else "segments"
    path = write(tmp_path, f'[scenario]\nparent = "ai"\n[{table}]\n{key} = [ {segment} ]\n')
    with pytest.raises(ScenarioError) as info:
        aipower.run(path)
    assert words in str(info.value) and "my.toml:4" in str(info.value)


def test_segment_units_that_convert_still_work(tmp_path):
    path = write(tmp_path, '[scenario]\nparent = "ai"\n[supply.coal]\n'
                           'additions = [ { method = "increment", years = [2025, 2035], value = 2000, unit = "万kW/yr", source = "x" } ]\n')
    same = aipower.run("ai", overrides={"supply.coal.additions": [
        {"method": "increment", "years": [2025, 2035], "value": 20, "unit": "GW/yr", "source": "x"}]})
    assert aipower.run(path).capacity.loc["coal"].tolist() == pytest.approx(same.capacity.loc["coal"].tolist(), rel=1e-12)


def test_circular_parents(tmp_path):
    write(tmp_path, '[scenario]\nparent = "b.toml"\n', "a.toml")
    write(tmp_path, '[scenario]\nparent = "a.toml"\n', "b.toml")
    with pytest.raises(ScenarioError, match="circular parents"):
        load_scenario(tmp_path / "a.toml")


def test_missing_scenario(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError, match="'nope': no such file in .*, and not a shipped scenario") as info:
        load_scenario("nope")
    assert f" in {tmp_path.resolve()}," in str(info.value)  # relative: the folder searched (Excel's is not the workbook's)
    with pytest.raises(ScenarioError, match=r"none.toml': no such file, and not"):  # absolute: the path says where
        load_scenario(tmp_path / "none.toml")


def test_override_errors():
    with pytest.raises(ScenarioError, match="override 'renewables__target_shar': unknown assumption"):
        aipower.run("base", renewables__target_shar=0.3)
    with pytest.raises(ScenarioError, match="expected number, got string"):
        aipower.run("base", overrides={"renewables.target_share": "high"})
    years = pd.Series([1.0] * 12, index=range(2035, 2023, -1))  # labels a plain list would drop
    with pytest.raises(ScenarioError, match=r"override 'supply.coal.retirements': a pandas Series of 12 rows: expected "
                                            r"a number or a list of numbers, one per model year in order"):
        aipower.run("base", overrides={"supply.coal.retirements": years})


@pytest.mark.parametrize("key", ["renewables.wind_fraction", "renewables.target_share", "horizon.end_year",
                                 "demand.ev_tertiary_share"])
def test_a_list_for_a_one_number_assumption_is_named(key):
    with pytest.raises(ValueError, match=rf"{re.escape(key)} = \[.*\]: expected a single number"):
        aipower.run("base", overrides={key: [0.3, 0.4]})


def test_a_list_keyword_of_the_requirement_is_named():
    with pytest.raises(ValueError, match=r"renewables\.target_share = \[0\.3\]: expected a single number"):
        aipower.required_wind_solar("ai", target_share=[0.3])


def test_numpy_numbers_and_arrays_override_as_python_ones():
    import numpy as np

    plain = aipower.run("base", base_year=2025, overrides={"renewables.target_year": 2030,
                                                           "balance.net_imports": [1.0] * 12})
    numpy = aipower.run("base", base_year=np.int64(2025), overrides={"renewables.target_year": np.int32(2030),
                                                                     "balance.net_imports": np.ones(12)})
    assert numpy.hours.equals(plain.hours) and numpy.base_year == 2025


def test_shipped_names_ignore_case_and_spaces_unless_a_file_has_the_name(tmp_path, monkeypatch):
    assert load_scenario(" AI").name == "ai" and load_scenario("Base").name == "base"
    monkeypatch.chdir(tmp_path)
    write(tmp_path, '[scenario]\nname = "mine"\nparent = "base"\n', "AI")
    assert load_scenario("AI").name == "mine"  # an existing file comes first

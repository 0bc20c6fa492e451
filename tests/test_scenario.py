import math
import os
import re
import textwrap

import numpy as np
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


@pytest.mark.parametrize("key, said", [
    ("renewables.target_share\u200b", "did you mean 'renewables.target_share'?; it contains U+200B ZERO WIDTH SPACE"),
    ("renewables.target_share\u00a0", "did you mean 'renewables.target_share'?; it contains U+00A0 NO-BREAK SPACE"),
    ("zz\x07", "(it contains U+0007 a control character)"),
])
def test_an_unknown_override_key_names_the_invisible_characters_it_holds(key, said):
    # pasted text: the key and the suggestion would otherwise look the same
    with pytest.raises(ScenarioError) as err:
        load_scenario("ai", overrides={key: 0.35})
    assert said in str(err.value)


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
    with pytest.raises(ScenarioError, match=r"unit 'GW' does not match the assumption's: expected fraction"):
        load_scenario(path)


def test_a_choice_is_read_whatever_its_case_as_excel_reads_text():
    # 'Fixed' typed in a worksheet's overrides was refused with "expected one of 'target', 'fixed'"
    sc = load_scenario("base")
    assert sc.with_overrides({"renewables.mode": " Fixed"}).get("renewables.mode") == "fixed"
    assert sc.with_overrides({"dc_power.capex_case": "HIGH"}).get("dc_power.capex_case") == "high"
    fixed = aipower.run("base", overrides={"balance.loss_factor_mode": "FIXED"})
    assert fixed.hours.equals(aipower.run("base", overrides={"balance.loss_factor_mode": "fixed"}).hours)
    assert not fixed.hours.equals(aipower.run("base").hours)  # the choice took effect
    with pytest.raises(ScenarioError, match=r"renewables\.mode = 'fixd': expected one of 'target', 'fixed'"):
        sc.with_overrides({"renewables.mode": "fixd"})


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
    (None, r"bad\.toml is a folder; expected a scenario \.toml file"),  # named before any read
    # it ran as the defaults under the file's name
    (b"", r"bad\.toml: empty: expected a TOML scenario file, e\.g\. \[scenario\] with parent"),
    # a RecursionError traceback from the TOML parser
    (b"a = " + b"[" * 5000 + b"]" * 5000, r"bad\.toml: malformed TOML: nested too deeply"),
    # read whole (/dev/zero: a MemoryError traceback)
    (b"# " + b"x" * (16 * 2**20), r"bad\.toml: more than 16 MiB: expected a TOML scenario file"),
])
def test_an_unreadable_scenario_file_is_named(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(ScenarioError, match=message):
        load_scenario(path)


def test_a_scenario_file_saved_with_a_byte_order_mark_is_read(tmp_path):
    # Notepad's and PowerShell's UTF-8: 'malformed TOML: Invalid statement (at line 1, column 1)'
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf[scenario]\nparent = \"ai\"\n[renewables]\n"
                     b"target_share = { value = 0.29, unit = \"fraction\", source = \"test\" }\n")
    sc = load_scenario(path)
    assert sc.get("renewables.target_share") == 0.29 and sc.assumption("renewables.target_share").origin.endswith("bom.toml:4")


def test_a_parent_that_cannot_be_found_names_the_file_that_names_it(tmp_path):
    path = tmp_path / "child.toml"
    path.write_text('[scenario]\nparent = "nonexistent"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"child\.toml:2: parent = 'nonexistent': scenario 'nonexistent': no such file"):
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
    with pytest.raises(ScenarioError, match=r"expected number, or as text a number and one of the units fraction \(or %\), got string"):
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


def fails_with(path_or_scenario, *words, run=True):
    """The one-line error of loading (and running) a scenario; every word in it, no traceback."""
    with pytest.raises(ValueError) as info:
        if callable(path_or_scenario):  # a call that raises before there is a scenario to load
            path_or_scenario()
        else:
            aipower.run(path_or_scenario) if run else load_scenario(path_or_scenario)
    message = str(info.value)
    assert "\n" not in message, message
    for w in words:
        assert w in message, (w, message)
    return message


@pytest.mark.parametrize("segment, words", [
    ('{ method = "target", years = [2025, 2030], value = 2500, unit = "TWh", source = "x" }',
     ["segments[0]: unit 'TWh' does not fit method 'target': expected kWh/person (demand.tertiary_core.driver = 'per_capita'"]),
    ('{ method = "target", years = [2025, 2030], value = 2500, unit = "亿kWh", source = "x" }', ["unit '亿kWh'", "expected kWh/person"]),
    ('{ method = "pipeline", years = [2025, 2030], total = 50, unit = "GW", source = "x" }', ["unit 'GW'", "expected kWh/person"]),
    ('{ method = "increment", years = [2025, 2030], value = 50, unit = "TWh/yr", source = "x" }',
     ["unit 'TWh/yr' does not fit method 'increment': expected kWh/person/yr"]),
])
def test_a_per_capita_row_takes_only_per_capita_units(tmp_path, segment, words):
    # tertiary_core projects kWh per person: a target of 2,500 TWh ran as 2,500 kWh/person
    text = f'[scenario]\nparent = "base"\n[demand.tertiary_core]\nsegments = [ {segment},\n' \
           '  { method = "growth", years = [2031, 2035], rate = 0.04, unit = "fraction/yr", source = "x" } ]\n'
    fails_with(write(tmp_path, text), "my.toml:4: demand.tertiary_core.segments", *words)


def test_per_capita_units_run_and_a_series_row_refuses_them(tmp_path):
    pc = '[scenario]\nparent = "base"\n[demand.tertiary_core]\nsegments = [\n' \
         '  { method = "target", years = [2025, 2030], value = 1387, unit = "kWh/person", source = "x" },\n' \
         '  { method = "increment", years = [2031, 2035], value = 50, unit = "kWh/person/yr", source = "x" } ]\n'
    r = aipower.run(write(tmp_path, pc))
    assert r.demand.loc["tertiary_core", 2035] > r.demand.loc["tertiary_core", 2030] > r.demand.loc["tertiary_core", 2024]
    series = '[scenario]\nparent = "base"\n[demand.secondary]\nsegments = [ ' \
             '{ method = "target", years = [2025, 2035], value = 9000, unit = "kWh/person", source = "x" } ]\n'
    fails_with(write(tmp_path, series), "my.toml:4: demand.secondary.segments[0]: unit 'kWh/person'", "expected TWh (or yi kWh, 亿kWh)")


@pytest.mark.parametrize("table, line, words", [
    ("token_cost", 'electricity_price_us = { value = [0.08, 0.12], unit = "USD/kWh", source = "EIA" }',
     "token_cost.electricity_price_us: unit 'USD/kWh' does not match the assumption's: expected RMB/kWh"),
    ("dc_power", 'capex_per_watt_rmb = { value = 100, unit = "USD/W", source = "x" }',
     "dc_power.capex_per_watt_rmb: unit 'USD/W' does not match the assumption's: expected RMB/W"),
    ("dc_power", 'capex_per_watt_rmb = { value = [15, 10], low = 10, high = 20, unit = "USD/W", source = "x" }',
     "dc_power.capex_per_watt_rmb: unit 'USD/W' does not match the assumption's: expected RMB/W"),
])
def test_a_pair_or_list_value_has_its_unit_checked(tmp_path, table, line, words):
    # Only a single number's unit was compared: a [low, high] pair in USD ran as RMB
    fails_with(write(tmp_path, f'[scenario]\nparent = "ai"\n[{table}]\n{line}\n'), f"my.toml:4: {words}", run=False)


def test_a_pair_in_the_same_unit_still_loads(tmp_path):
    sc = load_scenario(write(tmp_path, '[scenario]\nparent = "ai"\n[dc_power]\n'
                                       'capex_per_watt_rmb = { value = 100, unit = "RMB/W", source = "x" }\n'))
    assert sc.get("dc_power.capex_per_watt_rmb") == 100


@pytest.mark.parametrize("text", [
    '[supply.coal]\nadditions = [\n'
    '  { method = "pipeline", years = [2025, 2027], total = 180, unit = "GW", source = "x" },\n'
    '  { method = "increment", years = [2028, 2035], value = { dist = "lognormal", median = 25, sigma = 0.2 }, unit = "GW/yr", source = "x" } ]\n',
    '[renewables]\ntarget_share = { value = 30, dist = "lognormal", sigma = 0.05, unit = "%", source = "x" }\n',
])
def test_a_lognormal_without_bounds_is_bounded_by_zero(tmp_path, text):
    # The default lower bound was -inf, which the lognormal's "bound >= 0" check always refused
    from aipower import sweep

    path = write(tmp_path, '[scenario]\nparent = "ai"\n' + text)
    (u,) = sweep.uncertain_inputs(path)
    assert u.dist["dist"] == "lognormal" and "low" not in u.dist and u.point == pytest.approx(25 if "coal" in text else 0.3)
    aipower.run(path)


def test_a_lognormal_bound_below_zero_is_still_refused(tmp_path):
    path = write(tmp_path, '[scenario]\nparent = "ai"\n[renewables]\n'
                           'target_share = { value = 0.3, dist = "lognormal", sigma = 0.1, low = -0.1, unit = "fraction", source = "x" }\n')
    fails_with(path, "my.toml:4: renewables.target_share: low = -0.1: expected a bound >= 0", run=False)


@pytest.mark.parametrize("segment, words", [
    ('{ method = "growth", years = [2025, 99999999999], rate = 0.1, unit = "fraction/yr", source = "x" }',
     "years = [2025, 99999999999]: expected [first_year, last_year], each a year (a whole number in 1900-2100)"),
    ('{ method = "growth", years = [1850, 2035], rate = 0.1, unit = "fraction/yr", source = "x" }',
     "years = [1850, 2035]: expected [first_year, last_year], each a year"),
    ('{ method = "cagr", years = [2025, 2035], rate = 0.1, from_year = 1e12, unit = "fraction/yr", source = "x" }',
     "from_year = 1000000000000.0: expected a year (a whole number in 1900-2100)"),
    ('{ method = "cagr", years = [2025, 2035], rate = 0.1, from_year = 2024.9, unit = "fraction/yr", source = "x" }',
     "from_year = 2024.9: expected a year (a whole number in 1900-2100)"),
])
def test_segment_years_must_be_whole_years_in_range(tmp_path, segment, words):
    # A huge year was a TypeError traceback from the kernel's constructor; 2024.9 ran as 2024
    path = write(tmp_path, f'[scenario]\nparent = "ai"\n[demand.data_centers]\nsegments = [ {segment} ]\n')
    fails_with(path, f"my.toml:4: demand.data_centers.segments[0]: {words}", run=False)


def test_a_whole_from_year_written_as_a_float_still_runs(tmp_path):
    seg = '{ method = "cagr", years = [2025, 2035], rate = 0.1, from_year = %s, unit = "fraction/yr", source = "x" }'
    runs = [aipower.run(write(tmp_path, f'[scenario]\nparent = "ai"\n[demand.data_centers]\nsegments = [ {seg % y} ]\n'))
            for y in ("2024", "2024.0")]
    assert runs[0].demand.equals(runs[1].demand)


@pytest.mark.parametrize("segments, words", [
    ('{ method = "growth", years = [2035, 2025], rate = 0.1, unit = "fraction/yr", source = "x" }',
     "demand.data_centers.segments[0]: years = [2035, 2025]: expected [first_year, last_year] with last_year >= first_year"),
    ('{ method = "growth", years = [2025, 2035], rate = -1.5, unit = "fraction/yr", source = "x" }',
     "demand.data_centers.segments[0].rate = -1.5: expected a growth rate > -1 (-100%)"),
    ('{ method = "growth", years = [2025, 2035], rate = [0.1, 0.2], unit = "fraction/yr", source = "x" }',
     "demand.data_centers.segments[0].rate: has 2 values, expected 1 or 11 (one per year)"),
    ('{ method = "growth", years = [2025, 2027], rate = 0.1, unit = "fraction/yr", source = "x" },'
     '{ method = "cagr", years = [2028, 2035], rate = 0.1, from_year = 2030, unit = "fraction/yr", source = "x" }',
     "demand.data_centers.segments[1].from_year = 2030: expected a year before the segment's first year 2028"),
    ('{ method = "growth", years = [2025, 2028], rate = 0.1, unit = "fraction/yr", source = "x" }',
     "demand.data_centers: year 2029 is not covered by any segment of demand.data_centers.segments (the horizon runs to 2035"),
    ('{ method = "growth", years = [2025, 2030], rate = 0.1, unit = "fraction/yr", source = "x" },'
     '{ method = "growth", years = [2028, 2035], rate = 0.3, unit = "fraction/yr", source = "x" }',
     "demand.data_centers: year 2028 is covered by two segments of demand.data_centers.segments ([0] 2025-2030 and [1] 2028-2035)"),
    ('{ method = "growth", years = [2025, 2035], rate = inf, unit = "fraction/yr", source = "x" }',
     "demand.data_centers.segments[0]: rate = inf: expected a finite number"),
])
def test_segment_errors_name_the_file_and_line(tmp_path, segments, words):
    # The kernel found these at run time, its message without the file and line
    path = write(tmp_path, f'[scenario]\nparent = "ai"\n[demand.data_centers]\nsegments = [ {segments} ]\n')
    fails_with(path, f"my.toml:4: {words}")


def test_segments_written_as_an_array_of_tables_are_named_by_their_own_line(tmp_path):
    # [[…segments]] items were all reported at line 1
    item = '[[demand.data_centers.segments]]\nmethod = "{m}"\nyears = [{a}, {b}]\n{f} = {v}\nunit = "{u}"\nsource = "x"\n'
    text = ('[scenario]\nparent = "base"\n\n' + item.format(m="increment", a=2025, b=2027, f="value", v=800, u="yi kWh/yr")
            + "\n" + item.format(m="growth", a=2028, b=2035, f="rate", v='"0.1"', u="fraction/yr"))
    fails_with(write(tmp_path, text), "my.toml:11: demand.data_centers.segments[1]: rate = '0.1': expected a number")


@pytest.mark.parametrize("value", ["[120, 70, 50]", "[120]"])
def test_a_case_pair_with_another_count_is_refused_where_it_is_written(tmp_path, value):
    # [120, 70, 50] loaded, and failed at run time without file and line (or not at all on another driver)
    path = write(tmp_path, f'[scenario]\nparent = "base"\n[dc_power]\ncapex_per_watt_rmb = {{ value = {value}, '
                           'unit = "RMB/W", source = "x" }\n')
    with pytest.raises(ScenarioError, match=r"my\.toml:4: dc_power\.capex_per_watt_rmb = \[.*\]: expected a number or "
                                             r"a \[low, high\] pair, got [13] values?"):
        load_scenario(path)


def test_a_field_with_too_many_values_is_named_as_written_and_scenario_names_are_text(tmp_path):
    # the kernel's name for the values ("segments[0].values: has 2 values") is not the file's (rate)
    fails_with(write(tmp_path, '[scenario]\nparent = "base"\n[demand.secondary]\nsegments = [ { method = "growth", '
                               'years = [2025, 2035], rate = [0.1, 0.2], unit = "fraction/yr", source = "x" } ]\n'),
               "my.toml:4: demand.secondary.segments[0].rate: has 2 values, expected 1 or 11 (one per year)")
    with pytest.raises(ScenarioError, match=r"my\.toml:2: \[scenario\] name = 5: expected a text in quotes"):
        load_scenario(write(tmp_path, '[scenario]\nname = 5\nparent = "base"\n'))


def test_units_spelt_with_other_spaces_convert_in_files(tmp_path):
    # an override took '3000 亿 kWh', a file refused unit = "亿 kWh"; additions took 亿kW but not 亿kW/yr
    path = write(tmp_path, '[scenario]\nparent = "base"\n[demand.data_centers]\n'
                           'start = { value = 3000, unit = "亿 kWh", source = "x" }\n[supply.coal]\nadditions = [\n'
                           '  { method = "increment", years = [2025, 2035], value = 0.5, unit = "亿kW/yr", source = "x" },\n]\n')
    r = aipower.run(path)
    assert r.demand.loc["data_centers", 2024] == 300.0
    assert r.capacity.loc["coal", 2026] - r.capacity.loc["coal", 2025] == pytest.approx(50.0)


def test_a_gap_from_a_longer_horizon_names_both_files(tmp_path):
    path = write(tmp_path, '[scenario]\nparent = "base"\n[horizon]\nend_year = { value = 2040, unit = "year", source = "x" }\n')
    message = fails_with(path, "base.toml:", ": demand.population: year 2036 is not covered by any segment",
                         "(the horizon runs to 2040: horizon.end_year in ")
    assert "my.toml:4); these lists end before 2040 too: demand.primary.segments (to 2035), " in message
    # every list that stops short, in one message: the fix is one edit, not a run per list
    short = re.findall(r"([\w.]+) \(to 2035\)", message)
    assert len(short) == 19 and "supply.solar.additions" in short and "hours.wind.segments" in short
    assert "demand.population.segments" not in short  # the list the message is about
    # a gap inside the horizon is not a horizon left short: no such list
    gap = write(tmp_path, '[scenario]\nparent = "base"\n[demand.data_centers]\nsegments = [\n'
                          '  { method = "growth", years = [2025, 2027], rate = 0.2, unit = "fraction/yr", source = "x" },\n'
                          '  { method = "growth", years = [2029, 2035], rate = 0.2, unit = "fraction/yr", source = "x" } ]\n', "gap.toml")
    assert "end before" not in fails_with(gap, "year 2028 is not covered by any segment")


@pytest.mark.parametrize("mode", ["target", "fixed"])
def test_wind_and_solar_segments_cover_the_target_years_too(tmp_path, mode):
    # The kernel projects the given additions before the target solve replaces its years
    text = '[scenario]\nparent = "base"\n[supply.wind]\nadditions = [\n' \
           '  { method = "increment", years = [2025, 2025], value = 119.33, unit = "GW/yr", source = "x" },\n' \
           '  { method = "increment", years = [2031, 2035], value = 80, unit = "GW/yr", source = "x" } ]\n'
    fails_with(load_scenario(write(tmp_path, text)).with_overrides({"renewables.mode": mode}),
               "my.toml:4: supply.wind: year 2026 is not covered by any segment of supply.wind.additions")


def test_a_route_driven_data_center_row_ignores_its_segments_coverage():
    gap = [{"method": "growth", "years": [2025, 2026], "rate": 0.1, "unit": "fraction/yr", "source": "x"}]
    aipower.run("ai", overrides={"demand.data_centers.driver": "capex", "demand.data_centers.segments": gap})
    with pytest.raises(ValueError, match=r"override: demand\.data_centers: year 2027 is not covered"):
        aipower.run("ai", overrides={"demand.data_centers.segments": gap})


@pytest.mark.parametrize("line, words", [
    ('target_share = { value = nan, unit = "fraction", source = "x" }', "renewables.target_share = nan: expected a finite fraction"),
    ('target_year = { value = inf, unit = "year", source = "x" }', "renewables.target_year = inf: expected a finite number"),
])
def test_a_value_that_is_not_finite_names_the_file_and_line(tmp_path, line, words):
    # NaN reached Scenario.get and was refused there as "value = nan", without key, file or line
    fails_with(write(tmp_path, f'[scenario]\nparent = "ai"\n[renewables]\n{line}\n'), f"my.toml:4: {words}", run=False)
    with pytest.raises(ScenarioError, match=r"override: supply\.coal\.retirements = \[0\.0, nan\]: expected a finite number"):
        load_scenario("base", overrides={"supply.coal.retirements": [0.0, float("nan")]})


@pytest.mark.parametrize("base_year, end_year, words", [
    (2023, 2035, ["override: horizon.base_year = 2023: expected a base year for which every actual the scenario starts "
                  "from exists: 2024-2034", "(with 2023, demand.total_growth_start: actual series 'consumption_total_yoy' has no value for 2023"]),
    (2023, 2030, ["horizon.base_year = 2023", "exists: 2024-2029 ("]),
    (1990, 2035, ["horizon.base_year = 1990", "2024-2034", "calibration.coal_hours: actual series 'hours_coal' has no value at or before 1990"]),
])
def test_a_base_year_without_actuals_names_the_base_years_that_work(base_year, end_year, words):
    # It said only "actual series 'capacity_coal' has no value for 2022"
    fails_with(load_scenario("base", base_year=base_year, overrides={"horizon.end_year": end_year}), *words)


def test_the_base_years_that_work_come_from_the_data():
    # Coal hours given, not an actual: the kernel starts in the base year, whose population must be known
    sc = load_scenario("base", base_year=2025, overrides={"calibration.coal_hours": 4600})
    fails_with(sc, "horizon.base_year = 2025: expected a base year for which every actual the scenario starts from exists: 2024 (",
               "demand.population.start: actual series 'population' has no value for 2025",
               # the number, not the base year, is the cause: said, as `aipower params` promises it calibrates there
               "; calibration.coal_hours is a number (override), so the model starts from the base year itself")


def test_a_start_value_given_with_a_later_base_year_is_said_to_be_the_first_years():
    # supply.wind.start = 700 with base year 2025 is the 2024 value (2025: 700 + that year's additions), which
    # only `aipower params` said
    r = aipower.run("base", base_year=2025, overrides={"supply.wind.start": 700})
    assert ("supply.wind.start = 700 GW (override) is the 2024 value, where the model starts (the last year with "
            "actual coal hours), not the base year 2025's") in r.notes
    assert not [n for n in aipower.run("base", overrides={"supply.wind.start": 700}).notes if "is the 2024 value" in n]


def test_an_empty_scenario_name_or_parent_is_named(tmp_path):
    # "" is the current folder: it said ".: cannot read scenario file: Is a directory"
    for name in ("", "  "):
        with pytest.raises(ScenarioError, match=r"^scenario name is empty: expected one of base, ai, ai_ranges or a path"):
            load_scenario(name)
    with pytest.raises(ScenarioError, match=r"my\.toml:2: parent = '': expected a scenario name or path"):
        load_scenario(write(tmp_path, '[scenario]\nparent = ""\n'))


@pytest.mark.parametrize("year", ["2024", 2024.5, float("nan"), True, np.timedelta64(2024)])
def test_an_actual_asked_for_by_a_year_that_is_not_a_whole_number_is_refused(year):
    from aipower import actuals

    # "2024" found nothing, and the message then listed 2024 among the years it has
    with pytest.raises(ValueError, match=r"year = .*: expected a year as a whole number"):
        actuals.get("hours_coal", year)


@pytest.mark.parametrize("year", [2024.0, np.float64(2024), np.int32(2024), np.array(2024.0)])
def test_an_actual_asked_for_by_a_whole_float_year_is_found(year):
    # a worksheet's year, or a pandas year column with gaps, is a float: the rule of run() and the sweeps
    from aipower import actuals

    assert actuals.get("hours_coal", year) == actuals.get("hours_coal", 2024)
    assert actuals.has("hours_coal", year)


def test_an_assumption_the_model_run_refuses_is_named_with_its_file_and_line(tmp_path):
    path = tmp_path / "ts.toml"
    path.write_text('[scenario]\nparent = "base"\n[renewables]\n'
                    'target_share = { value = 2.0, unit = "fraction", source = "x" }\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"ts\.toml:4: renewables\.target_share = 2: expected a number in \[0, 1\]"):
        aipower.run(path)


@pytest.mark.parametrize("spec, text", [
    ({"dist": "uniform", "low": 0.28, "high": 0.32}, "uniform 0.28 to 0.32"),
    ({"dist": "uniform", "low": -20, "high": -5}, "uniform -20 to -5"),  # not "-20--5"
    ({"dist": "normal", "mean": 0.3, "sd": 0.02, "low": 0.2, "high": 0.4}, "normal mean 0.3 sd 0.02 in 0.2 to 0.4"),
    ({"dist": "normal", "mean": 0.3, "sd": 0.02, "low": -math.inf, "high": 0.4}, "normal mean 0.3 sd 0.02 at most 0.4"),
    ({"dist": "triangular", "mode": 2, "low": 1, "high": 3}, "triangular mode 2 in 1 to 3"),
    ({"dist": "lognormal", "median": 25, "sigma": 0.2}, "lognormal median 25 sigma 0.2"),
    ({"dist": "lognormal", "median": 0.3, "sigma": 0.05, "low": 0.0, "high": 0.32}, "lognormal median 0.3 sigma 0.05 in 0 to 0.32"),
])
def test_a_distribution_is_described_in_one_phrase(spec, text):
    from aipower import uncertainty

    assert uncertainty.describe(spec) == text


def test_a_value_the_kernel_shows_converted_is_also_shown_as_written():
    # "start_value = -0.1" alone did not match the -1 (亿kWh) the analyst typed; the key is named as written
    # (the kernel's start_value is the file's start)
    with pytest.raises(ScenarioError, match=r"override: demand\.data_centers\.start = -0\.1: .*\(given as -1 yi kWh\)"):
        aipower.run("base", demand__data_centers__start={"value": -1, "unit": "yi kWh"})
    # a bare number is in the model's unit (TWh), so there is nothing converted to show
    with pytest.raises(ScenarioError, match=r"override: demand\.data_centers\.start = -1: expected a finite number >= 0$"):
        aipower.run("base", demand__data_centers__start=-1)


def test_a_result_no_one_assumption_explains_names_the_scenario_and_a_zero_start_its_segment(tmp_path):
    # "coal hours[2025] = 10128: expected at most 8784" named neither the scenario nor its file
    path = tmp_path / "rate25.toml"
    path.write_text('[scenario]\nparent = "base"\n[demand.data_centers]\nsegments = [\n'
                    '  { method = "growth", years = [2025, 2035], rate = 25, unit = "fraction/yr", source = "x" },\n]\n',
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match=rf"^scenario 'rate25' \({re.escape(str(path))}\) does not run: coal hours\[2025\]"):
        aipower.run(path)
    # a zero start under a cagr segment: "start_value 2024 = 0: expected a positive value to grow towards a target"
    path.write_text('[scenario]\nparent = "ai"\n[demand.data_centers]\nstart = { value = 0, unit = "TWh", source = "x" }\n'
                    'segments = [\n  { method = "cagr", years = [2025, 2035], rate = 0.2, from_year = 2024, '
                    'unit = "fraction/yr", source = "x" },\n]\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"rate25\.toml:6: demand\.data_centers\.segments: demand\.data_centers\.start 2024 = 0: "
                                            r"expected a positive value for demand\.data_centers segment cagr 2025-2035"):
        aipower.run(path)


@pytest.mark.parametrize("lines, words", [
    # a table under an assumption without 'value' was "unknown assumption 'renewables.target_share.valeu'",
    # on the table's header line
    ('[renewables]\ntarget_share = { valeu = 0.28, unit = "fraction", source = "t" }',
     "my.toml:4: renewables.target_share: 'valeu' is not a field (did you mean 'value'?)"),
    ('[renewables]\ntarget_share = { unit = "fraction", source = "t" }',
     "my.toml:4: renewables.target_share: expected a 'value' (or 'actual', or a range with low and high) beside"),
    ('[demand.secondary]\nsegments = { method = "growth", years = [2025, 2035], rate = 0.02, unit = "fraction/yr", source = "t" }',
     "my.toml:4: demand.secondary.segments: expected a list of segments, [{ method = ... }, ...], got a table"),
    # the model's refusals, which named no file and line
    ('[horizon]\nbase_year = { value = 2040, unit = "year", source = "t" }',
     "my.toml:4: horizon.base_year = 2040: expected a base year before horizon.end_year = 2035: 2024-2034"),
    ('[balance]\nloss_factor_mode = { value = "fixed" }\nloss_factor = { value = 5, unit = "fraction", source = "t" }',
     "my.toml:5: balance.loss_factor = 5: expected a number in [-0.5, 1]"),
    ('[hours.gas]\nsegments = [ { method = "growth", years = [2025, 2035], rate = 5, unit = "fraction/yr", source = "t" } ]',
     "my.toml:4: hours.gas.segments: gas hours[2025] = "),
    # the retirements, not the pipeline, took coal capacity below zero
    ('[supply.coal]\nretirements = { value = 500, unit = "GW/yr", source = "t" }',
     "and supply.coal.retirements)"),
    # a number without its unit was read in the shipped file's: 300 meant as TWh became 30 TWh
    ('[demand.data_centers]\nstart = { value = 300, source = "my estimate in TWh" }',
     "my.toml:4: demand.data_centers.start: missing 'unit' (expected TWh (or yi kWh, 亿kWh))"),
    ('[renewables]\ntarget_share = { low = 0.25, high = 0.29 }', "my.toml:4: renewables.target_share: missing 'unit'"),
    ('[renewables]\ntarget_share = { value = 0.28, unit = "fraction", source = " " }',
     "my.toml:4: renewables.target_share: source = ' ': expected a text saying where the value comes from"),
])
def test_scenario_file_errors_name_the_file_line_and_key(tmp_path, lines, words):
    path = tmp_path / "my.toml"
    path.write_text('[scenario]\nparent = "base"\n' + lines + "\n", encoding="utf-8")
    with pytest.raises(ValueError) as info:
        aipower.run(path)
    assert words in str(info.value)


def test_values_read_from_a_scenario_are_copies():
    """Read, edit, derive: the notebook pattern must leave the scenario it read from, and any scenario
    sharing its assumptions, as they were (get() and assumption().value handed out its own lists)."""
    sc = load_scenario("ai")
    before = aipower.run(sc).demand.loc["data_centers", 2030]
    segments = sc.get("demand.data_centers.segments")
    segments[2]["rate"] = 0.30
    variant = sc.with_overrides({"demand.data_centers.segments": segments})
    segments[2]["rate"] = 0.50  # the caller goes on editing its own list after with_overrides
    assert aipower.run(sc).demand.loc["data_centers", 2030] == before
    assert variant.get("demand.data_centers.segments")[2]["rate"] == 0.30
    child = sc.with_overrides({"renewables.target_share": 0.28})
    child.assumption("demand.data_centers.segments").value[2]["rate"] = 0.30
    assert aipower.run(sc).demand.loc["data_centers", 2030] == before
    assert aipower.run(child).demand.loc["data_centers", 2030] == aipower.run(
        sc.with_overrides({"renewables.target_share": 0.28})).demand.loc["data_centers", 2030]


@pytest.mark.parametrize("lines, message", [
    # both named the key alone: a per-year value's [year] hid the key from the file-and-line lookup, and
    # a list where one number is read was refused where it was read
    ('[supply.coal]\nretirements = { value = -5, unit = "GW/yr", source = "x" }',
     r"my.toml:5: supply.coal.retirements\[2025\] = -5: expected a finite number >= 0"),
    ('[renewables]\ntarget_share = { value = [0.28, 0.32], unit = "fraction", source = "x" }',
     r"my.toml:5: renewables.target_share = \[0.28, 0.32\]: expected a single number"),
])
def test_refusals_of_per_year_and_list_values_name_file_and_line(tmp_path, lines, message):
    path = tmp_path / "my.toml"
    path.write_text(f'[scenario]\nname = "my"\nparent = "ai"\n{lines}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        aipower.run(path)


def test_an_error_in_one_segment_names_that_segments_own_line(tmp_path):
    # brackets, braces, commas and quotes inside strings and comments are not items
    path = write(tmp_path, """
        [scenario]
        parent = "base"
        [demand.secondary]
        segments = [  # three items: [a], {b}, "c"
          { method = "growth", years = [2025, 2027], rate = 0.03, unit = "fraction/yr", source = "[x], {y}, 'z'" },
          # { method = "growth" } is a comment
          { method = "growth", years = [2028, 2030], rate = 0.02, unit = "fraction/yr", source = \"\"\"two lines,
        with ] and {\"\"\" },
          { method = "growth", years = [2031, 2035], rate = -3, unit = "fraction/yr", source = 'a "b" ], c' },
        ]
    """)
    assert load_scenario(path).assumption("demand.secondary.segments").item_origins == (
        f"{path}:6", f"{path}:8", f"{path}:10")
    fails_with(path, "my.toml:10: demand.secondary.segments[2].rate = -3")


def test_a_segment_list_on_one_line_names_that_line(tmp_path):
    path = write(tmp_path, '[scenario]\nparent = "base"\n[demand.secondary]\nsegments = [ '
                 '{ method = "growth", years = [2025, 2030], rate = 0.03, unit = "fraction/yr", source = "x" }, '
                 '{ method = "growth", years = [2031, 2035], rate = -3, unit = "fraction/yr", source = "x" } ]\n')
    fails_with(path, "my.toml:4: demand.secondary.segments[1].rate = -3")


def test_a_projected_value_the_kernel_refuses_names_the_line_of_the_segment_that_made_it(tmp_path):
    path = write(tmp_path, """
        [scenario]
        parent = "base"
        [demand.secondary]
        segments = [
          { method = "growth", years = [2025, 2027], rate = 0.03, unit = "fraction/yr", source = "x" },
          { method = "increment", years = [2028, 2030], value = -5000, unit = "TWh/yr", source = "x" },
          { method = "growth", years = [2031, 2035], rate = 0.02, unit = "fraction/yr", source = "x" },
        ]
    """)
    fails_with(path, "my.toml:7: demand.secondary.segments: demand.secondary 2029 = ",
               "check the segment demand.secondary segment increment 2028-2030")


@pytest.mark.parametrize("text", ["1172 yi kWh", "1172亿kWh", " 117.2 TWh ", "1.172e3 亿kWh"])
def test_an_override_written_with_its_unit_is_read_in_that_unit(text):
    # a bare number is read in the file's unit (亿kWh here) in Python and in the model's (TWh) in a
    # worksheet: text that says its unit means the same in both
    r = aipower.run("base", overrides={"demand.ev_charging.start": text})
    assert r.demand.loc["ev_charging", 2024] == pytest.approx(117.2, rel=1e-12)
    percent = aipower.run("base", overrides={"renewables.target_share": "28%"})
    assert percent.requirement.level_gw_per_year == aipower.run("base", renewables__target_share=0.28).requirement.level_gw_per_year


@pytest.mark.parametrize("text, words", [
    ("5 GW", "unit 'GW' does not match the assumption's: expected TWh (or yi kWh, 亿kWh)"),
    ("1,172 亿kWh", "1,172 has a comma, a thousands separator in some locales and a decimal comma in others; expected 1172"),
    ("117,2 TWh", "117,2 has a decimal comma; expected a decimal point: '117.2 TWh'"),  # what a German analyst types
    ("117,2", "117,2 has a decimal comma; expected a decimal point: '117.2'"),
    ("1,1720 TWh", "1,1720 has a decimal comma; expected a decimal point: '1.1720 TWh'"),
    ("much", "expected number, or as text a number and one of the units TWh"),
])
def test_an_override_with_a_unit_that_does_not_fit_is_refused_naming_the_units_that_do(text, words):
    fails_with(lambda: load_scenario("base").with_overrides({"demand.ev_charging.start": text}), words)


def test_an_override_in_an_assumptions_own_unit_is_read_even_where_the_model_converts_none():
    sc = load_scenario("ai")
    key = "token_cost.electricity_price_china"
    assert sc.assumption(key).unit == "RMB/kWh"
    assert sc.with_overrides({key: "0.5 RMB/kWh"}).get(key) == 0.5
    # spelled with other spaces or case, as a unit the model converts may be ('1357 亿 KWH')
    assert sc.with_overrides({key: "0.5 rmb / kwh"}).get(key) == sc.with_overrides({key: "0.5RMB/kWh"}).get(key) == 0.5
    fails_with(lambda: sc.with_overrides({key: "0.07 USD/kWh"}), ", or as text a number and one of the units RMB/kWh, got string")


def test_a_dot_before_three_digits_with_a_unit_is_refused_as_ambiguous():
    # '2.880 亿kWh' (2,880 to a German analyst) ran as 2.88 亿kWh: data centers 1000× too small, no word
    fails_with(lambda: load_scenario("base").with_overrides({"demand.data_centers.start": "2.880 亿kWh"}),
               "override 'demand.data_centers.start' = '2.880 亿kWh': 2.880 has a dot before exactly three digits, a "
               "thousands separator in some locales and a decimal point in others; expected 2880 for 2,880, or 2.8800 "
               "for the decimal")
    for text, twh in (("2880 亿kWh", 288.0), ("2.8800 亿kWh", 0.288), ("0.125 TWh", 0.125), ("12.5 TWh", 12.5)):
        assert load_scenario("base").with_overrides({"demand.data_centers.start": text}).get("demand.data_centers.start") \
            == pytest.approx(twh)


def test_a_unit_that_is_not_text_is_named_with_its_key():
    # unit None came back from units.model_unit as None, and a list raised a TypeError
    fails_with(lambda: load_scenario("ai").with_overrides({"renewables.target_share": {"value": 0.3, "unit": None}}),
               "override: renewables.target_share: unit = None: expected a unit as text")
    segments = load_scenario("ai").get("demand.data_centers.segments")
    segments[0]["unit"] = ["TWh"]
    fails_with(lambda: load_scenario("ai").with_overrides({"demand.data_centers.segments": segments}),
               "demand.data_centers.segments[0]: unit = ['TWh']: expected a unit as text")
    with pytest.raises(ValueError, match="unit = None: expected a unit as text"):
        aipower.units.model_unit(None)


def test_a_growth_rate_override_takes_a_percentage_as_text():
    # '5%' for a fraction/yr key was refused: "unit '%' does not match the expected unit 'fraction/yr'"
    sc = load_scenario("base", overrides={"dc_power.capex_path_growth": "5%", "renewables.target_share": "28%"})
    assert sc.get("dc_power.capex_path_growth") == pytest.approx(0.05) and sc.get("renewables.target_share") == 0.28


@pytest.mark.parametrize("body, line", [
    ('[renewables.target_share]\nvalue = 1.28\nunit = "fraction"\nsource = "x"\n', 3),  # a standard table
    ('[renewables]\ntarget_share.value = 1.28\ntarget_share.unit = "fraction"\ntarget_share.source = "x"\n', 4),
])
def test_an_assumption_written_as_its_own_table_or_dotted_keys_is_named_by_its_line(tmp_path, body, line):
    # both were reported on line 1 (the [scenario] header) or on the [renewables] header
    path = tmp_path / "s.toml"
    path.write_text('[scenario]\nparent = "ai"\n' + body, encoding="utf-8")
    with pytest.raises(ScenarioError, match=rf"s\.toml:{line}: renewables\.target_share = 1\.28: expected a number in \[0, 1\]"):
        aipower.run(path)


def test_a_core_row_below_zero_is_named_by_the_part_the_user_set(tmp_path):
    # a data-center start above the tertiary total was reported at the shipped base.toml's tertiary_core line
    path = tmp_path / "big_dc.toml"
    path.write_text('[scenario]\nparent = "ai"\n[demand.data_centers]\nstart = { value = 3000, unit = "TWh", source = "x" }\n',
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"big_dc\.toml:4: demand\.data_centers\.start: demand\.tertiary_core 2024 = .*"
                                            r"smaller than the parts booked in it .*\(set: demand\.ev_tertiary_share at .*base\.toml:\d+; "
                                            r"demand\.ev_charging\.start at .*; demand\.data_centers\.start at .*big_dc\.toml:4\)"):
        aipower.run(path)
    with pytest.raises(ScenarioError, match=r"^override: demand\.data_centers\.start: demand\.tertiary_core 2024"):
        aipower.run("ai", overrides={"demand.data_centers.start": 30000})


def test_a_renewable_year_past_a_shortened_horizon_names_where_the_horizon_was_shortened(tmp_path):
    # "base.toml:196: renewables.last_year = 2030: expected a year in 2025-2029" did not say why the range ends in 2029
    path = tmp_path / "end2029.toml"
    path.write_text('[scenario]\nparent = "ai"\n[horizon]\nend_year = { value = 2029, unit = "year", source = "x" }\n',
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"renewables\.last_year = 2030: expected a year in 2025-2029 \(the horizon "
                                            r"ends in 2029: horizon\.end_year at .*end2029\.toml:4\)"):
        aipower.run(path)


def _share_in_percent(tmp_path):
    """A scenario that writes the target share in %, where the model's unit is a fraction."""
    path = tmp_path / "pct.toml"
    path.write_text('[scenario]\nparent = "base"\n[renewables]\ntarget_share = { value = 28, unit = "%", source = "x" }\n',
                    encoding="utf-8")
    return path


def test_a_bare_number_in_an_override_is_in_the_model_unit_in_every_layer(tmp_path):
    """One key, one bare number, one meaning: what get() returns, what results, sweeps and worksheets use."""
    import aipower.xlfunctions as xf
    from aipower import sweep

    sc = load_scenario("base")
    assert sc.assumption("demand.data_centers.start").unit == "yi kWh"  # the file writes 亿kWh
    start = sc.get("demand.data_centers.start")  # 288 TWh
    assert aipower.run("base", overrides={"demand.data_centers.start": start}).demand.equals(aipower.run("base").demand)
    api = aipower.run("base", overrides={"demand.data_centers.start": 300}).demand.loc["data_centers", 2030]
    assert api == aipower.run("base", overrides={"demand.data_centers.start": "300 TWh"}).demand.loc["data_centers", 2030]
    assert api == aipower.run("base", overrides={"demand.data_centers.start": {"value": 300, "source": "me"}}
                              ).demand.loc["data_centers", 2030]
    assert api == xf.AIP_DEMAND("base", "data_centers", 2030, [["demand.data_centers.start", 300]])
    batch = sweep.batch("base", {"demand.data_centers.start": [300.0]}, outputs="demand.data_centers")
    assert batch["demand.data_centers"][0][2030 - 2024] == pytest.approx(api, rel=1e-15)
    # a file written in % takes a bare fraction, as required_wind_solar's target_share does
    path = _share_in_percent(tmp_path)
    assert (aipower.run(path, renewables__target_share=0.29).requirement.level_gw_per_year
            == aipower.required_wind_solar("base", target_share=0.29).level_gw_per_year)


def test_a_refused_bare_number_says_the_unit_it_was_read_in(tmp_path):
    path = _share_in_percent(tmp_path)
    with pytest.raises(ScenarioError, match=r"renewables\.target_share = 29: .*\(a number without a unit is in the "
                                            r"model's unit, fraction; the scenario writes this one in %: give the unit, "
                                            r"e\.g\. '29%'\)"):
        aipower.run(path, renewables__target_share=29)
    assert aipower.run(path, renewables__target_share="29%").requirement.level_gw_per_year == \
        aipower.run(path, renewables__target_share=0.29).requirement.level_gw_per_year


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_rather_than_waited_on(tmp_path):
    # open() of a FIFO without a writer blocked for ever: `aipower run --scenario f.toml` hung
    fifo = tmp_path / "f.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match=r"f\.toml: a named pipe \(FIFO\): expected a scenario file; to pipe a "
                                            r"scenario in, give --scenario /dev/stdin"):
        load_scenario(fifo)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_under_dev_or_named_as_a_parent_is_refused_too(tmp_path):
    """Only the shell's own streams (/dev/stdin, /dev/fd/N) count as piped in: a FIFO in /dev/shm, which
    anyone may write to, or spelled /dev/../tmp/…, hung; and a file received names no stream as its parent."""
    fifo = tmp_path / "f.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match=r"a named pipe \(FIFO\)"):
        load_scenario("/dev/.." + str(fifo))
    for parent in (str(fifo), "/dev/stdin"):
        child = tmp_path / "child.toml"
        child.write_text(f'[scenario]\nparent = "{parent}"\n', encoding="utf-8")
        with pytest.raises(ScenarioError, match=r"child\.toml:2: parent = '.*': not a regular file \(a pipe or device\); "
                                                r"expected a scenario name or the path of a scenario \.toml file"):
            load_scenario(child)


def test_a_symbolic_link_loop_is_a_missing_file_not_a_traceback(tmp_path, monkeypatch):
    os.symlink("loop", tmp_path / "loop")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError, match=r"scenario 'loop/x\.toml': no such file in .*loop, and not a shipped"):
        load_scenario("loop/x.toml")  # RuntimeError: Symlink loop from …


def test_a_scenario_path_under_the_home_folder_is_expanded(tmp_path, monkeypatch):
    # the command line and the worksheets expanded '~', the Python API looked for a folder named '~'
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    (tmp_path / "mine.toml").write_text('[scenario]\nparent = "ai"\n', encoding="utf-8")
    assert load_scenario("~/mine.toml").files[-1] == str(tmp_path / "mine.toml")
    assert aipower.run("~/mine.toml").hours.equals(aipower.run("ai").hours)


@pytest.mark.parametrize("body, key", [
    ('[demand.ev_charging]\nstart = {{ value = {n}, unit = "yi kWh", source = "x" }}', "demand.ev_charging.start.value"),
    ('[demand.ev_charging]\nsegments = [ {{ method = "growth", years = [2025, 2035], rate = {n}, unit = "fraction/yr", '
     'source = "t" }} ]', "demand.ev_charging.segments[0].rate"),
    ('[horizon]\nend_year = {{ value = {n}, unit = "year", source = "x" }}', "horizon.end_year.value"),
    ('[renewables]\ntarget_share = {{ value = 0.3, low = 0.2, high = {n}, unit = "fraction", source = "x" }}',
     "renewables.target_share.high"),
])
def test_an_integer_beyond_a_float_s_range_is_named_at_its_line(tmp_path, body, key):
    # TOML integers have no size limit: 10**400 raised OverflowError (a traceback) from the first float() it met
    path = write(tmp_path, '[scenario]\nparent = "base"\n' + body.format(n=-10**400))
    with pytest.raises(ScenarioError, match=rf"my\.toml:4: {re.escape(key)} = -1000.*0: expected a number within "
                                            r"a float's range \(±1\.8e308\)$"):
        load_scenario(path)


def test_a_change_from_before_the_models_first_year_is_named_by_file_and_line():
    # starting in 2025 (coal hours given for it), the kernel refused base.toml's "change from 2024"
    # with neither the file, the line, nor what to do
    base = load_scenario("base")
    started_2025 = {a.key: base.get(a.key) for a in base.assumptions() if a.is_actual}
    started_2025.update({"horizon.base_year": 2025, "calibration.coal_hours": 4400})
    with pytest.raises(ScenarioError, match=r"base.toml:\d+: demand.tertiary_core.segments\[0\].from_year = 2024: expected "
                                            r"a year >= 2025, the year the model starts from \(the base year: "
                                            r"calibration.coal_hours is a number, read as 2025's\): the model has no "
                                            r"demand.tertiary_core in 2024 to apply the change to; restate the change "
                                            r"from 2025 or later \(from_year = 2025 and years from 2026\), or take a "
                                            r"base year before 2025"):
        aipower.run("base", overrides=started_2025)


def test_a_start_value_given_for_another_year_than_the_models_first_is_noted(tmp_path):
    # a 2025 start read base.toml's 2024 EV charging and data centers as 2025's without a word
    from aipower import _build

    sc = load_scenario("base")
    assert sc.assumption("demand.ev_charging.start").year == 2024
    h = _build.Horizon(2025, 2025, 2035)
    assert _build.start_value(sc, "demand.ev_charging.start", h, "TWh") == pytest.approx(117.2)
    assert len(h.notes) == 1 and re.fullmatch(
        r"demand.ev_charging.start = 1172 yi kWh \(.*base.toml:\d+\) is given as 2024's value and read as 2025's, the "
        r"year the model starts from \(the last year up to base year 2024 with actual coal hours\): give 2025's to rebase it",
        h.notes[0]), h.notes
    h = _build.Horizon(2024, 2024, 2035)
    _build.start_value(sc, "demand.ev_charging.start", h, "TWh")
    assert h.notes == []
    # a number given without a year (an override, a user's file) is as before; a year is checked
    assert load_scenario("base", overrides={"demand.ev_charging.start": 1200}).assumption("demand.ev_charging.start").year is None
    fails_with(write(tmp_path, '[scenario]\nparent = "base"\n[demand.ev_charging]\n'
                               'start = { value = 1300, unit = "yi kWh", year = 2024.5, source = "x" }\n'),
               "my.toml:4: demand.ev_charging.start: year = 2024.5: expected a year", run=False)
    fails_with(write(tmp_path, '[scenario]\nparent = "base"\n[renewables]\n'
                               'target_share = { value = 0.3, unit = "fraction", year = 2024, source = "x" }\n'),
               "my.toml:4: renewables.target_share: year goes with a number given as a start value", run=False)


@pytest.mark.parametrize("key, text, expected", [
    ("us_gap.needed_gw_per_year", "90 GW/yr", 90.0),  # the assumption's unit: 'GW/yr nameplate'
    ("us_gap.needed_gw_per_year", "9000 万kW/yr", 90.0),
    ("token_cost.network_share", "10%", 0.1),  # 'fraction of cost'
    ("training.utilization", "40%", 0.4),  # 'fraction of peak (MFU)'
])
def test_a_unit_with_a_description_takes_the_units_it_is_measured_in(key, text, expected):
    assert load_scenario("base", overrides={key: text}).get(key) == pytest.approx(expected, rel=1e-15)


def test_a_compound_unit_is_not_read_as_its_first_word():
    # 'TWh per GW-year' is not TWh: 44 TWh for it is refused, naming what it takes
    with pytest.raises(ScenarioError, match=r"unit 'TWh' does not match the assumption's: expected TWh per GW-year \(or yi kWh"):
        load_scenario("base", overrides={"dc_power.twh_per_gw_year": "44 TWh"})
    with pytest.raises(ScenarioError, match=r"expected GW/yr \(or "):  # not 'expected GW/yr nameplate'
        load_scenario("base", overrides={"us_gap.needed_gw_per_year": "90 TWh"})


@pytest.mark.parametrize("text", ["3,000 亿kWh", "3,000亿kWh", "1,234.5 TWh"])
def test_a_number_with_a_comma_and_a_unit_is_refused_saying_why(text):
    # a thousands comma to one analyst, a decimal comma to another: 1000× apart either way
    plain = text.split(" ")[0].split("亿")[0].replace(",", "")
    with pytest.raises(ScenarioError, match=rf"has a comma, a thousands separator in some locales and a decimal comma "
                                            rf"in others; expected {re.escape(plain)}, with no separator$"):
        load_scenario("base", overrides={"demand.data_centers.start": text})


@pytest.mark.parametrize("key, given, model", [
    ("dc_power.ai_server_share_of_capex", {"value": [60, 45], "unit": "%"}, [0.6, 0.45]),
    ("dc_power.twh_per_gw_year", {"value": [44, 100], "unit": "亿kWh per GW-year"}, [4.4, 10.0]),
])
def test_a_low_high_pair_with_a_unit_is_read_in_the_model_s_unit(key, given, model):
    # a [low, high] pair skipped the conversion a single number gets: 100× and 10× off, unseen
    assert load_scenario("base", overrides={key: given}).get(key) == pytest.approx(model, rel=1e-15)

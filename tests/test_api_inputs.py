"""Bad inputs to the Python API and the worksheet functions: a ValueError (or an Excel error value)
naming the argument, never an internal error, a silently ignored field or an inf result."""

from __future__ import annotations

import json
import math

import pytest

import aipower
from aipower import calculator_tables, dc_power, units
from aipower import xlfunctions as xf
from aipower.scenario import ScenarioError

HUGE = 10**400  # a Python int beyond a float's range
FLOAT_RANGE = "within a float's range"


def _error(result: object) -> str:
    assert isinstance(result, xf.XlError), result
    assert "internal error" not in result
    return str(result)


# -- actual references: only start values take them, with a matching unit and known fields only


@pytest.mark.parametrize("key", ["token_cost.pue_china", "global_dc.china_growth", "dc_power.capex_yi_rmb",
                                 "balance.loss_factor", "balance.net_imports", "supply.coal.retirements",
                                 "horizon.base_year", "renewables.target_year"])
def test_actual_reference_refused_where_no_start_value(key: str) -> None:
    with pytest.raises(ScenarioError, match=rf"{key} = .*only start values take an actual reference"):
        aipower.load_scenario("ai", overrides={key: {"actual": "capacity_coal"}})


def test_actual_reference_on_a_calculator_key_is_not_used_as_its_value() -> None:
    with pytest.raises(ValueError, match="token_cost.pue_china"):
        calculator_tables.TABLES["token_cost"](
            aipower.load_scenario("ai", overrides={"token_cost.pue_china": {"actual": "capacity_coal"}}))
    with pytest.raises(ScenarioError, match=r"value = \{'actual': 'capacity_coal'\}"):  # nested in value
        aipower.load_scenario("ai", overrides={"token_cost.pue_china": {"value": {"actual": "capacity_coal"}}})


def test_actual_reference_unit_checked_on_a_start_value_given_as_a_number() -> None:
    with pytest.raises(ScenarioError, match="actual 'capacity_coal' is in GW, expected TWh"):
        aipower.load_scenario("ai", overrides={"demand.ev_charging.start": {"actual": "capacity_coal"}})
    with pytest.raises(ScenarioError, match="actual 'hours_coal' is in h, expected GW"):
        aipower.load_scenario("ai", overrides={"supply.coal.start": {"actual": "hours_coal"}})


def test_actual_reference_with_conflicting_fields_refused() -> None:
    with pytest.raises(ScenarioError, match="supply.coal.start: an actual reference takes .* got value too"):
        aipower.run("ai", overrides={"supply.coal.start": {"actual": "capacity_coal", "unit": "TWh", "value": 5}})
    with pytest.raises(ScenarioError, match="unit = 'TWh' conflicts with actual 'capacity_coal', which is in GW"):
        aipower.run("ai", overrides={"supply.coal.start": {"actual": "capacity_coal", "unit": "TWh"}})
    with pytest.raises(ScenarioError, match="got dist, mean, sd too"):
        aipower.load_scenario("ai", overrides={"supply.coal.start": {"actual": "capacity_coal", "dist": "normal",
                                                                      "mean": 1, "sd": 1}})
    with pytest.raises(ScenarioError, match="less = 'hours_coal' is in h: expected GW"):
        aipower.load_scenario("ai", overrides={"supply.coal.start": {"actual": "capacity_coal", "less": "hours_coal"}})
    with pytest.raises(ScenarioError, match="year_offset and less go with an actual reference"):
        aipower.load_scenario("ai", overrides={"supply.coal.retirements": {"value": 5, "year_offset": -1}})


@pytest.mark.parametrize("offset", [None, "x", 1.5, True, 10**6])
def test_year_offset_checked_by_name(offset: object) -> None:
    with pytest.raises(ScenarioError, match=r"supply.coal.start: year_offset = .*: expected a whole number of years"):
        aipower.run("base", overrides={"supply.coal.start": {"actual": "capacity_coal", "year_offset": offset}})


def test_valid_actual_references_still_run(base: aipower.BalanceResult) -> None:
    # the unit it is in, a source, and -1.0 as a worksheet's JSON gives it: the shipped values
    r = aipower.run("base", overrides={
        "supply.coal.start": {"actual": "capacity_coal", "unit": "GW", "source": "test"},
        "supply.coal.previous_end": {"actual": "capacity_coal", "year_offset": -1.0},
        "demand.ev_charging.start": {"actual": "consumption_tertiary"}})
    assert r.capacity.loc["coal", 2024] == base.capacity.loc["coal", 2024]
    assert r.scenario.assumption("supply.coal.previous_end").value == {"actual": "capacity_coal", "year_offset": -1}


def test_worksheet_actual_reference_on_a_non_start_key() -> None:
    text = _error(xf.AIP_COAL_HOURS("base", 2030, [["balance.net_imports", '{"actual": "capacity_coal"}']]))
    assert "balance.net_imports" in text and "only start values take an actual reference" in text


# -- percentages of the calculator tables: never inf


@pytest.mark.parametrize("table, key, column", [("global_dc", "global_dc.china_growth", "growth_pct"),
                                                ("dc_capex", "dc_power.energy_per_flop_change", "low")])
def test_calculator_table_percentage_overflow_refused(table: str, key: str, column: str) -> None:
    sc = aipower.load_scenario("ai", overrides={key: 1e308})
    with pytest.raises(ValueError, match=rf"{table} table, from {key} = 1e\+308: {column} of row .* = inf: "
                                         r"expected each input within ±1.8e\+306"):
        calculator_tables.TABLES[table](sc)


def test_worksheet_calculator_percentage_overflow_is_an_error() -> None:
    text = _error(xf.AIP_CALC("global_dc", "china", "growth_pct", "ai", [["global_dc.china_growth", 1e308]]))
    assert "global_dc.china_growth" in text


# -- Python ints beyond a float's range


def test_huge_int_overrides_refused_by_name() -> None:
    with pytest.raises(ValueError, match=f"renewables__target_share' = 1000.*{FLOAT_RANGE}"):
        aipower.run("base", renewables__target_share=HUGE)
    with pytest.raises(ValueError, match=f"renewables.target_share.*{FLOAT_RANGE}"):
        aipower.required_wind_solar("base", target_share=HUGE)
    with pytest.raises(ValueError, match=f"renewables.target_share': sd = 1000.*{FLOAT_RANGE}"):
        aipower.run("ai", overrides={"renewables.target_share": {"dist": "normal", "mean": 0.3, "sd": HUGE}})
    with pytest.raises(ValueError, match=rf"demand.primary.segments': \[0\].rate = .*{FLOAT_RANGE}"):
        aipower.run("ai", overrides={"demand.primary.segments": [{"method": "growth", "years": [2025, 2060],
                                                                  "rate": HUGE, "unit": "fraction/yr"}]})


def test_units_refuse_huge_ints_and_non_text_units() -> None:
    with pytest.raises(ValueError, match=f"value = 1000.*{FLOAT_RANGE}"):
        units.to_model_unit(HUGE, "%")
    with pytest.raises(ValueError, match="unit = None: expected a unit as text"):
        units.known_unit(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unit = None: expected a unit as text"):
        units.to_model_unit(1.0, None)  # type: ignore[arg-type]
    assert units.to_model_unit(3, "h") == (3, "h")


@pytest.mark.parametrize("call, name", [
    (lambda: xf.AIP_CAGR(HUGE, 140, 5), "from_value"),
    (lambda: xf.AIP_CAGR(100, -HUGE, 5), "to_value"),
    (lambda: xf.AIP_COAL_HOURS("ai", HUGE), "year"),
    (lambda: xf.AIP_FIRM_EQUIVALENT_GW([[1], [HUGE]], [[0.5], [0.5]]), "nameplate_gw: cell 2"),
])
def test_worksheet_huge_int_arguments(call, name: str) -> None:
    text = _error(call())
    assert text.startswith(f"#NUM! {name}: ") and "000...000" in text and FLOAT_RANGE in text


@pytest.mark.parametrize("value", [HUGE, "[" + "9" * 400 + ", 1]", '{"value": ' + "9" * 400 + "}"],
                         ids=["number", "json-list", "json-table"])
def test_worksheet_huge_int_override(value: object) -> None:
    text = _error(xf.AIP_COAL_HOURS("ai", 2030, [["renewables.target_share", value]]))
    assert "renewables.target_share" in text and FLOAT_RANGE in text


# -- wrong Python types


@pytest.mark.parametrize("key", [5, None, ("renewables", "target_share")])
def test_non_text_override_key(key: object) -> None:
    with pytest.raises(ValueError, match=rf"override key {key!r}: expected an assumption key as text".replace("(", r"\(")
                       .replace(")", r"\)")):
        aipower.run("base", overrides={key: 1})


def test_overrides_not_a_mapping() -> None:
    for call in (lambda: aipower.run(overrides="x"), lambda: aipower.load_scenario("ai").with_overrides("x"),
                 lambda: aipower.load_scenario("ai", overrides=[("renewables.target_share", 0.3)])):
        with pytest.raises(ValueError, match="overrides = .*: expected a mapping of assumption keys to values"):
            call()
    assert aipower.load_scenario("ai").with_overrides(None).keys() == aipower.load_scenario("ai").keys()


def test_worksheet_override_value_that_no_cell_holds() -> None:
    text = _error(xf.AIP_COAL_HOURS("ai", 2030, [["renewables.target_share", [1, 2]]]))
    assert "row 1: 'renewables.target_share': value [1, 2] is a list" in text


def test_ragged_years_named() -> None:
    with pytest.raises(ValueError, match=r"anchor_years = \[\[2024\], \[2025, 2026\]\]: expected a list of years"):
        dc_power.interpolate_geometric(anchor_years=[[2024], [2025, 2026]], anchor_values=[1.0, 2.0], years=[2025])


def test_years_as_whole_floats_are_years_and_fractions_are_refused() -> None:
    # a year column read by pandas with a gap is float: 2028.0 is 2028, as run() and the sweeps take it
    import numpy as np

    as_ints = dc_power.interpolate_geometric(anchor_years=[2024, 2028], anchor_values=[797.0, 2922.0], years=[2026])
    as_floats = dc_power.interpolate_geometric(anchor_years=np.array([2024.0, 2028.0]), anchor_values=[797.0, 2922.0],
                                               years=[2026.0])
    np.testing.assert_array_equal(as_floats, as_ints)
    for bad in ([2024.5, 2028], [2024, True], [2024, float("nan")]):
        with pytest.raises(ValueError, match=r"^anchor_years = .*: expected a list of years \(whole numbers\)$"):
            dc_power.interpolate_geometric(anchor_years=bad, anchor_values=[797.0, 2922.0], years=[2026])


# -- one assumption set in two places


def test_base_year_set_twice_refused() -> None:
    with pytest.raises(ValueError, match="overrides 'horizon.base_year' and base_year both set horizon.base_year"):
        aipower.run("ai", base_year=2025, overrides={"horizon.base_year": 2026})
    sc = aipower.load_scenario("ai")
    with pytest.raises(ValueError, match="overrides 'horizon__base_year' and base_year both set"):
        aipower.run(sc, base_year=2025, overrides={"horizon__base_year": 2025})


def test_override_set_twice_refused() -> None:
    with pytest.raises(ValueError, match="overrides 'renewables.target_share' and keyword argument "
                                         "'renewables__target_share' both set renewables.target_share"):
        aipower.run("ai", overrides={"renewables.target_share": 0.3}, renewables__target_share=0.32)
    with pytest.raises(ValueError, match="overrides 'renewables.target_share' and overrides "
                                         "'renewables__target_share' both set"):
        aipower.run("ai", overrides={"renewables.target_share": 0.3, "renewables__target_share": 0.32})


def test_finite_results_unchanged(ai: aipower.BalanceResult) -> None:
    r = aipower.run("ai", overrides={"renewables.target_share": ai.scenario.get("renewables.target_share")})
    assert r.hours.loc["coal", 2030] == ai.hours.loc["coal", 2030]
    table = calculator_tables.TABLES["global_dc"](aipower.load_scenario("ai"))
    assert all(math.isfinite(v) for v in table["growth_pct"])
    assert json.dumps(xf.AIP_CALC("global_dc", "china", "growth_pct", "ai")) != "null"


def test_required_wind_solar_names_overrides_that_are_not_a_mapping_and_its_own_arguments_win():
    with pytest.raises(ValueError, match=r"overrides = 'x': expected a mapping"):
        aipower.required_wind_solar("base", overrides="x")
    # the solve's target share, not the overrides' (a workbook's Overrides range is shared by every function)
    got = aipower.required_wind_solar("base", target_share=0.3, overrides={"renewables.target_share": 0.28})
    assert got.level_gw_per_year == aipower.required_wind_solar("base", target_share=0.3).level_gw_per_year
    with pytest.raises(ValueError, match=r"renewables.target_share.*renewables__target_share|renewables__target_share.*renewables.target_share"):
        aipower.required_wind_solar("base", overrides={"renewables.target_share": 0.3, "renewables__target_share": 0.28})


def test_overflow_names_the_function_and_its_inputs_not_the_kernel() -> None:
    """A result beyond a float's range named the kernel's function (dc_power::capacity_from_capex_gw = inf),
    which the caller never called; it names the function called and the inputs of extreme magnitude."""
    from aipower import dc_power, units
    from aipower._calc import NotFiniteResult

    with pytest.raises(NotFiniteResult, match=r"^method1\(\): capex_yi_rmb = 1e\+308: the result, or a step of it, "
                                              r"is too large to represent \(inf\)"):
        dc_power.method1(capex_yi_rmb=1e308, capex_per_watt_rmb=120, twh_per_gw_year=4.4)
    with pytest.raises(ValueError, match=r"^twh_to_yi_kwh\(\): twh = 1e\+308: .*\(inf\)") as info:
        units.twh_to_yi_kwh(1e308)
    assert "::" not in str(info.value)
    with pytest.raises(ValueError, match=r"^capacity_from_capex_gw\(\): capex_yi_rmb = 2e\+307, capex_per_watt_rmb = 1e-300:"):
        dc_power.capacity_from_capex_gw(capex_yi_rmb=2e307, capex_per_watt_rmb=1e-300)
    with pytest.raises(ValueError, match=r"^capacity_from_capex_gw\(\): capex_yi_rmb = 2e\+307: "):
        dc_power.capacity_from_capex_gw(capex_yi_rmb=2e307, capex_per_watt_rmb=0.001)  # only the extreme one


@pytest.mark.parametrize("call, message", [
    # each named the horizon, a technology count of 0 or a 'list of numbers', or read None as a file name
    (lambda: aipower.dc_power.interpolate_geometric(anchor_years=[2024, 2028], anchor_values=[797.0], years=[2025]),
     r"anchor_values: has 1 values, expected 2 \(one per anchor year\)"),
    (lambda: aipower.dc_power.compute_route_twh(eflops=[1, 2], twh_per_eflops=[1.0]),
     r"twh_per_eflops: has 1 values, expected 2 \(one per value of eflops\)"),
    (lambda: aipower.us_gap.firm_equivalent_gw(nameplate_gw=[], capacity_factor=[0.25, 0.35, 0.6]),
     r"nameplate_gw: has no values, expected one per technology"),
    (lambda: aipower.run("base", demand__data_centers__segments=[]),
     r"demand.data_centers.segments = \[\]: expected list of segments, got an empty list"),
    (lambda: aipower.run(None), r"^scenario = None: expected one of base, ai, ai_ranges or a path to a .toml file \(or, where a result is computed, a loaded Scenario\)"),
])
def test_messages_name_what_the_values_pair_with(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_required_wind_solar_takes_a_share_as_text_with_its_unit() -> None:
    # '30%' was refused with "expected ... as text a number and one of the units fraction (or %)"
    assert aipower.required_wind_solar("base", target_share="30%") == aipower.required_wind_solar("base", target_share=0.3)
    with pytest.raises(ScenarioError, match=r"^override: renewables.target_share: unit 'TWh' does not match"):
        aipower.required_wind_solar("base", target_share="30 TWh")


@pytest.mark.parametrize("series, year, error, words", [
    ("hours_coal", "2024", ValueError, "year = '2024': expected a year as a whole number"),
    ("hours_coal", 2024.5, ValueError, "year = 2024.5: expected a year as a whole number"),
    ("hours_coal", True, ValueError, "year = True: expected a year as a whole number"),
    (["x"], 2024, TypeError, "series = ['x']: expected the name of an actual series as text"),
])
def test_actuals_has_checks_its_arguments_as_get_does(series, year, error, words) -> None:
    from aipower import actuals

    # has() answered False for "2024" and 2024.5, where get() refuses both
    for func in (actuals.has, actuals.get):
        with pytest.raises(error) as info:
            func(series, year)
        assert words in str(info.value)


def test_actuals_has_is_false_only_for_a_well_formed_series_and_year_without_a_value() -> None:
    import numpy as np

    from aipower import actuals

    assert actuals.has("hours_coal", 2024) and actuals.has("hours_coal", np.int64(2024))
    assert not actuals.has("hours_coal", 1900) and not actuals.has("no_such_series", 2024)


def test_the_api_submodules_load_on_first_use_and_dir_lists_no_helpers():
    import subprocess
    import sys

    # `import aipower; aipower.sweep` raised AttributeError until the submodule was imported by name
    code = ("import aipower, types; m = aipower.sweep; assert isinstance(m, types.ModuleType), m; "
            "names = dir(aipower); assert 'token_cost' in names and 'run' in names, names; "
            "assert not {'Any', 'TYPE_CHECKING', 'importlib'} & set(names), names")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


def test_an_override_no_scenario_can_hold_is_named_not_a_traceback() -> None:
    # a generator raised "TypeError: cannot pickle 'generator' object"; a masked value said "nested too deeply"
    import numpy as np

    with pytest.raises(ScenarioError, match=r"^override 'renewables__target_share' = <generator .*: expected a number, "
                                            r"text, list or table, got generator$"):
        aipower.run("base", renewables__target_share=(x for x in [0.3]))
    for masked in (np.ma.masked, np.ma.array(0.3, mask=True)):
        with pytest.raises(ScenarioError, match=r"^override 'renewables__target_share' = .*: expected a number, got a "
                                                r"masked value"):
            aipower.run("base", renewables__target_share=masked)
    unmasked = aipower.run("base", renewables__target_share=np.ma.array(0.29)).hours
    assert unmasked.equals(aipower.run("base", renewables__target_share=0.29).hours)


def test_a_loaded_scenarios_assumptions_are_copies() -> None:
    # editing a segment list from assumptions() changed the scenario and every scenario sharing it
    sc = aipower.load_scenario("ai")
    before = aipower.run(sc).demand.loc["data_centers", 2030]
    segments = {a.key: a for a in sc.assumptions()}["demand.data_centers.segments"].value
    segments[2]["rate"] = 0.35
    assert aipower.run(sc.with_overrides({"demand.data_centers.segments": segments})).demand.loc["data_centers", 2030] > before
    assert aipower.run(sc).demand.loc["data_centers", 2030] == before


def test_calculator_tables_and_workbooks_take_a_scenario_as_the_rest_of_the_api_does(tmp_path) -> None:
    from pathlib import Path

    from aipower import dc_power, global_dc, onsite_power, rack_power, token_cost, training, us_gap, workbooks
    sc = aipower.load_scenario("ai")
    for module in (token_cost, dc_power, us_gap, onsite_power, rack_power, training, global_dc):
        assert module.table("ai").equals(module.table(sc))  # AttributeError: 'str' object has no attribute 'get'
        with pytest.raises(ValueError, match=r"scenario = None: expected a scenario name \(base, ai, ai_ranges\)"):
            module.table(None)
    shipped = Path(aipower.__file__).parent / "scenarios" / "ai.toml"
    workbooks.build("us_gap", tmp_path / "a.xlsx", scenario=shipped)  # a Path: 'no attribute startswith'
    with pytest.raises(ScenarioError, match=r"a workbook names the scenario it reads, so expected one of base, ai, "):
        workbooks.build("us_gap", tmp_path / "b.xlsx", scenario=sc)


def test_a_scenarios_repr_tells_its_variants_apart() -> None:
    # three scenarios of one name printed alike in a notebook
    assert repr(aipower.load_scenario("base")).endswith("assumptions)")
    assert repr(aipower.load_scenario("base", base_year=2025)).endswith("assumptions, base_year=2025)")
    assert repr(aipower.load_scenario("base").with_overrides({"renewables.target_share": 0.28})).endswith(
        "assumptions, 1 override)")


def test_keyword_names_agree_across_the_api() -> None:
    # load_scenario(scenario=...) was a TypeError (its parameter was name_or_path), and
    # tornado_table's fourth positional argument was threads where the README puts quantiles
    import inspect

    from aipower import sweep
    assert aipower.load_scenario(scenario="ai").name == "ai"
    for f in (aipower.run, aipower.load_scenario, sweep.run, sweep.tornado, sweep.tornado_table, sweep.sweep_table,
              sweep.batch):
        assert next(iter(inspect.signature(f).parameters)) == "scenario", f
    assert inspect.signature(sweep.tornado_table).parameters["threads"].kind is inspect.Parameter.KEYWORD_ONLY

import hashlib
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aipower
from aipower import ScenarioError, actuals, load_scenario
from aipower.balance import HOURS_ROWS, RE_SHARE_ROWS
from aipower.demand import ROWS
from aipower.supply import SOURCES


def test_tables_have_named_rows_and_integer_years(base):
    assert list(base.demand.index) == list(ROWS)
    assert list(base.capacity.index) == list(SOURCES)
    assert list(base.generation.index) == [*SOURCES, "required"]
    assert list(base.hours.index) == list(HOURS_ROWS)
    assert list(base.re_share.index) == list(RE_SHARE_ROWS)
    for df in base.tables().values():
        assert list(df.columns) == list(range(2024, 2036))
        assert all(isinstance(c, int) for c in df.columns)
        assert np.isfinite(df.to_numpy()).all()


def test_hours_table_has_every_source_generation_over_average_capacity(base):
    # biomass too: its generation is in the tables, so its hours are (the renewables' residual, held)
    assert "biomass" in base.hours.index
    prev = actuals.get("capacity_biomass", 2023).value
    average = (prev + base.capacity.loc["biomass", 2024]) / 2
    assert base.hours.loc["biomass", 2024] == pytest.approx(base.generation.loc["biomass", 2024] / average * 1000)
    for s in SOURCES:
        average = (base.capacity.loc[s, 2029] + base.capacity.loc[s, 2030]) / 2
        assert base.generation.loc[s, 2030] == pytest.approx(base.hours.loc[s, 2030] * average / 1000)


def test_base_year_matches_actuals(base):
    assert base.hours.loc["coal", 2024] == pytest.approx(actuals.get("hours_coal", 2024).value)
    assert base.demand.loc["total", 2024] == pytest.approx(actuals.get("consumption_total", 2024).value, rel=1e-4)
    assert base.demand.loc["tertiary", 2024] == pytest.approx(actuals.get("consumption_tertiary", 2024).value)
    assert base.capacity.loc["coal", 2024] == pytest.approx(actuals.get("capacity_coal", 2024).value)
    pumped = actuals.get("capacity_pumped_storage", 2024).value
    assert base.capacity.loc["hydro", 2024] == pytest.approx(actuals.get("capacity_hydro_incl_pumped", 2024).value - pumped)
    # Solar hours are calibrated on the wind+solar generation total.
    ws = base.generation.loc["wind", 2024] + base.generation.loc["solar", 2024]
    assert ws == pytest.approx(actuals.get("wind_solar_generation", 2024).value)


def test_loss_factor_is_calibrated_not_given(base):
    fixed = aipower.run("base", balance__loss_factor_mode="fixed", balance__loss_factor=base.loss_factor + 0.01)
    assert fixed.loss_factor == pytest.approx(base.loss_factor + 0.01)
    assert fixed.hours.loc["coal", 2024] > base.hours.loc["coal", 2024]


def test_rebase_on_2025_pins_actuals_and_says_what_is_assumed():
    r = aipower.run("base", base_year=2025)
    assert r.base_year == 2025
    assert list(r.demand.columns)[0] == 2025
    for row in ("primary", "secondary", "tertiary", "residential"):
        assert r.demand.loc[row, 2025] == pytest.approx(actuals.get(f"consumption_{row}", 2025).value)
    assert r.demand.loc["total", 2025] == pytest.approx(actuals.get("consumption_total", 2025).value, rel=1e-4)
    assert r.capacity.loc["wind", 2025] == pytest.approx(640)
    assert r.capacity.loc["solar", 2025] == pytest.approx(1200)
    notes = "\n".join(r.notes)
    assert "calibrated on 2024" in notes
    assert "2025 demand.data_centers: from assumptions" in notes
    assert "2025 capacity.coal: from assumptions" in notes
    assert "2025 demand.secondary: actual" in notes


def test_horizon_is_configurable():
    r = aipower.run("base", horizon__end_year=2030)
    assert list(r.demand.columns) == list(range(2024, 2031))
    with pytest.raises(ValueError, match="year 2036 is not covered by any segment"):
        aipower.run("base", horizon__end_year=2040)
    with pytest.raises(ValueError, match="end_year = 2200"):
        aipower.run("base", horizon__end_year=2200)


def test_ai_adds_demand_and_lifts_coal_hours(base, ai):
    extra = ai.demand.loc["total"] - base.demand.loc["total"]
    assert (extra.loc[2025:] > 0).all()
    assert (ai.hours.loc["coal", 2025:2030] > base.hours.loc["coal", 2025:2030]).all()
    assert ai.requirement.level_gw_per_year > base.requirement.level_gw_per_year


def test_renewable_target_is_met(base):
    assert base.re_share.loc["non_hydro_share", 2030] == pytest.approx(0.30, abs=1e-9)
    level = base.requirement.level_gw_per_year
    assert base.re_share.loc["wind_solar_additions", 2026:2030].to_numpy() == pytest.approx([level] * 5)


def test_required_wind_solar_function(base):
    r = aipower.required_wind_solar("base")
    assert r.level_gw_per_year == pytest.approx(base.requirement.level_gw_per_year)
    lower = aipower.required_wind_solar("base", target_share=0.29)
    assert 0 < r.level_gw_per_year - lower.level_gw_per_year
    with pytest.raises(ValueError, match="renewables.target_year = 2050"):
        aipower.required_wind_solar("base", target_year=2050)


@pytest.mark.parametrize("keyword, value, message", [
    ("target_year", 2030.5, "renewables.target_year = 2030.5: expected a year"),  # was truncated to 2030
    ("first_year", 2026.2, "renewables.first_year = 2026.2: expected a year"),
    ("target_share", True, "renewables.target_share = True: expected number, got boolean"),  # was a share of 1
    ("target_share", "0.3", "renewables.target_share = '0.3': expected number, or as text a number and one of the units fraction (or %), got string"),
])
def test_required_wind_solar_checks_its_keywords_as_assumptions(keyword, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        aipower.required_wind_solar("ai", **{keyword: value})


def test_required_wind_solar_keywords_win_over_overrides():
    direct = aipower.required_wind_solar("ai", target_share=0.29)
    both = aipower.required_wind_solar("ai", target_share=0.29, overrides={"renewables.target_share": 0.31})
    assert both.level_gw_per_year == direct.level_gw_per_year and both.target_share == 0.29


def test_fixed_mode_uses_given_additions():
    r = aipower.run("base", renewables__mode="fixed")
    assert r.requirement is None
    assert r.re_share.loc["wind_solar_additions", 2027] == pytest.approx(280)


def seg(method, first, last, **values):
    return [{"method": method, "years": [first, last], "unit": values.pop("unit", "fraction/yr"), **values}]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"supply.coal.retirements": {"value": -5, "unit": "GW/yr"}}, r"coal\.retirements\[2025\] = -5"),
        ({"demand.secondary.segments": seg("growth", 2025, 2035, rate=-1.0)}, r"rate = -1: expected a growth rate > -1"),
        ({"demand.secondary.segments": seg("growth", 2025, 2030, rate=0.02)}, r"demand\.secondary: year 2031 is not covered"),
        ({"demand.ev_tertiary_share": 1.4}, r"ev_tertiary_share = 1\.4"),
        ({"renewables.target_year": 2040}, r"renewables\.target_year = 2040: expected a year in 2026-2035"),
        ({"supply.gas.additions": seg("increment", 2025, 2035, value=-100, unit="GW/yr")}, r"supply\.gas 2026 = "),
        ({"balance.net_imports": {"value": [0, 1], "unit": "TWh/yr"}}, r"balance\.net_imports: has 2 values, expected 1 or 12"),
        ({"horizon.base_year": 2019}, r"horizon\.base_year = 2019"),
    ],
)
def test_bad_input_is_a_value_error_naming_the_argument(overrides, message):
    with pytest.raises(ValueError, match=message):
        aipower.run("base", overrides=overrides)


def test_bad_segment_in_override_names_the_key():
    with pytest.raises(ValueError, match=r"demand\.secondary\.segments\[0\]: method 'glide' needs 'to'"):
        aipower.run("base", overrides={"demand.secondary.segments": seg("glide", 2025, 2035, **{"from": 0.02})})


def test_no_nan_escapes(base):
    for name, df in base.tables().items():
        assert not df.isna().any().any(), name
    assert math.isfinite(base.loss_factor)


def test_version_info():
    info = aipower.version_info()
    assert info["package"] == aipower.__version__
    assert info["kernel_version"] == aipower.__version__
    assert info["kernel_compiler"]
    assert info["kernel_batch_build"] in {"AVX2", "x86-64", "one build (no per-CPU clones)"}
    assert info["data_vintage"] == "2025"


def _tree_sha256(root, patterns):
    """The code's SHA-256 as the build and the package take it, recomputed here from the files."""
    files = sorted({(p.relative_to(root).as_posix(), p) for pat in patterns for p in root.glob(pat)})
    listing = "".join(f"{name} {hashlib.sha256(p.read_bytes()).hexdigest()}\n" for name, p in files)
    return hashlib.sha256(listing.encode()).hexdigest()


def test_version_info_names_the_code_that_runs():
    # the version is the same for every build of a release: the hashes tell two builds' code apart
    info = aipower.version_info()
    package = Path(aipower.__file__).parent
    assert info["package_sha256"] == _tree_sha256(package, ["**/*.py"])
    # the tests run in the checkout the package was built from (.ci/run installs it from there)
    repo = Path(__file__).resolve().parents[1]
    assert info["package_sha256"] == _tree_sha256(repo / "src" / "aipower", ["**/*.py"])
    assert info["kernel_source_sha256"] == _tree_sha256(repo / "kernel", ["src/*.cpp", "include/aipower/*.hpp"])
    assert info["kernel_bindings_sha256"] == _tree_sha256(repo / "src" / "bindings", ["*.cpp", "*.hpp"])


def test_result_frames_are_pandas(base):
    assert isinstance(base.demand, pd.DataFrame)
    assert base.demand.index.name == "row"


def test_a_level_cannot_start_in_a_year_the_actuals_set():
    """With base year 2025 the actuals set 2025's wind and solar capacity: a level from 2025 was
    reported as applying to a year it did not set (2025's additions stayed the actual 433 GW)."""
    with pytest.raises(ValueError, match=r"^override: renewables.first_year = 2025: expected a year after 2025: base year "
                                         r"2025 takes wind and solar capacity up to 2025 from the actuals"):
        aipower.run("ai", base_year=2025, renewables__first_year=2025)
    with pytest.raises(ValueError, match="renewables.first_year = 2025: expected a year after 2025"):
        aipower.required_wind_solar("ai", base_year=2025, first_year=2025, last_year=2025)
    assert aipower.run("ai", base_year=2025).requirement.first_year == 2026
    assert aipower.run("ai", renewables__first_year=2025).requirement.first_year == 2025  # base year 2024: its own


def test_first_year_growth_is_an_assumption_read_from_the_published_rate(monkeypatch):
    # it was read from the data file inside demand.py: not listed, not settable, a 2026 start impossible
    from aipower import actuals
    r = aipower.run("base")
    assert r.demand.loc["total_growth", 2024] == actuals.get("consumption_total_yoy", 2024).value  # 6.8% as published
    assert aipower.run("base", overrides={"demand.total_growth_start": "6.5%"}).demand.loc["total_growth", 2024] == 0.065
    assert r.demand.loc["total_growth", 2025] == pytest.approx(r.demand.loc["total", 2025] / r.demand.loc["total", 2024] - 1)
    table = dict(actuals.table())
    del table[("consumption_total_yoy", 2024)]
    monkeypatch.setattr(actuals, "table", lambda: table)
    with pytest.raises(ValueError, match=r"base.toml:\d+: horizon.base_year = 2024: expected a base year for which every "
                                         r"actual the scenario starts from exists: none before horizon.end_year \(with "
                                         r"2024, demand.total_growth_start: actual series 'consumption_total_yoy' has no "
                                         r"value for 2024: it has 2025\)"):
        aipower.run("base")


@pytest.mark.parametrize("key, value, shown", [
    ("supply.coal.start", 1e308, "supply.coal.start = 1e+308"),
    ("supply.coal.previous_end", 1e308, "supply.coal.previous_end = 1e+308"),
    ("demand.population.start", 5e-324, "demand.population.start = 4.94066e-324"),
    ("calibration.renewable_generation", 1e308, "calibration.renewable_generation = 1e+308"),
])
def test_an_overflow_names_the_assumption_of_extreme_magnitude_not_a_kernel_function(key, value, shown):
    # they named supply::average_capacity, twh_to_per_capita or twh_per_gw_to_hours, which no user called
    with pytest.raises(ValueError) as info:
        aipower.run("ai", overrides={key: value})
    assert str(info.value).startswith(f"override: {shown}: the result, or a step of it, is too large to represent (inf)")


def test_a_sector_total_the_kernel_refuses_is_named_as_the_assumption():
    with pytest.raises(ValueError, match=r"^override: demand.tertiary_core.sector_total = 0: expected a finite number > 0$"):
        aipower.run("ai", overrides={"demand.tertiary_core.sector_total": 0})


@pytest.mark.parametrize("value, what", [(np.timedelta64(50), "a time span"), (np.datetime64("2030-01-01"), "a date"),
                                         (np.complex128(5), "a complex number")])
def test_numpy_values_numpy_would_read_as_numbers_are_refused(value, what):
    with pytest.raises(ValueError, match=f"override 'balance.net_imports' = .*: expected a number, got {what}"):
        aipower.run("ai", overrides={"balance.net_imports": value})


def test_numpy_numbers_are_plain_numbers_wherever_an_override_holds_them():
    # np.float32 in a table or a keyword argument raised numpy's "truth value of an empty array"
    want = aipower.run("ai", renewables__target_share=0.25).requirement.level_gw_per_year
    for value in (np.float64(0.25), np.longdouble(0.25), np.array(0.25),
                  {"value": np.float32(0.25), "unit": "fraction", "source": "x"}):
        assert aipower.run("ai", overrides={"renewables.target_share": value}).requirement.level_gw_per_year == want
    assert aipower.required_wind_solar("ai", target_share=np.float32(0.25)).level_gw_per_year == want
    segments = aipower.load_scenario("ai").get("demand.data_centers.segments")
    segments[2]["rate"], segments[2]["years"] = np.float32(0.25), [2028.0, 2030.0]  # as numpy and a worksheet give them
    assert aipower.run("ai", overrides={"demand.data_centers.segments": segments}).demand.equals(aipower.run("ai").demand)
    segments[2]["years"] = [np.float64(2028), 2030]  # a mix
    assert aipower.run("ai", overrides={"demand.data_centers.segments": segments}).demand.equals(aipower.run("ai").demand)


def test_a_time_span_is_not_a_whole_number_of_years_or_samples():
    from aipower import global_dc, sweep, us_gap
    with pytest.raises(ValueError, match=r"^years = np.timedelta64\(5\): expected a whole number$"):
        us_gap.cumulative_gap(gap_gw_per_year=1.0, years=np.timedelta64(5))
    with pytest.raises(ValueError, match=r"^years = np.timedelta64\(5,'D'\): expected a whole number$"):
        global_dc.cagr_path(start=1.0, end=2.0, years=np.timedelta64(5, "D"))
    with pytest.raises(ValueError, match=r"^samples = np.timedelta64\(100\): expected a count"):
        sweep.run(samples=np.timedelta64(100))


def test_a_path_is_at_most_the_kernels_years_long():
    from aipower import dc_power
    with pytest.raises(ValueError, match="capex_yi_rmb: has 100000 values; expected one per year of a path of at most 200 years"):
        dc_power.capex_driven_path(start_twh=0.0, capex_yi_rmb=[1.0] * 100000, capex_per_watt_rmb=95.0,
                                   twh_per_gw_year=7.2, first_year_fraction=0.5)


def test_an_overflow_names_what_the_balance_reads_and_the_override_first(tmp_path):
    # a calculator's own extreme value (training.training_flops) was named, and its line given
    path = tmp_path / "my.toml"
    path.write_text('[scenario]\nparent = "ai"\n[training]\ntraining_flops = { value = 1e150, unit = "FLOP", source = "x" }\n'
                    '[supply.gas]\nstart = { value = 1e300, unit = "GW", source = "x" }\n', encoding="utf-8")
    with pytest.raises(ValueError) as info:
        aipower.run(path, overrides={"supply.coal.start": 1e308})
    assert str(info.value).startswith("override: supply.coal.start = 1e+308, supply.gas.start = 1e+300: the result")


def test_the_actuals_and_seed_targets_every_run_reads_cannot_be_changed_through_what_is_returned():
    # actuals.table() handed out the cached dict: an edit there moved every later run in the process
    from aipower import actuals, calibration
    before = aipower.run("base").hours.loc["coal", 2030]
    with pytest.raises(TypeError):
        actuals.table()[("hours_coal", 2024)] = actuals.get("hours_coal", 2023)  # type: ignore[index]
    with pytest.raises(TypeError):
        del calibration.targets()[next(iter(calibration.targets()))]  # type: ignore[attr-defined]
    assert aipower.run("base").hours.loc["coal", 2030] == before


def test_a_bare_number_in_another_unit_than_the_files_is_noted():
    # 1200 copied from `aipower params` ("1172 [yi kWh]") ran as 1200 TWh, 10× the row, without a word
    r = aipower.run("base", overrides={"demand.ev_charging.start": 1200})
    assert r.demand.loc["ev_charging", 2024] == 1200.0
    assert ("demand.ev_charging.start = 1200 (override, a number without a unit) is read in the model's unit, TWh; "
            "the scenario writes it in yi kWh: for that, give '1200 yi kWh'") in r.notes
    said = aipower.run("base", overrides={"demand.ev_charging.start": "1200 yi kWh", "renewables.target_share": 0.28})
    assert said.notes == [] and said.demand.loc["ev_charging", 2024] == pytest.approx(120.0)


def test_start_hours_a_derived_base_never_reads_are_not_required(monkeypatch):
    # a 2025 start asked for 2025 solar plant hours, which solar_from_wind_solar does not read
    from aipower import actuals, sweep
    before = aipower.run("base")
    table = dict(actuals.table())
    del table[("hours_solar", 2024)]
    monkeypatch.setattr(actuals, "table", lambda: table)
    after = aipower.run("base")
    assert after.hours.equals(before.hours) and after.generation.equals(before.generation)
    assert np.array_equal(sweep.batch("base", {"renewables.target_share": [0.3]}, outputs=["hours.coal"])["hours.coal"][0],
                          before.hours.loc["coal"].to_numpy())
    given = {"hours.solar.base": "given"}  # read there: still required, by name
    with pytest.raises(ValueError, match="hours.solar.start: actual series 'hours_solar' has no value for 2024"):
        aipower.run("base", overrides=given)


_WIND_2025 = {"method": "increment", "years": [2025, 2025], "value": 119.33, "unit": "GW/yr", "source": "test"}


@pytest.mark.parametrize("segment", [
    {"method": "target", "years": [2025, 2030], "value": 900, "unit": "GW", "source": "test"},
    {"method": "change", "years": [2025, 2030], "change": 0.6, "from_year": 2024, "unit": "fraction", "source": "test"},
])
def test_a_segment_the_solve_years_cut_short_keeps_its_path_before_them(segment):
    # in target mode the 2025 part of a 2025-30 wind target reached the 2030 value (900 GW) in 2025
    from aipower import sweep
    later = {"method": "increment", "years": [2031, 2035], "value": 80, "unit": "GW/yr", "source": "test"}
    wind = {"supply.wind.additions": [segment, later]}
    fixed = aipower.run("base", overrides=wind | {"renewables.mode": "fixed"})
    solved = aipower.run("base", overrides=wind)
    assert solved.capacity.loc["wind", 2025] == fixed.capacity.loc["wind", 2025] < 600
    got = sweep.batch(load_scenario("base", overrides=wind), {"renewables.target_share": [0.30]},
                      outputs=["capacity.wind", "hours.coal"])
    assert np.array_equal(got["capacity.wind"][0], solved.capacity.loc["wind"].to_numpy())
    assert np.array_equal(got["hours.coal"][0], solved.hours.loc["coal"].to_numpy())


@pytest.mark.parametrize("after, named", [
    ({"method": "target", "years": [2031, 2035], "value": 1500, "unit": "GW", "source": "test"}, "the target segment"),
    ({"method": "cagr", "years": [2031, 2035], "rate": 0.1, "from_year": 2024, "unit": "fraction/yr", "source": "test"},
     "the cagr segment"),
])
def test_a_target_year_after_segments_with_their_own_aim_is_refused_by_name(after, named):
    # "the solved level 47.48 GW/yr gives a share of 0.30017, not the target 0.3": no input named
    from aipower import sweep
    wind = [_WIND_2025, {"method": "increment", "years": [2026, 2030], "value": 80, "unit": "GW/yr", "source": "test"}, after]
    overrides = {"supply.wind.additions": wind, "renewables.target_year": 2033}
    message = (rf"^override: renewables\.target_year = 2033: expected a year in 2026-2030, or segments after 2030 that "
               rf"grow from the solved capacity: {named} 2031-2035 of supply\.wind\.additions aims at a value of its own, "
               r"so the share in 2033 is not linear in the level the solve sets \(growth, glide, increment or pipeline "
               r"grow from it, as does a cagr or change counted from 2030\)$")
    with pytest.raises(ScenarioError, match=message):
        aipower.run("base", overrides=overrides)
    with pytest.raises(ValueError, match=r"renewables\.target_year = 2033: expected a year in 2026-2030, or segments"):
        sweep.batch("base", {"renewables.target_share": [0.3]}, overrides=overrides)
    grows = dict(after, method="growth", rate=0.05, unit="fraction/yr")  # grows from the solved 2030 capacity
    grows.pop("value", None), grows.pop("from_year", None)
    r = aipower.run("base", overrides=overrides | {"supply.wind.additions": wind[:2] + [grows]})
    assert r.re_share.loc["non_hydro_share", 2033] == pytest.approx(0.30, abs=1e-9)


def test_a_refusal_caused_by_a_number_without_its_unit_says_how_it_was_read():
    # 2880 copied from a table in 亿kWh runs as 2880 TWh; the check it fails is the tertiary core's,
    # blamed on another assumption: the message says how the bare number was read
    with pytest.raises(ScenarioError) as info:
        aipower.run("base", overrides={"demand.data_centers.start": 2880})
    message = str(info.value)
    assert "demand.tertiary_core 2024 = " in message
    assert message.endswith("(a number without a unit is in the model's unit: demand.data_centers.start = 2880 "
                            "(override) is read in TWh, the scenario writes it in yi kWh: for that, give '2880 yi kWh')")
    # with its unit, the same number runs
    assert aipower.run("base", overrides={"demand.data_centers.start": "2880 亿kWh"}).demand.loc["data_centers", 2024] == 288.0


@pytest.mark.parametrize("end", [2036, 2100])
def test_a_horizon_one_year_past_its_lists_names_the_first_list_and_its_line(end):
    # the coverage check stopping a year short left the kernel to refuse, without file or line; 2100, the
    # last year the kernel takes, is a horizon the lists fall short of, not a year refused
    with pytest.raises(ValueError) as err:
        aipower.run("base", overrides={"horizon.end_year": end})
    assert re.search(rf"base\.toml:\d+: demand\.population: year 2036 is not covered by any segment of "
                     rf"demand\.population\.segments \(the horizon runs to {end}: horizon\.end_year in override\)", str(err.value))

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipower import dc_power
from aipower._calc import calculator_defaults

D = calculator_defaults()


def test_method1_per_1000_yi_rmb_matches_seed1_with_its_own_inputs():
    r = dc_power.method1(capex_yi_rmb=1000, capex_per_watt_rmb=[120, 70], twh_per_gw_year=[4.4, 10.0])
    np.testing.assert_allclose(r["capacity_gw"], [0.8333, 1.4286], atol=1e-4)  # seed: ~0.9 / ~1.5 GW
    # seed 1: 40-150 亿kWh with the rounded GW; 36.7-142.9 with the unrounded ones
    np.testing.assert_allclose(np.asarray(r["energy_twh"]) * 10, [36.67, 142.86], atol=0.01)


def test_method2_per_1000_yi_rmb_reproduces_20_164_yi_kwh():
    r = dc_power.method2(capex_yi_rmb=1000, chip_share_of_capex=1.0, chip_cost_per_watt_rmb=[625, 80], pue=1.5, load_factor=1.0)
    np.testing.assert_allclose(r["chip_power_gw"], [0.16, 1.25])
    np.testing.assert_allclose(np.asarray(r["energy_twh"]) * 10, [21.02, 164.25], atol=0.01)


def test_cluster_power():
    assert dc_power.cluster_power_mw(accelerators=100_000, watts_per_accelerator=700, pue=1.0) == pytest.approx(70.0)
    assert dc_power.cluster_power_mw(accelerators=100_000, watts_per_accelerator=700, pue=1.59) > 100.0


def test_energy_from_it_power_defaults_to_a_year():
    assert dc_power.energy_from_it_power_twh(it_power_gw=1.0, pue=1.5, load_factor=1.0) == pytest.approx(13.14)


def test_paths():
    p = dc_power.capex_driven_path(start_twh=100, capex_yi_rmb=[0, 1000, 0], capex_per_watt_rmb=100, twh_per_gw_year=10, first_year_fraction=0.5)
    np.testing.assert_allclose(p, [100, 105, 110])
    q = dc_power.compute_driven_path(start_twh=100, eflops=[10, 20], intensity_change_per_year=-0.5)
    np.testing.assert_allclose(q, [100, 100])
    np.testing.assert_allclose(dc_power.intensity_path(start=1, annual_change=0.1, n=3), [1, 1.1, 1.21])
    np.testing.assert_allclose(dc_power.compute_route_twh(eflops=[1, 2], twh_per_eflops=[3, 4]), [3, 8])
    v = dc_power.interpolate_geometric(anchor_years=[2024, 2028], anchor_values=[797, 2922], years=[2026])
    assert v[0] == pytest.approx(math.sqrt(797 * 2922))


def test_table_rows_and_values():
    t = dc_power.table(D)
    assert list(t.columns) == ["row", "low", "high", "unit"]
    assert np.isfinite(t[["low", "high"]].to_numpy()).all()
    row = t.set_index("row")
    assert row.loc["2025 internet capex: method 1 energy", "low"] == pytest.approx(220.0)
    assert row.loc["2025 internet capex: method 1 energy", "high"] == pytest.approx(857.14, abs=0.01)
    assert row.loc["2025 internet capex: method 2 energy", "low"] == pytest.approx(126.14, abs=0.01)
    assert row.loc["2025 internet capex: method 2 energy", "high"] == pytest.approx(985.5)
    assert row.loc["compute route: compute growth 2024-28", "low"] == pytest.approx(38.37, abs=0.01)
    assert row.loc["compute route: data-center electricity growth", "low"] > 20.0


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: dc_power.capacity_from_capex_gw(capex_yi_rmb=-1, capex_per_watt_rmb=70), "capex_yi_rmb = -1"),
        (lambda: dc_power.capacity_from_capex_gw(capex_yi_rmb=1, capex_per_watt_rmb=0), "capex_per_watt_rmb = 0"),
        (lambda: dc_power.energy_from_it_power_twh(it_power_gw=1, pue=0.9, load_factor=1), "pue = 0.9"),
        (lambda: dc_power.chip_power_from_capex_gw(capex_yi_rmb=1, chip_share_of_capex=1.5, chip_cost_per_watt_rmb=80), "chip_share_of_capex = 1.5"),
        (lambda: dc_power.energy_from_capacity_twh(capacity_gw=float("nan"), twh_per_gw_year=4), "capacity_gw = nan"),
        (lambda: dc_power.compute_route_twh(eflops=[1, 2], twh_per_eflops=[1]), "twh_per_eflops"),
        (lambda: dc_power.capex_driven_path(start_twh=1, capex_yi_rmb=[1], capex_per_watt_rmb=1, twh_per_gw_year=1, first_year_fraction=2), "first_year_fraction = 2"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name.replace("(", r"\(")):
        call()


capex = st.floats(min_value=1.0, max_value=1e6)
factor = st.floats(min_value=0.01, max_value=100.0)


@given(capex, factor, st.floats(min_value=10, max_value=1000), st.floats(min_value=0.1, max_value=20))
def test_method1_scales_linearly_with_capex(c, k, cpw, intensity):
    a = dc_power.method1(capex_yi_rmb=c, capex_per_watt_rmb=cpw, twh_per_gw_year=intensity)["energy_twh"]
    b = dc_power.method1(capex_yi_rmb=c * k, capex_per_watt_rmb=cpw, twh_per_gw_year=intensity)["energy_twh"]
    assert b == pytest.approx(k * a, rel=1e-9)


@given(capex, factor, st.floats(min_value=10, max_value=1000), st.floats(min_value=1.0, max_value=3.0))
def test_method2_scales_linearly_with_capex(c, k, cpw, pue):
    a = dc_power.method2(capex_yi_rmb=c, chip_share_of_capex=1.0, chip_cost_per_watt_rmb=cpw, pue=pue, load_factor=1.0)["energy_twh"]
    b = dc_power.method2(capex_yi_rmb=c * k, chip_share_of_capex=1.0, chip_cost_per_watt_rmb=cpw, pue=pue, load_factor=1.0)["energy_twh"]
    assert b == pytest.approx(k * a, rel=1e-9)


def test_table_labels_do_not_claim_a_capex_the_input_does_not_have():
    from aipower._calc import calculator_defaults

    t = dc_power.table(calculator_defaults({"dc_power.capex_yi_rmb": 2500})).set_index("row")
    assert t.loc["given capex: capex", "low"] == 2500
    assert t.loc["given capex: method 1 energy", "low"] == pytest.approx(2.5 * 36.6667, rel=1e-4)
    assert not any("1,000" in row for row in t.index)


# --- the capex and compute routes name the scenario's keys; the API's own refusals name its arguments ---

@pytest.mark.parametrize("driver, key, value, message", [
    ("capex", "dc_power.capex_first_year_fraction", 2,
     "override: dc_power.capex_first_year_fraction = 2: expected a number in [0, 1]"),
    ("capex", "dc_power.capex_path_last_year", 2024,
     "override: dc_power.capex_path_last_year = 2024: expected a year >= dc_power.capex_path_first_year = 2025 ("),
    ("capex", "dc_power.capex_path_growth", -1, "override: dc_power.capex_path_growth = -1: expected a growth rate > -1"),
    ("capex", "dc_power.capex_path_growth_after", -1,
     "override: dc_power.capex_path_growth_after = -1: expected a growth rate > -1"),
    ("capex", "dc_power.capex_path_first_value", -5, "override: dc_power.capex_path_first_value = -5: expected a finite number >= 0"),
    ("capex", "dc_power.capex_path_growth", 1e308, "override: dc_power.capex_path_growth = 1e+308: the capex path reaches inf in 2026"),
    ("capex", "dc_power.capex_per_watt_rmb", [0, 1], "override: dc_power.capex_per_watt_rmb = [0, 1] (low case): expected a finite number > 0"),
    ("capex", "dc_power.twh_per_gw_year", [1, -1], "override: dc_power.twh_per_gw_year = [1, -1] (high case): expected a finite number >= 0"),
    ("compute", "dc_power.energy_per_flop_change", -1, "override: dc_power.energy_per_flop_change = -1: expected a growth rate > -1"),
    ("compute", "dc_power.ai_eflops_2024", -1e6, "override: dc_power.ai_eflops_2024 = -1000000.0: with dc_power.general_eflops_2024"),
])
def test_route_refusals_name_the_scenario_key_and_where_it_was_set(driver, key, value, message):
    # the kernel named its own arguments (first_year_fraction, dc_power.capex_path.end_year, "segment growth 2026-2028")
    import aipower

    with pytest.raises(ValueError) as info:
        aipower.run("base", overrides={"demand.data_centers.driver": driver, key: value})
    assert str(info.value).startswith(message), str(info.value)


def test_route_refusal_gives_the_file_and_line_of_a_key_set_in_a_file(tmp_path):
    import aipower

    path = tmp_path / "route.toml"
    path.write_text('[scenario]\nparent = "base"\n[dc_power]\n'
                    'capex_first_year_fraction = { value = 2, unit = "fraction of a year\'s energy", source = "x" }\n',
                    encoding="utf-8")
    with pytest.raises(ValueError, match=rf"^{re.escape(str(path))}:4: dc_power.capex_first_year_fraction = 2: expected"):
        aipower.run(path, overrides={"demand.data_centers.driver": "capex"})


def test_a_misspelt_keyword_is_named_with_a_suggestion():
    with pytest.raises(ValueError, match=r"^capacity_from_capex_gw\(\): unexpected keyword argument 'capex_per_watt' "
                                         r"\(did you mean 'capex_per_watt_rmb'\?\)"):
        dc_power.capacity_from_capex_gw(capex_yi_rmb=1, capex_per_watt=1)


def test_a_series_where_one_number_is_expected_is_described_on_one_line():
    with pytest.raises(ValueError) as info:
        dc_power.intensity_path(start=pd.Series([1.0]), annual_change=0.1, n=3)
    assert str(info.value) == "start = a pandas Series of length 1: expected a single number"


def test_duplicate_labels_are_named_as_such():
    with pytest.raises(ValueError, match=r"capex_per_watt_rmb \(\['b', 'a', 'a'\]\) has duplicate labels \['a'\]"):
        dc_power.capacity_from_capex_gw(capex_yi_rmb=pd.Series([1.0, 2.0, 3.0], index=["a", "a", "b"]),
                                        capex_per_watt_rmb=pd.Series([1.0, 2.0, 3.0], index=["b", "a", "a"]))


def test_a_whole_float_or_0d_array_is_a_whole_number_and_a_bool_or_fraction_is_not():
    # 3.0 is taken as run(base_year=2025.0) and the sweeps take one: a worksheet's numbers are floats
    for whole in (np.array(3), 3.0, np.float64(3), np.array(3.0)):
        np.testing.assert_array_equal(dc_power.intensity_path(start=1.0, annual_change=0.1, n=whole),
                                      dc_power.intensity_path(start=1.0, annual_change=0.1, n=3))
    for bad in (np.array(True), True, 3.5, np.array(3.5), float("nan"), float("inf"), np.timedelta64(3)):
        with pytest.raises(ValueError, match="^n = .*: expected a whole number$"):
            dc_power.intensity_path(start=1.0, annual_change=0.1, n=bad)


def test_a_path_from_a_series_is_declared_as_an_array_or_a_series():
    import typing

    for func in (dc_power.compute_route_twh, dc_power.capex_driven_path, dc_power.compute_driven_path):
        assert pd.Series in typing.get_args(typing.get_type_hints(func)["return"]), func.__name__
    got = dc_power.capex_driven_path(start_twh=1.0, capex_yi_rmb=pd.Series([100.0, 200.0], index=[2025, 2026]),
                                     capex_per_watt_rmb=100.0, twh_per_gw_year=8.0, first_year_fraction=0.5)
    assert isinstance(got, pd.Series)


def test_the_capex_route_s_mid_case_is_the_mean_of_its_paths_and_holds_after_the_capex_ends():
    # mid returning the low path (496.6 instead of 798.7 TWh in 2030), or capex held after its last year,
    # passed every test
    import aipower

    route = {"demand.data_centers.driver": "capex"}
    dc = {c: aipower.run("base", overrides={**route, "dc_power.capex_case": c}).demand.loc["data_centers"]
          for c in ("low", "mid", "high")}
    assert np.allclose(dc["mid"], (dc["low"] + dc["high"]) / 2, rtol=1e-12) and dc["low"][2030] < dc["high"][2030]
    last = aipower.load_scenario("base").get("dc_power.capex_path_last_year")
    for case in dc.values():  # no capex after its last year: the load built by then runs on, flat
        after = case[[y for y in case.index if y > last]]
        assert len(after) > 1 and (after == after.iloc[0]).all() and after.iloc[0] > case[last]

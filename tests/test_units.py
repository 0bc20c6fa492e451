import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipower import units

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
positive = st.floats(min_value=1e-3, max_value=1e6)


@given(finite)
def test_energy_round_trip(x):
    assert math.isclose(units.twh_to_yi_kwh(units.yi_kwh_to_twh(x)), x, rel_tol=1e-12, abs_tol=1e-9)


@given(finite)
def test_capacity_round_trips(x):
    assert math.isclose(units.gw_to_yi_kw(units.yi_kw_to_gw(x)), x, rel_tol=1e-12, abs_tol=1e-9)
    assert math.isclose(units.gw_to_wan_kw(units.wan_kw_to_gw(x)), x, rel_tol=1e-12, abs_tol=1e-9)


@given(positive, st.floats(min_value=0, max_value=8784))
def test_hours_round_trip(gw, hours):
    assert math.isclose(units.twh_per_gw_to_hours(units.gw_hours_to_twh(gw, hours), gw), hours, rel_tol=1e-12, abs_tol=1e-9)


@given(st.floats(min_value=0, max_value=1e5), positive)
def test_per_capita_round_trip(kwh, pop):
    assert math.isclose(units.twh_to_per_capita(units.per_capita_to_twh(kwh, pop), pop), kwh, rel_tol=1e-12, abs_tol=1e-9)


def test_known_values():
    assert units.yi_kwh_to_twh(98521) == pytest.approx(9852.1)
    assert units.yi_kw_to_gw(1.8) == pytest.approx(180)
    assert units.wan_kw_to_gw(500) == pytest.approx(5)
    assert units.to_model_unit(5.5, "%/yr") == (pytest.approx(0.055), "fraction/yr")


def test_arrays_and_series_convert_element_by_element():
    np.testing.assert_array_equal(units.yi_kwh_to_twh([98521.0, 10.0]), [units.yi_kwh_to_twh(98521.0), 1.0])
    np.testing.assert_array_equal(units.gw_hours_to_twh(np.array([[1.0], [2.0]]), [4000.0, 5000.0]), [[4.0, 5.0], [8.0, 10.0]])
    got = units.twh_per_gw_to_hours(pd.Series([4.0, 8.0], index=["a", "b"]), pd.Series([2.0, 1.0], index=["b", "a"]))
    assert got.to_dict() == {"a": 4000.0, "b": 4000.0}  # matched by label
    assert units.to_model_unit([1.0, 2.0], "亿kWh")[0].tolist() == [0.1, 0.2]


@pytest.mark.parametrize("call, words", [
    (lambda: units.yi_kwh_to_twh("98521"), "yi_kwh = '98521': expected a number, got text"),
    (lambda: units.gw_hours_to_twh(None, 1.0), "gw = None: expected a number"),
    (lambda: units.per_capita_to_twh(True, 1.0), "kwh_per_person = True: expected a number, got a boolean"),
    (lambda: units.twh_per_gw_to_hours([1.0, 2.0], [1.0, 2.0, 3.0]), "different shapes"),
    (lambda: units.twh_per_gw_to_hours(1.0), "missing a required argument: 'gw'"),
    (lambda: units.to_model_unit("5.5", "%"), "value = '5.5': expected a number, got text"),
])
def test_bad_arguments_are_value_errors_naming_them(call, words):  # pybind11 alone raised TypeError
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_is_refused(bad):
    with pytest.raises(ValueError, match="yi_kwh"):
        units.yi_kwh_to_twh(bad)
    with pytest.raises(ValueError, match="gw = 0"):
        units.twh_per_gw_to_hours(1.0, 0.0)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), np.float64("nan")])
def test_to_model_unit_refuses_a_value_that_is_not_finite(value):
    with pytest.raises(ValueError, match="value = .*: expected a finite number"):
        units.to_model_unit(value, "%")


def test_conversions_are_correctly_rounded_so_typed_figures_stay_as_typed():
    # multiplying by 0.1 or 0.01 (not exact in binary) gave 62.800000000000004 TWh for 628 亿kWh
    assert units.yi_kwh_to_twh(628.0) == 62.8 and units.yi_kwh_to_twh(3.0) == 0.3
    assert units.wan_kw_to_gw(7.0) == 0.07 and units.wan_kw_to_gw(12345.0) == 123.45
    assert units.twh_to_yi_kwh(units.yi_kwh_to_twh(3.0)) == 3.0
    assert units.per_capita_to_twh(1234.5, 1408.0) == 1234.5 * 1408.0 / 1000.0


def test_a_unit_spelt_with_other_spaces_or_case_converts_as_it_is_recognised():
    # known_unit read '亿 kWh' as 亿kWh, to_model_unit passed it through unconverted (3000 stayed 3000)
    assert units.to_model_unit(3000, "亿 kWh") == units.to_model_unit(3000, "亿kWh") == (300.0, "TWh")
    assert units.model_unit("亿 KWH") == "TWh" and units.model_unit("twh/YR") == "TWh/yr"
    assert units.to_model_unit(5, "h") == (5, "h")  # a unit without a conversion passes as written


def test_additions_take_yi_kw_per_year_as_capacities_take_yi_kw():
    assert units.to_model_unit(0.5, "亿kW/yr") == units.to_model_unit(0.5, "yi kW/yr") == (50.0, "GW/yr")


def test_mw_per_year_converts_for_additions_and_mw_stays_the_calculators_own_unit():
    # "MW/yr" was refused for capacity additions; "MW" itself must not convert: onsite_power.capacity_mw is in MW
    assert units.to_model_unit(30000.0, "MW/yr") == (30.0, "GW/yr")
    assert units.mw_to_gw(1500.0) == 1.5 and units.gw_to_mw(units.mw_to_gw(123.0)) == 123.0
    import aipower

    assert aipower.load_scenario("base").get("onsite_power.capacity_mw") == 100
    mw = aipower.run("ai", overrides={"supply.coal.additions": [
        {"method": "increment", "years": [2025, 2035], "value": 30000, "unit": "MW/yr", "source": "t"}]})
    gw = aipower.run("ai", overrides={"supply.coal.additions": [
        {"method": "increment", "years": [2025, 2035], "value": 30, "unit": "GW/yr", "source": "t"}]})
    assert mw.capacity.equals(gw.capacity)


# Each unit's factor from its definition (亿 = 10^8, 万 = 10^4, kWh → TWh ÷ 10^9, kW → GW ÷ 10^6), written
# out here and not read from the table it checks: 万kW read as 亿kW (10^4× off) passed every test
_DEFINED = {
    "TWh": (1.0, "TWh"), "yi kWh": (1e8 / 1e9, "TWh"), "亿kWh": (1e8 / 1e9, "TWh"),
    "GW": (1.0, "GW"), "yi kW": (1e8 / 1e6, "GW"), "亿kW": (1e8 / 1e6, "GW"),
    "wan kW": (1e4 / 1e6, "GW"), "万kW": (1e4 / 1e6, "GW"),
    "GW/yr": (1.0, "GW/yr"), "yi kW/yr": (1e8 / 1e6, "GW/yr"), "亿kW/yr": (1e8 / 1e6, "GW/yr"),
    "wan kW/yr": (1e4 / 1e6, "GW/yr"), "万kW/yr": (1e4 / 1e6, "GW/yr"), "MW/yr": (1e-3, "GW/yr"),
    "TWh/yr": (1.0, "TWh/yr"), "yi kWh/yr": (1e8 / 1e9, "TWh/yr"), "亿kWh/yr": (1e8 / 1e9, "TWh/yr"),
    "fraction": (1.0, "fraction"), "%": (0.01, "fraction"), "fraction/yr": (1.0, "fraction/yr"), "%/yr": (0.01, "fraction/yr"),
    "TWh per GW-year": (1.0, "TWh per GW-year"), "yi kWh per GW-year": (1e8 / 1e9, "TWh per GW-year"),
    "亿kWh per GW-year": (1e8 / 1e9, "TWh per GW-year"),
}


def test_every_unit_converts_by_its_definition():
    assert set(units.known_units()) == set(_DEFINED)
    for unit, (factor, model) in _DEFINED.items():
        value, got_unit = units.to_model_unit(3.0, unit)
        assert got_unit == model and value == pytest.approx(3.0 * factor, rel=1e-15), unit

"""Fuzz every public API function with hostile values (NaN, ±inf, 0, negative, huge,
empty and mismatched arrays, text, None). Only two outcomes are allowed: a finite
result, or a ValueError whose message names an argument (or the function)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aipower
from aipower import dc_power, global_dc, onsite_power, rack_power, token_cost, training, units, us_gap

MODULES = [dc_power, token_cost, us_gap, onsite_power, rack_power, training, global_dc]
FUNCTIONS = [
    getattr(m, name) for m in MODULES for name in m.__all__ if name != "table" and callable(getattr(m, name))
]

wild_number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 1e308, -1e308, 5e-324, 1.0, 0.5, 100.0]),
    st.integers(min_value=-(10**12), max_value=10**12),
)
wild_value = st.one_of(
    wild_number,
    st.lists(wild_number, max_size=5),
    st.sampled_from([None, "abc", "", [], [[1.0, 2.0]], {"a": 1}, True]),
)
wild_int = st.one_of(st.integers(min_value=-5, max_value=10**9), st.sampled_from([None, "3", 2.5, True]))


def all_finite(result) -> bool:
    if isinstance(result, dict):
        return all(all_finite(v) for v in result.values())
    if isinstance(result, (pd.DataFrame, pd.Series)):
        numeric = result.select_dtypes("number") if isinstance(result, pd.DataFrame) else result
        return bool(np.isfinite(np.asarray(numeric, dtype=float)).all())
    if isinstance(result, (list, tuple, np.ndarray, float, int, np.floating)):
        arr = np.asarray(result, dtype=float)
        return bool(np.isfinite(arr).all())
    return True


@pytest.mark.parametrize("func", FUNCTIONS, ids=lambda f: f"{f.__module__.split('.')[-1]}.{f.__name__}")
@given(data=st.data())
def test_calculator_functions_return_finite_or_value_error(func, data):
    params = inspect.signature(func).parameters
    kwargs = {}
    for name, p in params.items():
        if p.default is not inspect.Parameter.empty and data.draw(st.booleans(), label=f"default {name}"):
            continue
        kwargs[name] = data.draw(wild_int if str(p.annotation) in ("int", "Whole") else wild_value, label=name)
    try:
        result = func(**kwargs)
    except ValueError as exc:
        message = str(exc)
        assert any(name in message for name in params) or func.__name__ in message or "::" in message, message
        return
    assert all_finite(result), (kwargs, result)


NUMERIC_KEYS = [
    a.key for a in aipower.load_scenario("base").assumptions()
    if isinstance(a.value, (int, float)) and not isinstance(a.value, bool)
]


@given(st.sampled_from(NUMERIC_KEYS), st.one_of(
    wild_number, st.sampled_from(["x", None]), st.lists(wild_number, max_size=3),  # a list: per-year keys only
    st.integers(min_value=-(10**12), max_value=10**12).map(np.int64), wild_number.map(np.float64)))
def test_balance_overrides_return_finite_tables_or_value_error(key, value):
    try:
        r = aipower.run("base", overrides={key: value})
    except ValueError as exc:
        message = str(exc)
        # The key, or the row/series it belongs to (kernel messages name the series and year).
        assert key in message or key.rsplit(".", 1)[0] in message or "coal generation" in message or "renewables.target_share" in message, message
        return
    for name, df in r.tables().items():
        assert np.isfinite(df.to_numpy()).all(), (key, value, name)
    assert math.isfinite(r.loss_factor)


UNIT_FUNCTIONS = [units.yi_kwh_to_twh, units.gw_to_wan_kw, units.twh_to_per_capita, units.gw_hours_to_twh]


@given(st.sampled_from(UNIT_FUNCTIONS), st.data())
def test_units_return_finite_or_value_error(func, data):
    params = list(inspect.signature(func).parameters)
    args = [data.draw(wild_value, label=p) for p in params]  # numbers, lists, text, None, booleans
    try:
        result = func(*args)
    except ValueError as exc:
        assert any(p in str(exc) for p in params) or func.__name__ in str(exc), str(exc)
        return
    assert all_finite(result), (args, result)


@pytest.mark.parametrize("value, kind", [(True, "a boolean"), (np.array([True, False]), "a boolean"),
                                         (["100"], "text"), ("100", "text"),
                                         ([100.0, True], "a boolean"),  # numpy makes this a float array
                                         ([100 + 1j], "a complex number"), (np.datetime64("2030-01-01"), "a date")])
def test_booleans_and_text_are_not_taken_for_numbers(value, kind):
    # numpy alone would read True as 1, '100' as 100, drop the complex part and count a date in days
    with pytest.raises(ValueError, match=f"capex_yi_rmb = .*: expected a number, got {kind}"):
        dc_power.capacity_from_capex_gw(capex_yi_rmb=value, capex_per_watt_rmb=100)


LABELS = ["low", "mid", "high"]


@given(st.permutations(LABELS), st.permutations(LABELS),
       st.lists(st.floats(500, 5000), min_size=3, max_size=3), st.lists(st.floats(50, 150), min_size=3, max_size=3),
       st.lists(st.floats(4, 10), min_size=3, max_size=3))
def test_series_arguments_are_matched_by_label(order_a, order_b, capex, per_watt, twh_per_gw):
    capex_s = pd.Series(capex, index=LABELS)
    per_watt_s = pd.Series(per_watt, index=LABELS).reindex(order_a)  # same labels, another order
    twh_s = pd.Series(twh_per_gw, index=LABELS).reindex(order_b)
    got = dc_power.method1(capex_yi_rmb=capex_s, capex_per_watt_rmb=per_watt_s, twh_per_gw_year=twh_s)
    want = dc_power.method1(capex_yi_rmb=np.array(capex), capex_per_watt_rmb=np.array(per_watt), twh_per_gw_year=np.array(twh_per_gw))
    for key in want:
        assert list(got[key].index) == LABELS  # the first Series' labels, in its order
        np.testing.assert_array_equal(got[key].to_numpy(), want[key])


@pytest.mark.parametrize("other, words", [
    (pd.Series([100.0, 120.0], index=["a", "b"]), "the index of capex_per_watt_rmb (['a', 'b']) has other labels"),
    (pd.Series([100.0, 120.0], index=["low", "low"]), "has other labels"),
    (pd.DataFrame({"x": [100.0, 120.0]}, index=["low", "high"]), "capex_per_watt_rmb is a DataFrame and capex_yi_rmb a Series"),
])
def test_series_with_other_labels_are_refused_not_nan(other, words):
    with pytest.raises(ValueError) as info:
        dc_power.capacity_from_capex_gw(capex_yi_rmb=pd.Series([1000.0, 2000.0], index=["low", "high"]), capex_per_watt_rmb=other)
    assert words in str(info.value)


def test_a_result_indexed_by_something_else_does_not_take_a_list_arguments_labels():
    from aipower import us_gap

    # interpolate_geometric's result is indexed by `years`, not by the anchors
    anchors = pd.Series([797.0, 2922.0], index=[2024, 2028])
    got = dc_power.interpolate_geometric(anchor_years=[2024, 2028], anchor_values=anchors, years=[2030, 2035])
    assert not isinstance(got, pd.Series)
    np.testing.assert_array_equal(got, dc_power.interpolate_geometric(anchor_years=[2024, 2028],
                                                                      anchor_values=[797.0, 2922.0], years=[2030, 2035]))
    # capacity_gap's cumulative gap runs by year; its lists are per technology (and still paired by label)
    mix = dict(nameplate_gw=pd.Series({"solar": 45.0, "wind": 5.0, "thermal": 5.0}),
               capacity_factor=pd.Series({"thermal": 0.85, "solar": 0.25, "wind": 0.35}))
    gap = us_gap.capacity_gap(needed_gw_per_year=80.0, years=3, fleet_gw=1300.0, **mix)
    assert not isinstance(gap["cumulative_gap_gw"], pd.Series)
    assert gap["built_firm_gw"] == pytest.approx(45 * 0.25 + 5 * 0.35 + 5 * 0.85)
    # a per-year path keeps its years
    route = dc_power.compute_route_twh(eflops=pd.Series([1.0, 2.0], index=[2024, 2025]),
                                       twh_per_eflops=pd.Series([3.0, 4.0], index=[2025, 2024]))
    assert list(route.index) == [2024, 2025] and list(route) == [4.0, 6.0]


@pytest.mark.parametrize("call, words", [
    # each was pybind11's TypeError or an OverflowError, naming no argument; a mask was read as data
    (lambda: dc_power.compute_route_twh(eflops=[1.0, None], twh_per_eflops=[1.0, 1.0]), "eflops = [1.0, None]: expected a number, got an empty value"),
    (lambda: dc_power.compute_route_twh(eflops=pd.array([1.0, None], dtype="Float64"), twh_per_eflops=[1.0, 1.0]), "eflops[1] = nan"),
    (lambda: units.yi_kwh_to_twh(np.ma.masked_array([1.0, 2.0], mask=[False, True])), "yi_kwh = [1.0, None]: expected numbers, got masked entries"),
    (lambda: units.yi_kwh_to_twh(10**400), "expected a number within a float's range"),
    (lambda: dc_power.interpolate_geometric(anchor_years=np.array(2024), anchor_values=[1.0, 2.0], years=[2030]), "anchor_years = array(2024): expected a list of years"),
    (lambda: training.training_time_s(training_flops=1e26, accelerators=10**400, peak_flops_per_s=1e15, utilization=0.4), "accelerators = "),
])
def test_empty_masked_and_huge_values_are_refused_by_name(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


def test_a_masked_array_without_masked_entries_is_read_as_its_data():
    np.testing.assert_array_equal(units.yi_kwh_to_twh(np.ma.masked_array([1.0, 2.0])), [0.1, 0.2])

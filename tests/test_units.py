import math

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


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_is_refused(bad):
    with pytest.raises(ValueError, match="yi_kwh"):
        units.yi_kwh_to_twh(bad)
    with pytest.raises(ValueError, match="gw = 0"):
        units.twh_per_gw_to_hours(1.0, 0.0)

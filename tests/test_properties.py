"""Hypothesis properties of the model: conservation and monotonicity."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import aipower
from aipower.supply import SOURCES

BASE = aipower.load_scenario("base")
rates = st.floats(min_value=-0.03, max_value=0.12)


def with_growth(row, rate, **extra):
    return BASE.with_overrides({f"demand.{row}.segments": [
        {"method": "growth", "years": [2025, 2035], "rate": rate, "unit": "fraction/yr"}], **extra})


@given(st.sampled_from(["primary", "secondary", "residential_core", "ev_charging", "data_centers"]), rates)
def test_sectors_sum_to_the_total(row, rate):
    try:
        r = aipower.run(with_growth(row, rate))
    except ValueError as exc:  # growth so fast that coal would run more hours than a year has: refused
        assert "coal hours[" in str(exc)
        assume(False)
    d = r.demand
    np.testing.assert_allclose(d.loc["total"], d.loc[["primary", "secondary", "tertiary", "residential"]].sum(), rtol=1e-12)
    share = BASE.get("demand.ev_tertiary_share")
    np.testing.assert_allclose(d.loc["tertiary"], d.loc["tertiary_core"] + share * d.loc["ev_charging"] + d.loc["data_centers"], rtol=1e-12)
    np.testing.assert_allclose(d.loc["residential"], d.loc["residential_core"] + (1 - share) * d.loc["ev_charging"], rtol=1e-12)


@given(rates, st.floats(min_value=0.25, max_value=0.34))
def test_generation_sums_to_required(rate, target):
    try:
        r = aipower.run(with_growth("secondary", rate, **{"renewables.target_share": target}))
    except ValueError as exc:  # coal pushed below 0 or beyond a year's hours, or a target already met: refused
        assert "coal generation" in str(exc) or "coal hours[" in str(exc) or "already met" in str(exc)
        assume(False)
    g = r.generation
    np.testing.assert_allclose(g.loc[list(SOURCES)].sum(), g.loc["required"], rtol=1e-12)
    assert (g.loc["coal"] >= 0).all()


@given(rates, st.floats(min_value=0.001, max_value=0.05), st.sampled_from(["secondary", "data_centers", "ev_charging"]))
def test_lower_demand_never_raises_coal_hours(rate, cut, row):
    """All else equal (wind+solar additions fixed), less demand means fewer coal hours."""
    try:
        high = aipower.run(with_growth(row, rate, **{"renewables.mode": "fixed"}))
        low = aipower.run(with_growth(row, rate - cut, **{"renewables.mode": "fixed"}))
    except ValueError as exc:  # coal below 0 or beyond a year's hours: refused, never returned
        assert "coal generation" in str(exc) or "coal hours[" in str(exc)
        assume(False)
    assert (low.hours.loc["coal"].to_numpy() <= high.hours.loc["coal"].to_numpy() + 1e-9).all()
    assert low.hours.loc["coal", 2024] == pytest.approx(high.hours.loc["coal", 2024])


@given(st.floats(min_value=0.2, max_value=0.33), st.floats(min_value=0.001, max_value=0.02))
def test_a_higher_target_needs_more_wind_and_solar(target, step):
    try:
        lo = aipower.required_wind_solar(BASE, target_share=target)
    except ValueError as exc:  # already met without new wind and solar
        assert "already met" in str(exc)
        assume(False)
    hi = aipower.required_wind_solar(BASE, target_share=target + step)
    assert hi.level_gw_per_year > lo.level_gw_per_year


@given(
    st.lists(st.tuples(st.just(0.0) | st.floats(min_value=0.01, max_value=300.0), st.floats(min_value=-0.9, max_value=5.0)),
             min_size=1, max_size=6),
    st.floats(min_value=0.0, max_value=500.0), st.floats(min_value=0.0, max_value=2000.0), st.integers(1, 15),
)
def test_global_regions_sum_to_the_world_every_year(regions, rest_start, rest_end, years):
    from aipower import global_dc

    start = [s for s, _ in regions]
    growth = [g for _, g in regions]
    end = [s * (1 + g) for s, g in regions]
    world_start, world_end = sum(start) + rest_start, sum(end) + rest_end
    assume(world_start >= 1 and world_end >= 1)  # TWh: the world's path divides by its start
    p = global_dc.project(start_twh=start, growth_to_end=growth, world_start_twh=world_start,
                          world_end_twh=world_end, years=years)
    total = p["rest_path"] + np.sum(p["region_paths"], axis=0)
    np.testing.assert_allclose(total, p["world_path"], rtol=1e-12, atol=1e-9)
    assert (p["rest_path"] >= -1e-9 * world_end).all()  # never below zero beyond rounding


@given(st.floats(min_value=1.0, max_value=200.0), st.sampled_from(["calibrate", "fixed"]))
def test_more_net_imports_after_the_base_year_never_raise_coal_hours(imports, mode):
    """Imports lower the generation China needs. Given per year with the base year's at 0 (as the
    README says), the calibrated factor stays and every later year's coal hours fall."""
    over = {"balance.loss_factor_mode": mode, "renewables.mode": "fixed"}
    if mode == "fixed":
        over["balance.loss_factor"] = -0.0164
    base = aipower.run("base", overrides=over)
    traded = aipower.run("base", overrides={**over, "balance.net_imports": [0.0] + [imports] * 11})
    assert traded.loss_factor == base.loss_factor
    assert traded.hours.loc["coal", 2024] == base.hours.loc["coal", 2024]
    later = base.hours.columns[1:]
    assert (traded.hours.loc["coal", later] < base.hours.loc["coal", later]).all()


def test_a_single_net_imports_number_is_also_the_base_years_as_the_readme_says():
    a = aipower.run("base")
    b = aipower.run("base", overrides={"balance.net_imports": 50})
    rise = b.hours.loc["coal"] - a.hours.loc["coal"]
    assert rise[2024] == pytest.approx(0, abs=1e-9) and round(rise[2035]) == 18  # "by up to 18 h in 2035"
    assert "50 TWh/yr *raises* coal hours (by up\n  to 18 h in 2035)" in (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")

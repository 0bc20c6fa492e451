import numpy as np
import pytest

from aipower import onsite_power
from aipower._calc import calculator_defaults

D = calculator_defaults()


def test_extra_cost_over_five_years():
    c = onsite_power.compare(capacity_mw=100, turbine_capex_per_mw=2.0, alternative_capex_multiple=[3.0, 3.5],
                             alternative_extra_opex_per_mw_year=[0.2, 0.5], years=5)
    np.testing.assert_allclose(c["extra_total"], [500, 750])
    np.testing.assert_allclose(c["alternative_total"], [700, 950])
    np.testing.assert_allclose(c["turbine_capex"], [200, 200])


def test_discounting_and_lifetime_cost():
    undiscounted = onsite_power.compare(capacity_mw=100, turbine_capex_per_mw=2.0, alternative_capex_multiple=3.0,
                                        alternative_extra_opex_per_mw_year=0.2, years=5)
    discounted = onsite_power.compare(capacity_mw=100, turbine_capex_per_mw=2.0, alternative_capex_multiple=3.0,
                                      alternative_extra_opex_per_mw_year=0.2, years=5, discount_rate=0.08)
    assert discounted["extra_opex"] < undiscounted["extra_opex"]
    t = onsite_power.lifetime_cost(capex=100, opex_per_year=10, years=2, discount_rate=0.1)
    assert t["opex"] == pytest.approx(10 / 1.1 + 10 / 1.21)


def test_table():
    t = onsite_power.table(D)
    assert np.isfinite(t[["low", "high"]].to_numpy()).all()
    row = t.set_index("row")
    assert tuple(row.loc["alternative: extra cost over 5 years", ["low", "high"]]) == (500, 750)


@pytest.mark.parametrize(
    ("change", "name"),
    [({"capacity_mw": 0}, "capacity_mw = 0"), ({"turbine_capex_per_mw": -1}, "turbine_capex_per_mw = -1"),
     ({"discount_rate": 2}, "discount_rate = 2"), ({"years": 0}, "years = 0")],
)
def test_bad_input_names_the_argument(change, name):
    args = dict(capacity_mw=100, turbine_capex_per_mw=2.0, alternative_capex_multiple=3.0, alternative_extra_opex_per_mw_year=0.2, years=5)
    with pytest.raises(ValueError, match=name):
        onsite_power.compare(**{**args, **change})


def test_array_results_are_the_kernels_scalar_results_and_years_may_be_a_numpy_integer():
    from aipower import _kernel

    capex, rate = np.array([[100.0], [200.0]]), np.array([0.0, 0.05, 0.1])
    for years in (5, np.int64(5), np.array(5)):  # a 0-d integer array was "expected a whole number"
        got = onsite_power.lifetime_cost(capex=capex, opex_per_year=10.0, years=years, discount_rate=rate)
        for i, j in np.ndindex(2, 3):
            assert {k: v[i, j] for k, v in got.items()} == dict(_kernel.onsite_power.lifetime_cost(
                capex=capex[i, 0], opex_per_year=10.0, years=5, discount_rate=rate[j]))
    c = onsite_power.compare(capacity_mw=[100.0, 50.0], turbine_capex_per_mw=2.0, alternative_capex_multiple=[1.5, 2.0],
                             alternative_extra_opex_per_mw_year=0.3, years=np.int64(5), turbine_opex_per_mw_year=0.1,
                             discount_rate=0.05)
    for i in range(2):
        want = onsite_power._flatten(dict(_kernel.onsite_power.compare(
            capacity_mw=[100.0, 50.0][i], turbine_capex_per_mw=2.0, turbine_opex_per_mw_year=0.1,
            alternative_capex_multiple=[1.5, 2.0][i], alternative_extra_opex_per_mw_year=0.3, years=5, discount_rate=0.05)))
        assert {k: v[i] for k, v in c.items()} == want

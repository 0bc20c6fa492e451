import numpy as np
import pytest

from aipower import us_gap
from aipower._calc import calculator_defaults

D = calculator_defaults()


def test_seed2_gap_and_capex():
    assert us_gap.gap_per_year(needed_gw_per_year=80, built_gw_per_year=60) == pytest.approx(20)
    np.testing.assert_allclose(us_gap.cumulative_gap(gap_gw_per_year=20, years=5), [20, 40, 60, 80, 100])
    assert us_gap.capex(gw=26, cost_per_gw=50) == pytest.approx(1300)  # $1.3 trillion
    assert us_gap.data_center_new_load_gw(needed_gw_per_year=80, data_center_share=0.4) == pytest.approx(32)


def test_firm_equivalent_below_seed_20_25():
    firm = us_gap.firm_equivalent_gw(nameplate_gw=[45, 5, 5], capacity_factor=[0.25, 0.35, 0.85])
    assert firm == pytest.approx(17.25)
    assert firm < 20  # seed 2: "less than 20-25 GW" effective


def test_capacity_gap_of_a_mix():
    g = us_gap.capacity_gap(needed_gw_per_year=80, nameplate_gw=[45, 5, 5], capacity_factor=[0.25, 0.35, 0.85], years=5, fleet_gw=1300)
    assert g["built_nameplate_gw"] == pytest.approx(55)
    assert g["gap_gw_per_year"] == pytest.approx(25)
    assert g["cumulative_gap_gw"][-1] == pytest.approx(125)


def test_table():
    t = us_gap.table(D)
    assert list(t.columns) == ["row", "low", "high", "unit"]
    assert np.isfinite(t[["low", "high"]].to_numpy()).all()
    row = t.set_index("row")
    assert tuple(row.loc["gap", ["low", "high"]]) == (20, 30)
    assert tuple(row.loc["cumulative gap after 5 years", ["low", "high"]]) == (100, 150)
    assert row.loc["OpenAI commitments: capex at the cost per GW", "low"] == pytest.approx(1300)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: us_gap.firm_equivalent_gw(nameplate_gw=[1], capacity_factor=[1.5]), r"capacity_factor\[0\] = 1.5"),
        (lambda: us_gap.firm_equivalent_gw(nameplate_gw=[1, 2], capacity_factor=[0.5]), "capacity_factor: has 1 values"),
        (lambda: us_gap.gap_per_year(needed_gw_per_year=-1, built_gw_per_year=1), "needed_gw_per_year = -1"),
        (lambda: us_gap.cumulative_gap(gap_gw_per_year=1, years=0), "years = 0"),
        (lambda: us_gap.data_center_new_load_gw(needed_gw_per_year=80, data_center_share=2), "data_center_share = 2"),
        (lambda: us_gap.capacity_gap(needed_gw_per_year=80, nameplate_gw=[1], capacity_factor=[0.5], years=5, fleet_gw=0), "fleet_gw = 0"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()

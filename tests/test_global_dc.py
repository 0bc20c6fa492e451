import numpy as np
import pytest

from aipower import global_dc
from aipower._calc import calculator_defaults

D = calculator_defaults()


def test_iea_415_to_945_about_15_percent():
    t = global_dc.table(D).set_index("row")
    assert t.loc["world", 2024] == pytest.approx(415)
    assert t.loc["world", 2030] == pytest.approx(945)
    assert t.loc["world", "cagr_pct"] == pytest.approx(14.7, abs=0.05)
    assert t.loc["us", "increment"] == pytest.approx(240)
    assert t.loc["china", "growth_pct"] == pytest.approx(170)
    regions = ["us", "china", "europe", "japan", "rest_of_world"]
    for year in range(2024, 2031):  # every year, not only the two the inputs give
        assert t.loc[regions, year].sum() == pytest.approx(t.loc["world", year], rel=1e-12)
    assert (t.loc["rest_of_world", 2024:2030] > 0).all()
    assert np.isfinite(t.drop(columns="unit").to_numpy(dtype=float)).all()


def test_api():
    assert global_dc.start_from_increment(increment_twh=240, growth=1.3) == pytest.approx(184.615, abs=1e-3)
    assert global_dc.end_from_growth(start_twh=100, growth=0.7) == pytest.approx(170)
    p = global_dc.project(start_twh=[100], growth_to_end=[1.0], world_start_twh=150, world_end_twh=300, years=6)
    assert p["rest_end_twh"] == pytest.approx(100)
    np.testing.assert_allclose(p["rest_path"], p["world_path"] - p["region_paths"][0], rtol=1e-12)
    assert p["rest_path"][0] == 50 and p["rest_path"][-1] == 100
    np.testing.assert_allclose(global_dc.cagr_path(start=100, end=200, years=2), [100, 141.421, 200], rtol=1e-5)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: global_dc.start_from_increment(increment_twh=10, growth=0), "growth = 0"),
        (lambda: global_dc.project(start_twh=[500], growth_to_end=[0.5], world_start_twh=415, world_end_twh=945, years=6), "world_start_twh = 415"),
        (lambda: global_dc.project(start_twh=[1], growth_to_end=[0.5, 1], world_start_twh=415, world_end_twh=945, years=6), "growth_to_end: has 2 values"),
        (lambda: global_dc.cagr_path(start=0, end=1, years=6), "start = 0"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("end", [0, 0.0, -1.0, float("nan")])
def test_cagr_path_refuses_an_end_no_constant_rate_reaches(end):
    # end = 0 gave [415, 0, 0, ...]: a -100% rate, which every growth input refuses
    with pytest.raises(ValueError, match=r"^end = .*: expected a finite number > 0"):
        global_dc.cagr_path(start=415, end=end, years=6)


def test_the_table_still_shows_minus_100_percent_for_a_row_ending_at_zero():
    # the regions fill the world's end total: the rest of the world ends at 0, its equivalent rate is -100%
    d = calculator_defaults()
    listed_end = sum(d.get(f"global_dc.{r}_increment_twh") * (1 + 1 / d.get(f"global_dc.{r}_growth"))
                     for r in global_dc.REGIONS)
    frame = global_dc.table(calculator_defaults({"global_dc.world_end_twh": listed_end})).set_index("row")
    assert frame.loc["rest_of_world", 2030] == 0.0
    assert frame.loc["rest_of_world", "cagr_pct"] == -100.0


def test_project_takes_a_numpy_integer_number_of_years():
    a = global_dc.project(start_twh=[185.0], growth_to_end=[1.3], world_start_twh=415, world_end_twh=945, years=6)
    b = global_dc.project(start_twh=np.array([185.0]), growth_to_end=np.array([1.3]), world_start_twh=415,
                          world_end_twh=945, years=np.int64(6))
    np.testing.assert_array_equal(a["world_path"], b["world_path"])

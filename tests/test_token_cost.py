import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipower import token_cost
from aipower._calc import calculator_defaults

D = calculator_defaults()
BASE = dict(accelerator_cost_per_hour=3.0, it_power_kw=1.0, pue=1.2, electricity_price_per_kwh=0.5,
            network_cost_per_hour=0.4, operations_cost_per_hour=0.5, tokens_per_second=1000.0)


def test_components_and_shares():
    r = token_cost.cost_per_million_tokens(**BASE)
    assert r["total_per_hour"] == pytest.approx(4.5)
    assert r["total_per_million"] == pytest.approx(4.5 / 3.6)
    shares = r["compute_share"] + r["energy_share"] + r["network_share"] + r["operations_share"]
    assert shares == pytest.approx(1.0)
    assert r["kwh_per_million"] == pytest.approx(token_cost.energy_per_million_tokens_kwh(it_power_kw=1.0, pue=1.2, tokens_per_second=1000))


def test_purchase_price_route_equals_depreciation():
    a = token_cost.cost_per_million_tokens(**{**BASE, "accelerator_cost_per_hour": None}, purchase_price=87600 * 3, life_years=5, hours_per_year=8760)
    b = token_cost.cost_per_million_tokens(**{**BASE, "accelerator_cost_per_hour": 6.0})
    assert a["total_per_million"] == pytest.approx(b["total_per_million"])


def test_arrays_broadcast():
    r = token_cost.cost_per_million_tokens(**{**BASE, "electricity_price_per_kwh": np.array([0.4, 0.6, 0.8])})
    assert r["total_per_million"].shape == (3,)
    assert np.all(np.diff(r["total_per_million"]) > 0)


def test_table_china_vs_us():
    t = token_cost.table(D).set_index("row")
    assert list(t.columns) == ["china_low", "china_high", "us_low", "us_high", "unit"]
    assert np.isfinite(t.drop(columns="unit").to_numpy(dtype=float)).all()
    # China low case: the seed-3 shares are the calibration (network 10%, operations 12.5%).
    assert t.loc["share: network", "china_low"] == pytest.approx(10.0)
    assert t.loc["share: operations", "china_low"] == pytest.approx(12.5)
    # Power + depreciation within seed 3's 70-80% in China; US within ~70-85%.
    assert 70 <= t.loc["share: power + depreciation", "china_high"] <= 80
    # US is dearer in the high case, but far from the seed-3 index 2.5-3.0 with electricity and PUE alone.
    assert 1.0 < t.loc["cost index (China same case = 1)", "us_high"] < 2.0
    assert 2.0 < t.loc["cost index from electricity × PUE only", "us_low"] <= 2.5
    # What carries the rest: China/US throughput ratio ~2-2.5 or US non-energy costs ~2.6-2.9×.
    assert 2.0 < t.loc["throughput ratio China/US needed for the seed-3 index", "us_high"] < 2.6
    assert t.loc["electricity embodied in exported tokens", "china_low"] > 0
    # seed 3's 180 trillion tokens a day: 180e6 million × 0.397 kWh × 365 days
    assert t.loc["electricity embodied in China's token consumption", "china_low"] == pytest.approx(
        1.8e8 * t.loc["energy per million tokens", "china_low"] * 365 / 1e9)


def test_table_index_equals_seed_when_throughput_ratio_applied():
    t = token_cost.table(D).set_index("row")
    ratio = t.loc["throughput ratio China/US needed for the seed-3 index", "us_high"]
    china = token_cost.cost_per_million_tokens(
        accelerator_cost_per_hour=t.loc["compute (depreciation)", "china_high"], it_power_kw=1.275, pue=1.2,
        electricity_price_per_kwh=0.6, network_cost_per_hour=t.loc["network", "china_high"],
        operations_cost_per_hour=t.loc["operations", "china_high"], tokens_per_second=1070)
    us = token_cost.cost_per_million_tokens(
        accelerator_cost_per_hour=t.loc["compute (depreciation)", "us_high"], it_power_kw=1.275, pue=1.5,
        electricity_price_per_kwh=1.2, network_cost_per_hour=t.loc["network", "us_high"],
        operations_cost_per_hour=t.loc["operations", "us_high"], tokens_per_second=1070 / ratio)
    assert us["total_per_million"] / china["total_per_million"] == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"tokens_per_second": 0.0}, "tokens_per_second = 0"),
        ({"pue": 0.9}, "pue = 0.9"),
        ({"electricity_price_per_kwh": -0.1}, "electricity_price_per_kwh = -0.1"),
        ({"network_cost_per_hour": float("inf")}, "network_cost_per_hour = inf"),
    ],
)
def test_bad_input_names_the_argument(change, name):
    with pytest.raises(ValueError, match=name):
        token_cost.cost_per_million_tokens(**{**BASE, **change})


def test_bad_shares_and_missing_cost():
    with pytest.raises(ValueError, match="network_share = 1.5"):
        token_cost.calibrate_overheads(compute_per_hour=1, energy_per_hour=1, network_share=1.5, operations_share=0.1)
    with pytest.raises(ValueError, match="accelerator_cost_per_hour"):
        token_cost.cost_per_million_tokens(**{**BASE, "accelerator_cost_per_hour": None})
    # named by what is missing: a purchase price without a life blamed accelerator_cost_per_hour
    with pytest.raises(ValueError, match="^life_years: missing; give accelerator_cost_per_hour, or purchase_price and life_years"):
        token_cost.cost_per_million_tokens(**{**BASE, "accelerator_cost_per_hour": None, "purchase_price": 153000})
    with pytest.raises(ValueError, match="^purchase_price: missing"):
        token_cost.cost_per_million_tokens(**{**BASE, "accelerator_cost_per_hour": None, "life_years": 5})
    with pytest.raises(ValueError, match="life_years = 0"):
        token_cost.depreciation_per_hour(purchase_price=1, life_years=0)


def test_embodied_and_index_helpers():
    e = token_cost.embodied_electricity(million_tokens=10, kwh_per_million=0.5, electricity_price_per_kwh=0.4)
    assert e == {"kwh": pytest.approx(5.0), "value": pytest.approx(2.0)}
    assert token_cost.cost_index(cost_a_per_million=2, cost_b_per_million=5) == pytest.approx(2.5)
    assert token_cost.throughput_ratio_for_index(cost_a_per_hour=4, cost_b_per_hour=5, target_index=2.5) == pytest.approx(2.0)
    assert token_cost.non_energy_multiplier_for_index(cost_a_per_hour=4, energy_b_per_hour=1, non_energy_b_per_hour=3, target_index=2.5) == pytest.approx(3.0)
    # b's energy alone above the target: refused, not a negative multiple.
    with pytest.raises(ValueError, match=r"target_index = 2\.5: expected an index b can reach: .* its energy alone costs 16\.6"):
        token_cost.non_energy_multiplier_for_index(cost_a_per_hour=5.3, energy_b_per_hour=16.6, non_energy_b_per_hour=4.1, target_index=2.5)


positive = st.floats(min_value=0.01, max_value=100.0)


@given(positive, st.floats(min_value=1.001, max_value=10.0))
def test_cost_rises_with_electricity_price(price, factor):
    low = token_cost.cost_per_million_tokens(**{**BASE, "electricity_price_per_kwh": price})["total_per_million"]
    high = token_cost.cost_per_million_tokens(**{**BASE, "electricity_price_per_kwh": price * factor})["total_per_million"]
    assert high > low


@given(st.floats(min_value=1.0, max_value=1e5), st.floats(min_value=1.001, max_value=10.0))
def test_cost_falls_with_throughput(tps, factor):
    slow = token_cost.cost_per_million_tokens(**{**BASE, "tokens_per_second": tps})["total_per_million"]
    fast = token_cost.cost_per_million_tokens(**{**BASE, "tokens_per_second": tps * factor})["total_per_million"]
    assert fast < slow
    assert fast == pytest.approx(slow / factor, rel=1e-9)


def test_depreciation_inputs_next_to_a_given_cost_per_hour_are_refused():
    base = dict(accelerator_cost_per_hour=3.49, it_power_kw=1.275, pue=1.2, electricity_price_per_kwh=0.5, tokens_per_second=1070)
    for extra in ({"life_years": 4}, {"hours_per_year": 1}, {"purchase_price": 1e5}):
        with pytest.raises(ValueError, match=f"{next(iter(extra))}: give either accelerator_cost_per_hour"):
            token_cost.cost_per_million_tokens(**base, **extra)
    bought = token_cost.cost_per_million_tokens(**{**base, "accelerator_cost_per_hour": None}, purchase_price=2.5e5, life_years=5)
    assert bought["compute_per_hour"] == pytest.approx(2.5e5 / (5 * 8760))


def test_empty_arrays_give_every_field_empty():
    from aipower import onsite_power

    calls = [
        (lambda e: token_cost.cost_per_million_tokens(accelerator_cost_per_hour=3.49, it_power_kw=1.275, pue=1.2,
                                                      electricity_price_per_kwh=e, tokens_per_second=1070)),
        (lambda e: token_cost.calibrate_overheads(compute_per_hour=e, energy_per_hour=1, network_share=0.1, operations_share=0.1)),
        (lambda e: token_cost.embodied_electricity(million_tokens=e, kwh_per_million=1, electricity_price_per_kwh=1)),
        (lambda e: onsite_power.lifetime_cost(capex=e, opex_per_year=1, years=2)),
        (lambda e: onsite_power.compare(capacity_mw=e, turbine_capex_per_mw=1, alternative_capex_multiple=2,
                                        alternative_extra_opex_per_mw_year=1, years=5)),
    ]
    for call in calls:
        full, empty = call(1.0), call([])
        assert list(empty) == list(full)  # the same fields, in the same order
        assert all(np.shape(v) == (0,) for v in empty.values())


def test_the_ai_campus_index_is_the_table_at_seed_2s_us_capex_per_watt():
    """The row shows what the whole table gives with the US capex per watt at US$50 bn per GW."""
    import aipower

    t = token_cost.table(aipower.load_scenario("base")).set_index("row")
    campus = 50 * 7.2  # USD/W × RMB/USD, the shipped inputs
    moved = token_cost.table(aipower.load_scenario("base", overrides={"token_cost.capex_per_watt_us": campus})).set_index("row")
    cols = ["us_low", "us_high"]
    np.testing.assert_allclose(t.loc["cost index at the US AI-campus capex per watt", cols].to_numpy(dtype=float),
                               moved.loc["cost index (China same case = 1)", cols].to_numpy(dtype=float), rtol=1e-12)
    assert t.loc["cost index at the US AI-campus capex per watt", "us_low"] == pytest.approx(2.4537, abs=1e-4)


def test_array_results_are_the_kernels_scalar_results_element_by_element():
    # the arrays are filled from positional kernel calls: each element must be the kernel's own answer,
    # called with its arguments by name (a swapped position would show here)
    from aipower import _kernel

    price, pue = np.array([[0.3], [0.5], [0.7]]), np.array([1.1, 1.3, 1.5, 1.6])
    got = token_cost.cost_per_million_tokens(accelerator_cost_per_hour=3.49, it_power_kw=1.275, pue=pue,
                                             electricity_price_per_kwh=price, network_cost_per_hour=0.53,
                                             operations_cost_per_hour=[0.6, 0.7, 0.8, 0.9], tokens_per_second=1070)
    for i, j in np.ndindex(3, 4):
        want = _kernel.token_cost.cost_per_million_tokens(
            accelerator_cost_per_hour=3.49, it_power_kw=1.275, pue=pue[j], electricity_price_per_kwh=price[i, 0],
            network_cost_per_hour=0.53, operations_cost_per_hour=[0.6, 0.7, 0.8, 0.9][j], tokens_per_second=1070.0)
        assert {k: v[i, j] for k, v in got.items()} == want
    assert all(v.shape == (3, 4) and v.flags.c_contiguous for v in got.values())
    over = token_cost.calibrate_overheads(compute_per_hour=[1.0, 2.0], energy_per_hour=0.5, network_share=0.1, operations_share=0.2)
    assert over["network_per_hour"][1] == _kernel.token_cost.calibrate_overheads(
        compute_per_hour=2.0, energy_per_hour=0.5, network_share=0.1, operations_share=0.2)["network_per_hour"]
    e = token_cost.embodied_electricity(million_tokens=[1.0, 2.0], kwh_per_million=0.4, electricity_price_per_kwh=0.6)
    assert e["value"][1] == _kernel.token_cost.embodied_electricity(
        million_tokens=2.0, kwh_per_million=0.4, electricity_price_per_kwh=0.6)["value"]


def test_the_first_refused_element_in_c_order_is_named():
    with pytest.raises(ValueError, match=r"^accelerator_cost_per_hour\[0, 1\] = -1: "):
        token_cost.cost_per_million_tokens(accelerator_cost_per_hour=[[1.0, -1.0], [-2.0, 1.0]], it_power_kw=1.0, pue=1.2,
                                           electricity_price_per_kwh=1.0, tokens_per_second=[[1.0, 1.0], [1.0, 0.0]])


def test_a_broadcast_beyond_the_size_limit_is_refused_naming_the_shapes(monkeypatch):
    from aipower import _calc

    # a (10^4, 1) column against a (1, 10^4) row is 10^8 kernel calls: it would run for many minutes
    row, column = np.full((1, 10**4), 1.2), np.full((10**4, 1), 0.5)
    monkeypatch.setattr(_calc, "MAX_BROADCAST_RESULTS", 10)
    with pytest.raises(ValueError, match=r"^cost_per_million_tokens\(\): pue \(1, 4\), electricity_price_per_kwh \(4, 1\): "
                                         r"broadcast together to shape "
                                         r"\(4, 4\), 16 results; expected at most 10 "):
        token_cost.cost_per_million_tokens(accelerator_cost_per_hour=3.49, it_power_kw=1.275, pue=row[:, :4],
                                           electricity_price_per_kwh=column[:4], tokens_per_second=1070)
    monkeypatch.undo()
    assert _calc.MAX_BROADCAST_RESULTS == 10**7
    with pytest.raises(ValueError, match=r"\(10000, 10000\), 100,000,000 results; expected at most 10,000,000"):
        token_cost.cost_per_million_tokens(accelerator_cost_per_hour=3.49, it_power_kw=1.275, pue=row,
                                           electricity_price_per_kwh=column, tokens_per_second=1070)


def test_a_refused_element_of_a_long_column_is_named_by_its_position_or_label():
    # "electricity_price_per_kwh = nan" left the bad row of a 10^6-row column to be hunted for
    prices = np.full(10, 0.5)
    prices[7] = np.nan
    with pytest.raises(ValueError, match=r"^electricity_price_per_kwh\[7\] = nan: expected a finite number >= 0$"):
        token_cost.energy_cost_per_hour(it_power_kw=1.2, pue=1.2, electricity_price_per_kwh=prices)
    labelled = pd.Series(prices, index=list("abcdefghij"))
    with pytest.raises(ValueError, match=r"^electricity_price_per_kwh\['h'\] = nan: "):
        token_cost.energy_cost_per_hour(it_power_kw=1.2, pue=1.2, electricity_price_per_kwh=labelled)
    pue = pd.DataFrame([[1.2, 1.2], [1.2, 0.3]], index=["x", "y"], columns=["a", "b"])
    with pytest.raises(ValueError, match=r"^pue\['y', 'b'\] = 0.3: expected a PUE >= 1"):
        token_cost.energy_cost_per_hour(it_power_kw=1.2, pue=pue, electricity_price_per_kwh=0.5)
    with pytest.raises(ValueError, match=r"^pue = 0.3: "):  # a single number has no element to name
        token_cost.energy_cost_per_hour(it_power_kw=1.2, pue=0.3, electricity_price_per_kwh=0.5)

"""The calculator tables and the data-center driver hook, against the calculator defaults."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aipower
from aipower import dc_driver, token_cost, training, us_gap
from aipower._calc import calculator_defaults
from aipower.calculator_tables import TABLES

D = calculator_defaults()
YEARS = list(range(2024, 2036))


def test_all_tables_registered():
    assert set(TABLES) == {"dc_capex", "token_cost", "us_gap", "onsite_power", "rack_power", "training", "global_dc"}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_table_shape_and_finite(name):
    t = TABLES[name](D)
    assert isinstance(t, pd.DataFrame)
    assert t.columns[0] == "row" and "unit" in t.columns
    assert t["row"].is_unique
    numbers = t.drop(columns=["row", "unit"]).to_numpy(dtype=float)
    assert np.isfinite(numbers).all()


def test_every_default_has_unit_and_source():
    for section in ["dc_power", "token_cost", "us_gap", "onsite_power", "rack_power", "training", "global_dc"]:
        for key in D.keys(section):
            a = D.assumption(key)
            assert a.unit and a.source, key


def test_driver_cagr_and_missing_driver_return_none():
    assert dc_driver.data_center_path(D, YEARS, 100.0) is None
    assert dc_driver.data_center_path(calculator_defaults({"demand.data_centers.driver": "cagr"}), YEARS, 100.0) is None


def test_driver_capex_cases_are_ordered_and_start_at_the_start_value():
    paths = {
        case: dc_driver.data_center_path(
            calculator_defaults({"demand.data_centers.driver": "capex", "dc_power.capex_case": case}), YEARS, 100.0
        )
        for case in ["low", "mid", "high"]
    }
    for p in paths.values():
        assert p.shape == (len(YEARS),)
        assert p[0] == pytest.approx(100.0)
        assert np.all(np.diff(p) >= 0)
    assert np.all(paths["low"][1:] < paths["high"][1:])
    np.testing.assert_allclose(paths["mid"], 0.5 * (paths["low"] + paths["high"]))
    # 2025: 6,000 亿 RMB, half a year → 0.5 × 6 × (3.67 or 14.29) TWh.
    assert paths["low"][1] - 100 == pytest.approx(0.5 * 6000 / 120 * 0.1 * 4.4)


def test_capex_route_increments_against_the_ai_case_as_the_readme_says():
    """README and the capex_case source: the mid case falls short of seed 1's +1,000 亿kWh a year."""
    steps = {}
    for case in ["low", "mid", "high"]:
        d = aipower.run("base", overrides={"demand.data_centers.driver": "capex", "dc_power.capex_case": case}).demand
        row = d.loc["data_centers"]
        steps[case] = [round(10 * (row[y] - row[y - 1])) for y in (2026, 2027)]  # 亿kWh
    assert steps["mid"] == [619, 805] and steps["high"] == [986, 1281]
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "mid case adds 619 and 805 亿kWh" in readme and "(986 and\n1,281)" in readme
    assert "619 and 805" in D.assumption("dc_power.capex_case").source


def test_driver_compute_path():
    p = dc_driver.data_center_path(calculator_defaults({"demand.data_centers.driver": "compute"}), YEARS, 100.0)
    assert p[0] == pytest.approx(100.0)
    growth = p[1:5] / p[:4] - 1
    np.testing.assert_allclose(growth, (2922 / 797) ** 0.25 * 0.9 - 1)


def test_driver_bad_values():
    with pytest.raises(ValueError, match="demand.data_centers.driver = 'bogus'"):
        dc_driver.data_center_path(calculator_defaults({"demand.data_centers.driver": "bogus"}), YEARS, 100.0)
    with pytest.raises(ValueError, match="dc_power.capex_case = 'median'"):
        dc_driver.data_center_path(
            calculator_defaults({"demand.data_centers.driver": "capex", "dc_power.capex_case": "median"}), YEARS, 100.0
        )
    with pytest.raises(ValueError, match="start_twh = -1"):
        dc_driver.data_center_path(calculator_defaults({"demand.data_centers.driver": "capex"}), YEARS, -1.0)


def test_every_shipped_assumption_is_read_by_the_model_or_a_calculator_table(monkeypatch):
    """An input nothing reads looks, in AIP_PARAMS and `aipower params`, like a lever that does nothing
    (the US capex per watt and the AI-server share of capex were such inputs)."""
    from aipower import scenario as scenario_module
    from aipower.calculator_tables import TABLES

    read: set[str] = set()
    get, assumption = scenario_module.Scenario.get, scenario_module.Scenario.assumption

    def reading_get(self, key, *args, **kwargs):
        read.add(key)
        return get(self, key, *args, **kwargs)

    def reading_assumption(self, key):
        read.add(key)
        return assumption(self, key)

    monkeypatch.setattr(scenario_module.Scenario, "get", reading_get)
    monkeypatch.setattr(scenario_module.Scenario, "assumption", reading_assumption)
    base = aipower.load_scenario("base")
    for sc in (base, aipower.load_scenario("ai"), base.with_overrides({"balance.loss_factor_mode": "fixed"}),
               *(base.with_overrides({"demand.data_centers.driver": d}) for d in ("capex", "compute")),
               # start hours that only a given base reads (the shipped ones derive them from generation)
               base.with_overrides({"hours.solar.base": "given", "hours.biomass.base": "given"})):
        aipower.run(sc)
        for build in TABLES.values():
            build(sc)
    assert set(base.keys()) - read == set()


def test_a_refused_derived_value_names_the_assumption_behind_it(tmp_path):
    """A calculator refuses a value the table derived (accelerator_cost_per_hour = rental × exchange
    rate): the message names the assumption and its file and line, whether the table is called as
    `token_cost.table` or through TABLES (the module functions named only the calculator's argument)."""
    from aipower import global_dc, token_cost

    path = tmp_path / "typo.toml"
    path.write_text('[scenario]\nname = "typo"\nparent = "base"\n[token_cost]\n'
                    'rmb_per_usd = { value = -7.2, unit = "RMB/USD", source = "typo" }\n', encoding="utf-8")
    sc = aipower.load_scenario(path)
    for build in (token_cost.table, TABLES["token_cost"]):
        with pytest.raises(ValueError, match=rf"^token_cost table, from token_cost.rmb_per_usd = -7.2 \({re.escape(str(path))}:5\): "
                                             r"accelerator_cost_per_hour = -14.4: expected a finite number >= 0"):
            build(sc)
    with pytest.raises(ValueError, match=r"^global_dc table, from global_dc.us_increment_twh = 0.0: start = 0"):
        global_dc.table(aipower.load_scenario("base").with_overrides({"global_dc.us_increment_twh": 0}))


def test_a_refusal_names_the_changed_input_not_an_unchanged_default_holding_the_refused_value():
    """target_index = 2.5 is unreachable because the US electricity price was raised: the message named
    token_cost.cost_index_us (the default that holds 2.5), which the user did not change."""
    from aipower import token_cost

    sc = aipower.load_scenario("base", overrides={"token_cost.electricity_price_us": [100, 200]})
    with pytest.raises(ValueError) as info:
        token_cost.table(sc)
    message = str(info.value)
    assert message.startswith("token_cost table, from token_cost.electricity_price_us = [100.0, 200.0]: target_index = 2.5"), message
    assert "cost_index_us" not in message
    # a changed input that holds the refused value is still the one named
    sc = aipower.load_scenario("base", overrides={"token_cost.pue_us": [0.5, 1.3]})
    with pytest.raises(ValueError, match=r"^token_cost table, from token_cost.pue_us = \[0.5, 1.3\]: pue = 0.5: expected a PUE >= 1"):
        token_cost.table(sc)


def _rows(table):
    return table.set_index("row").drop(columns="unit").astype(float)


def test_the_calculator_tables_rows_follow_from_each_other_and_the_scenario():
    # relations a reader checks by hand, each from the table's own rows and the scenario's inputs: a rate
    # 1000× off, an index against the wrong case, swapped capacity factors changed only the committed
    # workbooks (whose check is "regenerate them")
    sc = aipower.load_scenario("base")
    t = _rows(token_cost.table(sc))
    cases = ["china_low", "china_high", "us_low", "us_high"]
    price_pue = t.loc["electricity price"] * t.loc["PUE"]
    same_china = price_pue[["china_low", "china_high", "china_low", "china_high"]].to_numpy()
    assert np.allclose(t.loc["cost index from electricity × PUE only", cases], price_pue.to_numpy() / same_china, rtol=1e-12)
    kwh_per_week = t.loc["exported tokens"] * t.loc["energy per million tokens"]
    assert np.allclose(t.loc["electricity embodied in exported tokens"],
                       kwh_per_week * sc.get("token_cost.weeks_per_year") / 1e6, rtol=1e-12)  # kWh → GWh
    energy = t.loc["electricity"]
    china_total = t.loc["total", ["china_low", "china_high", "china_low", "china_high"]].to_numpy()
    multiple = t.loc["US non-energy cost multiple needed for the seed-3 index"]
    # the multiple of the US non-energy cost at which the US cost per hour is the seed index × China's
    # (throughput equal): energy + multiple × (total − energy) = index × China's total
    assert np.allclose(energy + multiple * (t.loc["total"] - energy), t.loc["seed-3 cost index"] * china_total, rtol=1e-12)

    tr = _rows(training.table(sc))
    assert np.allclose(tr.loc["power per accelerator (rack / accelerators)"],
                       [sc.get("training.rack_power_kw")[i] / sc.get("training.accelerators_per_rack") for i in (0, 1)],
                       rtol=1e-12)
    assert np.allclose(tr.loc["MFU implied by the seed-2 duration at this goodput"],
                       100 * tr.loc["overall utilization implied by the seed-2 duration"]
                       / tr.loc["goodput (restart + half a checkpoint interval lost)"], rtol=1e-12)

    g = _rows(us_gap.table(sc))
    for tech, key in (("solar", "solar_capacity_factor"), ("wind", "wind_capacity_factor"), ("thermal", "gas_capacity_factor")):
        firm = next(r for r in g.index if r.startswith(f"built: {tech} firm equivalent"))
        assert np.allclose(g.loc[firm], g.loc[f"built: {tech} nameplate"] * sc.get(f"us_gap.{key}"), rtol=1e-12), tech

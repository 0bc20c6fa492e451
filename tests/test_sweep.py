"""Sweeps: batch = single-scenario runs, percentile error bounds, determinism, bad input."""

import copy
import math
import os
import re
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aipower
from aipower import ScenarioError, load_scenario, sweep
from aipower._kernel import sweep as _k

AI = load_scenario("ai")
RANGES = load_scenario("ai_ranges")


def with_segment_value(sc, key, index, field, value):
    segments = copy.deepcopy(sc.assumption(key).value)
    segments[index][field] = value
    return {key: segments}


# Inputs whose stated unit is the model unit, so a batch value is also an override value.
PARAMS = {
    "renewables.target_share": st.floats(0.24, 0.36),
    "demand.data_centers.segments[2].rate": st.floats(0.0, 0.6),
    "supply.coal.additions[1].value": st.floats(-60.0, 80.0),
    "demand.secondary.segments[1].to": st.floats(-0.05, 0.08),
    "hours.wind.segments[0].change": st.floats(-0.3, 0.1),
}


def overrides_for(values):
    over = {"renewables.target_share": values["renewables.target_share"]}
    over |= with_segment_value(AI, "demand.data_centers.segments", 2, "rate", values["demand.data_centers.segments[2].rate"])
    over |= with_segment_value(AI, "supply.coal.additions", 1, "value", values["supply.coal.additions[1].value"])
    over |= with_segment_value(AI, "demand.secondary.segments", 1, "to", values["demand.secondary.segments[1].to"])
    over |= with_segment_value(AI, "hours.wind.segments", 0, "change", values["hours.wind.segments[0].change"])
    return over


@given(st.lists(st.fixed_dictionaries(PARAMS), min_size=1, max_size=6))
def test_batch_equals_single_scenario_runs(rows):
    values = {k: [r[k] for r in rows] for k in PARAMS}
    got = sweep.batch(AI, values, outputs=["hours.coal", "demand.total", "requirement.level", "capacity.solar"],
                      on_error="skip", threads=2)
    for i, row in enumerate(rows):
        try:
            r = aipower.run(AI.with_overrides(overrides_for(row)))
        except ValueError:
            assert not got["ok"][i]
            assert np.isnan(got["hours.coal"][i]).all()
            continue
        assert got["ok"][i]
        # The same numbers bit for bit: the kernel's batch path mirrors china::run.
        assert np.array_equal(got["hours.coal"][i], r.hours.loc["coal"].to_numpy())
        assert np.array_equal(got["demand.total"][i], r.demand.loc["total"].to_numpy())
        assert np.array_equal(got["capacity.solar"][i], r.capacity.loc["solar"].to_numpy())
        assert got["requirement.level"][i] == r.requirement.level_gw_per_year


def test_batch_on_a_rebased_scenario_and_raise_policy():
    sc = load_scenario("base", base_year=2025)
    shares = np.array([0.28, 0.30, 0.80])
    got = sweep.batch(sc, {"renewables.target_share": shares}, outputs="hours.coal,demand.total", on_error="skip")
    for i, share in enumerate(shares[:2]):
        r = aipower.run(sc, overrides={"renewables.target_share": share})
        assert got["ok"][i] and np.array_equal(got["hours.coal"][i], r.hours.loc["coal"].to_numpy())
        assert list(r.hours.columns)[0] == 2025 and got["hours.coal"].shape[1] == len(r.hours.columns)
    assert not got["ok"][2]  # an 80% share needs more wind and solar than demand leaves room for
    with pytest.raises(ValueError, match=r"scenario 2: coal generation\[20\d\d\]"):
        sweep.batch(sc, {"renewables.target_share": shares}, on_error="raise")


def normal_share_scenario(**dist):
    node = {"value": 0.30, "unit": "fraction", "source": "test"} | dist
    return load_scenario("base", overrides={"renewables.target_share": node})


@pytest.mark.parametrize("latin", [False, True])
def test_percentiles_within_their_stated_error_on_a_known_distribution(latin):
    """The non-hydro share in the target year equals the target share, so the output's
    distribution is the input's: a truncated normal with known quantiles."""
    sc = normal_share_scenario(dist="normal", sd=0.01, low=0.27, high=0.33)
    n, alpha = 20000, 1e-4
    r = sweep.run(sc, n, seed=5, latin=latin, outputs=["re_share.non_hydro_share"], alpha=alpha)
    got = r.tables["re_share.non_hydro_share"][2030]
    [u] = sweep.uncertain_inputs(sc)
    draws = _k.draw([u.distribution()], 5, latin, n, 0, n)[:, 0]
    for stat, q in sweep.QUANTILES.items():
        exact = np.quantile(draws, q, method="lower")  # the statistic the bound is stated for
        assert abs(got[stat] - exact) <= alpha * abs(exact) + 1e-9  # + the renewable solve's tolerance
        theory = u.distribution().quantile(q)
        assert abs(got[stat] - theory) < 0.0006  # sampling error: about 4 sd of the quantile estimate at n = 20,000
    assert got["mean"] == pytest.approx(draws.mean(), abs=1e-9)
    assert got["mean"] == pytest.approx(0.30, abs=0.0003)


def test_same_result_for_any_thread_count_and_chunk_size():
    a = sweep.run("ai_ranges", 6000, seed=11, threads=1)
    b = sweep.run("ai_ranges", 6000, seed=11, threads=2, chunk_size=1024)
    c = sweep.run("ai_ranges", 6000, seed=12, threads=2)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)
    assert not a.tables["hours.coal"].equals(c.tables["hours.coal"])


def test_result_tables_and_worksheet_shapes(ai):
    r = sweep.run("ai_ranges", 3000, seed=1)
    assert r.outputs == sweep.DEFAULT_OUTPUTS and r.failed == 0
    coal = r.tables["hours.coal"]
    assert list(coal.index) == list(sweep.STATS) and list(coal.columns) == list(range(2024, 2036))
    assert (coal.loc["P5"] <= coal.loc["P50"]).all() and (coal.loc["P50"] <= coal.loc["P95"]).all()
    assert coal.loc["P50", 2024] == pytest.approx(ai.hours.loc["coal", 2024], rel=1e-4)  # calibrated year
    assert list(r.tables["requirement.level"].columns) == ["value"]
    assert set(r.inputs["input"]) >= {"renewables.target_share", "demand.data_centers.segments[2].rate"}
    assert {"output", "stat", "year", "value", "unit"} == set(r.long().columns)
    assert dict(r.long().groupby("output")["unit"].first()) == {o: sweep.output_unit(o) for o in r.outputs}
    assert {name: t.attrs["unit"] for name, t in r.tables.items()} == {o: sweep.output_unit(o) for o in r.outputs}
    # what produced it, for a result kept or passed on
    assert r.base_year == 2024 and r.provenance["aipower"] == aipower.version_info()
    assert r.provenance["scenario"] == aipower.load_scenario("ai_ranges").provenance()
    assert sweep.run("ai_ranges", 1000, base_year=2025, outputs=["hours.coal"]).base_year == 2025
    t = sweep.sweep_table("ai_ranges", "demand.data_centers", samples=2000)
    assert list(t.columns) == ["stat"] + [str(y) for y in range(2024, 2036)] and len(t) == 6


def test_point_values_of_a_ranged_scenario_are_its_parents(ai):
    r = aipower.run("ai_ranges")
    pd.testing.assert_frame_equal(r.hours, ai.hours)
    pd.testing.assert_frame_equal(r.demand, ai.demand)


def test_tornado(ai):
    t = sweep.tornado("ai_ranges", "hours.coal", 2030)
    assert list(t["swing"]) == sorted(t["swing"], reverse=True)
    assert t["base"].iloc[0] == ai.hours.loc["coal", 2030]
    top = t.iloc[0]
    assert top["input"] == "renewables.target_share"
    low = aipower.run("ai", renewables__target_share=top["low"]).hours.loc["coal", 2030]
    assert top["output_at_low"] == low
    lvl = sweep.tornado("ai_ranges", "requirement.level", None, quantiles=(0.1, 0.9))
    assert lvl.attrs["year"] is None and lvl["swing"].iloc[0] > 0
    assert t.attrs["output_unit"] == "h" and lvl.attrs["output_unit"] == sweep.output_unit("requirement.level")
    assert list(sweep.tornado_table("ai_ranges").columns) == ["input", "unit", "low", "high", "output_at_low",
                                                              "output_at_high", "swing", "base", "note"]
    with pytest.raises(ValueError, match="year = 2050"):
        sweep.tornado("ai_ranges", "hours.coal", 2050)
    # a one-value output takes any year of the horizon, as a yearly output would (2050 passed: a probe)
    assert sweep.tornado("ai_ranges", "requirement.level", 2030).attrs["year"] is None
    with pytest.raises(ValueError, match=r"year = 2050: expected a year in 2024-2035"):
        sweep.tornado("ai_ranges", "requirement.level", 2050)
    with pytest.raises(ValueError, match=r"year = 9999: expected a year in 2024-2035 \(output 'requirement.level' has one value, the same"):
        sweep.tornado("ai_ranges", "requirement.level", 9999)
    with pytest.raises(ValueError, match="quantiles"):
        sweep.tornado("ai_ranges", quantiles=(0.9, 0.1))


@pytest.mark.parametrize("dist", [dict(dist="normal", mean=0.30, sd=0.01, low=0.0, high=1.0),  # README's form
                                  dict(dist="normal", mean=0.30, sd=0.01, low=0.0),  # one bound, 30 sd out
                                  dict(dist="lognormal", median=0.30, sigma=0.03, low=0.2)])
def test_a_tornado_swings_a_bounded_normal_or_lognormal_over_its_p5_p95_not_to_its_bounds(dist):
    # the bounds only truncate it: swung to 0 and 1 (values the model refuses), the target share's row
    # went last with no swing; swung to one far bound, its swing dwarfed those of the other inputs
    t = sweep.tornado(normal_share_scenario(**dist), "hours.coal", 2030).set_index("input")
    row = t.loc["renewables.target_share"]
    [u] = sweep.uncertain_inputs(normal_share_scenario(**dist))
    assert (row["low"], row["high"]) == (u.distribution().quantile(0.05), u.distribution().quantile(0.95))
    assert row["note"] == "" and row["swing"] > 0
    # a range keeps its bounds
    ranged = sweep.tornado(normal_share_scenario(low=0.28, high=0.32), "hours.coal", 2030).set_index("input")
    assert (ranged.loc["renewables.target_share", "low"], ranged.loc["renewables.target_share", "high"]) == (0.28, 0.32)


def test_a_tornado_without_a_year_takes_2030_or_a_later_base_year():
    assert sweep.tornado("ai_ranges", "hours.coal").attrs["year"] == 2030
    t = sweep.tornado("ai_ranges", "hours.coal", base_year=2031)  # 2030 is before that horizon: it was refused
    assert t.attrs["year"] == 2031
    assert t["base"].iloc[0] == aipower.run("ai", base_year=2031).hours.loc["coal", 2031]
    assert sweep.tornado("ai_ranges", "hours.coal", overrides={"horizon.base_year": 2032}).attrs["year"] == 2032
    # a horizon ending before 2030: its last year (the CLI said "--tornado-year None: year = 2030: ...")
    short = {"horizon.end_year": 2029, "renewables.last_year": 2029, "renewables.target_year": 2029}
    assert sweep.tornado("ai_ranges", "hours.coal", overrides=short).attrs["year"] == 2029


def test_infeasible_samples_are_counted_not_silent():
    sc = load_scenario("base", overrides={"renewables.target_share": {"value": 0.6, "low": 0.5, "high": 0.9, "unit": "fraction"}})
    r = sweep.run(sc, 2000, seed=2, outputs=["hours.coal"])
    assert 0 < r.failed < 2000
    assert "coal generation" in r.first_failure and r.notes and str(r.failed) in r.notes[0]
    assert f"the percentiles describe the {2000 - r.failed} it accepts, not the distributions as given" in r.notes[0]
    assert f"{r.failed} of 2000 samples ({r.failed / 2000:.1%}) were refused" in r.notes[0]  # a share, said as one
    # A feasible point with a range that is almost all infeasible: every one of 20 draws fails.
    every = load_scenario("base", overrides={"renewables.target_share": {"value": 0.69, "low": 0.69, "high": 0.99, "unit": "fraction"}})
    with pytest.raises(ValueError, match="every one of the 20 samples failed; the first: sample 0: coal generation"):
        sweep.run(every, 20)
    # An infeasible point is refused before sampling.
    refused = load_scenario("base", overrides={"renewables.target_share": {"value": 0.85, "low": 0.8, "high": 0.95, "unit": "fraction"}})
    with pytest.raises(ValueError, match=r"scenario 'base' at its point values .* does not run: coal generation\[20\d\d\]"):
        sweep.run(refused, 100)


def test_ctrl_c_between_chunks_propagates_and_returns_nothing():
    seen = []

    def stop(done, total):
        seen.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep.run("ai_ranges", 5000, chunk_size=1024, on_chunk=stop)
    assert seen == [1024]


@pytest.mark.parametrize("kwargs, message", [
    ({"samples": 0}, "samples = 0: expected a count in 1-"),
    ({"samples": 2**41}, "samples = 2199023255552"),
    ({"samples": 1.5}, "samples = 1.5"),
    ({"samples": 10, "threads": -1}, "threads = -1: expected 0 (every core)"),
    ({"samples": 10, "threads": 5000}, "threads = 5000"),
    ({"samples": 10, "seed": -3}, "seed = -3"),
    ({"samples": 10, "chunk_size": 1000}, "chunk_size = 1000"),
    ({"samples": 10, "chunk_size": 3000}, "chunk_size = 3000: expected a multiple of 1024"),
    ({"samples": 10, "alpha": 0.5}, "alpha = 0.5"),
    ({"samples": 10, "outputs": ["hours.nope"]}, "output: 'hours.nope': 'nope' is not a source"),
    ({"samples": 10, "outputs": ["demand.nope"]}, "'nope' is not a demand row; expected one of primary"),
    ({"samples": 10, "outputs": []}, "outputs"),
    ({"samples": 10, "dask": ""}, "dask = ''"),
    # a timeout for nothing was ignored; the command line refused it
    ({"samples": 10, "dask_timeout": 5}, "dask_timeout = 5 given without dask"),
    ({"samples": 10, "dask": "tcp://127.0.0.1:1", "dask_timeout": 0}, "dask_timeout = 0: expected seconds in (0, 3600]"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError) as info:
        sweep.run("ai_ranges", **kwargs)
    assert message in str(info.value)


def test_batch_bad_input():
    with pytest.raises(ValueError, match="expected 3"):
        sweep.batch("ai", {"renewables.target_share": [0.3, 0.31, 0.32], "demand.data_centers.segments[2].rate": [0.2]})
    with pytest.raises(ValueError, match="not an input the batch can vary"):
        sweep.batch("ai", {"demand.nothing": [1.0]})
    with pytest.raises(ValueError, match="GiB"):  # N huge: refused before any allocation
        sweep.batch("ai", {"renewables.target_share": np.broadcast_to(0.3, (10**11,))})
    out = sweep.batch("ai", {"renewables.target_share": np.zeros(0)})  # N = 0: empty results
    assert out["hours.coal"].shape == (0, 12) and out["ok"].shape == (0,)
    with pytest.raises(ValueError, match="on_error"):
        sweep.batch("ai", {"renewables.target_share": [0.3]}, on_error="ignore")
    for threads in (-1, 1.5, True):  # pybind11 would raise TypeError for 1.5 and take True for 1
        with pytest.raises(ValueError, match=r"threads = .*: expected 0 \(every core\) or a count in 1-"):
            sweep.batch("ai", {"renewables.target_share": [0.3]}, threads=threads)


def test_a_refused_start_is_named_by_the_key_that_set_it():
    # the kernel's field is start_value; the batch was given demand.data_centers.start (and a sweep's
    # range is written on .start), so its refusal names that
    with pytest.raises(ValueError, match=r"^scenario 0: demand\.data_centers\.start = -1: expected a finite number >= 0"):
        sweep.batch("base", {"demand.data_centers.start": [-1.0, 300.0]})
    sc = load_scenario("ai", overrides={"demand.ev_charging.start": {
        "dist": "normal", "mean": 100, "sd": 60, "unit": "TWh", "source": "test"}})
    with pytest.raises(ScenarioError, match=r"reaches -185.205 TWh .*\(demand\.ev_charging\.start = -185\.2\d+: expected a finite"):
        sweep.run(sc, 50, seed=1, threads=1)


@pytest.mark.parametrize("values, message", [
    ({"renewables.target_share": np.full((2, 2), 0.3)}, r"values\['renewables.target_share'\]: an array of shape \(2, 2\); expected one value per scenario"),
    ({"renewables.target_share": ["a", "b"]}, r"values\['renewables.target_share'\] = \['a', 'b'\]: got text; expected numbers"),
    ({"renewables.target_share": [0.3, True]}, r"values\['renewables.target_share'\] = \[0.3, True\]: got a boolean"),
    ({"renewables.target_share": pd.Series([True])}, r"values\['renewables.target_share'\] = \[True\]: got a boolean"),
    ({"renewables.target_share": np.array([0.3 + 1j])}, r"= \[\(0.3\+1j\)\]: got a complex number"),
    ({"renewables.target_share": np.array(["2030-01-01"], dtype="datetime64[D]")}, r"got a date; expected numbers"),
    ({"renewables.target_share": [[0.3], [0.3, 0.2]]}, r"values\['renewables.target_share'\] = .*inhomogeneous.*expected numbers"),
    ({}, r"values = \{\}: expected a mapping or DataFrame of at least one input"),
    ([0.3, 0.31], r"values = \[0.3, 0.31\]: expected a mapping"),
    (pd.DataFrame(index=range(3)), r"values = .*expected a mapping or DataFrame of at least one input"),
])
def test_batch_values_of_the_wrong_shape_or_type_are_named(values, message):
    with pytest.raises(ValueError, match=message):
        sweep.batch("ai", values)


def write(tmp_path, text):
    path = tmp_path / "my.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _renewables_line(tmp_path, line):
    """A scenario file over base with one [renewables] line, on line 5."""
    return write(tmp_path, f"""
        [scenario]
        parent = "base"
        [renewables]
        {line}
    """)


@pytest.mark.parametrize("line, message", [
    ('target_share = { value = 0.30, low = 0.35, high = 0.32, unit = "fraction", source = "x" }', "high = 0.32: expected a value above low = 0.35"),
    ('target_share = { value = 0.40, low = 0.28, high = 0.32, unit = "fraction", source = "x" }', "value = 0.4: expected a value in [low, high]"),
    ('target_share = { value = 0.30, dist = "triangular", low = 0.28, mode = 0.4, high = 0.32, unit = "fraction", source = "x" }', "mode = 0.4"),
    ('target_share = { value = 0.30, dist = "normal", sd = 0, unit = "fraction", source = "x" }', "sd = 0: expected a standard deviation > 0"),
    ('target_share = { value = 0.30, dist = "beta", low = 0.2, high = 0.4, unit = "fraction", source = "x" }', "dist = 'beta'"),
    ('target_share = { value = 0.30, dist = "uniform", mean = 0.3, low = 0.2, high = 0.4, unit = "fraction", source = "x" }', "'mean' is not a parameter of a uniform"),
    ('target_share = { value = 0.30, dist = "lognormal", sigma = 0.1, low = -1, unit = "fraction", source = "x" }', "low = -1: expected a bound >= 0"),
    ('target_share = { value = 0.30, low = "a", high = 0.4, unit = "fraction", source = "x" }', "low = 'a': expected a finite number"),
    ('mode = { value = "target", low = 0, high = 1, unit = "choice", source = "x" }', "needs a numeric 'value'"),
])
def test_bad_distributions_name_file_line_and_key(tmp_path, line, message):
    path = _renewables_line(tmp_path, line)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = str(info.value)
    assert f"{path}:5" in text and "renewables." in text and message in text


def test_a_range_reaching_outside_what_its_assumption_takes_is_refused(tmp_path):
    # a point value of 1.5 is refused when the file is read; as a bound it had 65% of the samples
    # refused, with only a note
    path = _renewables_line(tmp_path, 'target_share = { value = 0.30, low = 0.28, high = 1.5, unit = "fraction", source = "x" }')
    with pytest.raises(ScenarioError, match=rf"{re.escape(str(path))}:5: renewables.target_share: high = 1.5 fraction is "
                                            r"outside what the model takes \(renewables.target_share = 1.5: expected a number in \[0, 1\]\)"):
        sweep.run(path, 1000)
    # a bound the model refuses for another quantity's sake (coal generation below zero) is the range's own
    path = _renewables_line(tmp_path, 'target_share = { value = 0.30, low = 0.28, high = 0.9, unit = "fraction", source = "x" }')
    r = sweep.run(path, 1000)
    assert 0 < r.failed < 1000


@pytest.mark.parametrize("line, point", [
    # value = { dist = ... }, as a segment field is written, on a leaf: the same distribution
    ('target_share = { value = { dist = "normal", mean = 0.31, sd = 0.01 }, unit = "fraction", source = "x" }', 0.31),
    # no point value: the distribution's centre
    ('target_share = { dist = "normal", mean = 0.31, sd = 0.01, unit = "fraction", source = "x" }', 0.31),
    ('target_share = { low = 0.28, high = 0.32, unit = "fraction", source = "x" }', 0.30),
    ('target_share = { dist = "triangular", low = 0.28, mode = 0.29, high = 0.32, unit = "fraction", source = "x" }', 0.29),
])
def test_a_leaf_distribution_without_a_point_value_takes_its_centre(tmp_path, line, point):
    sc = load_scenario(_renewables_line(tmp_path, line))
    assert sc.get("renewables.target_share") == pytest.approx(point)
    assert sc.assumption("renewables.target_share").uncertainty is not None
    inputs = sweep.uncertain_inputs(sc)
    assert [u.key for u in inputs] == ["renewables.target_share"]


def test_an_unknown_field_lists_the_distribution_fields_too(tmp_path):
    path = _renewables_line(tmp_path, 'target_share = { value = 0.3, dist = "normal", mean = 0.3, sd = 0.01, hgh = 0.31, '
                                      'unit = "fraction", source = "x" }')
    with pytest.raises(ScenarioError, match=r":5: renewables.target_share: unknown field 'hgh' \(expected value, unit, "
                                            r"source, year, or a distribution's dist, low, high, mode, mean, sd, median, sigma\)"):
        load_scenario(path)


def test_bad_segment_distributions(tmp_path):
    path = write(tmp_path, """
        [scenario]
        parent = "ai"
        [demand.data_centers]
        segments = [
          { method = "growth", years = [2025, 2035], rate = { dist = "triangular", low = 0.3, mode = 0.2, high = 0.4 }, unit = "fraction/yr", source = "x" },
        ]
    """)
    with pytest.raises(ScenarioError, match=r"my.toml:6: demand.data_centers.segments\[0\]: rate: mode = 0.2"):
        load_scenario(path)
    path = write(tmp_path, """
        [scenario]
        parent = "ai"
        [demand.data_centers]
        segments = [
          { method = "growth", years = [2025, 2035], rate = { low = 0.1, high = 0.2, spread = 3 }, unit = "fraction/yr", source = "x" },
        ]
    """)
    with pytest.raises(ScenarioError, match="unknown field.*spread"):
        load_scenario(path)


def test_uncertain_input_the_kernel_cannot_vary_names_its_line(tmp_path):
    path = write(tmp_path, """
        [scenario]
        parent = "ai"
        [supply.wind]
        additions = [
          { method = "increment", years = [2025, 2025], value = 119.33, unit = "GW/yr", source = "x" },
          { method = "increment", years = [2026, 2030], value = { low = 70, high = 90 }, unit = "GW/yr", source = "x" },
          { method = "increment", years = [2031, 2035], value = 80, unit = "GW/yr", source = "x" },
        ]
    """)
    assert aipower.run(path).capacity.loc["wind", 2025] > 0  # the point value runs
    with pytest.raises(ScenarioError, match=r"my.toml:7: supply.wind.additions\[1\].value: cannot be varied.*renewable-target solve"):
        sweep.run(path, 100)


def test_units_of_distributions_convert(tmp_path):
    path = write(tmp_path, """
        [scenario]
        parent = "base"
        [renewables]
        target_share = { value = 30, low = 28, high = 32, unit = "%", source = "x" }
    """)
    [u] = sweep.uncertain_inputs(path)
    assert (u.point, u.dist["low"], u.dist["high"], u.unit) == (pytest.approx(0.30), pytest.approx(0.28), pytest.approx(0.32), "fraction")


def test_a_scenario_without_uncertainty_is_refused():
    with pytest.raises(ScenarioError, match="no uncertain assumptions"):
        sweep.run("base", 10)
    with pytest.raises(ScenarioError, match="no uncertain assumptions"):
        sweep.tornado("ai")


def test_summary_pickles_and_merges():
    import pickle

    s = _k.Summary(3, 1e-3)
    t = pickle.loads(pickle.dumps(s))
    assert t.width == 3 and t.alpha == 1e-3 and math.isnan(t.mean(0))
    with pytest.raises(ValueError, match="not a serialized Summary"):
        _k.Summary.from_bytes(b"nonsense")


def test_the_shipped_ranges_are_sourced_and_within_their_bounds():
    for a in RANGES.assumptions():
        assert a.unit and a.source and not a.source.startswith("set in"), a.key
        if isinstance(a.value, list) and a.value and isinstance(a.value[0], dict):
            for seg in a.value:
                assert seg.get("source") and seg.get("unit"), (a.key, seg)
    inputs = sweep.uncertain_inputs(RANGES)
    assert len(inputs) >= 10
    for u in inputs:
        lo, hi = u.swing()
        assert lo < u.point < hi, u.key


# The data-center row driven by the calculators' routes (demand.data_centers.driver = capex / compute).
CAPEX = {"demand.data_centers.driver": "capex",
         "dc_power.twh_per_gw_year": {"value": [4.4, 10.0], "dist": "uniform", "unit": "TWh per GW-year", "source": "seed 1 [61]"},
         "dc_power.capex_per_watt_rmb": {"value": [120, 70], "dist": "uniform", "unit": "RMB/W", "source": "seed 1 [65]"}}


@given(st.lists(st.tuples(st.floats(1.0, 20.0), st.floats(30.0, 200.0), st.floats(0.25, 0.34)), min_size=1, max_size=4))
def test_capex_route_batch_equals_single_runs(rows):
    sc = load_scenario("ai", overrides=CAPEX)
    values = {"dc_power.twh_per_gw_year": [r[0] for r in rows], "dc_power.capex_per_watt_rmb": [r[1] for r in rows],
              "renewables.target_share": [r[2] for r in rows]}
    got = sweep.batch(sc, values, outputs=["demand.data_centers", "hours.coal"], on_error="skip")
    for i, (twh, cpw, share) in enumerate(rows):
        # The low case of the route runs at the pair's first values: the same path the batch computes.
        over = {"dc_power.capex_case": "low", "dc_power.twh_per_gw_year": [twh, 10.0],
                "dc_power.capex_per_watt_rmb": [cpw, 70.0], "renewables.target_share": share}
        try:
            r = aipower.run(sc.with_overrides(over))
        except ValueError:
            assert not got["ok"][i]
            continue
        assert got["ok"][i]
        assert np.array_equal(got["demand.data_centers"][i], r.demand.loc["data_centers"].to_numpy())
        assert np.array_equal(got["hours.coal"][i], r.hours.loc["coal"].to_numpy())


def test_compute_route_batch_equals_single_runs():
    sc = load_scenario("ai", overrides={"demand.data_centers.driver": "compute"})
    changes = [-0.2, -0.1, -0.05]  # 0.0 (no efficiency gain) asks coal for more hours than 2035 has
    got = sweep.batch(sc, {"dc_power.energy_per_flop_change": changes}, outputs=["demand.data_centers", "hours.coal"])
    for i, c in enumerate(changes):
        r = aipower.run(sc.with_overrides({"dc_power.energy_per_flop_change": c}))
        assert np.array_equal(got["demand.data_centers"][i], r.demand.loc["data_centers"].to_numpy())
        assert np.array_equal(got["hours.coal"][i], r.hours.loc["coal"].to_numpy())


def test_sweep_of_the_capex_route_and_what_it_leaves_out(tmp_path):
    sc = load_scenario("ai_ranges", overrides=CAPEX)
    r = sweep.run(sc, 4000, seed=3)
    dc = r.tables["demand.data_centers"]
    assert dc.loc["P10", 2030] < dc.loc["P50", 2030] < dc.loc["P90", 2030]
    assert any("segments[2].rate is not varied: the data-center row is driven by the capex route" in n for n in r.notes)
    t = sweep.tornado(sc, "demand.data_centers", 2030)
    assert set(t["input"].iloc[:2]) == {"dc_power.twh_per_gw_year", "dc_power.capex_per_watt_rmb"}
    # The point is the route at the ranges' midpoints, not run's capex_case 'mid' (the mean of two
    # paths): said in the notes, and the base is what run gives at those midpoints.
    assert any("dc_power.capex_case = 'mid' does not apply" in n for n in r.notes)
    at_points = aipower.run(sc.with_overrides({"dc_power.twh_per_gw_year": 7.2, "dc_power.capex_per_watt_rmb": 95}))
    assert t["base"].iloc[0] == pytest.approx(at_points.demand.loc["data_centers", 2030], rel=1e-12)
    assert t["base"].iloc[0] != pytest.approx(aipower.run(sc).demand.loc["data_centers", 2030], rel=1e-3)
    # With the cagr driver, route assumptions do not drive the row: left out, and said so.
    cagr = load_scenario("ai_ranges", overrides={k: v for k, v in CAPEX.items() if k.startswith("dc_power")})
    r2 = sweep.run(cagr, 1000)
    assert any("dc_power.twh_per_gw_year is not varied" in n for n in r2.notes)
    with pytest.raises(ValueError, match="^dc_power.twh_per_gw_year: varied alone: vary dc_power.capex_per_watt_rmb with it"):
        sweep.batch(load_scenario("ai", overrides=CAPEX), {"dc_power.twh_per_gw_year": [5.0]})
    # from a scenario file, named by its line (was "bindings: vary ...", the kernel's argument)
    alone = tmp_path / "alone.toml"
    alone.write_text('[scenario]\nparent = "ai_ranges"\n[demand.data_centers]\n'
                     'driver = { value = "capex", unit = "choice", source = "x" }\n[dc_power]\n'
                     'capex_per_watt_rmb = { value = [120, 70], dist = "uniform", unit = "RMB/W", source = "x" }\n',
                     encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"^.*alone.toml:6: dc_power.capex_per_watt_rmb: cannot be varied by a sweep: "
                                            r"varied alone: vary dc_power.twh_per_gw_year with it \(each"):
        sweep.run(alone, 100)
    with pytest.raises(ValueError, match="driven by capex"):
        sweep.batch("ai", {"dc_power.twh_per_gw_year": [5.0], "dc_power.capex_per_watt_rmb": [100.0]})


def test_evaluate_writes_into_a_given_output_buffer():
    from aipower.balance import model_inputs

    inputs, _, sc = model_inputs("ai_ranges")
    uncertain = sweep.uncertain_inputs(sc)
    model = _k.Model(inputs, [u.binding for u in uncertain], ["hours.coal", "demand.total"])
    values = _k.draw([u.distribution() for u in uncertain], 3, False, 40, 0, 40)
    fresh, ok, _ = model.evaluate(values, on_error="skip")
    buffer = np.full((40, model.width), -1.0)
    out, ok2, _ = model.evaluate(values, on_error="skip", out=buffer)
    assert out is buffer or np.shares_memory(out, buffer)
    np.testing.assert_array_equal(buffer, fresh)
    np.testing.assert_array_equal(ok, ok2)
    for bad, got in ((np.zeros((40, model.width - 1)), "got a float64 array of shape (40, 23)"),
                     (np.zeros((39, model.width)), "got a float64 array of shape (39, 24)"),
                     (np.zeros((40, model.width), dtype=np.float32), "got a float32 array of shape (40, 24)"),
                     (np.zeros((model.width, 40)).T, "got a float64 array of shape (40, 24), not C-contiguous"),
                     ("text", "got str"),
                     ([[0.0] * model.width] * 40, "got list")):  # numpy would copy a list: the outputs would be lost
        with pytest.raises(ValueError, match=r"out: must be a writable C-contiguous float64 array of shape \(40, 24\)") as info:
            model.evaluate(values, out=bad)
        assert str(info.value).endswith(f"(scenarios × output width); {got}")
    for threads, words in ((2**40, "threads = 1099511627776: expected 0 (every core) or a count in 1-1024"),
                           (1.5, "threads = 1.5: expected 0 (every core) or a count in 1-1024 (a whole number)"),
                           (True, "threads = True: expected"), (-1, "threads = -1: expected")):
        with pytest.raises(ValueError, match=re.escape(words)):
            model.evaluate(values, threads=threads)
    np.testing.assert_array_equal(model.evaluate(values, threads=np.int64(2), on_error="skip")[0], fresh)
    # An output buffer overlapping the values (here by one row) is refused before anything is written.
    P, W = model.parameters, model.width
    shared = np.zeros(40 * (P + W))
    shared[:40 * P] = values.reshape(-1)
    with pytest.raises(ValueError, match="out: shares memory with values"):
        model.evaluate(shared[:40 * P].reshape(40, P), out=shared[39 * P:39 * P + 40 * W].reshape(40, W))
    np.testing.assert_array_equal(shared[:40 * P].reshape(40, P), values)
    frozen = np.zeros((40, model.width))
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match=r"out: must be a writable.*got a float64 array of shape \(40, 24\), read-only$"):
        model.evaluate(values, out=frozen)


@pytest.mark.parametrize("call, words", [
    (lambda: sweep.run("ai_ranges", 100, outputs=[1]), "outputs = 1: expected an output name"),
    (lambda: sweep.run("ai_ranges", 100, latin="yes"), "latin = 'yes': expected True or False"),
    (lambda: sweep.run("ai_ranges", 100, on_chunk="x"), "on_chunk = 'x': expected a function"),
    (lambda: sweep.tornado("ai_ranges", output=None), "output = None: expected an output name"),
    (lambda: sweep.sweep_table("ai_ranges", output=["hours.coal"]), "output = ['hours.coal']: expected an output name"),
    (lambda: sweep.chosen_outputs("ai_ranges", [None]), "outputs = None: expected an output name"),
    (lambda: sweep.tornado("ai_ranges", quantiles=0.1), "quantiles = 0.1: expected (low, high)"),
    (lambda: sweep.tornado("ai_ranges", quantiles=("a", "b")), "quantiles = ('a', 'b'): expected (low, high)"),
])
def test_argument_types_are_refused_by_name(call, words):
    # each was pybind11's TypeError (no argument named), or failed only after the first chunk
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


def test_uncertain_inputs_lists_what_a_sweep_varies():
    # under the capex route the data-center segments' ranges do not drive the row: run leaves them out
    sc = load_scenario("ai_ranges", overrides=CAPEX)
    keys = [u.key for u in sweep.uncertain_inputs(sc)]
    assert "dc_power.twh_per_gw_year" in keys and not any(k.startswith("demand.data_centers.segments") for k in keys)
    assert keys == [u.key for u in sweep._used(sc, sweep._uncertain(sc))[0]]


def test_a_point_in_percent_converts_to_the_bits_run_uses(tmp_path):
    # 35 % was 35 × 0.01 = 0.35000000000000003 in the sweep and 35 / 100 = 0.35 in aipower.run
    path = tmp_path / "pct.toml"
    path.write_text('[scenario]\nparent = "ai"\n[renewables]\n'
                    'target_share = { value = 35, low = 33, high = 37, unit = "%", source = "x" }\n', encoding="utf-8")
    (u,) = sweep.uncertain_inputs(path)
    assert u.point == 0.35 and u.dist["low"] == 0.33
    assert sweep.tornado(path, "hours.coal", 2030)["base"].iloc[0] == aipower.run(path).hours.loc["coal", 2030]


def test_a_small_alpha_over_a_wide_spread_is_refused_by_name_not_left_to_exhaust_memory(tmp_path):
    # EV charging spread over orders of magnitude: ~1e7 buckets a column at alpha 1e-7, fine at 1e-4
    path = write(tmp_path, """
        [scenario]
        parent = "ai"
        [demand.ev_charging]
        segments = [
          { method = "target", years = [2025, 2030], value = { dist = "lognormal", median = 5000, sigma = 3 }, unit = "yi kWh", source = "test" },
          { method = "growth", years = [2031, 2035], rate = 0.10, unit = "fraction/yr", source = "test" },
        ]
    """)
    assert sweep.run(path, samples=2000, seed=1, outputs="demand.ev_charging").samples == 2000
    with pytest.raises(ValueError, match=r"alpha = 1e-07: expected a relative accuracy whose buckets fit in a sketch: "
                                         r"magnitudes from .* need \d+ buckets at this alpha, more than the 8388608"):
        sweep.run(path, samples=2000, seed=1, outputs="demand.ev_charging", alpha=1e-7)


def test_a_sweep_whose_reductions_would_not_fit_in_memory_is_refused_before_it_starts(monkeypatch):
    # one sum per output column and block of 1,024 samples: at 2^40 samples, hundreds of GB
    monkeypatch.setattr(sweep, "_memory_limit", lambda: 2**30)
    with pytest.raises(ValueError, match=r"samples = 1,099,511,627,776: the streaming reductions of \d+ output columns "
                                         r"would need \d+\.\d GiB, more than 1\.0 GiB"):
        sweep.run("ai_ranges", 2**40)


def test_latin_hypercube_at_the_top_stratum_of_a_huge_n_stays_inside_zero_one():
    # (stratum + u) / N rounded to exactly 1 for this sample (found by inverting the permutation): p = 1 was refused,
    # ending the sweep
    uniform = _k.Distribution.uniform(0.0, 1.0)
    (row,) = _k.draw([uniform] * 3, 12158, True, 2**40, 350331225205, 1)
    assert all(0.0 < v <= 1.0 for v in row)


def test_batch_refuses_what_it_would_read_wrongly():
    # Series pair by position in the kernel: differently indexed ones gave another answer than a DataFrame
    share = pd.Series([0.28, 0.32], index=["low", "high"])
    rate = pd.Series([0.30, 0.20], index=["high", "low"])
    values = {"renewables.target_share": share, "demand.data_centers.segments[2].rate": rate}
    with pytest.raises(ValueError, match=r"are Series with different indexes .*pd.DataFrame\(values\) aligns them"):
        sweep.batch("ai", values, outputs=["requirement.level"])
    aligned = sweep.batch("ai", pd.DataFrame(values), outputs=["requirement.level"])["requirement.level"]
    same = sweep.batch("ai", {k: v.sort_index() for k, v in values.items()}, outputs=["requirement.level"])
    assert aligned.tolist() == same["requirement.level"].tolist()  # both by label: high, then low
    # a masked entry was used as if it were there
    with pytest.raises(ValueError, match=r"masked entries at positions \[1\]"):
        sweep.batch("ai", {"renewables.target_share": np.ma.array([0.30, 0.35], mask=[0, 1])})
    unmasked = np.ma.array([0.30, 0.35])
    assert sweep.batch("ai", {"renewables.target_share": unmasked})["ok"].all()
    with pytest.raises(ValueError, match=r"beyond a float's range"):
        sweep.batch("ai", {"renewables.target_share": [10**400]})
    with pytest.raises(ValueError, match=r"on_error = None: expected 'raise' .* or 'skip'"):
        sweep.batch("ai", {"renewables.target_share": [0.3]}, on_error=None)


def test_whole_floats_count_as_whole_numbers():
    """A year or count given as 2030.0 (a worksheet's number) is taken, as `run` takes base_year=2025.0;
    2030.5 and text are refused as not whole, not as out of range."""
    assert sweep.tornado("ai_ranges", year=2030.0).equals(sweep.tornado("ai_ranges", year=2030))
    for bad in (2030.5, "2030"):
        with pytest.raises(ValueError, match=r"year = .*: expected a year in 2024-2035 .*\(a whole number\)"):
            sweep.tornado("ai_ranges", year=bad)
    small = sweep.run("ai_ranges", 2000.0, alpha=np.float32(1e-3))
    assert small.samples == 2000 and small.alpha == pytest.approx(1e-3)


_DC_SEGMENTS = """
    [scenario]
    parent = "ai"
    [demand.data_centers]
    segments = [
      {{ method = "increment", years = [2025, 2025], value = {first}, unit = "yi kWh/yr", source = "x" }},
      {{ method = "increment", years = [2026, 2027], value = 1000, unit = "yi kWh/yr", source = "x" }},
      {{ method = "cagr", years = [2028, 2030], rate = 0.25, from_year = 2025, unit = "fraction/yr", source = "x" }},
      {{ method = "growth", years = [2031, 2035], rate = {last}, unit = "fraction/yr", source = "x" }},
    ]
"""


@pytest.mark.parametrize("text, message", [
    # the kernel names these demand.data_centers segment growth 2031-2035.rate, …start_value and
    # …retirements[2025]: ranges on them ran, with up to 39% of the samples refused and only a note
    (_DC_SEGMENTS.format(first=628, last="{ value = 0.10, low = -1.5, high = 0.15 }"),
     r"my.toml:9: demand.data_centers.segments\[3\].rate: low = -1.5 fraction/yr is outside what the model takes "
     r"\(demand.data_centers segment growth 2031-2035.rate = -1.5: expected a growth rate > -1"),
    ('[scenario]\nparent = "ai"\n[demand.ev_charging]\n'
     'start = { value = 100, low = -1000, high = 200, unit = "yi kWh", source = "x" }',
     # in the file's unit too: the analyst wrote -1000 亿kWh
     r"my.toml:4: demand.ev_charging.start: low = -100 TWh \(-1000 yi kWh\) is outside what the model takes"),
    ('[scenario]\nparent = "ai"\n[supply.coal]\nretirements = { value = 0, low = -5, high = 2, unit = "GW/yr", source = "x" }',
     r"my.toml:4: supply.coal.retirements: low = -5 GW/yr is outside .*retirements\[2025\] = -5"),
    # a normal is checked where its samples reach (one in a million), not only at given limits
    ('[scenario]\nparent = "ai"\n[renewables]\ntarget_share = { dist = "normal", mean = 0.30, sd = 0.2, unit = "fraction", source = "x" }',
     r"my.toml:4: renewables.target_share: the normal distribution reaches -0.65.* \(its 1e-06 quantile\), outside "
     r"what the model takes .*expected a narrower distribution"),
    # given in %, shown in % too: "-1.12603 fraction" was not what the analyst wrote
    ('[scenario]\nparent = "ai"\n[renewables]\ntarget_share = { dist = "normal", mean = 30, sd = 30, unit = "%", source = "x" }',
     r"my.toml:4: renewables.target_share: the normal distribution reaches -1.126.* fraction \(-112.6.* %\) \(its 1e-06"),
    # a table without `value` is named by the parameter that gives its point
    ('[scenario]\nparent = "ai"\n[renewables]\ntarget_share = { dist = "normal", mean = 0.3, sd = 0.01, low = 0.5, '
     'high = 0.6, unit = "fraction", source = "x" }',
     r"my.toml:4: renewables.target_share: mean = 0.3: expected a value in \[low, high\] = \[0.5, 0.6\]"),
    # a target segment's value, which the kernel named '….target' and the range check so missed: the
    # sweep ran with 5% of its samples refused, its percentiles those of a distribution cut at 0
    ('[scenario]\nparent = "ai_ranges"\n[demand.ev_charging]\nsegments = [\n'
     '  { method = "target", years = [2025, 2030], value = { low = -1000, high = 6000 }, unit = "yi kWh", source = "x" },\n'
     '  { method = "growth", years = [2031, 2035], rate = 0.10, unit = "fraction/yr", source = "x" },\n]',
     r"my.toml:5: demand.ev_charging.segments\[0\].value: low = -100 TWh \(-1000 yi kWh\) is outside what the model "
     r"takes \(demand.ev_charging segment target 2025-2030.value = -100: expected a finite number > 0"),
    # the capex route's inputs, which its calculator names without 'dc_power.'
    ('[scenario]\nparent = "ai_ranges"\n[demand.data_centers]\ndriver = { value = "capex", unit = "choice", source = "x" }\n'
     '[dc_power]\ncapex_per_watt_rmb = { dist = "normal", mean = 95, sd = 40, unit = "RMB/W", source = "x" }\n'
     'twh_per_gw_year = { value = [4.4, 10.0], dist = "uniform", unit = "TWh per GW-year", source = "x" }',
     r"my.toml:6: dc_power.capex_per_watt_rmb: the normal distribution reaches -95.1.* RMB/W \(its 1e-06 quantile\), "
     r"outside what the model takes \(capex_per_watt_rmb = -95.1"),
    # tails beyond a float's range: "quantile ... = inf" named neither file nor key (a worksheet blamed `samples`)
    ('[scenario]\nparent = "ai_ranges"\n[renewables]\ntarget_share = { dist = "lognormal", median = 0.3, sigma = 700, '
     'unit = "fraction", source = "x" }',
     r"my.toml:4: renewables.target_share: the lognormal distribution's 0.999999 quantile is beyond a float's range"),
    # the point values fail: named as such, not as 'base scenario'
    (_DC_SEGMENTS.format(first="{ low = 100, high = 40000 }", last=0.1),
     r"^scenario 'my' at its point values \(each uncertain assumption's value, as `aipower run` computes it\) does not run: "),
])
def test_ranges_outside_what_their_assumption_takes_are_refused(tmp_path, text, message):
    with pytest.raises(ScenarioError, match=message):
        sweep.run(write(tmp_path, text), 200)


def test_valid_limits_and_bare_ranges_are_taken(tmp_path):
    """A normal limited to a share's valid range [0, 1] runs (its limits were evaluated and refused as
    'target already met' at 0, a point its samples do not reach); a range written { low, high }, as a
    segment's field takes it, is a uniform range for a scenario key too."""
    limited = sweep.run(write(tmp_path, '[scenario]\nparent = "ai"\n[renewables]\ntarget_share = { dist = "normal", '
                                        'mean = 0.30, sd = 0.02, low = 0, high = 1, unit = "fraction", source = "x" }'), 500)
    assert limited.failed == 0
    bare = write(tmp_path, '[scenario]\nparent = "ai"\n[renewables]\ntarget_share = { low = 25, high = 29, unit = "%" }')
    (u,) = [u for u in sweep.uncertain_inputs(bare) if u.key == "renewables.target_share"]
    assert (u.dist["dist"], u.dist["low"], u.dist["high"], u.unit) == ("uniform", 0.25, 0.29, "fraction")


def test_results_have_a_short_repr_and_compare_by_identity():
    """== compared every frame (pandas raised 'truth value of a DataFrame is ambiguous') and the repr
    printed every table, thousands of characters."""
    r, s = aipower.run("ai"), sweep.run("ai_ranges", 2000)
    for result in (r, s):
        assert len(repr(result)) < 400 and result == result
    assert repr(r).startswith("BalanceResult(scenario='ai', base_year=2024, years=2024-2035, ")
    assert repr(s).startswith("SweepResult(scenario='ai_ranges', samples=2,000, seed=0, ")
    long = s.long()
    assert str(long["year"].dtype) == "Int64"
    assert long.loc[long["output"] == "requirement.level", "year"].isna().all()
    assert set(long.loc[long["output"] == "hours.coal", "year"]) == set(range(2024, 2036))


def test_batch_refuses_a_column_given_twice_and_outputs_as_bytes():
    import pandas as pd
    frame = pd.DataFrame([[0.3, 0.31], [0.29, 0.3]], columns=["renewables.target_share", "renewables.target_share"])
    with pytest.raises(ValueError, match=r"^values: column 'renewables.target_share' given more than once"):
        sweep.batch("ai_ranges", frame)
    with pytest.raises(ValueError, match=r"^outputs = b'hours.coal': expected a list of output names"):
        sweep.batch("ai_ranges", {"renewables.target_share": [0.3]}, outputs=b"hours.coal")


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="CPU affinity is a Linux notion")
def test_every_core_means_the_cores_this_process_may_run_on(monkeypatch):
    # threads = 0 started the machine's core count of threads under taskset or a container's CPU set
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert sweep._threads(0) == 1 and sweep._threads(3) == 3
    with pytest.raises(ValueError, match="threads = -1: expected 0 \\(every core\\)"):
        sweep._threads(-1)


def test_a_target_range_under_fixed_renewables_is_left_out_with_a_note_not_refused():
    # the capex route's unused ranges were noted, this one stopped the sweep ("cannot be varied by a sweep")
    sc = load_scenario("ai_ranges", overrides={"renewables.mode": "fixed"})
    r = sweep.run(sc, 500, seed=1)
    assert "renewables.target_share" not in set(r.inputs["input"])
    assert any(n.startswith("renewables.target_share is not varied: wind and solar follow their own additions")
               for n in r.notes)
    assert "requirement.level" not in r.tables  # left out of the default outputs, and said
    assert any(n.startswith("requirement.level is not among the outputs") for n in r.notes)
    t = sweep.tornado(sc, "hours.coal", 2030)
    assert "renewables.target_share" not in set(t["input"]) and t.attrs["notes"]


def test_a_segment_after_the_horizon_is_left_out_with_a_note():
    # an end_year of 2030 left the 2031-35 ranges in the sweep and the tornado, each with no effect and no word
    sc = load_scenario("ai_ranges", overrides={"horizon.end_year": 2030})
    r = sweep.run(sc, 300, seed=1)
    late = {"demand.secondary.segments[2].rate", "demand.data_centers.segments[3].rate"}
    assert not late & set(r.inputs["input"])
    assert {n.split(" ")[0] for n in r.notes if "starts after the horizon ends (2030)" in n} == late
    assert not late & set(sweep.tornado(sc, "hours.coal")["input"])


def test_a_segment_ending_where_the_model_starts_is_left_out_with_a_note(monkeypatch):
    # a file rebased on 2025 with 2025 coal hours kept the 2025 increment's range: swing 0, no word
    spent = "demand.data_centers.segments[0].value"
    assert spent in {u.key for u in sweep._used(load_scenario("ai_ranges", base_year=2025), sweep._uncertain(
        load_scenario("ai_ranges")))[0]}  # from 2024 (the shipped start) it projects 2025: varied
    sc = load_scenario("ai_ranges", base_year=2025)
    monkeypatch.setattr(type(sc), "start_year", lambda self, base_year=None: 2025)  # as with 2025 coal hours
    used, notes = sweep._used(sc, sweep._uncertain(sc))
    assert spent not in {u.key for u in used}
    assert f"{spent} is not varied: its segment (2025-2025) ends by 2025, the year the model starts from (base year 2025)" in notes


def test_a_worksheet_tornado_of_the_capex_route_says_its_base_is_not_the_demand_functions(tmp_path):
    # AIP_TORNADO's base (719 TWh) and AIP_DEMAND (799) differed on one scenario, the help said they were the same
    # and the API's note could not reach the sheet
    from aipower import xlfunctions as xf

    f = tmp_path / "capex_ranges.toml"
    f.write_text('[scenario]\nparent = "ai_ranges"\n[demand.data_centers]\n'
                 'driver = { value = "capex", unit = "choice", source = "x" }\n[dc_power]\n'
                 'twh_per_gw_year = { value = [4.4, 10.0], dist = "uniform", unit = "TWh per GW-year", source = "x" }\n'
                 'capex_per_watt_rmb = { value = [120, 70], dist = "uniform", unit = "RMB/W", source = "x" }\n', encoding="utf-8")
    table = xf.AIP_TORNADO(str(f), "demand.data_centers", 2030)
    assert table[0][7] == "base [TWh] (capex route at its points, not dc_power.capex_case as AIP_DEMAND)"
    assert table[1][7] != pytest.approx(xf.AIP_DEMAND(str(f), "data_centers", 2030), rel=1e-3)
    assert xf.AIP_TORNADO("ai_ranges", "demand.data_centers", 2030)[0][7] == "base [TWh]"


def test_a_sweep_from_a_later_base_year_says_what_it_reads_from_the_earlier_one():
    # aipower tables --base-year 2025 noted 17 things; the sweep of the same scenario and year none, its
    # ranges on 2024 start values included
    run = aipower.run("ai_ranges", base_year=2025)
    r = sweep.run("ai_ranges", 50, base_year=2025, threads=1)
    assert run.notes and r.notes[:len(run.notes)] == run.notes
    assert sweep.tornado("ai_ranges", base_year=2025, threads=1).attrs["notes"][:len(run.notes)] == run.notes
    assert sweep.run("ai_ranges", 50, threads=1).notes == []  # the base year's own: nothing to say


def test_a_tornado_row_with_a_refused_end_ranks_by_the_end_that_ran():
    # its swing is blank; it sorted last, below swings of 0, and fell off a chart of the largest swings
    sc = load_scenario("ai_ranges", overrides={"renewables.target_share": {
        "value": 0.3, "low": 0.28, "high": 0.95, "unit": "fraction", "source": "test"}})
    t = sweep.tornado(sc, threads=1).set_index("input")
    row = t.loc["renewables.target_share"]
    assert math.isnan(row["swing"]) and row["note"]
    one_side = abs(row["output_at_low"] - row["base"])
    position = list(t.index).index("renewables.target_share")
    assert all(s >= one_side for s in t["swing"].iloc[:position]) and all(s < one_side for s in t["swing"].iloc[position + 1:])


def test_a_lognormal_in_a_converted_unit_keeps_its_sigma(tmp_path):
    # sigma is of the log, so 亿kWh and TWh give the same spread: scaling it with the unit (÷10) collapsed a
    # sweep's spread, and the inputs' own table showed the scaled value, so nothing looked wrong
    def sweep_in(unit, median):
        path = write(tmp_path, f"""
            [scenario]
            parent = "ai"
            [demand.data_centers]
            start = {{ value = {median}, unit = "{unit}", dist = "lognormal", median = {median}, sigma = 0.2 }}
        """)
        return sweep.run(path, 2_000, seed=3, outputs=["demand.total"])

    yi, twh = sweep_in("亿kWh", 1500), sweep_in("TWh", 150)
    pd.testing.assert_frame_equal(yi.tables["demand.total"], twh.tables["demand.total"], rtol=1e-12)
    assert yi.tables["demand.total"].loc["P95", 2030] > yi.tables["demand.total"].loc["P5", 2030] + 10  # a spread


def test_each_percentile_row_is_the_probability_it_names():
    assert sweep.QUANTILES == {name: int(name[1:]) / 100 for name in sweep.STATS if name.startswith("P")}

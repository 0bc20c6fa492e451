"""The worksheet-function layer, called as plain Python and through xlwings' server-side call path."""

from __future__ import annotations

import asyncio
import importlib
import json
import math
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aipower
from aipower import dc_power, onsite_power, rack_power, token_cost, training, units, us_gap
from aipower import xlfunctions as xf
from aipower.xlfunctions import REGISTRY, XlError

ROOT = Path(__file__).resolve().parents[1]


# --- metadata -------------------------------------------------------------------------------


def test_every_function_is_prefixed_and_described():
    assert len(REGISTRY) >= 20
    for name, f in REGISTRY.items():
        assert name.startswith("AIP_") and name.isupper()
        assert f.summary and len(f.summary) <= xf.WIZARD_LIMIT, name
        assert f.returns, name
        for p in f.params:
            assert p.description and len(p.description) <= xf.WIZARD_LIMIT, (name, p.name)
        # optional arguments come last (Excel and Python signatures both need it)
        flags = [p.optional for p in f.params]
        assert flags == sorted(flags), name


def test_numeric_arguments_state_their_unit():
    for f in REGISTRY.values():
        for p in f.params:
            if p.kind in ("number", "integer"):
                assert "(" in p.description, (f.name, p.name, "unit in parentheses")


def _help_text(name):
    """AIP_HELP's rows as one text, spaces normalised (a long line is wrapped over rows)."""
    return " ".join(" ".join(row[0] for row in xf.AIP_HELP(name)).split())


def test_help_is_not_cut_and_names_every_argument():
    text = _help_text("AIP_COAL_HOURS")
    assert len(text) > xf.WIZARD_LIMIT
    for p in REGISTRY["AIP_COAL_HOURS"].params:
        assert f"{p.name}:" in text
    assert _help_text("coal_hours") == text
    assert "(default ())" not in text  # an empty range's Python spelling
    err = xf.AIP_HELP("AIP_COAL_HOUR")
    assert isinstance(err, XlError) and err.code == "#VALUE!" and "did you mean AIP_COAL_HOURS" in err


def test_docs_functions_md_is_current():
    assert (ROOT / "docs" / "functions.md").read_text(encoding="utf-8") == xf.markdown(), \
        "docs/functions.md is stale: run `aipower functions --markdown > docs/functions.md`"


# --- results equal the Python API -----------------------------------------------------------


def test_granular_functions_equal_the_api(base, ai):
    assert xf.AIP_COAL_HOURS("ai", 2028) == ai.hours.loc["coal", 2028]
    assert xf.AIP_DEMAND("base", "data_centers", 2030) == base.demand.loc["data_centers", 2030]
    assert xf.AIP_CAPACITY("ai", "solar", 2027.0) == ai.capacity.loc["solar", 2027]
    assert xf.AIP_GENERATION("base", "required", 2026) == base.generation.loc["required", 2026]
    assert xf.AIP_HOURS("base", "wind", 2030) == base.hours.loc["wind", 2030]
    assert xf.AIP_RE_SHARE("base", 2030) == base.re_share.loc["non_hydro_share", 2030]
    assert xf.AIP_LOSS_FACTOR("base") == base.loss_factor
    assert xf.AIP_WIND_SOLAR_REQUIRED("base") == pytest.approx(base.requirement.level_gw_per_year, rel=1e-12)
    other = aipower.required_wind_solar("base", target_share=0.28)
    assert xf.AIP_WIND_SOLAR_REQUIRED("base", 0.28) == pytest.approx(other.level_gw_per_year, rel=1e-12)


def test_table_function_spills_the_research_table_with_headers(base):
    table = xf.AIP_BALANCE("base", "demand")
    assert table[0][0].startswith("demand") and table[0][1:] == list(base.demand.columns)
    assert [r[0] for r in table[1:]] == list(base.demand.index)
    assert table[9][1:] == [float(v) for v in base.demand.loc["total"]]
    assert all(len(r) == len(table[0]) for r in table)


def test_overrides_range_changes_the_result_like_the_api():
    rng = [["renewables.target_share", 0.28], [None, None], ["horizon.end_year", 2035.0]]
    expected = aipower.run("base", overrides={"renewables.target_share": 0.28})
    assert xf.AIP_COAL_HOURS("base", 2030, rng) == expected.hours.loc["coal", 2030]
    assert xf.AIP_COAL_HOURS("base", 2030, rng) != xf.AIP_COAL_HOURS("base", 2030)


def test_segments_override_as_json_text():
    seg = ('[{"method": "growth", "years": [2025, 2035], "rate": 0.2, "unit": "fraction/yr", "source": "test"}]')
    got = xf.AIP_DEMAND("base", "data_centers", 2026, [["demand.data_centers.segments", seg]])
    start = xf.AIP_DEMAND("base", "data_centers", 2024)
    assert got == pytest.approx(start * 1.2**2, rel=1e-12)


def test_editing_a_scenario_file_or_its_parent_is_seen_by_the_next_call(tmp_path):
    parent, child = tmp_path / "parent.toml", tmp_path / "child.toml"

    def share(path, value, stamp):
        path.write_text(f'[scenario]\nname = "p"\nparent = "ai"\n[renewables]\n'
                        f'target_share = {{ value = {value}, unit = "fraction", source = "test" }}\n', encoding="utf-8")
        os.utime(path, ns=(stamp, stamp))  # distinct times even where the clock is coarse

    share(parent, 0.28, 10**18)
    child.write_text('[scenario]\nname = "c"\nparent = "parent.toml"\n', encoding="utf-8")
    for value, stamp in ((0.28, 10**18), (0.31, 2 * 10**18), (0.29, 3 * 10**18)):
        share(parent, value, stamp)
        expected = aipower.run("ai", overrides={"renewables.target_share": value}).hours.loc["coal", 2030]
        assert xf.AIP_COAL_HOURS(str(child), 2030) == expected  # twice: the second call is the cached one
        assert xf.AIP_COAL_HOURS(str(child), 2030) == expected


def _share_file(path, parent, value, stamp):
    path.write_text(f'[scenario]\nparent = "{parent}"\n[renewables]\n'
                    f'target_share = {{ value = {value}, unit = "fraction", source = "test" }}\n', encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))


@pytest.mark.parametrize("gone", ["deleted", "renamed"])
def test_edits_are_seen_after_a_parent_file_is_deleted_or_renamed(tmp_path, gone):
    # the cells stayed on the scenario read just after the parent went, whatever was edited next
    old, child = tmp_path / "old.toml", tmp_path / "child.toml"
    _share_file(old, "ai", 0.28, 10**18)
    child.write_text('[scenario]\nparent = "old.toml"\n', encoding="utf-8")
    coal = lambda share: aipower.run("ai", overrides={"renewables.target_share": share}).hours.loc["coal", 2030]
    assert xf.AIP_COAL_HOURS(str(child), 2030) == coal(0.28)
    if gone == "deleted":
        old.unlink()
        for value, stamp in ((0.32, 2 * 10**18), (0.26, 3 * 10**18)):
            _share_file(child, "ai", value, stamp)
            assert xf.AIP_COAL_HOURS(str(child), 2030) == coal(value)
    else:
        new = tmp_path / "new.toml"
        old.rename(new)
        child.write_text('[scenario]\nparent = "new.toml"\n', encoding="utf-8")
        os.utime(child, ns=(2 * 10**18, 2 * 10**18))
        for value, stamp in ((0.28, 2 * 10**18), (0.31, 3 * 10**18)):
            _share_file(new, "ai", value, stamp)
            assert xf.AIP_COAL_HOURS(str(child), 2030) == coal(value)


def test_edits_to_a_new_parent_are_seen_after_the_file_names_it(tmp_path):
    # the chain was found once: after child.toml named p2.toml, edits to p2 were not seen all session
    p1, p2, child = tmp_path / "p1.toml", tmp_path / "p2.toml", tmp_path / "child.toml"
    _share_file(p1, "ai", 0.28, 10**18)
    _share_file(p2, "ai", 0.30, 10**18)
    coal = lambda share: aipower.run("ai", overrides={"renewables.target_share": share}).hours.loc["coal", 2030]
    child.write_text('[scenario]\nparent = "p1.toml"\n', encoding="utf-8")
    assert xf.AIP_COAL_HOURS(str(child), 2030) == coal(0.28)
    child.write_text('[scenario]\nparent = "p2.toml"\n', encoding="utf-8")
    os.utime(child, ns=(2 * 10**18, 2 * 10**18))
    assert xf.AIP_COAL_HOURS(str(child), 2030) == coal(0.30)
    _share_file(p2, "ai", 0.33, 3 * 10**18)
    assert xf.AIP_COAL_HOURS(str(child), 2030) == coal(0.33)


def test_the_parent_chains_kept_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(xf, "_CHAINS_KEPT", 3)
    for i in range(5):
        _share_file(tmp_path / f"s{i}.toml", "ai", 0.28, 10**18)
        xf._scenario_key(str(tmp_path / f"s{i}.toml"))
    assert list(xf._chains)[-3:] == [str((tmp_path / f"s{i}.toml").resolve()) for i in (2, 3, 4)]
    assert len(xf._chains) <= 3


def test_a_file_replaced_by_one_with_the_same_time_is_read_again(tmp_path):
    path, other = tmp_path / "s.toml", tmp_path / "t.toml"
    _share_file(path, "ai", 0.28, 10**18)
    before = xf.AIP_COAL_HOURS(str(path), 2030)
    assert xf.AIP_COAL_HOURS(str(path), 2030) == before  # read with its parents known: cached from here
    _share_file(other, "ai", 0.31, 10**18)
    other.replace(path)  # as `cp -p` or a checkout can leave it
    assert xf.AIP_COAL_HOURS(str(path), 2030) != before
    assert xf.AIP_COAL_HOURS(str(path), 2030) == aipower.run(str(path)).hours.loc["coal", 2030]


def test_a_symlinked_scenario_file_reads_its_parent_where_the_worksheets_do(tmp_path):
    # run and the API looked for a relative parent beside the link, the worksheets beside its target
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    _share_file(tmp_path / "x" / "p.toml", "ai", 0.28, 10**18)
    _share_file(tmp_path / "y" / "p.toml", "ai", 0.32, 10**18)
    (tmp_path / "y" / "child.toml").write_text('[scenario]\nparent = "p.toml"\n', encoding="utf-8")
    link = tmp_path / "x" / "link.toml"
    link.symlink_to(tmp_path / "y" / "child.toml")
    expected = aipower.run("ai", overrides={"renewables.target_share": 0.32}).hours.loc["coal", 2030]
    assert aipower.run(str(link)).hours.loc["coal", 2030] == expected
    assert xf.AIP_COAL_HOURS(str(link), 2030) == expected


def test_base_year_argument_rebases(base):
    r = aipower.run("base", base_year=2025)
    assert xf.AIP_DEMAND("base", "total", 2030, None, 2025) == r.demand.loc["total", 2030]
    assert xf.AIP_BALANCE("base", "demand", None, 2025)[0][1] == 2025


def test_params_table_has_value_unit_source_and_no_machine_paths():
    table = xf.AIP_PARAMS("ai")
    assert table[0] == ["key", "value", "unit", "source", "origin"]
    keys = [r[0] for r in table[1:]]
    assert "renewables.target_share" in keys and len(keys) == len(aipower.load_scenario("ai").keys())
    for key, value, unit, source, origin in table[1:]:
        assert source and "/" not in origin and "\\" not in origin, key
    row = next(r for r in table if r[0] == "demand.data_centers.start")
    assert row[2] == "TWh"


def test_units_and_kernel_blocks():
    assert xf.AIP_TO_MODEL_UNIT(5000, "亿kWh") == aipower.units.yi_kwh_to_twh(5000)
    assert xf.AIP_UTILIZATION_HOURS(5300, 1170) == aipower.units.twh_per_gw_to_hours(5300, 1170)
    assert xf.AIP_ENERGY_TWH(100, 4000) == aipower.units.gw_hours_to_twh(100, 4000)
    assert xf.AIP_CAGR(100, 140, 5) == pytest.approx(1.4 ** 0.2 - 1, rel=1e-12)


def test_version_lists_package_kernel_and_vintage():
    table = dict(map(tuple, xf.AIP_VERSION()[1:]))
    assert table["package"] == aipower.__version__
    assert {"kernel_compiler", "kernel_build_type", "data_vintage"} <= set(table)


# --- errors: an Excel error naming the argument, never an exception ---------------------------


@pytest.mark.parametrize("call, code, words", [
    (lambda: xf.AIP_COAL_HOURS("ai", "abc"), "#VALUE!", ["year", "'abc' is text"]),
    (lambda: xf.AIP_COAL_HOURS("ai", None), "#VALUE!", ["year", "empty"]),
    (lambda: xf.AIP_COAL_HOURS(None, 2028), "#VALUE!", ["scenario", "empty"]),
    (lambda: xf.AIP_COAL_HOURS("ai", 2028.5), "#VALUE!", ["year", "whole number"]),
    (lambda: xf.AIP_COAL_HOURS("ai", True), "#VALUE!", ["year", "logical"]),
    (lambda: xf.AIP_COAL_HOURS("ai", [[2028, 2029]]), "#VALUE!", ["year", "1×2 range", "single cell"]),
    (lambda: xf.AIP_COAL_HOURS("ai", 2050), "#N/A", ["year", "2050", "2024-2035"]),
    (lambda: xf.AIP_COAL_HOURS("nope", 2028), "#VALUE!", ["scenario 'nope'", "not a shipped scenario"]),
    (lambda: xf.AIP_COAL_HOURS("ai", 2028, [["a", 1, 2]]), "#VALUE!", ["overrides", "3 column", "two columns"]),
    (lambda: xf.AIP_COAL_HOURS("ai", 2028, "x"), "#VALUE!", ["overrides", "two-column range"]),
    (lambda: xf.AIP_COAL_HOURS("ai", 2028, [[3.0, 1.0]]), "#VALUE!", ["overrides", "row 1", "not an assumption key"]),
    (lambda: xf.AIP_COAL_HOURS("ai", 2028, [["renewables.target_share", None]]), "#VALUE!", ["overrides", "no value"]),
    (lambda: xf.AIP_COAL_HOURS("ai", 2028, [["renewables.target_share", 0.3], [None, None], [" renewables.target_share", 0.31]]),
     "#VALUE!", ["overrides", "row 3", "'renewables.target_share' is already set in row 1"]),
    (lambda: xf.AIP_COAL_HOURS("ai", 2028, [["renewables.target_shar", 0.3]]), "#VALUE!",
     ["renewables.target_shar", "did you mean 'renewables.target_share'"]),
    (lambda: xf.AIP_COAL_HOURS("ai", 2028, [["renewables.target_share", "high"]]), "#VALUE!", ["renewables.target_share", "expected number"]),
    (lambda: xf.AIP_DEMAND("ai", "dc", 2028), "#VALUE!", ["row", "'dc'", "data_centers"]),
    (lambda: xf.AIP_BALANCE("ai", "prices"), "#VALUE!", ["table", "'prices'", "re_share"]),
    (lambda: xf.AIP_UTILIZATION_HOURS(10, 0), "#VALUE!", ["AIP_UTILIZATION_HOURS", "expected a finite number > 0"]),
    (lambda: xf.AIP_COAL_HOURS("ai", "#N/A"), "#VALUE!", ["year", "error value"]),
    (lambda: xf.AIP_COAL_HOURS("ai", 2028, None, 2025, 1), "#VALUE!", ["at most 4 arguments"]),
])
def test_bad_arguments_return_a_named_excel_error(call, code, words):
    err = call()
    assert isinstance(err, XlError) and err.code == code and err.startswith(code + " ")
    for w in words:
        assert w in err, (w, err)


_cells = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                   st.integers(-10**6, 10**6))
_args = st.one_of(_cells, st.lists(st.lists(_cells, min_size=0, max_size=3), max_size=3))


@given(name=st.sampled_from(sorted(REGISTRY)), args=st.lists(_args, max_size=6))
def test_no_argument_makes_a_function_raise(name, args):
    out = REGISTRY[name](*args)
    assert out is None or isinstance(out, (str, float, int, bool, list))


# --- through xlwings' server-side call path (arguments as Excel sends them) ----------------------


@pytest.fixture(scope="module")
def xl():
    """xlwings in server mode (env set for the tests only) and the UDF module decorated by it."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XLWINGS_ON_SERVER", "true")
    mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    saved = {k: v for k, v in sys.modules.items() if k == "xlwings" or k.startswith("xlwings.") or k == "aipower.xl_udfs"}
    for k in saved:
        del sys.modules[k]
    try:
        server = importlib.import_module("xlwings.server")
        udfs = importlib.import_module("aipower.xl_udfs")
        import xlwings

        def call(name, *args):
            data = {"func_name": name, "args": list(args), "version": xlwings.__version__, "client": "Office.js",
                    "runtime": "1.4", "caller_address": "Sheet1!B2"}
            return asyncio.run(server.custom_functions_call(data, udfs))

        yield server, udfs, call
    finally:
        for k in [k for k in sys.modules if k == "xlwings" or k.startswith("xlwings.") or k == "aipower.xl_udfs"]:
            del sys.modules[k]
        sys.modules.update(saved)
        mp.undo()


def test_xlwings_metadata_describes_every_function_and_argument(xl):
    server, udfs, _ = xl
    meta = server.custom_functions_meta(udfs)
    by_name = {f["name"]: f for f in meta["functions"]}
    assert set(by_name) == set(REGISTRY)
    for name, f in REGISTRY.items():
        m = by_name[name]
        assert m["description"] == f.summary
        assert [p["name"] for p in m["parameters"]] == [p.name for p in f.params]
        for mp, p in zip(m["parameters"], f.params):
            assert mp["description"] == p.description and not mp["description"].startswith("Positional")
            assert mp.get("optional", False) == p.optional
        # every argument arrives as a 2-D list: classic xlwings gave a one-column range as a flat list,
        # which read as a row (a 5×1 range described as 1×5 in messages)
        options = [a["options"] for a in getattr(udfs, name).__xlfunc__["args"]]
        assert all(o.get("ndim") == 2 and o.get("err_to_str") for o in options), (name, options)


def test_xlwings_call_path_results(xl, ai, base):
    _, _, call = xl
    assert call("AIP_COAL_HOURS", [["ai"]], [[2028.0]]) == [[ai.hours.loc["coal", 2028]]]
    # empty optional cells arrive as None; an overrides range as a 2-D list with empty cells None
    rng = [["renewables.target_share", 0.28], [None, None]]
    expected = aipower.run("base", overrides={"renewables.target_share": 0.28}).hours.loc["coal", 2030]
    assert call("AIP_COAL_HOURS", [["base"]], [[2030.0]], rng, [[None]]) == [[expected]]
    table = call("AIP_BALANCE", [["base"]], [["capacity"]], [[None]], [[None]])
    assert table[0][1] == 2024 and table[1][0] == "coal" and table[1][1] == base.capacity.loc["coal", 2024]
    assert call("AIP_HELP", [["AIP_PARAMS"]])[0][0].startswith("AIP_PARAMS(scenario")


@pytest.mark.parametrize("name, args, words", [
    ("AIP_COAL_HOURS", [[["ai"]], [["abc"]]], ["#VALUE! year", "text"]),
    # an error cell, as Office.js sends it: not an empty cell (which would mean the default)
    ("AIP_WIND_SOLAR_REQUIRED", [[["base"]], [[{"type": "Error", "basicValue": "#DIV/0!"}]]],
     ["#VALUE! target_share", "error value (#DIV/0!)"]),
    ("AIP_COAL_HOURS", [[["ai"]], [[{"type": "Error", "basicValue": "#N/A"}]]], ["#VALUE! year", "error value (#N/A)"]),
    ("AIP_COAL_HOURS", [[["ai"]], [[None]]], ["#VALUE! year", "empty"]),
    ("AIP_COAL_HOURS", [[["ai"]], [[2028.0, 2029.0]]], ["#VALUE! year", "single cell"]),
    ("AIP_COAL_HOURS", [[["ai"]], [[2028.0]], [["a", 1.0, 2.0]]], ["#VALUE! overrides", "two columns"]),
    ("AIP_BALANCE", [[["nope"]], [["demand"]]], ["#VALUE!", "scenario 'nope'"]),
])
def test_xlwings_call_path_errors_are_visible_text(xl, name, args, words):
    _, _, call = xl
    out = call(name, *args)
    assert isinstance(out, list) and isinstance(out[0][0], str)
    for w in words:
        assert w in out[0][0]


# --- calculators ------------------------------------------------------------------------------

calc = pytest.importorskip("aipower.calculator_tables")


def test_calculator_tables_and_cells_equal_the_api():
    sc = aipower.load_scenario("base")
    assert set(calc.TABLES) <= {f.lower() for f in ("dc_capex", "token_cost", "us_gap", "onsite_power", "rack_power",
                                                    "training", "global_dc")} | set(calc.TABLES)
    for name, build in calc.TABLES.items():
        df = build(sc)
        table = xf.AIP_CALC_TABLE(name, "base")
        assert table[0] == [int(c) if str(c).isdigit() else str(c) for c in df.columns], name  # years as numbers
        assert len(table) == len(df) + 1
    df = calc.TABLES["us_gap"](sc).set_index("row")
    assert xf.AIP_CALC("us_gap", "gap", "high", "base") == df.loc["gap", "high"]
    err = xf.AIP_CALC("us_gap", "gap", "middle", "base")
    assert isinstance(err, XlError) and "column" in err and "low, high" in err
    assert isinstance(xf.AIP_CALC_TABLE("nope", "base"), XlError)


def test_calculator_granular_functions_equal_the_api():
    from aipower import rack_power, token_cost, training, us_gap

    r = token_cost.cost_per_million_tokens(it_power_kw=1.275, pue=1.2, electricity_price_per_kwh=0.5, tokens_per_second=1070,
                                           accelerator_cost_per_hour=3.49, network_cost_per_hour=0.53,
                                           operations_cost_per_hour=0.66)
    assert xf.AIP_TOKEN_COST(1.275, 1.2, 0.5, 1070, 3.49, 0.53, 0.66) == pytest.approx(float(r["total_per_million"]), rel=1e-15)
    assert xf.AIP_TOKEN_COST(1.275, 1.2, 0.5, 1070, 3.49, 0.53, 0.66, "energy") == pytest.approx(float(r["energy_per_million"]))
    assert xf.AIP_RACK_LOSS_FRACTION(1e6, 54, 200) == pytest.approx(float(rack_power.loss_fraction(power_w=1e6, voltage_v=54, mass_kg=200)))
    assert xf.AIP_FIRM_EQUIVALENT_GW([[45], [5], [5]], [[0.25], [0.35], [0.85]]) == us_gap.firm_equivalent_gw(
        nameplate_gw=[45, 5, 5], capacity_factor=[0.25, 0.35, 0.85])
    days = float(training.training_time_s(training_flops=1e26, accelerators=25000, peak_flops_per_s=2.5e15, utilization=0.4)) / 86400
    assert xf.AIP_TRAINING_DAYS(1e26, 25000, 2.5e15, 0.4) == pytest.approx(days, rel=1e-15)
    err = xf.AIP_FIRM_EQUIVALENT_GW([[45], [5]], [[0.25], [0.35], [0.85]])
    assert isinstance(err, XlError) and "capacity_factor" in err
    err = xf.AIP_TOKEN_COST(1.275, 1.2, "cheap", 1070, 3.49)
    assert isinstance(err, XlError) and "electricity_price" in err
    err = xf.AIP_RACK_CURRENT_A(1e6, 0)
    assert isinstance(err, XlError) and err.code == "#VALUE!"


# --- sweeps (issue 5): AIP_SWEEP and AIP_TORNADO ---------------------------------------------------

sweep = pytest.importorskip("aipower.sweep")


def test_sweep_function_spills_sweep_table_with_headers():
    df = sweep.sweep_table("ai_ranges", "hours.coal", samples=300, seed=3)
    table = xf.AIP_SWEEP("ai_ranges", "hours.coal", 300, 3)
    assert table[0] == ["hours.coal [h]", *[int(c) for c in df.columns[1:]]]
    assert [r[0] for r in table[1:]] == ["P5", "P10", "P50", "P90", "P95", "mean"] == list(df["stat"])
    assert [r[1:] for r in table[1:]] == df.iloc[:, 1:].to_numpy().tolist()
    # seeded: the same seed gives the same table (cache cleared, so it is recomputed); another seed another one
    xf.clear_cache()
    assert xf.AIP_SWEEP("ai_ranges", "hours.coal", 300.0, 3.0) == table
    assert xf.AIP_SWEEP("ai_ranges", "hours.coal", 300, 4) != table
    # blanks take the defaults of the Python function (ai_ranges, hours.coal, seed 0)
    assert xf.AIP_SWEEP(None, None, 200) == xf.AIP_SWEEP("ai_ranges", "hours.coal", 200, 0)
    other = xf.AIP_SWEEP("ai_ranges", "demand.total", 200, 0)
    assert other[0][0] == "demand.total [TWh]" and other[1][1:] != table[1][1:]


def test_sweep_function_takes_overrides_and_base_year():
    rng = [["horizon.end_year", 2032.0], [None, None]]
    df = sweep.sweep_table("ai_ranges", "hours.coal", samples=200, seed=1, overrides={"horizon.end_year": 2032})
    table = xf.AIP_SWEEP("ai_ranges", "hours.coal", 200, 1, rng)
    assert table[0][-1] == 2032 and [r[1:] for r in table[1:]] == df.iloc[:, 1:].to_numpy().tolist()
    assert xf.AIP_SWEEP("ai_ranges", "hours.coal", 200, 1, None, 2025)[0][1] == 2025


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_scenario_cell_naming_a_pipe_or_device_is_refused_not_waited_on(tmp_path):
    """/dev/stdin or a FIFO named in a cell waited for input for ever, and Excel (or recalc) with it."""
    fifo = tmp_path / "f.toml"
    os.mkfifo(fifo)
    for name in (str(fifo), "/dev/stdin"):
        out = xf.AIP_COAL_HOURS(name, 2030)
        assert isinstance(out, XlError) and out.startswith(f"#VALUE! scenario: '{name}' is not a regular file (a pipe "
                                                           "or device); expected a scenario name"), out


def test_sweep_function_takes_latin_hypercube_as_the_command_does():
    """`aipower sweep --latin` had no worksheet equivalent: its tables could not be reproduced in a workbook."""
    df = sweep.sweep_table("ai_ranges", "hours.coal", samples=500, seed=2, latin=True)
    table = xf.AIP_SWEEP("ai_ranges", "hours.coal", 500, 2, None, None, True)
    assert [r[1:] for r in table[1:]] == df.iloc[:, 1:].to_numpy().tolist()
    assert table != xf.AIP_SWEEP("ai_ranges", "hours.coal", 500, 2)  # the default: independent draws
    assert xf.AIP_SWEEP("ai_ranges", "hours.coal", 500, 2, None, None, 1) == table  # 1/0 as Excel's logicals
    assert xf.AIP_SWEEP("ai_ranges", "hours.coal", 500, 2, None, None, False) == xf.AIP_SWEEP("ai_ranges", "hours.coal", 500, 2)
    for bad, shown in (("yes", "'yes'"), (2, "2"), (0.5, "0.5")):
        err = xf.AIP_SWEEP("ai_ranges", "hours.coal", 500, 2, None, None, bad)
        assert isinstance(err, XlError) and err.startswith(f"#VALUE! latin: {shown} is not a logical value; expected TRUE or FALSE")


def test_tornado_function_spills_tornado_table():
    df = sweep.tornado_table("ai_ranges", "hours.coal", 2028)
    table = xf.AIP_TORNADO("ai_ranges", "hours.coal", 2028)
    assert table[0] == ["input", "unit", "low", "high", "output_at_low [h]", "output_at_high [h]", "swing [h]", "base [h]",
                        "note"]
    assert all(r[8] == "" for r in table[1:])  # nothing refused
    assert table[1:] == df.to_numpy().tolist()
    swings = [r[6] for r in table[1:]]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    assert table[1][7] == aipower.run("ai_ranges").hours.loc["coal", 2028]  # base: every input at its point
    assert xf.AIP_TORNADO() == xf.AIP_TORNADO("ai_ranges", "hours.coal", 2030)


def test_tornado_function_says_why_an_input_has_no_swing():
    """An input the model refuses at an end came with blanks and no reason (the API's note was dropped)."""
    share = json.dumps({"value": 0.5, "low": 0.3, "high": 0.9, "unit": "fraction", "source": "test"})
    table = xf.AIP_TORNADO("ai_ranges", "hours.coal", 2030, [["renewables.target_share", share]])
    assert not isinstance(table, XlError), table
    rows = [dict(zip(table[0], r)) for r in table[1:]]
    refused = next(r for r in rows if r["input"] == "renewables.target_share")
    assert refused["swing [h]"] is None
    assert "coal generation" in refused["note"] and "expected a value >= 0" in refused["note"]
    assert all(r["note"] == "" for r in rows if r is not refused)


def test_tornado_function_swings_between_quantiles_when_given():
    df = sweep.tornado_table("ai_ranges", "hours.coal", 2030, quantiles=(0.1, 0.9))
    table = xf.AIP_TORNADO("ai_ranges", "hours.coal", 2030, None, None, 0.1, 0.9)
    assert table[1:] == df.to_numpy().tolist()
    bounds = xf.AIP_TORNADO("ai_ranges", "hours.coal", 2030)
    share = {r[0]: r for r in bounds[1:]}["renewables.target_share"]
    p10_p90 = {r[0]: r for r in table[1:]}["renewables.target_share"]
    assert share[2] < p10_p90[2] < p10_p90[3] < share[3]  # inside the bounds: a narrower swing


@pytest.mark.parametrize("low, high, code, words", [
    (0.1, None, "#VALUE!", ["high_quantile", "together"]),
    (None, 0.9, "#VALUE!", ["low_quantile", "together"]),
    (0.0, 0.9, "#NUM!", ["low_quantile", "outside (0, 1)"]),
    (0.1, 1.5, "#NUM!", ["high_quantile", "1.5"]),
    (0.9, 0.1, "#NUM!", ["high_quantile", "not above low_quantile (0.9)"]),
    ("P10", 0.9, "#VALUE!", ["low_quantile", "text"]),
])
def test_tornado_quantiles_that_cannot_be_used_are_named(low, high, code, words):
    err = xf.AIP_TORNADO("ai_ranges", "hours.coal", 2030, None, None, low, high)
    assert isinstance(err, XlError) and err.startswith(code + " "), err
    for w in words:
        assert w in err, (w, err)


def test_sweep_functions_are_described():
    for name in ("AIP_SWEEP", "AIP_TORNADO"):
        f = REGISTRY[name]
        assert f.table and f.category == "sweep" and f.example.startswith(f"={name}(")
        assert all(p.optional for p in f.params)  # every argument has the Python function's default
        text = _help_text(name)
        for p in f.params:
            assert f"{p.name}:" in text
    assert f"1-{xf.SWEEP_MAX_SAMPLES:,}" in REGISTRY["AIP_SWEEP"].params[2].description


@pytest.mark.parametrize("call, code, words", [
    (lambda: xf.AIP_SWEEP("ai_ranges", "hours.cole", 100), "#VALUE!", ["output", "hours.cole"]),
    (lambda: xf.AIP_SWEEP("ai_ranges", "hours.coal", 0), "#NUM!", ["samples", "1-1,000,000"]),
    (lambda: xf.AIP_SWEEP("ai_ranges", "hours.coal", 1_000_001), "#NUM!", ["samples", "aipower sweep"]),
    (lambda: xf.AIP_SWEEP("ai_ranges", "hours.coal", "many"), "#VALUE!", ["samples", "'many' is text"]),
    (lambda: xf.AIP_SWEEP("ai_ranges", "hours.coal", 10.5), "#VALUE!", ["samples", "whole number"]),
    (lambda: xf.AIP_SWEEP("ai_ranges", "hours.coal", 100, -1), "#NUM!", ["seed", "-1"]),
    (lambda: xf.AIP_SWEEP("base", "hours.coal", 100), "#VALUE!", ["no uncertain assumptions"]),
    (lambda: xf.AIP_SWEEP("nope", "hours.coal", 100), "#VALUE!", ["scenario 'nope'"]),
    (lambda: xf.AIP_TORNADO("ai_ranges", "hours.coal", 2050), "#N/A", ["year", "2050", "2024-2035"]),
    (lambda: xf.AIP_TORNADO("ai_ranges", "hours.coal", 2020), "#N/A", ["year", "2020"]),
    (lambda: xf.AIP_TORNADO("ai_ranges", "coal", 2030), "#VALUE!", ["output", "'coal'"]),
    (lambda: xf.AIP_TORNADO("ai_ranges", "hours.coal", "2030x"), "#VALUE!", ["year", "text"]),
])
def test_sweep_bad_arguments_return_a_named_excel_error(call, code, words):
    err = call()
    assert isinstance(err, XlError) and err.code == code and err.startswith(code + " "), err
    for w in words:
        assert w in err, (w, err)


@pytest.mark.parametrize("fn, output, rest", [
    (xf.AIP_SWEEP, "hours.cole", (100,)),
    (xf.AIP_SWEEP, "demand.nope", (100,)),
    (xf.AIP_SWEEP, "capacity.", (100,)),
    (xf.AIP_TORNADO, "coal", (2030,)),
])
def test_sweep_output_error_names_the_output_once(fn, output, rest):
    err = fn("ai_ranges", output, *rest)
    assert err.startswith(f"#VALUE! output: '{output}': ") or err.startswith(f"#VALUE! output: '{output}' is not"), err
    assert err.count(f"'{output}'") == 1 and "expected" in err, err


def test_xlwings_call_path_sweep_and_tornado(xl):
    _, _, call = xl
    df = sweep.sweep_table("ai_ranges", "hours.coal", samples=200, seed=2)
    got = call("AIP_SWEEP", [["ai_ranges"]], [["hours.coal"]], [[200.0]], [[2.0]], [[None, None]], [[None]])
    assert got[0][0] == "hours.coal [h]" and got[0][1] == 2024
    assert [r[1:] for r in got[1:]] == df.iloc[:, 1:].to_numpy().tolist()
    t = call("AIP_TORNADO", [[None]], [[None]], [[2030.0]])
    assert t[1:] == sweep.tornado_table("ai_ranges", "hours.coal", 2030).to_numpy().tolist()
    q = call("AIP_TORNADO", [[None]], [[None]], [[2030.0]], [[None, None]], [[None]], [[0.1]], [[0.9]])
    assert q[1:] == sweep.tornado_table("ai_ranges", "hours.coal", 2030, quantiles=(0.1, 0.9)).to_numpy().tolist()
    err = call("AIP_SWEEP", [["ai_ranges"]], [["hours.coal"]], [[0.0]])
    assert err[0][0].startswith("#NUM! samples")
    err = call("AIP_TORNADO", [["ai_ranges"]], [["hours.coal"]], [[2050.0]])
    assert err[0][0].startswith("#N/A year")


def test_addin_config_uses_the_setting_names_xlwings_reads():
    """xlwings' VBA looks settings up by name (case-insensitive, with spaces): a key it does not
    ask for, such as UDF_MODULES, is silently ignored and Import Functions finds no module."""
    import pathlib

    xlwings = pytest.importorskip("xlwings")
    vba = (pathlib.Path(xlwings.__file__).parent / "xlwings.bas").read_text(encoding="utf-8", errors="replace").upper()
    conf = pathlib.Path(__file__).parents[1] / "xladdin" / "xlwings.conf"
    settings = dict(line.replace('"', "").split(",", 1) for line in conf.read_text(encoding="utf-8").splitlines() if line)
    assert settings == {"UDF Modules": "aipower.xl_udfs", "Use UDF Server": "True"}
    for key in settings:
        assert f'GETCONFIG("{key.upper()}"' in vba, key


@pytest.mark.parametrize("scenario", ["base", "ai"])
def test_a_value_copied_from_params_into_overrides_changes_nothing(scenario):
    """An overrides range takes the unit AIP_PARAMS shows: copying a row's value back is a no-op
    (read in the file's unit, 288 TWh for an assumption written in 亿kWh ran as 28.8 TWh)."""
    table = xf.AIP_PARAMS(scenario)
    numeric = [r for r in table[1:] if isinstance(r[1], (int, float)) and not isinstance(r[1], bool)]
    assert any(r[0] == "demand.data_centers.start" for r in numeric)
    overrides = [[r[0], float(r[1])] for r in numeric]
    again = {r[0]: r[1:3] for r in xf.AIP_PARAMS(scenario, overrides)[1:]}
    for key, value, unit, *_ in numeric:
        assert again[key][0] == pytest.approx(value, rel=1e-15) and again[key][1] == unit, key
    assert xf.AIP_COAL_HOURS(scenario, 2030.0, overrides) == pytest.approx(xf.AIP_COAL_HOURS(scenario, 2030.0), rel=1e-12)


def test_firm_equivalent_pairs_cells_by_position():
    # blanks used to be dropped from each range apart, pairing 5 GW with the 0.35 of the blank's row
    assert xf.AIP_FIRM_EQUIVALENT_GW([[45.0], [None], [5.0]], [[0.25], [None], [0.85]]) == pytest.approx(45 * 0.25 + 5 * 0.85)
    err = xf.AIP_FIRM_EQUIVALENT_GW([[45.0], [None], [5.0]], [[0.25], [0.35], [None]])
    assert isinstance(err, XlError) and "nameplate_gw: cell 2 is blank" in err


@pytest.mark.parametrize("unit, expected", [("亿kWh", 1.2), ("亿 KWH", 1.2), ("yi kwh", 1.2), ("％", 0.12), (" TWh ", 12.0)])
def test_to_model_unit_reads_spacing_and_case_variants(unit, expected):
    assert xf.AIP_TO_MODEL_UNIT(12.0, unit) == pytest.approx(expected)


@pytest.mark.parametrize("unit", ["MW", "GWh", "万kWh", "kWh"])
def test_to_model_unit_refuses_a_unit_it_does_not_convert(unit):
    # passed through unchanged, 12 MW read as if it were 12 in the model's unit
    err = xf.AIP_TO_MODEL_UNIT(12.0, unit)
    assert isinstance(err, XlError) and f"unit: '{unit}' is not a unit this function converts" in err


@pytest.mark.parametrize("name, args, words", [
    ("AIP_UTILIZATION_HOURS", (100.0, 0.0), "average_capacity_gw = 0"),
    ("AIP_TOKEN_COST", (1.275, 1.2, -0.5, 1070.0, 3.49), "electricity_price = -0.5"),
    ("AIP_RACK_COPPER_KG", (1e6, 54.0, 0.0), "loss_fraction = 0"),
    ("AIP_TRAINING_ENERGY_MWH", (25000.0, 1.4, 1.3, -1.0), "AIP_TRAINING_ENERGY_MWH: days = -1: expected a finite number of days > 0"),
])
def test_errors_name_the_worksheet_argument_not_the_apis(name, args, words):
    # the messages said gw, electricity_price_per_kwh, loss_fraction_target and time_s = -86400
    err = REGISTRY[name](*args)
    assert isinstance(err, XlError) and words in err, err


def test_names_are_matched_ignoring_case_as_excel_matches_them():
    assert xf.AIP_CAPACITY("base", "Coal", 2030.0) == xf.AIP_CAPACITY("base", "coal", 2030.0)
    assert xf.AIP_DEMAND("ai", " Total ", 2030.0) == xf.AIP_DEMAND("ai", "total", 2030.0)
    assert xf.AIP_CALC("us_gap", "Gap", "HIGH", "base") == xf.AIP_CALC("us_gap", "gap", "high", "base")
    args = (1.275, 1.2, 0.5, 1070.0, 3.49, 0.53, 0.66)
    assert xf.AIP_TOKEN_COST(*args, "ENERGY") == xf.AIP_TOKEN_COST(*args, "energy")
    assert xf.AIP_COAL_HOURS("base", 2030.0, [["Renewables.Target_Share", 0.28]]) == \
        xf.AIP_COAL_HOURS("base", 2030.0, [["renewables.target_share", 0.28]])
    twice = xf.AIP_COAL_HOURS("base", 2030.0, [["renewables.target_share", 0.28], ["RENEWABLES.TARGET_SHARE", 0.3]])
    assert isinstance(twice, XlError) and "row 2" in twice and "already set in row 1" in twice


@pytest.mark.parametrize("rows, words", [
    ([["renewables.target_share", 0.3], [None, None], ["demand.population.start", -5.0]],
     "demand.population.start = -5: expected a finite number > 0; set in overrides row 3"),
    ([["Renewables.Target_Share", "7 GW"]], "unit 'GW' does not match the assumption's: expected fraction (or %); "
                                            "set in overrides row 1"),
    ([["renewables.target_share", 0.3], ["demand.populaton.start", 1.0]], "unknown assumption (did you mean "
                                                                          "'demand.population.start'?); set in overrides row 2"),
    ([["renewables.target_year", 46753.0]], "set in overrides row 1; 46753 looks like a date (2028-01-01); expected a "
                                            "year as a whole number such as 2028"),
])
def test_a_refused_override_value_names_its_row_of_the_range(rows, words):
    # a book with dozens of override rows: the key alone leaves the user scanning for it
    err = xf.AIP_COAL_HOURS("base", 2030.0, rows)
    assert isinstance(err, XlError) and err.endswith(words), err


def test_invisible_characters_pasted_into_a_key_cell_are_not_part_of_the_key():
    want = xf.AIP_COAL_HOURS("ai", 2030.0, [["renewables.target_share", 0.35]])
    assert isinstance(want, float)
    for key in ("renewables.target_share\u200b", "\ufeffrenewables.target_share\u00a0", "renewables.\u200dtarget_share"):
        assert xf.AIP_COAL_HOURS("ai", 2030.0, [[key, 0.35]]) == want, repr(key)


def test_scenario_cells_take_pasted_quotes_a_home_folder_and_a_shipped_name_in_any_case(tmp_path, monkeypatch):
    (tmp_path / "my.toml").write_text('[scenario]\nparent = "ai"\n', encoding="utf-8")
    (tmp_path / "AI").mkdir()  # a folder named like a shipped scenario is not a scenario file
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    want = xf.AIP_COAL_HOURS("ai", 2028.0)
    assert xf.AIP_COAL_HOURS("AI", 2028.0) == want
    assert xf.AIP_COAL_HOURS(f'"{tmp_path / "my.toml"}"', 2028.0) == want  # Windows' Copy as path
    assert xf.AIP_COAL_HOURS("~/my.toml", 2028.0) == want
    err = xf.AIP_COAL_HOURS("AI/", 2028.0)
    assert isinstance(err, XlError) and "is a folder; expected a scenario .toml file" in err


def test_a_sweep_with_refused_samples_says_how_many_were_accepted(tmp_path):
    path = tmp_path / "wide.toml"  # share targets that leave coal less than nothing to generate: many samples refused
    path.write_text('[scenario]\nparent = "base"\n[renewables]\ntarget_share = { value = 0.6, low = 0.5, high = 0.9, '
                    'unit = "fraction", source = "x" }\n', encoding="utf-8")
    header = xf.AIP_SWEEP(str(path), "hours.coal", 2000.0)[0]
    assert header[0].startswith("hours.coal [h] (") and header[0].endswith(" of 2,000 samples accepted)")
    assert xf.AIP_SWEEP("ai_ranges", "hours.coal", 2000.0)[0][0] == "hours.coal [h]"


@pytest.mark.parametrize(
    ("name", "key", "value", "message"),
    [
        # The kernel's argument (pue, growth) is no name a worksheet shows: the assumption is named too.
        ("token_cost", "token_cost.pue_china", 0.5, "token_cost table, from token_cost.pue_china = 0.5: pue = 0.5"),
        ("dc_capex", "dc_power.capex_per_watt_us_rmb", "[0, 100]", "from dc_power.capex_per_watt_us_rmb = [0.0, 100.0]: "),
        ("global_dc", "global_dc.china_growth", 0, "from global_dc.china_growth = 0"),
        ("global_dc", "global_dc.end_year", 2020, "global_dc.end_year = 2020: expected a year after global_dc.start_year = 2024"),
        ("training", "training.accelerators_per_rack", 0, "training.accelerators_per_rack = 0: expected at least 1"),
        ("training", "training.target_days", "[20, 25]", "training.target_days = 20: expected a duration this cluster can meet"),
        # Counts are refused, not cut down (5.9 years became 5).
        ("us_gap", "us_gap.years", 5.9, "us_gap.years = 5.9: expected a whole number"),
        ("onsite_power", "onsite_power.years", 2.9, "onsite_power.years = 2.9: expected a whole number"),
        ("token_cost", "token_cost.electricity_price_us", "[10, 12]", "expected an index b can reach"),
    ],
)
def test_calculator_table_errors_name_the_assumption(name, key, value, message):
    err = xf.AIP_CALC_TABLE(name, "base", [[key, value]])
    assert isinstance(err, XlError) and message in err, err


def test_calculator_lookups_ignore_case_and_numpy_booleans_are_logical_values():
    import numpy as np

    assert xf.AIP_CALC("Token_Cost", "TOTAL", "China_Low", "base") == xf.AIP_CALC("token_cost", "total", "china_low", "base")
    assert xf.AIP_CALC("us_gap", "gap", "unit", "base") == "GW/yr"  # as the help says
    for err in (xf.AIP_RACK_CURRENT_A(np.True_, 54), xf.AIP_ONSITE_LIFETIME_COST(600, 20, np.True_)):
        assert isinstance(err, XlError) and "logical value" in err


def test_training_energy_days_that_overflow_in_seconds_are_named_as_days():
    err = xf.AIP_TRAINING_ENERGY_MWH(25000, 1.4, 1.3, 1e308)
    assert isinstance(err, XlError) and "days" in err and "time_s" not in err


def test_target_share_argument_is_a_fraction_when_the_file_writes_percent(tmp_path):
    """The README's example file writes the share in %: the argument (a fraction, as documented)
    was read as 0.29% and the solve refused it; regenerate failed on that file."""
    f = tmp_path / "pct.toml"
    f.write_text('[scenario]\nname = "pct"\nparent = "base"\n'
                 '[renewables]\ntarget_share = { value = 28, unit = "%", source = "test" }\n', encoding="utf-8")
    want = aipower.required_wind_solar("base", target_share=0.29).level_gw_per_year
    assert aipower.required_wind_solar(f, target_share=0.29).level_gw_per_year == want
    assert xf.AIP_WIND_SOLAR_REQUIRED(str(f), 0.29) == want
    err = xf.AIP_WIND_SOLAR_REQUIRED(str(f), 29)
    assert err == "#VALUE! target_share: 29: expected a number in [0, 1]"


def test_params_after_a_rebase_list_actuals_where_the_model_reads_them(capsys):
    """With base year 2025 the model starts from 2024 (the last year with actual coal hours). AIP_PARAMS
    listed actuals at 2025 (population, with none for 2025, failed before that), so a listed value
    copied into an overrides range changed the results; AIP_ASSUMPTION failed where AIP_PARAMS listed
    a value. Now each lists the start year's value, and a row whose number means less than its
    reference (later years also read from the data) says so."""
    from aipower.cli import main

    table = xf.AIP_PARAMS("ai", None, 2025)
    assert not isinstance(table, XlError), table
    rows = {r[0]: r for r in table[1:]}
    assert rows["demand.population.start"][1] == aipower.actuals.get("population", 2024).value
    assert "at 2024 (base year 2025 starts from 2024" in rows["demand.population.start"][3]
    ref = xf.AIP_COAL_HOURS("ai", 2026, None, 2025)
    said = []
    for key, (_, value, _, source, _) in rows.items():
        if isinstance(value, (list, dict, str)) or key == "horizon.base_year":
            continue
        assert xf.AIP_ASSUMPTION("ai", key, None, 2025) == value, key
        if xf.AIP_COAL_HOURS("ai", 2026, [[key, value]], 2025) != ref:
            said.append(key)
            assert "would project instead" in source or "calibrates on 2025 instead" in source, key
    assert "demand.secondary.start" in said and "calibration.coal_hours" in said
    # the data has no 2025 coal capacity, and hours are read in the start year only: the number means it all
    assert "supply.coal.start" not in said and "hours.wind.start" not in said
    assert main(["params", "--scenario", "ai", "--base-year", "2025"]) == 0
    assert "demand.population.start = 1408.28 [million] — actual 'population' at 2024 (base year 2025" in capsys.readouterr().out


def test_more_refusals_name_what_the_user_set():
    err = xf.AIP_CALC_TABLE("token_cost", "base", [["token_cost.it_power_kw", 0]])
    assert isinstance(err, XlError) and "token_cost.it_power_kw = 0: expected" in err
    # a target year before the additions the solve sets: named with where it was set
    with pytest.raises(ValueError, match=r"override: renewables.target_year = 2025: expected a year in 2026-2035 \(from renewables.first_year = 2026"):
        aipower.run("ai", overrides={"renewables.target_year": 2025})


# ---- a user's probe of the worksheet layer (2026-11-22) -------------------------------------


def test_a_logical_override_is_not_served_the_cached_run_of_a_1():
    xf.clear_cache()
    key = "demand.data_centers.start"
    first = xf.AIP_DEMAND("base", "data_centers", 2024, [[key, True]])
    assert isinstance(first, XlError) and "got boolean" in first
    assert xf.AIP_DEMAND("base", "data_centers", 2024, [[key, 1]]) == pytest.approx(1.0)
    again = xf.AIP_DEMAND("base", "data_centers", 2024, [[key, True]])  # after the 1: still refused
    assert isinstance(again, XlError) and "got boolean" in again


def test_an_override_key_written_two_ways_is_one_key_set_twice():
    got = xf.AIP_COAL_HOURS("base", 2030, [["renewables__target_share", 0.28], ["Renewables.Target_Share", 0.31]])
    assert got == "#VALUE! overrides: row 2: 'Renewables.Target_Share' is already set in row 1; expected each key once"


def test_a_scenario_name_too_long_for_a_file_name_is_a_clear_error():
    got = xf.AIP_COAL_HOURS("x" * 300, 2030)
    assert isinstance(got, XlError) and "internal error" not in got
    assert "(300 characters)': not a file name this system can look up" in got and "base, ai, ai_ranges" in got
    with pytest.raises(aipower.ScenarioError, match="not a file name this system can look up"):
        aipower.load_scenario("y" * 5000)


def test_json_nested_too_deeply_is_invalid_json_not_an_internal_error():
    got = xf.AIP_COAL_HOURS("base", 2030, [["demand.data_centers.segments", "[" * 3000 + "]" * 3000]])
    assert got == "#VALUE! overrides: row 1: 'demand.data_centers.segments': value is not valid JSON: nested too deeply"


def test_range_positions_in_kernel_messages_count_cells_from_1():
    got = xf.AIP_FIRM_EQUIVALENT_GW([[45], [-5]], [[0.25], [0.35]])
    assert got.startswith("#VALUE! AIP_FIRM_EQUIVALENT_GW: nameplate_gw: cell 2 = -5: expected")


def test_keys_and_output_names_ignore_case_as_overrides_do(base):
    assert xf.AIP_ASSUMPTION("base", "Renewables.Target_Share") == xf.AIP_ASSUMPTION("base", "renewables.target_share")
    assert xf.AIP_ASSUMPTION("base", "renewables__target_share") == xf.AIP_ASSUMPTION("base", "renewables.target_share")
    assert xf.AIP_SWEEP("ai_ranges", "Hours.Coal", 100, 1) == xf.AIP_SWEEP("ai_ranges", "hours.coal", 100, 1)
    assert xf.AIP_TORNADO("ai_ranges", "HOURS.coal", 2030) == xf.AIP_TORNADO("ai_ranges", "hours.coal", 2030)


@pytest.mark.parametrize("code", ["#GETTING_DATA", "#BUSY!", "#CONNECT!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"])
def test_newer_excel_error_values_are_error_values_not_text(code):
    assert xf.AIP_COAL_HOURS("ai", code) == f"#VALUE! year: is an error value ({code})"


def test_an_error_message_fits_a_cell_and_keeps_both_ends():
    got = xf.AIP_SWEEP("ai_ranges", "x" * 32767)
    assert len(got) <= XlError.MAX_MESSAGE + 100
    assert got.startswith("#VALUE! output: 'xxx") and "characters left out" in got
    assert got.endswith("requirement.level or loss_factor")  # the expected range survives


def test_shipped_scenario_files_are_named_without_a_machine_path():
    got = xf.AIP_COAL_HOURS("base", 2040, [["horizon.end_year", 2040]])
    assert "aipower/scenarios/base.toml:" in got.replace(os.sep, "/")
    assert str(Path(aipower.__file__).resolve().parent) not in got


def test_base_year_and_an_overrides_base_year_together_are_refused():
    got = xf.AIP_COAL_HOURS("base", 2030, [["horizon.base_year", 2025]], 2024)
    assert got.startswith("#VALUE! base_year: 2024 and the overrides' horizon.base_year = 2025 both set the base year")
    assert isinstance(xf.AIP_COAL_HOURS("base", 2030, [["horizon.base_year", 2025]]), float)


def test_a_date_cell_in_a_number_argument_is_named_as_a_date():
    import datetime

    got = xf.AIP_CAGR(datetime.datetime(2030, 1, 1), 1, 1)
    assert got.startswith("#VALUE! from_value: the date 2030-01-01 is a date or time; expected a number")
    # as Excel shows the cell, not as Python's repr would
    assert xf.AIP_HELP(datetime.datetime(2030, 1, 1)).startswith("#VALUE! name: the date 2030-01-01 is not text")
    assert xf.AIP_COAL_HOURS("base", True).startswith("#VALUE! year: TRUE is a logical value")
    assert xf.AIP_FIRM_EQUIVALENT_GW([[10, datetime.datetime(2030, 1, 1, 6)]], [[0.5, 0.3]]).startswith(
        "#VALUE! nameplate_gw: cell 2: the date or time 2030-01-01T06:00:00 is not a number")
    assert xf.AIP_COAL_HOURS("base", 2030, [["renewables.target_share", datetime.datetime(2030, 1, 1)]]).startswith(
        "#VALUE! overrides: row 1: 'renewables.target_share': the value cell holds the date 2030-01-01; expected a number")
    assert xf.AIP_TORNADO("ai_ranges", "hours.coal", 1e308).startswith("#N/A year = 1e+308: expected a year in 2024-2035")


def test_a_target_year_before_the_solve_window_states_the_whole_range():
    for year in (2024, 2025):
        got = xf.AIP_WIND_SOLAR_REQUIRED("base", 0.3, year)
        assert got.startswith(f"#VALUE! target_year: {year}: expected a year in 2026-2035"), got


def test_tornado_year_outside_the_table_names_the_year_once():
    got = xf.AIP_TORNADO("ai_ranges", "hours.coal", 2023)
    assert got.startswith("#N/A year = 2023: expected a year in 2024-2035")


# ---- a user's probe of the worksheet layer: argument names, error cells, huge numbers ----------


@pytest.mark.parametrize("call, expected", [
    (lambda: xf.AIP_COAL_HOURS("ai", 2030, None, 1899), "#VALUE! base_year: 1899: expected a year (a whole number in 1900-2100)"),
    (lambda: xf.AIP_COAL_HOURS("base", 2030, None, 2090), "#VALUE! base_year: 2090: expected a base year before horizon.end_year = 2035: 2024-2034"),
    (lambda: xf.AIP_TORNADO("ai_ranges", "hours.coal", 2030, None, 1899), "#VALUE! base_year: 1899: expected a year"),
    (lambda: xf.AIP_WIND_SOLAR_REQUIRED("base", 0.3, 2101), "#VALUE! target_year: 2101: expected a year (a whole number in 1900-2100)"),
    (lambda: xf.AIP_REQUIREMENT("base", 0.3, 2101, [["renewables.target_share", 0.3]]), "#VALUE! target_year: 2101: expected a year"),
    (lambda: xf.AIP_REQUIREMENT("base", 1.5), "#VALUE! target_share: 1.5: expected a number in [0, 1]"),
])
def test_base_year_and_target_arguments_are_named_not_called_overrides(call, expected):
    # the API takes these arguments as overrides: its message said "override: horizon.base_year = 1899"
    got = call()
    assert got.startswith(expected) and "override" not in got, got


@pytest.mark.parametrize("call, expected", [
    (lambda: xf.AIP_COAL_HOURS("ai", 2030, [["horizon.base_year", 1899]]), "override: horizon.base_year = 1899: expected a year"),
    (lambda: xf.AIP_WIND_SOLAR_REQUIRED("base", None, None, [["renewables.target_year", 2101]]),
     "override: renewables.target_year = 2101: expected a year"),
    (lambda: xf.AIP_WIND_SOLAR_REQUIRED("base", 0.3, 2030, [["renewables.target_share", "high"]]),
     "override: renewables.target_share = 'high': expected number"),
])
def test_refusals_of_an_overrides_row_still_say_override(call, expected):
    got = call()
    assert isinstance(got, XlError) and expected in got, got


@pytest.mark.parametrize("call, expected", [
    (lambda: xf.AIP_COAL_HOURS("ai", 2030, [["renewables.target_share", "#N/A"]]),
     "#VALUE! overrides: row 1: 'renewables.target_share': the value cell is an error value (#N/A)"),
    (lambda: xf.AIP_COAL_HOURS("ai", 2030, [[None, None], ["#NAME?", 0.3]]),
     "#VALUE! overrides: row 2: the key cell is an error value (#NAME?)"),
    (lambda: xf.AIP_COAL_HOURS("ai", 2030, "#REF!"), "#VALUE! overrides: is an error value (#REF!)"),
    (lambda: xf.AIP_COAL_HOURS("ai", 2030, [["#REF!"]]), "#VALUE! overrides: is an error value (#REF!)"),
    (lambda: xf.AIP_FIRM_EQUIVALENT_GW([[45.0], ["#N/A"]], [[0.25], [0.35]]),
     "#VALUE! nameplate_gw: cell 2 is an error value (#N/A)"),
    (lambda: xf.AIP_FIRM_EQUIVALENT_GW([[45.0], [None]], [[0.25], ["#DIV/0!"]]),
     "#VALUE! capacity_factor: cell 2 is an error value (#DIV/0!)"),
    (lambda: xf.AIP_FIRM_EQUIVALENT_GW([[45.0], [5.0]], "#REF!"), "#VALUE! capacity_factor: is an error value (#REF!)"),
])
def test_error_cells_in_a_range_are_named_as_error_values(call, expected):
    # were "expected number, got string", "got a range with 1 column(s)" and "'#N/A' is not a number"
    got = call()
    assert got.startswith(expected), got


@pytest.mark.parametrize("value", ["[]", "[1, 2, 3]"])
def test_assumption_refuses_an_override_the_model_refuses(value):
    key = "dc_power.capex_per_watt_rmb"
    got = xf.AIP_ASSUMPTION("base", key, [[key, value]])  # returned [] (a 0×0 array) and a spilled column
    table = xf.AIP_CALC_TABLE("dc_capex", "base", [[key, value]])
    assert isinstance(got, XlError) and got.message.split(": ", 1)[1] == table.message.split(": ", 1)[1]
    assert "expected a number or a [low, high] pair" in got
    share = xf.AIP_ASSUMPTION("base", "renewables.target_share", [["renewables.target_share", value]])
    assert isinstance(share, XlError) and "renewables.target_share = " in share and "expected a single number" in share
    assert xf.AIP_ASSUMPTION("base", key, [[key, "[100, 130]"]]) == [[100.0], [130.0]]
    assert xf.AIP_ASSUMPTION("base", "renewables.target_share", [["renewables.target_share", 0.31]]) == 0.31


def test_params_refuses_an_override_the_model_refuses_as_assumption_does():
    # a calculator override out of range was listed as if in effect: only the calculator tables read it
    key = "dc_power.energy_per_flop_change"
    got = xf.AIP_PARAMS("base", [[key, -10]])
    expected = xf.AIP_ASSUMPTION("base", key, [[key, -10]])
    assert isinstance(got, XlError) and got.message.split(": ", 1)[1] == expected.message.split(": ", 1)[1]
    assert f"{key} = -10.0" in got and "expected a growth rate > -1" in got
    (row,) = [r for r in xf.AIP_PARAMS("base", [[key, -0.1]]) if r[0] == key]  # one it takes is listed
    assert (row[1], row[4]) == (-0.1, "override")


@pytest.mark.parametrize("call, expected", [
    (lambda: xf.AIP_COAL_HOURS("ai", 1e308), "#N/A year: 1e+308 is outside the hours table's years 2024-2035"),
    (lambda: xf.AIP_COAL_HOURS("ai", 2030, None, 1e308), "#VALUE! base_year: 1e+308: expected a year"),
    (lambda: xf.AIP_WIND_SOLAR_REQUIRED("base", 0.3, 1e308), "#VALUE! target_year: 1e+308: expected a year"),
    (lambda: xf.AIP_SWEEP("ai_ranges", "hours.coal", 10, 1e308), "#NUM! seed: 1e+308 is outside 0-2^53"),
    (lambda: xf.AIP_SWEEP("ai_ranges", "hours.coal", -1e300), "#NUM! samples: -1e+300 is outside 1-1,000,000"),
    (lambda: xf.AIP_COAL_HOURS("ai", 2030, [["horizon.end_year", 1e308]]),
     "#VALUE! AIP_COAL_HOURS: override: horizon.end_year = 1e+308: expected a year"),
    (lambda: xf.AIP_CALC("us_gap", "gap", 1e308, "base"), "#VALUE! column: '1e+308' is not a column"),
])
def test_huge_whole_numbers_are_shown_compactly(call, expected):
    got = call()  # int(1e308) was echoed, all 309 digits
    assert got.startswith(expected), got


def _coercible(p):
    return {"scenario": "base", "text": "x", "number": 1.0, "integer": 2030, "range": [[1.0]]}.get(p.kind)


@pytest.mark.parametrize("name, index", [(f.name, i) for f in REGISTRY.values() for i, p in enumerate(f.params)
                                         if p.kind in ("text", "scenario")])
def test_an_int_beyond_a_float_in_a_text_argument_is_an_argument_error(name, index):
    f = REGISTRY[name]
    p = f.params[index]
    got = f(*[_coercible(q) for q in f.params[:index]], 10**400)  # was "internal error: OverflowError"
    assert got.startswith(f"#NUM! {p.name}: " if p.kind == "text" else f"#VALUE! {p.name}: "), got
    assert "internal error" not in got and "0" * 30 not in got  # not its 401 digits either


@pytest.mark.parametrize("call, expected", [
    (lambda: xf.AIP_RACK_LOSS_FRACTION(1e6, 54, 200, 1e308),
     "#VALUE! AIP_RACK_LOSS_FRACTION: length_m = 1e+308: expected a length short enough for a non-zero cross-section "
     "of mass_kg = 200 at density_kg_m3 = 8890"),
    (lambda: xf.AIP_RACK_COPPER_KG(5e-324, 800, 0.006), "#NUM! AIP_RACK_COPPER_KG: power_w = 5e-324: the result is not a number"),
    (lambda: xf.AIP_CAGR(100, 1e300, 1e-300),
     "#NUM! AIP_CAGR: to_value = 1e+300, years = 1e-300: the result, or a step of it, is too large to represent (inf)"),
    (lambda: xf.AIP_TRAINING_ENERGY_MWH(1e308, 1.4, 1.3, 90),
     "#NUM! AIP_TRAINING_ENERGY_MWH: accelerators = 1e+308: the result, or a step of it, is too large to represent (inf)"),
    (lambda: xf.AIP_UTILIZATION_HOURS(1e200, 1e-200),
     "#NUM! AIP_UTILIZATION_HOURS: generation_twh = 1e+200, average_capacity_gw = 1e-200: the result"),
    (lambda: xf.AIP_ONSITE_LIFETIME_COST(600, 20, 1e308), "#VALUE! AIP_ONSITE_LIFETIME_COST: years = 1e+308: expected a number "
                                                           "of years in 1-200"),
    (lambda: xf.AIP_ONSITE_LIFETIME_COST(600, 20, 2**31), "#VALUE! AIP_ONSITE_LIFETIME_COST: years = 2147483648: expected a "
                                                          "number of years in 1-200"),
])
def test_calculator_refusals_name_the_worksheet_arguments(call, expected):
    # blamed mass_kg for a length, and said "= -nan", "cagr = inf", "training::training_energy_mwh = inf"
    # (a C++ name) and "magnitude below 2^31" for a documented 1-200
    got = call()
    assert got.startswith(expected) and "::" not in got and "nan:" not in got.split(": the result")[0], got
    # a mass too small for the default length is still the mass's fault
    assert xf.AIP_RACK_LOSS_FRACTION(1e6, 54, 1e-320).startswith("#VALUE! AIP_RACK_LOSS_FRACTION: mass_kg = ")


@pytest.mark.parametrize("name", ["AIP_WIND_SOLAR_REQUIRED", "AIP_REQUIREMENT"])
def test_help_says_the_target_arguments_win_over_the_overrides(name):
    text = _help_text(name)
    assert "win over renewables.target_share and renewables.target_year in the overrides range" in text
    for p in ("target_share", "target_year"):
        assert f"wins over renewables.{p} in overrides" in next(q.description for q in REGISTRY[name].params if q.name == p)
    # the behaviour the text describes: the argument wins, a blank one takes the overrides' value
    assert xf.AIP_WIND_SOLAR_REQUIRED("base", 0.3, 2032, [["renewables.target_year", 2031]]) == \
        xf.AIP_WIND_SOLAR_REQUIRED("base", 0.3, 2032)
    assert xf.AIP_WIND_SOLAR_REQUIRED("base", None, None, [["renewables.target_share", 0.28]]) == \
        xf.AIP_WIND_SOLAR_REQUIRED("base", 0.28)


def test_loss_factor_help_says_it_can_be_negative_as_the_shipped_scenarios_is():
    assert "It can be negative (the shipped scenarios' is)" in _help_text("AIP_LOSS_FACTOR")
    for name in ("base", "ai"):  # what the help says of them, kept true
        assert xf.AIP_LOSS_FACTOR(name) < 0


def test_an_override_written_with_its_unit_means_the_same_as_in_python():
    bare = xf.AIP_DEMAND("base", "ev_charging", 2024, [["demand.ev_charging.start", 117.2]])  # the model's unit
    assert xf.AIP_DEMAND("base", "ev_charging", 2024, [["demand.ev_charging.start", "1172 亿kWh"]]) == bare
    assert xf.AIP_DEMAND("base", "ev_charging", 2024, [["demand.ev_charging.start", "117.2 TWh"]]) == bare
    assert aipower.run("base", overrides={"demand.ev_charging.start": "1172 亿kWh"}).demand.loc["ev_charging", 2024] == bare
    assert xf.AIP_DEMAND("base", "ev_charging", 2024, [["demand.ev_charging.start", "5 GW"]]).startswith(
        "#VALUE! AIP_DEMAND: override: demand.ev_charging.start: unit 'GW' does not match")


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_help_spills_lines_that_classic_excel_takes_and_loses_no_word(name):
    rows = xf.AIP_HELP(name)
    assert all(len(row) == 1 and len(row[0]) <= xf.CELL_TEXT_LIMIT for row in rows)
    assert _help_text(name) == " ".join(REGISTRY[name].help().split())  # only wrapped


def test_a_long_unknown_override_key_is_cut_so_the_reason_stays_in_a_classic_cell():
    from aipower.xl_udfs import fit_classic

    # the whole 300-character key was quoted first, and the 255-character cut dropped "unknown assumption"
    err = xf.AIP_COAL_HOURS("ai", 2028.0, [["x" * 300, 1.0]])
    assert isinstance(err, XlError) and "'" + "x" * 79 + "…': unknown assumption" in fit_classic(str(err))


def test_classic_xlwings_gets_no_text_over_255_characters():
    from aipower.xl_udfs import fit_classic
    long = "#VALUE! output: " + "x" * 300
    assert fit_classic(long) == long[:254] + "…" and len(fit_classic(long)) == xf.CELL_TEXT_LIMIT
    table = xf.AIP_PARAMS("base")
    assert max(len(c) for row in table for c in row if isinstance(c, str)) > xf.CELL_TEXT_LIMIT  # sources run long
    fitted = fit_classic(table)
    assert all(len(c) <= xf.CELL_TEXT_LIMIT for row in fitted for c in row if isinstance(c, str))
    assert [[c for c in row if not isinstance(c, str)] for row in fitted] == \
        [[c for c in row if not isinstance(c, str)] for row in table]  # numbers untouched
    assert fit_classic("short") == "short" and fit_classic(4.5) == 4.5
    # a segment list cut short would be JSON no overrides cell takes: the cell says where to find it
    segments = next(row[1] for row in table if row[0] == "demand.secondary.segments")
    assert len(segments) > xf.CELL_TEXT_LIMIT and fit_classic(segments).startswith("[…] a list too long for a cell")
    assert len(fit_classic(segments)) <= xf.CELL_TEXT_LIMIT
    # Excel counts UTF-16 units: '𠮷' (CJK Extension B, in some names and so in user folders) is two
    path = "#VALUE! scenario: 'C:/Users/" + "𠮷" * 80 + "/情景/" + "𠮷" * 60 + ".toml' does not exist"  # 193 characters, 333 units
    cut = fit_classic(path)
    assert len(cut.encode("utf-16-le")) // 2 in (xf.CELL_TEXT_LIMIT - 1, xf.CELL_TEXT_LIMIT)
    assert cut.endswith("…") and path.startswith(cut[:-1])


@pytest.mark.parametrize("gw, cf, shapes", [
    ([[10, 20]], [[0.5], [0.3]], "is a 2×1 range; expected the shape of nameplate_gw, 1×2"),
    ([[10, 20], [1, 2]], [[0.5], [0.3], [1], [1]], "is a 4×1 range; expected the shape of nameplate_gw, 2×2"),
])
def test_firm_equivalent_refuses_ranges_of_other_shapes_as_sumproduct_does(gw, cf, shapes):
    # a row paired with a column of as many cells was summed in row order, without a word
    assert xf.AIP_FIRM_EQUIVALENT_GW(gw, cf) == f"#VALUE! capacity_factor: {shapes}, cell for cell"
    assert xf.AIP_FIRM_EQUIVALENT_GW([[10], [20]], [[0.5], [0.3]]) == 11.0


def test_tornado_year_left_blank_follows_a_base_year_after_2030():
    # "#N/A year = 2030: expected a year in 2031-2035": the blank default was before the horizon
    from aipower import xl_udfs

    table = xl_udfs.AIP_TORNADO("ai_ranges", "hours.coal", None, None, 2031)
    assert isinstance(table, list) and table[0][0] == "input", table
    assert table[1:] == xl_udfs.AIP_TORNADO("ai_ranges", "hours.coal", 2031, None, 2031)[1:]


# ---- whole columns, percent text, dates in year cells, NUL characters ----------------------------

WHOLE_COLUMN = 1_048_576  # the rows of a whole-column range (A:B)


def test_a_whole_column_range_skips_its_blank_tail_without_a_check_per_row(monkeypatch):
    """A:B sends every row of the sheet: each was checked for blanks, ~1 s a call for an overrides range
    (before the cache lookup) and ~4.8 s for AIP_FIRM_EQUIVALENT_GW(A:A, B:B)."""
    overrides = [["renewables.target_share", 0.28], [None, None], ["renewables.target_year", 2031]]
    gw, cf = [[45.0], [None], [5.0]], [[0.25], [None], [0.85]]
    bounded = (xf.AIP_COAL_HOURS("base", 2030, overrides), xf.AIP_FIRM_EQUIVALENT_GW(gw, cf))
    assert all(isinstance(v, float) for v in bounded), bounded
    checked = []
    blank = xf._blank
    monkeypatch.setattr(xf, "_blank", lambda v: checked.append(v) or blank(v))
    pad1, pad2 = [[None]] * (WHOLE_COLUMN - 3), [[None, None]] * (WHOLE_COLUMN - 3)
    assert (xf.AIP_COAL_HOURS("base", 2030, overrides + pad2), xf.AIP_FIRM_EQUIVALENT_GW(gw + pad1, cf + pad1)) == bounded
    assert len(checked) < 100  # cell by cell, it was 2,097,152 for each range
    # a blank row in the middle is skipped as before, a key set twice still names both rows, and a cell
    # blank in one range only is still an error, wherever it is
    twice = [["renewables.target_share", 0.28], [None, None], ["Renewables.Target_Share", 0.3]] + pad2
    assert xf.AIP_COAL_HOURS("base", 2030, twice) == \
        "#VALUE! overrides: row 3: 'Renewables.Target_Share' is already set in row 1; expected each key once"
    far = xf.AIP_FIRM_EQUIVALENT_GW([[1.0]] * 1000 + pad1[1000:], [[0.5]] * 999 + [[None]] + pad1[1000:])
    assert far == "#VALUE! capacity_factor: cell 1000 is blank while the other range has a value there; expected a number"


@pytest.mark.parametrize("text", ["29%", "29 %", " 29% ", "29％", "0.29 fraction"])
def test_target_share_takes_text_with_its_unit_as_the_python_api_does(text):
    want = aipower.required_wind_solar("base", target_share=text).level_gw_per_year
    assert want == aipower.required_wind_solar("base", target_share=0.29).level_gw_per_year
    assert xf.AIP_WIND_SOLAR_REQUIRED("base", text) == want  # was "'29%' is text; expected a number"
    assert xf.AIP_REQUIREMENT("base", text) == xf.AIP_REQUIREMENT("base", 0.29)


def test_target_share_text_without_a_unit_or_in_another_unit_is_refused():
    assert xf.AIP_WIND_SOLAR_REQUIRED("base", "0.28").startswith(
        "#VALUE! target_share: '0.28' is text; expected a number, or text with its unit (Target non-hydro share")
    assert xf.AIP_REQUIREMENT("base", "29 TWh") == \
        "#VALUE! target_share: '29 TWh': unit 'TWh' does not match the argument's: expected fraction (or %)"
    assert xf.AIP_WIND_SOLAR_REQUIRED("base", "150%") == "#VALUE! target_share: 1.5: expected a number in [0, 1]"
    assert xf.AIP_WIND_SOLAR_REQUIRED("base", "1e400%").startswith("#VALUE! target_share: '1e400%' is not a finite number")
    assert xf.AIP_WIND_SOLAR_REQUIRED("base", "28.500%").startswith(  # 28,500% where a dot separates thousands
        "#VALUE! target_share: '28.500%': 28.500 has a dot before exactly three digits")
    for name in ("AIP_WIND_SOLAR_REQUIRED", "AIP_REQUIREMENT"):
        assert "target_share: Target non-hydro share of consumption (fraction, e.g. 0.3, or text in percent, e.g. '30%')" \
            in _help_text(name)


DATE_NOTE = "{0} looks like a date ({1}); expected a year as a whole number such as {2}"


@pytest.mark.parametrize("call, expected", [
    (lambda: xf.AIP_COAL_HOURS("base", 47484), "#N/A year: 47484 is outside the hours table's years 2024-2035; "
                                               + DATE_NOTE.format(47484, "2030-01-01", 2030)),
    (lambda: xf.AIP_WIND_SOLAR_REQUIRED("base", 0.3, 47484.0), "#VALUE! target_year: 47484: expected a year (a whole "
                                                               "number in 1900-2100); " + DATE_NOTE.format(47484, "2030-01-01", 2030)),
    (lambda: xf.AIP_BALANCE("base", "demand", None, 45658), "#VALUE! base_year: 45658: expected a year (a whole number in "
                                                            "1900-2100); " + DATE_NOTE.format(45658, "2025-01-01", 2025)),
    (lambda: xf.AIP_TORNADO("ai_ranges", "hours.coal", 10000), "#N/A year = 10000: expected a year in 2024-2035 for output "
                                                               "'hours.coal'; " + DATE_NOTE.format(10000, "1927-05-18", 1927)),
    # no date: a number a year could be written as, or one past Excel's last date (9999-12-31)
    (lambda: xf.AIP_COAL_HOURS("base", 9999), "#N/A year: 9999 is outside the hours table's years 2024-2035"),
    (lambda: xf.AIP_COAL_HOURS("base", 2958466), "#N/A year: 2958466 is outside the hours table's years 2024-2035"),
])
def test_a_year_given_as_a_date_serial_number_says_which_date(call, expected):
    # recalc and xlwings Server send a date cell as its serial number, which was refused only as a year
    assert call() == expected


def test_a_date_serial_number_in_a_year_cell_through_xlwings_server(xl):
    _, _, call = xl
    assert call("AIP_COAL_HOURS", [["base"]], [[47484.0]]) == [[
        "#N/A year: 47484 is outside the hours table's years 2024-2035; " + DATE_NOTE.format(47484, "2030-01-01", 2030)]]
    # an error about another argument says nothing of the year
    assert "looks like a date" not in xf.AIP_COAL_HOURS("nope", 47484)


@pytest.mark.parametrize("call, shown", [
    (lambda: xf.AIP_COAL_HOURS("ba\0se", 2030), "'ba\\x00se'"),
    (lambda: xf.AIP_PARAMS("C:\\my\0.toml"), "'C:\\\\my\\x00.toml'"),
    (lambda: xf.AIP_SWEEP("ai_ranges\0", "hours.coal", 10), "'ai_ranges\\x00'"),
])
def test_a_nul_character_in_a_scenario_names_the_argument(call, shown):
    # was "#VALUE! AIP_COAL_HOURS: embedded null byte", naming neither the argument nor the value
    assert call().startswith(f"#VALUE! scenario: {shown} contains a NUL character; expected a scenario name")


def test_nan_from_a_python_caller_is_refused_by_name_not_read_as_a_blank_cell():
    # NaN (a DataFrame's missing value) took the argument's default (goodput 1, network 0) or dropped a pair
    nan = float("nan")
    assert str(xf.AIP_TRAINING_DAYS(1e26, 25000, 2.5e15, 0.4, nan)).startswith("#VALUE! goodput: nan is not a finite number")
    assert str(xf.AIP_TOKEN_COST(1.275, 1.2, 0.5, 1070, 3.49, nan, nan)).startswith("#VALUE! network_per_hour: nan is not")
    assert str(xf.AIP_WIND_SOLAR_REQUIRED("base", nan)).startswith("#VALUE! target_share: nan is not a finite number")
    assert str(xf.AIP_FIRM_EQUIVALENT_GW([[45], [nan], [5]], [[0.25], [nan], [0.85]])) == \
        "#VALUE! nameplate_gw: cell 2: nan is not a finite number; expected a range of numbers"
    assert str(xf.AIP_UTILIZATION_HOURS(nan, 1)).startswith("#VALUE! generation_twh: nan is not a finite number")
    assert xf.AIP_TRAINING_DAYS(1e26, 25000, 2.5e15, 0.4, None) == xf.AIP_TRAINING_DAYS(1e26, 25000, 2.5e15, 0.4, 1)


def test_a_grid_of_interleaved_cases_finds_each_run_in_the_cache(monkeypatch):
    # Excel evaluates a grid row by row: 40 cases across, a year per row, cycled through a cache of 32
    # and never hit it (480 runs for 40 cases)
    xf.clear_cache()
    cases = [[["demand.data_centers.start", 250.0 + c]] for c in range(40)]
    for year in range(2024, 2036):
        for case in cases:
            assert isinstance(xf.AIP_COAL_HOURS("ai", float(year), case), float)
    assert xf._run.cache_info().misses == 40


def test_new_overrides_on_a_scenario_read_before_do_not_read_its_files_again(monkeypatch):
    xf.clear_cache()
    reads = []
    real = xf.load_scenario
    monkeypatch.setattr(xf, "load_scenario", lambda *a, **k: reads.append(a) or real(*a, **k))
    values = {xf.AIP_COAL_HOURS("ai", 2030.0, [["demand.data_centers.start", 250.0 + c]]) for c in range(5)}
    assert len(values) == 5 and len(reads) == 1
    # the same numbers as a scenario read for each set of overrides
    assert xf.AIP_COAL_HOURS("ai", 2030.0, [["demand.data_centers.start", 252.0]]) == \
        aipower.run(aipower.load_scenario("ai", overrides={"demand.data_centers.start": 252.0})).hours.loc["coal", 2030]


def test_a_missing_scenario_file_is_refused_before_the_shipped_files_are_read(monkeypatch, tmp_path):
    # a workbook naming a moved file paid for parsing the shipped defaults twice in every cell
    from aipower import scenario as scenario_module
    monkeypatch.setattr(scenario_module, "_root_defaults", lambda: pytest.fail("the shipped defaults were read"))
    text = xf.AIP_COAL_HOURS(str(tmp_path / "moved_away.toml"), 2030.0)
    assert text.startswith("#VALUE! AIP_COAL_HOURS: scenario ") and "no such file" in text


def test_an_edited_data_file_is_read_again_by_the_next_worksheet_call(tmp_path, monkeypatch):
    # docs/data.md: add or correct a row, then recalculate; the actuals were read once per process
    import types
    from importlib import resources

    from aipower import actuals

    for name in actuals._FILES:
        (tmp_path / name).write_bytes(resources.files("aipower.data").joinpath(name).read_bytes())
    monkeypatch.setattr(actuals, "resources", types.SimpleNamespace(files=lambda package: tmp_path))
    xf.clear_cache()
    before = xf.AIP_DEMAND("base", "primary", 2024.0)
    data = tmp_path / actuals._FILES[0]
    text = data.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("consumption_primary,2024,"))
    data.write_text(text.replace(row, row.replace(",2024,1357,", ",2024,1400,")), encoding="utf-8")
    assert before == pytest.approx(135.7) and xf.AIP_DEMAND("base", "primary", 2024.0) == pytest.approx(140.0)
    assert aipower.version_info()["data_sha256"] == actuals.digest() != ""
    monkeypatch.undo()
    actuals._EDITION.clear()
    xf.clear_cache()


# (worksheet call, the same through the Python API): arguments chosen so that a swapped, dropped or
# rescaled argument changes the result (no 1s, no two alike)
_SAME_AS_API = [
    (lambda: xf.AIP_DC_CAPACITY_FROM_CAPEX(1300.0, 117.0),
     lambda: dc_power.capacity_from_capex_gw(capex_yi_rmb=1300.0, capex_per_watt_rmb=117.0)),
    (lambda: xf.AIP_DC_ENERGY_FROM_CAPACITY(0.83, 4.7),
     lambda: dc_power.energy_from_capacity_twh(capacity_gw=0.83, twh_per_gw_year=4.7)),
    (lambda: xf.AIP_DC_CHIP_POWER_FROM_CAPEX(1300.0, 0.55, 625.0),
     lambda: dc_power.chip_power_from_capex_gw(capex_yi_rmb=1300.0, chip_share_of_capex=0.55, chip_cost_per_watt_rmb=625.0)),
    (lambda: xf.AIP_DC_ENERGY_FROM_IT_POWER(0.16, 1.45, 0.7, 8000.0),
     lambda: dc_power.energy_from_it_power_twh(it_power_gw=0.16, pue=1.45, load_factor=0.7, hours=8000.0)),
    (lambda: xf.AIP_DC_ENERGY_FROM_IT_POWER(0.16, 1.45, 0.7),
     lambda: dc_power.energy_from_it_power_twh(it_power_gw=0.16, pue=1.45, load_factor=0.7)),
    (lambda: xf.AIP_CLUSTER_POWER_MW(100_000.0, 700.0, 1.59),
     lambda: dc_power.cluster_power_mw(accelerators=100_000.0, watts_per_accelerator=700.0, pue=1.59)),
    (lambda: xf.AIP_TOKEN_ENERGY_KWH(1.275, 1.2, 1070.0),
     lambda: token_cost.energy_per_million_tokens_kwh(it_power_kw=1.275, pue=1.2, tokens_per_second=1070.0)),
    (lambda: xf.AIP_US_GAP_PER_YEAR(80.0, 60.0),
     lambda: us_gap.gap_per_year(needed_gw_per_year=80.0, built_gw_per_year=60.0)),
    (lambda: xf.AIP_FIRM_EQUIVALENT_GW([[30.0], [50.0]], [[0.9], [0.25]]),
     lambda: us_gap.firm_equivalent_gw(nameplate_gw=[30.0, 50.0], capacity_factor=[0.9, 0.25])),
    (lambda: xf.AIP_ONSITE_LIFETIME_COST(600.0, 20.0, 5.0, 0.07),
     lambda: onsite_power.lifetime_cost(capex=600.0, opex_per_year=20.0, years=5, discount_rate=0.07)["total"]),
    (lambda: xf.AIP_RACK_CURRENT_A(1_000_000.0, 54.0), lambda: rack_power.current_a(power_w=1_000_000.0, voltage_v=54.0)),
    (lambda: xf.AIP_RACK_LOSS_FRACTION(1_000_000.0, 800.0, 200.0, 20.0),
     lambda: rack_power.loss_fraction(power_w=1_000_000.0, voltage_v=800.0, mass_kg=200.0, length_m=20.0)),
    (lambda: xf.AIP_RACK_COPPER_KG(1_000_000.0, 800.0, 0.006, 20.0),
     lambda: rack_power.copper_mass_for_loss_kg(power_w=1_000_000.0, voltage_v=800.0, loss_fraction_target=0.006, length_m=20.0)),
    (lambda: xf.AIP_TRAINING_DAYS(1e26, 25_000.0, 2.5e15, 0.4, 0.9),
     lambda: training.training_time_s(training_flops=1e26, accelerators=25_000.0, peak_flops_per_s=2.5e15, utilization=0.4,
                                      goodput=0.9) / (24 * 3600)),
    (lambda: xf.AIP_TRAINING_ENERGY_MWH(25_000.0, 1.4, 1.3, 90.0),
     lambda: training.training_energy_mwh(accelerators=25_000.0, power_kw_per_accelerator=1.4, pue=1.3, time_s=90 * 24 * 3600)),
    (lambda: xf.AIP_GOODPUT(0.53, 0.25, 0.5),
     lambda: training.goodput(interruption_interval_h=0.53, restart_h=0.25, checkpoint_interval_h=0.5)),
    (lambda: xf.AIP_UTILIZATION_HOURS(5300.0, 1170.0), lambda: units.twh_per_gw_to_hours(5300.0, 1170.0)),
    (lambda: xf.AIP_ENERGY_TWH(100.0, 4000.0), lambda: units.gw_hours_to_twh(100.0, 4000.0)),
    (lambda: xf.AIP_TO_MODEL_UNIT(5000.0, "亿kWh"), lambda: units.to_model_unit(5000.0, "亿kWh")[0]),
]


def _called(sheet):
    return next(n for n in sheet.__code__.co_names if n.startswith("AIP_"))


@pytest.mark.parametrize("sheet, api", _SAME_AS_API, ids=[_called(s) for s, _ in _SAME_AS_API])
def test_every_calculator_function_is_its_python_api_call(sheet, api):
    # a wrapper's own arithmetic (days × seconds per day, a unit factor, which argument goes where)
    # was pinned by nothing: a day of 3600 s gave a training energy 24× too small, unseen
    got, want = sheet(), float(api())
    assert isinstance(got, float) and got == want and math.isfinite(want)


def test_every_calculator_function_is_compared_with_its_python_api_call():
    tested_elsewhere = {"AIP_CALC_TABLE", "AIP_CALC", "AIP_TOKEN_COST", "AIP_CAGR"}  # tables and the tests above
    calculators = {n for n, f in xf.REGISTRY.items() if f.category in ("calculators", "units")}
    assert calculators - tested_elsewhere == {_called(s) for s, _ in _SAME_AS_API}


def test_a_calculator_row_is_found_after_an_override_changes_the_input_its_label_states():
    # 'built: solar firm equivalent (cf 25%)' became '(cf 30%)' with the factor overridden: the cell
    # that looked the row up by its label gave #VALUE!
    cf = [["us_gap.solar_capacity_factor", 0.3]]
    want = xf.AIP_CALC("us_gap", "built: solar firm equivalent (cf 30%)", "low", "base", cf)
    assert want == 45 * 0.3
    for label in ("built: solar firm equivalent (cf 25%)", "built: solar firm equivalent", "Built: Solar firm equivalent"):
        assert xf.AIP_CALC("us_gap", label, "low", "base", cf) == want, label
    err = xf.AIP_CALC("us_gap", "built: firm equivalent", "low", "base", cf)  # not one row: refused
    assert isinstance(err, XlError) and "'built: firm equivalent' is not a row of the us_gap table" in err

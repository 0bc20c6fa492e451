"""A small plain-numpy reference of the China balance, written independently of
the kernel, for differential tests. It covers scenarios whose demand rows are
driven by one growth rate each and whose capacities grow by one increment each."""

from __future__ import annotations

import numpy as np

from aipower import actuals

SOURCES = ("coal", "gas", "biomass", "hydro", "nuclear", "wind", "solar")


def a(series: str, year: int) -> float:
    return actuals.get(series, year).value


def reference(first: int, last: int, growth: dict[str, float], ev0: float, dc0: float, ev_share: float,
              increments: dict[str, float], hours_flat: dict[str, float]) -> dict[str, np.ndarray]:
    years = np.arange(first, last + 1)
    k = years - first  # years since the start
    path = lambda x0, g: x0 * (1.0 + g) ** k  # noqa: E731

    ev, dc = path(ev0, growth["ev_charging"]), path(dc0, growth["data_centers"])
    rows = {
        "primary": path(a("consumption_primary", first), growth["primary"]),
        "secondary": path(a("consumption_secondary", first), growth["secondary"]),
        "tertiary_core": path(a("consumption_tertiary", first) - ev_share * ev0 - dc0, growth["tertiary_core"]),
        "residential_core": path(a("consumption_residential", first) - (1 - ev_share) * ev0, growth["residential_core"]),
        "ev_charging": ev,
        "data_centers": dc,
    }
    rows["tertiary"] = rows["tertiary_core"] + ev_share * ev + dc
    rows["residential"] = rows["residential_core"] + (1 - ev_share) * ev
    total = rows["primary"] + rows["secondary"] + rows["tertiary"] + rows["residential"]
    rows["total"] = total

    pumped = lambda y: a("capacity_pumped_storage", y)  # noqa: E731
    start = {s: a(f"capacity_{s}", first) for s in SOURCES if s != "hydro"}
    prev = {s: a(f"capacity_{s}", first - 1) for s in SOURCES if s != "hydro"}
    start["hydro"] = a("capacity_hydro_incl_pumped", first) - pumped(first)
    prev["hydro"] = a("capacity_hydro_incl_pumped", first - 1) - pumped(first - 1)
    cap = {s: start[s] + increments[s] * k for s in SOURCES}
    avg = {s: (np.concatenate([[prev[s]], cap[s][:-1]]) + cap[s]) / 2 for s in SOURCES}

    hours = {s: np.full(len(years), hours_flat[s]) for s in ("gas", "nuclear", "wind")}
    incl = (a("capacity_hydro_incl_pumped", first - 1) + a("capacity_hydro_incl_pumped", first)) / 2
    hours["hydro"] = np.full(len(years), a("hours_hydro", first) * incl / avg["hydro"][0])
    wind_twh = hours["wind"][0] * avg["wind"][0] / 1000
    ws = a("wind_solar_generation", first)
    hours["solar"] = np.full(len(years), (ws - wind_twh) * 1000 / avg["solar"][0])
    hydro_twh = hours["hydro"][0] * avg["hydro"][0] / 1000
    hours["biomass"] = np.full(len(years), (a("renewable_generation", first) - ws - hydro_twh) * 1000 / avg["biomass"][0])

    gen = {s: avg[s] * hours[s] / 1000 for s in SOURCES if s != "coal"}
    others = sum(gen.values())
    coal0 = a("hours_coal", first) * avg["coal"][0] / 1000
    factor = (coal0 + others[0]) / total[0] - 1
    required = total * (1 + factor)
    gen["coal"] = required - others
    return {
        **{f"demand.{r}": v for r, v in rows.items()},
        **{f"capacity.{s}": v for s, v in cap.items()},
        **{f"generation.{s}": v for s, v in gen.items()},
        "generation.required": required,
        "hours.coal": gen["coal"] * 1000 / avg["coal"],
        "re_share.non_hydro_share": (gen["wind"] + gen["solar"] + gen["biomass"]) / total,
        "loss_factor": np.array([factor]),
    }

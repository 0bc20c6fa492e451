"""Uncertain assumptions in scenario files: distributions and low/high ranges.

Any numeric assumption, or any numeric field of a segment, can be given as a
distribution instead of a point. The point value (used by ``aipower run``) is
``value`` if given, else the distribution's centre::

    target_share = { value = 0.30, low = 0.28, high = 0.32, unit = "fraction", source = "..." }   # uniform range
    rate = { dist = "triangular", low = 0.20, mode = 0.25, high = 0.30 }                          # in a segment
    rate = { dist = "normal", mean = 0.25, sd = 0.02, low = 0.2, high = 0.3 }                      # truncated
    value = { dist = "lognormal", median = 25, sigma = 0.2 }                                        # in a segment
    start = { dist = "normal", mean = 2880, sd = 100, unit = "yi kWh", source = "..." }             # point: the mean
    start = { value = { dist = "normal", mean = 2880, sd = 100 }, unit = "yi kWh", source = "..." } # the same

Distributions: ``uniform`` (low, high), ``triangular`` (low, mode, high),
``normal`` (mean, sd, optional low/high bounds), ``lognormal`` (median, sigma
of the log, optional low/high bounds). A table with only ``low`` and ``high``
is uniform. Values are in the assumption's (or the segment's) unit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

DISTRIBUTIONS = ("uniform", "triangular", "normal", "lognormal")
FIELDS = ("dist", "low", "high", "mode", "mean", "sd", "median", "sigma")
_NEEDS = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
}
_ALLOWED = {
    "uniform": {"low", "high"},
    "triangular": {"low", "mode", "high"},
    "normal": {"mean", "sd", "low", "high"},
    "lognormal": {"median", "sigma", "low", "high"},
}
# Fields that scale with the unit (sigma is of the log and does not).
SCALED = ("low", "high", "mode", "mean", "sd", "median")


class DistributionError(ValueError):
    """An invalid distribution; the caller adds file, line and key."""


def is_uncertain(node: Any) -> bool:
    return isinstance(node, Mapping) and any(k in node for k in FIELDS)


def _number(name: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
        raise DistributionError(f"{name} = {v!r}: expected a finite number")
    return float(v)


# The parameter that is a distribution's point value when the table gives no `value`
_POINT_PARAMETER = {"triangular": "mode", "normal": "mean", "lognormal": "median"}


def check(node: Mapping[str, Any], point: Any = None) -> dict[str, Any]:
    """Validate a distribution table; returns it normalised with its point value under 'value'.

    `point` is the assumption's value when the table sits on a leaf that has one.
    """
    spec = {k: node[k] for k in FIELDS if k in node}
    if point is None and "value" in node:
        point = node["value"]
    dist = spec.pop("dist", None)
    if dist is None:
        if set(spec) <= {"low", "high"} and {"low", "high"} <= set(spec):
            dist = "uniform"
        else:
            raise DistributionError(f"dist is missing: expected one of {', '.join(DISTRIBUTIONS)} (or give low and high for a uniform range)")
    if dist not in DISTRIBUTIONS:
        raise DistributionError(f"dist = {dist!r}: expected one of {', '.join(DISTRIBUTIONS)}")
    out: dict[str, Any] = {"dist": dist}
    for k, v in spec.items():
        out[k] = _number(k, v)
    if point is not None:
        point = _number("value", point)
        default_from = _POINT_PARAMETER.get(dist)
        if default_from and default_from not in out:
            out[default_from] = point  # the point value is the mode / mean / median unless given
    for k in out:
        if k != "dist" and k not in _ALLOWED[dist]:
            raise DistributionError(f"'{k}' is not a parameter of a {dist} distribution (expected {', '.join(sorted(_ALLOWED[dist]))})")
    for k in _NEEDS[dist]:
        if k not in out:
            raise DistributionError(f"a {dist} distribution needs '{k}'")
    # A lognormal's support starts at 0: its unbounded default was -inf, which the bound check below refused
    lo, hi = out.get("low", 0.0 if dist == "lognormal" else -math.inf), out.get("high", math.inf)
    if not lo < hi:
        raise DistributionError(f"high = {hi:g}: expected a value above low = {lo:g}")
    if dist == "triangular" and not lo <= out["mode"] <= hi:
        raise DistributionError(f"mode = {out['mode']:g}: expected a value in [low, high] = [{lo:g}, {hi:g}]")
    if dist == "normal" and not out["sd"] > 0:
        raise DistributionError(f"sd = {out['sd']:g}: expected a standard deviation > 0")
    if dist == "lognormal":
        if not out["median"] > 0:
            raise DistributionError(f"median = {out['median']:g}: expected a value > 0 (a lognormal value is positive)")
        if not out["sigma"] > 0:
            raise DistributionError(f"sigma = {out['sigma']:g}: expected a spread of the log > 0")
        if lo < 0:
            raise DistributionError(f"low = {lo:g}: expected a bound >= 0 (a lognormal value is positive)")
    centre = {"uniform": (lo + hi) / 2 if dist == "uniform" else None, "triangular": out.get("mode"),
              "normal": out.get("mean"), "lognormal": out.get("median")}[dist]
    value = point if point is not None else centre
    if not lo <= value <= hi:  # named as given: a table without `value` takes its mode, mean or median
        name = "value" if point is not None else _POINT_PARAMETER[dist]  # a uniform's midpoint is always inside
        raise DistributionError(f"{name} = {value:g}: expected a value in [low, high] = [{lo:g}, {hi:g}]")
    out["value"] = value
    return out


def point_value(node: Any) -> Any:
    """A segment field's point value: the number itself, or a distribution table's point."""
    if is_uncertain(node):
        return check(node)["value"]
    if isinstance(node, Mapping) and "value" in node:
        return node["value"]
    return node


def converted(spec: Mapping[str, Any], convert: Callable[[float], float]) -> dict[str, Any]:
    """The distribution in another unit: location and scale parameters through `convert`, a proportional
    unit conversion (the loader's own, so a point converts to the bits `aipower run` uses: 35 % is
    35 / 100, not 35 × 0.01)."""
    out = dict(spec)
    for k in (*SCALED, "value"):
        if k in out and math.isfinite(out[k]):
            out[k] = convert(out[k])
    return out


def describe(spec: Mapping[str, Any]) -> str:
    """A distribution or range in one phrase, e.g. 'uniform 0.28 to 0.32' or 'normal mean 0.3 sd 0.02 in 0.2 to 0.4'."""
    kind = spec["dist"]
    shape = {"triangular": ("mode",), "normal": ("mean", "sd"), "lognormal": ("median", "sigma")}.get(kind, ())
    parts = [kind, *(f"{k} {spec[k]:g}" for k in shape if k in spec)]
    lo, hi = spec.get("low"), spec.get("high")
    lo = None if lo is None or lo == -math.inf else lo
    hi = None if hi is None or hi == math.inf else hi
    # "to", not "-": a range of negative numbers read "-20--5"
    if lo is not None and hi is not None:
        parts.append(f"{'in ' if shape else ''}{lo:g} to {hi:g}")
    elif lo is not None:
        parts.append(f"at least {lo:g}")
    elif hi is not None:
        parts.append(f"at most {hi:g}")
    return " ".join(parts)


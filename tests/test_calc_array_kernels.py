"""The array versions of the kernel functions with several results (``<name>_array``), which
`_calc.broadcast_call` calls once over the broadcast arguments: bit-identical to the scalar kernel function
element by element, and refusing the first bad element in C order with the scalar call's message."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipower import _kernel, onsite_power, token_cost

_tc, _op = _kernel.token_cost, _kernel.onsite_power
YEARS = 7

# name: (public function, scalar kernel (keywords → dict of floats), array kernel, fields, {argument: (low, high)})
CASES = {
    "cost_per_million_tokens": (
        token_cost.cost_per_million_tokens, _tc.cost_per_million_tokens, _tc.cost_per_million_tokens_array,
        token_cost.COST_FIELDS,
        dict(accelerator_cost_per_hour=(0, 5), it_power_kw=(0.5, 2), pue=(1, 1.5), electricity_price_per_kwh=(0, 1),
             network_cost_per_hour=(0, 1), operations_cost_per_hour=(0, 1), tokens_per_second=(10, 2000))),
    "calibrate_overheads": (
        token_cost.calibrate_overheads, _tc.calibrate_overheads, _tc.calibrate_overheads_array,
        ("network_per_hour", "operations_per_hour"),
        dict(compute_per_hour=(0, 5), energy_per_hour=(0, 2), network_share=(0, 0.45), operations_share=(0, 0.45))),
    "embodied_electricity": (
        token_cost.embodied_electricity, _tc.embodied_electricity, _tc.embodied_electricity_array, ("kwh", "value"),
        dict(million_tokens=(0, 1e6), kwh_per_million=(0, 1), electricity_price_per_kwh=(0, 1))),
    "lifetime_cost": (
        partial(onsite_power.lifetime_cost, years=YEARS), partial(_op.lifetime_cost, years=YEARS),
        partial(_op.lifetime_cost_array, years=YEARS), ("capex", "opex", "total"),
        dict(capex=(0, 1000), opex_per_year=(0, 100), discount_rate=(0, 0.3))),
    "compare": (
        partial(onsite_power.compare, years=YEARS),
        lambda **kw: onsite_power._flatten(dict(_op.compare(**kw, years=YEARS))),
        partial(_op.compare_array, years=YEARS), onsite_power.COMPARE_FIELDS,
        dict(capacity_mw=(1, 500), turbine_capex_per_mw=(0, 3), turbine_opex_per_mw_year=(0, 0.2),
             alternative_capex_multiple=(0, 4), alternative_extra_opex_per_mw_year=(0, 0.5), discount_rate=(0, 0.3))),
}


def bits(x):
    return np.float64(x).tobytes()


def random_inputs(ranges, shapes, seed):
    rng = np.random.default_rng(seed)
    return {name: rng.uniform(low, high, size=shapes[i % len(shapes)]) for i, (name, (low, high)) in enumerate(ranges.items())}


def scalar_results(scalar, inputs, shape):
    """The scalar kernel's result at every index of the broadcast shape."""
    arrays = dict(zip(inputs, np.broadcast_arrays(*inputs.values())))
    return {index: scalar(**{n: float(a[index]) for n, a in arrays.items()}) for index in np.ndindex(shape)}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize(("shapes", "shape"), [([(3, 1), (1, 4), ()], (3, 4)), ([(50,)], (50,)), ([(2, 1, 3), (4, 1)], (2, 4, 3))])
def test_array_results_are_the_scalar_kernels_bit_for_bit(name, shapes, shape):
    public, scalar, _, fields, ranges = CASES[name]
    inputs = random_inputs(ranges, shapes, seed=len(name) + len(shape))
    got = public(**inputs)
    assert list(got) == list(fields)
    want = scalar_results(scalar, inputs, shape)
    for field in fields:
        assert got[field].shape == shape and got[field].dtype == np.float64
        assert [bits(got[field][i]) for i in np.ndindex(shape)] == [bits(want[i][field]) for i in np.ndindex(shape)], field


@pytest.mark.parametrize("name", CASES)
def test_scalars_in_give_floats_out_and_an_empty_shape_every_field(name):
    public, scalar, _, fields, ranges = CASES[name]
    inputs = {n: float(np.mean(r)) for n, r in ranges.items()}
    first = next(iter(inputs))
    got = public(**{**inputs, first: np.array(inputs[first])})  # a 0-d array is a scalar too
    assert list(got) == list(fields) and all(type(v) is float for v in got.values())
    assert {k: bits(v) for k, v in got.items()} == {k: bits(v) for k, v in scalar(**inputs).items()}
    empty = public(**{**inputs, first: np.empty((0, 3))})
    assert list(empty) == list(fields) and all(v.shape == (0, 3) for v in empty.values())


@pytest.mark.parametrize(("name", "bad"), [
    ("cost_per_million_tokens", {"pue": 0.95}), ("cost_per_million_tokens", {"tokens_per_second": 0.0}),
    ("calibrate_overheads", {"network_share": 0.7, "operations_share": 0.4}),
    ("embodied_electricity", {"kwh_per_million": -1.0}),
    ("lifetime_cost", {"discount_rate": 1.5}), ("lifetime_cost", {"opex_per_year": -1.0}), ("compare", {"capacity_mw": 0.0}),
    ("compare", {"alternative_extra_opex_per_mw_year": -5.0}),
])
def test_a_refused_element_in_the_middle_raises_the_scalar_calls_message(name, bad):
    public, scalar, array, _, ranges = CASES[name]
    inputs = random_inputs(ranges, [(9,)], seed=1)
    for n, value in bad.items():
        inputs[n][4] = value
    with pytest.raises(ValueError) as scalar_error:
        scalar(**{n: float(a[4]) for n, a in inputs.items()})
    with pytest.raises(ValueError) as array_error:
        array(**inputs)
    with pytest.raises(ValueError) as public_error:
        public(**{n: a.reshape(3, 3) for n, a in inputs.items()})
    assert str(array_error.value) == str(scalar_error.value)
    # the public function also names the element, in the shape it was given: element 4 of 3 × 3 is [1, 1]
    name, rest = str(scalar_error.value).split(" = ", 1)
    at = "[1, 1]" if name.isidentifier() else ""  # a sum of two arguments has no one element
    assert str(public_error.value) == f"{name}{at} = {rest}"


def test_the_first_refused_element_in_c_order_is_reported():
    # (3, 1) against (1, 4): tokens_per_second is refused at [0, 3], pue at [1, 0] and [2, 2]: [0, 3] comes first.
    pue = np.array([[1.2], [0.5], [0.9]])
    tokens = np.array([[1000.0, 1000.0, 1000.0, -1.0]])
    args = dict(accelerator_cost_per_hour=3.0, it_power_kw=1.0, electricity_price_per_kwh=0.5)
    with pytest.raises(ValueError, match=r"^tokens_per_second\[0, 3\] = -1: "):
        token_cost.cost_per_million_tokens(**args, pue=pue, tokens_per_second=tokens)
    with pytest.raises(ValueError, match=r"^pue\[1, 0\] = 0.5: "):  # without it, pue at [1, 0] before [2, 2]
        token_cost.cost_per_million_tokens(**args, pue=pue, tokens_per_second=np.abs(tokens))
    # compare checks capacity_mw before discount_rate, but element 1 comes before element 2 whatever the argument.
    with pytest.raises(ValueError, match=r"^discount_rate\[1\] = 2: "):
        onsite_power.compare(capacity_mw=[100.0, 100.0, 0.0], turbine_capex_per_mw=2.0, alternative_capex_multiple=3.0,
                             alternative_extra_opex_per_mw_year=0.2, years=5, discount_rate=[0.0, 2.0, 0.0])


@given(st.lists(st.tuples(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 1.1, 1e300, np.inf, np.nan]),
                          st.sampled_from([0.0, 0.9, 1.0, 1.3, np.nan]), st.sampled_from([-5.0, 0.0, 1.0, 1e308, np.inf])),
                max_size=6))
def test_the_array_kernel_is_the_scalar_loop(rows):
    """Any inputs: the same results bit for bit, or the first refusal the scalar loop meets."""
    columns = np.array(rows, dtype=float).reshape(-1, 3).T
    inputs = dict(accelerator_cost_per_hour=columns[0], it_power_kw=np.full(len(rows), 1.0), pue=columns[1],
                  electricity_price_per_kwh=np.full(len(rows), 0.5), network_cost_per_hour=np.full(len(rows), 0.2),
                  operations_cost_per_hour=columns[2], tokens_per_second=np.full(len(rows), 1000.0))
    want, refusal = [], None
    for i in range(len(rows)):
        try:
            want.append(_tc.cost_per_million_tokens(**{n: float(a[i]) for n, a in inputs.items()}))
        except ValueError as exc:
            refusal = str(exc)
            break
    if refusal is not None:
        with pytest.raises(ValueError) as exc:
            _tc.cost_per_million_tokens_array(**inputs)
        assert str(exc.value) == refusal
    else:
        got = _tc.cost_per_million_tokens_array(**inputs)
        assert list(got) == list(token_cost.COST_FIELDS)
        assert all([bits(v) for v in got[k]] == [bits(w[k]) for w in want] for k in got)


def test_unequal_lengths_and_other_shapes_are_refused_naming_them():
    with pytest.raises(ValueError, match=r"^embodied_electricity_array\(\): arrays of lengths 2, 3, 2; expected one length"):
        _tc.embodied_electricity_array([1.0, 2.0], [1.0, 2.0, 3.0], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"^lifetime_cost_array\(\): expected 1-D arrays, got one of 2 dimensions"):
        _op.lifetime_cost_array(capex=[[1.0]], opex_per_year=[1.0], years=5, discount_rate=[0.0])
    with pytest.raises(ValueError, match=r"expected 1-D arrays, got one of 0 dimensions"):
        _op.lifetime_cost_array(capex=1.0, opex_per_year=[1.0], years=5, discount_rate=[0.0])
    empty = _op.compare_array([], [], [], [], [], 5, [])
    assert list(empty) == list(onsite_power.COMPARE_FIELDS) and all(v.shape == (0,) for v in empty.values())

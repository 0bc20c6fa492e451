import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from aipower import rack_power
from aipower._calc import calculator_defaults

D = calculator_defaults()


def test_current_and_loss_at_54_and_800_v():
    np.testing.assert_allclose(rack_power.current_a(power_w=1e6, voltage_v=[54, 800]), [18518.5, 1250], rtol=1e-5)
    loss = rack_power.loss_fraction(power_w=1e6, voltage_v=np.array([54, 800]), mass_kg=200)
    assert loss[0] == pytest.approx(0.22, abs=0.002)  # seed 2: ~22%, with the implied 28.9 m path
    assert loss[1] == pytest.approx(0.001, abs=0.0001)  # not seed 2's 0.6%: same copper, 1/V²


def test_implied_length_matches_the_default():
    length = rack_power.conductor_length_for_loss_m(power_w=1e6, voltage_v=54, loss_fraction_target=0.22, mass_kg=200)
    assert length == pytest.approx(rack_power.LENGTH, abs=0.1)


def test_copper_mass_for_loss():
    assert rack_power.copper_mass_for_loss_kg(power_w=1e6, voltage_v=54, loss_fraction_target=0.22) == pytest.approx(200, abs=1)
    # The seed's 0.6% at 800 V needs about a sixth of that copper.
    assert rack_power.copper_mass_for_loss_kg(power_w=1e6, voltage_v=800, loss_fraction_target=0.006) == pytest.approx(33.3, abs=0.1)


def test_resistance_cross_section_chain():
    a = rack_power.cross_section_for_mass_m2(mass_kg=200, length_m=30)
    assert rack_power.conductor_resistance_ohm(cross_section_m2=a, length_m=30) == pytest.approx(1.7241e-8 * 30 / a)
    assert rack_power.chain_efficiency(stage_efficiencies=[0.98, 0.99]) == pytest.approx(0.9702)


def test_table_side_by_side():
    t = rack_power.table(D)
    assert list(t.columns) == ["row", "dc_54v", "dc_800v", "unit"]
    assert np.isfinite(t[["dc_54v", "dc_800v"]].to_numpy()).all()
    row = t.set_index("row")
    assert row.loc["copper loss with the seed-2 conductor", "dc_54v"] == pytest.approx(21.95, abs=0.01)
    assert row.loc["copper loss with the seed-2 conductor", "dc_800v"] == pytest.approx(0.10, abs=0.005)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: rack_power.current_a(power_w=1e6, voltage_v=0), "voltage_v = 0"),
        (lambda: rack_power.loss_fraction(power_w=1e6, voltage_v=54, mass_kg=0), "mass_kg = 0"),
        (lambda: rack_power.copper_mass_for_loss_kg(power_w=1e6, voltage_v=54, loss_fraction_target=1.5), "loss_fraction_target = 1.5"),
        (lambda: rack_power.loss_fraction(power_w=1e6, voltage_v=54, mass_kg=1, resistivity_ohm_m=-1), "resistivity_ohm_m = -1"),
        (lambda: rack_power.chain_efficiency(stage_efficiencies=[0.9, 1.2]), r"stage_efficiencies\[1\] = 1.2"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@given(st.floats(min_value=10, max_value=2000), st.floats(min_value=1.01, max_value=50), st.floats(min_value=1e3, max_value=2e6))
def test_loss_scales_with_inverse_square_of_voltage(volts, factor, power):
    try:
        low = rack_power.loss_fraction(power_w=power, voltage_v=volts, mass_kg=100)
    except ValueError as exc:  # more than the rack draws: refused (the higher voltage may still be valid)
        assert "loss fraction = " in str(exc) and "expected at most 1" in str(exc)
        assume(False)
    high = rack_power.loss_fraction(power_w=power, voltage_v=volts * factor, mass_kg=100)
    assert high == pytest.approx(low / factor**2, rel=1e-9)


def test_a_loss_above_the_rack_power_and_a_utilization_above_peak_are_refused():
    from aipower import training

    with pytest.raises(ValueError, match=r"loss fraction = 88\.8.*: expected at most 1: mass_kg = 10 "):
        rack_power.loss_fraction(power_w=1e6, voltage_v=12, mass_kg=10)
    with pytest.raises(ValueError, match="implied utilization = 1600000: expected at most 1"):
        training.implied_utilization(training_flops=1e26, accelerators=25000, peak_flops_per_s=2.5e15, time_s=1)


def test_a_single_result_calculator_refuses_a_broadcast_beyond_the_limit_naming_the_shapes():
    # only the several-field calculators were capped: (10^5, 1) against (1, 10^5) raised MemoryError (74.5 GiB)
    with pytest.raises(ValueError, match=r"^current_a\(\): power_w \(100000, 1\), voltage_v \(1, 100000\): broadcast "
                                         r"together to shape \(100000, 100000\), 10,000,000,000 results; expected at "
                                         r"most 10,000,000"):
        rack_power.current_a(power_w=np.ones((10**5, 1)), voltage_v=np.ones((1, 10**5)))
    assert rack_power.current_a(power_w=np.ones((100, 1)), voltage_v=np.full((1, 100), 2.0)).shape == (100, 100)

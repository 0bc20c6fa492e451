import numpy as np
import pytest

from aipower import training
from aipower._calc import calculator_defaults

D = calculator_defaults()


def test_time_energy_and_implied_utilization():
    s = training.training_time_s(training_flops=1e26, accelerators=25_000, peak_flops_per_s=2.5e15, utilization=1.0)
    assert s == pytest.approx(1.6e6)
    assert training.training_energy_mwh(accelerators=1000, power_kw_per_accelerator=1.0, pue=1.5, time_s=3600) == pytest.approx(1.5)
    u = training.implied_utilization(training_flops=1e26, accelerators=25_000, peak_flops_per_s=2.5e15, time_s=np.array([90, 120]) * 86400)
    np.testing.assert_allclose(u, [0.2058, 0.1543], atol=1e-4)


def test_interruptions_scale_with_cluster_size():
    assert training.interruption_interval_h(accelerators=100_000, reference_accelerators=16_000, reference_interval_h=3.0) * 60 == pytest.approx(28.8)
    assert training.goodput(interruption_interval_h=2.0, restart_h=0.25, checkpoint_interval_h=0.5) == pytest.approx(0.8)
    assert training.failures_per_week(accelerators=100_000, weekly_failure_rate=0.01) == pytest.approx(1000)


def test_table():
    t = training.table(D)
    assert np.isfinite(t[["low", "high"]].to_numpy()).all()
    row = t.set_index("row")
    # With the Llama-3 MFU (38-43%) and 79% goodput the run takes 54-61 days, not seed 2's 90-120.
    assert row.loc["training time", "low"] == pytest.approx(54.3, abs=0.1)
    assert row.loc["training time", "high"] == pytest.approx(61.4, abs=0.1)
    assert row.loc["overall utilization implied by the seed-2 duration", "low"] == pytest.approx(20.6, abs=0.1)
    # the seed's own 100k-GPU interval beside the one scaled from the 16k-GPU run (28.8 min)
    assert row.loc["interruption interval: 100,000 accelerators, seed 2", "low"] == 32
    assert row.loc["interruption interval: 100,000 accelerators", "low"] == pytest.approx(28.8)


def test_table_refuses_a_seed_interval_that_is_not_positive():
    bad = calculator_defaults({"training.large_cluster_interval_min": 0})
    with pytest.raises(ValueError, match="training.large_cluster_interval_min = 0: expected a positive"):
        training.table(bad)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: training.training_time_s(training_flops=1e26, accelerators=0, peak_flops_per_s=1e15, utilization=0.4), "accelerators = 0"),
        (lambda: training.training_time_s(training_flops=1e26, accelerators=1, peak_flops_per_s=1e15, utilization=1.4), "utilization = 1.4"),
        (lambda: training.training_energy_mwh(accelerators=1, power_kw_per_accelerator=1, pue=0.8, time_s=1), "pue = 0.8"),
        (lambda: training.goodput(interruption_interval_h=0, restart_h=0.1, checkpoint_interval_h=0.1), "interruption_interval_h = 0"),
        (lambda: training.failures_per_week(accelerators=10, weekly_failure_rate=-0.1), "weekly_failure_rate = -0.1"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()

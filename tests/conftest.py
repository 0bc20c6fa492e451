"""Shared fixtures: shipped scenario results are computed once per session."""

from __future__ import annotations

import os
import signal

import pytest
from hypothesis import HealthCheck, settings

import aipower

# CI machines have 2 cores: no per-example deadline, fewer examples than the default in CI.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# The Ctrl-C tests send SIGINT, to this process and to commands they start. A shell without job
# control starts a background job (`bash .ci/run &` in a script) with SIGINT ignored, and its children
# inherit that: the interrupt never came, one test hung and one saw the wrong error. As a terminal has it:
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def base() -> aipower.BalanceResult:
    return aipower.run("base")


@pytest.fixture(scope="session")
def ai() -> aipower.BalanceResult:
    return aipower.run("ai")

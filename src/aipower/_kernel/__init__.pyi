"""
aipower compiled kernel (private: use the aipower package)
"""
from __future__ import annotations
from . import units
from . import series
from . import china
from . import dc_power
from . import token_cost
from . import us_gap
from . import onsite_power
from . import rack_power
from . import training
from . import global_dc
from . import sweep
__all__: list[str] = ['build_info', 'china', 'dc_power', 'global_dc', 'onsite_power', 'rack_power', 'series', 'sweep', 'token_cost', 'training', 'units', 'us_gap']
MIN_YEAR: int
MAX_YEAR: int

def build_info() -> dict:
    """
    Kernel version, compiler, build type, C++ standard, the batch path's build this CPU runs and the SHA-256
    of the kernel's and the bindings' sources as built.
    """

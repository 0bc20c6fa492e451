from aipower._kernel import build_info

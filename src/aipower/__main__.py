"""`python -m aipower`: the same as the `aipower` command."""

import sys

from ._console import main

sys.exit(main())

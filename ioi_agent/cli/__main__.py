"""`python -m ioi_agent.cli` runs the command line (as the `ioi-agent` script does)."""

import sys

from ioi_agent.cli import main

sys.exit(main())

import sys

from ioi_agent.cli import main

sys.exit(main())

import sys

from ioi_agent.cli import main

# The guard matters: vLLM's engine processes re-import __main__ and must not run the CLI again.
if __name__ == "__main__":
    sys.exit(main())

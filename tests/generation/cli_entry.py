"""Runs `ioi-agent ARGS...` in a subprocess for the engine tests (with a main guard, as vLLM needs).

`generate` is registered here too in case the CLI's module list does not name it yet."""

import sys

from ioi_agent import cli

if __name__ == "__main__":
    if "generate" not in cli.COMMAND_MODULES:
        cli.COMMAND_MODULES.append("generate")
    sys.exit(cli.main(sys.argv[1:]))

"""Connecting to a Ray cluster only when asked, and never to one nobody named.

`ray.init()` without an address joins whatever cluster RAY_ADDRESS or /tmp/ray/ray_current_cluster points
at: a judge must not silently send contestant programs to a cluster found lying around. So the address
always comes from `--cluster` or IOI_AGENT_RAY_ADDRESS, and `local` starts a private embedded cluster
(`ray.init(address="local")`), which never joins an existing one.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ioi_agent.errors import IoiAgentError

ADDRESS_ENV = "IOI_AGENT_RAY_ADDRESS"
CONNECT_TIMEOUT_S = 5.0
CLUSTER_HELP = (
    "ADDRESS of a Ray cluster to run on: HOST:PORT of its head (GCS, as `ray start --head` prints), "
    "ray://HOST:PORT (Ray Client), or `local` for a private cluster on this machine; default: "
    f"${ADDRESS_ENV}, else no cluster (this machine's boxes)"
)


def cluster_address(arg: str | None) -> str | None:
    """The cluster asked for: the option, else the environment variable, else None (run locally)."""
    address = arg if arg is not None else os.environ.get(ADDRESS_ENV)
    address = (address or "").strip()
    return address or None


def use_cluster(arg: str | None) -> str | None:
    """Make the cluster asked for (`--cluster`, else the environment) the one every `Judge` of this
    process, and of the processes it starts (the official grader), runs on: they read it from
    IOI_AGENT_RAY_ADDRESS. A head that does not answer is one error line now, before any work."""
    address = cluster_address(arg)
    if address is None:
        return None
    if address != "local":
        _check_reachable(address)
    os.environ[ADDRESS_ENV] = address
    return address


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise IoiAgentError(
            f"--cluster needs Ray, which is not installed ({exc}) (fix: pip install 'ioi-agent[ray]')"
        ) from None
    return ray


def _check_reachable(address: str) -> None:
    """A one-line error within seconds for a head nobody answers at (ray.init would retry for long)."""
    target = address.removeprefix("ray://")
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        raise IoiAgentError(
            f"--cluster {address!r}: not HOST:PORT, ray://HOST:PORT or local "
            "(fix: give the address `ray start --head` printed, e.g. 10.0.0.5:6379)"
        )
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        raise IoiAgentError(
            f"--cluster {address}: no Ray head answers there ({exc}) "
            "(fix: start one with `ray start --head`, or check the address and the firewall)"
        ) from None


def _join_fix(message: str) -> str:
    """What to try when joining failed. Recent Ray starts a head with token authentication by itself when
    ~/.ray/auth_token exists (any earlier private cluster writes it), while a driver only sends a token
    when RAY_AUTH_MODE=token: the mismatch fails with a plain connection error."""
    token_file = Path.home() / ".ray" / "auth_token"
    if "auth" in message.lower() or (token_file.is_file() and not os.environ.get("RAY_AUTH_MODE")):
        return (
            "if the head uses token authentication, run with RAY_AUTH_MODE=token and its token in "
            f"RAY_AUTH_TOKEN or {token_file}; else check that the head runs the same Ray and Python versions"
        )
    return "check that the head runs the same Ray and Python versions as this machine"


@dataclass
class ClusterSession:
    """An open connection; `close()` disconnects (and stops the cluster when it was a private one)."""

    address: str
    ray: Any
    owned: bool  # started here (`local`): shut down on close

    def nodes(self) -> list[dict[str, Any]]:
        """The live nodes, each as `ray.nodes()` gives it (NodeID, NodeManagerAddress, Resources ...)."""
        return [n for n in self.ray.nodes() if n.get("Alive")]

    def close(self) -> None:
        if self.ray.is_initialized():
            self.ray.shutdown()

    def __enter__(self) -> ClusterSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(address: str, num_cpus: int | None = None) -> ClusterSession:
    """Connect to `address` (`local`: start a private cluster with `num_cpus` CPUs)."""
    ray = _import_ray()
    if ray.is_initialized():
        return ClusterSession(address, ray, owned=False)
    # The working directory of the driver is not shipped to workers: they import ioi_agent from their own
    # installation (same version on every node, as with any Ray application).
    # Ray's own INFO lines ("Connecting to existing Ray cluster ...") would interleave with the
    # commands' output on stderr: warnings and errors only.
    init: dict[str, Any] = {
        "ignore_reinit_error": False,
        "log_to_driver": False,
        "include_dashboard": False,
        "logging_level": logging.WARNING,
    }
    if address == "local":
        ray.init(address="local", num_cpus=num_cpus, **init)
        return ClusterSession(address, ray, owned=True)
    _check_reachable(address)
    if address.startswith("ray://"):
        init.pop("include_dashboard")
    try:
        ray.init(address=address, **init)
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError ... with long messages
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IoiAgentError(
            f"--cluster {address}: could not join the Ray cluster: {first} (fix: {_join_fix(first)})"
        ) from None
    return ClusterSession(address, ray, owned=False)

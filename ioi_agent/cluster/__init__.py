"""Running the judge and the sampler on a Ray cluster (`--cluster ADDRESS`).

Ray is optional (`pip install 'ioi-agent[ray]'`): nothing outside this package imports it, and without
`--cluster` (or IOI_AGENT_RAY_ADDRESS) every command runs on this machine exactly as before.
"""

from ioi_agent.cluster.connect import ADDRESS_ENV, ClusterSession, cluster_address, connect, use_cluster

__all__ = ["ADDRESS_ENV", "ClusterSession", "cluster_address", "connect", "use_cluster"]

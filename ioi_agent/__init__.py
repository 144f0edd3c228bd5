"""ioi-agent: a competitive-programming submission agent.

Layers, each depending only on the ones before it:
packages → sandbox → judge → scoring → (generation → selection) → contest/rating → reports → cli.
"""

__version__ = "0.1.0"

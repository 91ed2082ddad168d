"""The generic, registry-driven news spider."""

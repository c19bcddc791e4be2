"""Deployment: the production topology (topology.py) and its native runner (prodctl.py)."""

"""Typical cases published on the citizen portal (典型案例 / 办理公开), after a supervisor's review."""

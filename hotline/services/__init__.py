"""Every write to the core domain goes through a function in this package."""

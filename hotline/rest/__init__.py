"""REST plumbing every app's API shares: the error body and handler, token authentication,
fast request parsing and the staff-only permission."""

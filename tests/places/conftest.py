"""Shared by this folder's tests."""
from tests.web.browser import browser  # noqa: F401 - the headless Chromium fixture for browser tests

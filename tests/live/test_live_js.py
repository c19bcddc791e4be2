"""static/js/live.js, run in Node with a fake DOM and WebSocket (no browser needed)."""
import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.mark.skipif(not shutil.which("node"), reason="node not installed")
def test_live_js_dispatches_each_event_once_and_catches_up_after_a_reconnect():
    script = Path(__file__).with_name("live_js_check.js")
    result = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"

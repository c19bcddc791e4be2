"""What a web process carries once its URLconf is loaded. Every gunicorn worker pays it, and the
ticket export (issue 18: 1,000,000 rows in < 200 MB) runs inside one. The classifier (numpy,
scipy, scikit-learn: 82 MB) and jieba's TF-IDF table with textrank's tagger (97 MB) are loaded
where they are used (the suggest view, the worker's hot-topic rollup), not at start-up."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
heavy = ["sklearn", "scipy", "jieba.analyse", "jieba.posseg"]
rss = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
print(json.dumps({"loaded": [m for m in heavy if m in sys.modules], "rss_mb": rss}))
"""


def test_a_web_process_starts_without_the_heavy_text_and_model_libraries():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT / "var")}  # the embedded default: nothing configured
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    probe = json.loads(out.strip().splitlines()[-1])
    assert probe["loaded"] == [], f"imported with the URLconf: {probe['loaded']}"
    assert probe["rss_mb"] < 200, f"a web process starts at {probe['rss_mb']:.0f} MB"

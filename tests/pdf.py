"""A generated PDF's text as poppler's pdftotext reads it: what a reader's viewer would show.

The tests check that Chinese really is in the PDFs (a font without the right maps extracts as
nothing). pdftotext comes from bin/install-chromium (poppler-utils and poppler-data); on CI,
where that always runs, a missing pdftotext fails instead of skipping.
"""
import os
import shutil
import subprocess
import tempfile

import pytest


def pdf_text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("pdftotext is missing on CI: bin/install-chromium installs poppler-utils")
        pytest.skip("poppler-utils not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"],
                              capture_output=True, text=True, check=True).stdout

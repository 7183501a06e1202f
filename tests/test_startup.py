"""The server's start-up import leaves out the file-format libraries (restart within 3 s, T-A4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
FILE_FORMAT_LIBRARIES = ("reportlab", "openpyxl", "docx")


def test_wsgi_import_leaves_out_file_format_libraries() -> None:
    """gunicorn's master imports kaoping.config.wsgi (every view); PDF and Excel code imports lazily."""
    code = f"import sys, kaoping.config.wsgi; print(*sorted(set({FILE_FORMAT_LIBRARIES!r}) & set(sys.modules)))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kaoping.config.settings", "PYTHONPATH": str(SRC)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""

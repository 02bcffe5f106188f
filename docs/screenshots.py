"""Remake the README's screenshots of the sample month: the check's page (en) and October's evaluation report (zh).

    python docs/screenshots.py            # needs Debian's chromium and fonts-noto-cjk

Each page is written to a temporary folder, then drawn by headless Chromium at a fixed window.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
SHOTS = [
    ("report-page.png", ["fixtures/sample-month.json", "--format", "html:{page}", "--format", "text", "-o", "{folder}/text.txt"], "1100,2300"),
    ("evaluation-report.png", ["evaluate", "fixtures/sample-month.json", "--period", "2026-10", "--format", "html", "--lang", "zh", "-o", "{page}"], "1000,2300"),
]


def main() -> int:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium is not installed (apt-get install chromium fonts-noto-cjk): no screenshots made")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        for name, arguments, window in SHOTS:
            page = Path(folder) / (name + ".html")
            subprocess.run([sys.executable, "-m", "check_compliance", *(a.format(page=page, folder=folder) for a in arguments)], cwd=ROOT, check=False)
            subprocess.run([chromium, *FLAGS, f"--user-data-dir={folder}/profile", f"--window-size={window}", f"--screenshot={ROOT / 'docs' / name}", page.as_uri()],
                           check=True, capture_output=True)
            print(f"docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

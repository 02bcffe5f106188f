"""The mapped-export benchmark: a generated event log folded (read_export) and checked, time and peak memory.

    python bench/export_run.py --events 1000000        # prints a Markdown table

Each stage runs in its own process (peak RSS from `resource`): the CSV parse floor (pyarrow reading
the file, nothing else), the Polars part alone (read, derive, fold), `read_export` (that and the
records' validation), and the whole check through the CLI (`check-compliance EXPORT --mapping
mappings/servicenow.yaml`). The last column is each stage's time as a ratio to the floor of the
same run, the figure to compare across machines and loads.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "mappings" / "servicenow.yaml"

# The Polars part alone (read, derive, fold; no record validation): what must grow linearly.
FOLD_ONLY = (
    "from pathlib import Path; from check_compliance.obligations.exports import export as x; "
    "from check_compliance.obligations.exports.mapping import FileRef; from check_compliance.obligations.exports.checks import wanted; "
    "m = x.load_mapping({mapping!r}); t = x.read_table(m, [FileRef(path={path!r})], Path.cwd(), wanted(m.spec)); "
    "f = x.fold(m, x._derive(m, t.frame), {{}}, m.spec.contract.timezone); print(f.frame.height)"
)
STAGES = {
    "pyarrow CSV parse (floor)": "import pyarrow.csv as c; c.read_csv({path!r})",
    "read + fold (Polars only)": FOLD_ONLY,
    "fold (read_export)": "from check_compliance.obligations.exports import read_export; e = read_export({mapping!r}, [{path!r}]); print(len(e.records.complaints), len(e.quarantine))",
    "check (CLI, json report)": "import sys; from check_compliance.cli import main; sys.argv = ['check-compliance', {path!r}, '--mapping', {mapping!r}, '--format', 'json', '-o', {report!r}, '--jobs', '1']; main()",
}


def measure(code: str) -> tuple[float, float, str]:
    wrapper = f"import resource, sys\ntry:\n    exec({code!r})\nexcept SystemExit:\n    pass\nprint('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK")) / 1024
    return seconds, peak, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--no-check", action="store_true", help="Skip the whole check through the CLI (the fold's figures only).")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from export_generate import generate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.csv"
        incidents = generate(args.events, path)
        report = str(Path(folder) / "report.json")
        print(f"{args.events:,} events of {incidents:,} incidents ({path.stat().st_size / 1e6:.0f} MB)\n")
        print("| stage | s | peak MB | × floor | output |")
        print("|---|---:|---:|---:|---|")
        floor = None
        stages = {k: v for k, v in STAGES.items() if not (args.no_check and k.startswith("check"))}
        for name, code in stages.items():
            seconds, peak, output = measure(code.format(path=str(path), mapping=str(MAPPING), report=report))
            floor = floor or seconds
            print(f"| {name} | {seconds:.2f} | {peak:,.0f} | {seconds / floor:.1f} | {output} |", flush=True)
        if not args.no_check:
            summary = json.loads(Path(report).read_text(encoding="utf-8"))["summary"]
            print(f"\nfindings: {summary['findings']:,}; checked complaints: {summary['checked']['complaints']:,}")


if __name__ == "__main__":
    main()

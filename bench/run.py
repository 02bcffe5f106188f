"""The benchmark (issue 5): the checker against the orjson parse floor and a DuckDB SQL bound.

For each size, on the same generated month (bench/generate.py, cached in bench/out/), in one run:

- `floor`:   `orjson.loads(open(path, 'rb').read())` alone (JSON Lines: `orjson.loads` per line,
             every record kept), the least any checker reading this file must spend;
- `duckdb`:  the 14 obligations in DuckDB SQL (bench/duck.py), DuckDB reading the file itself with
             `read_json` (the columnar bound);
- `duckdb+orjson`: the same SQL, the file parsed by orjson and handed to DuckDB as columns (JSON only);
- `checker`: `python cli.py FILE --format json -o OUT` from this working tree;
- `reference`: the same checker with the fast readers (obligations/reading) off: every record
             through pydantic, as before them; its report must be byte-identical to `checker`'s.

Each contender runs in its own subprocess: wall time is the whole process (interpreter start and
imports included), median of `--repeat` runs; peak RSS is the process's own `ru_maxrss` (os.wait4),
or, should it start workers, the sampled sum over its process tree when that is larger. The
findings (rule, subject id, outcome) of DuckDB and of the checker must agree exactly, and with the
generator's planted list when the records' own as_of is used; any disagreement is printed (first
10) and the exit code is 1. The table goes to stdout and to bench/out/results.md.

    python bench/run.py                          # 10k, 100k, 1M; JSON and JSON Lines; median of 3
    python bench/run.py --quick                  # smoke: 10k, one run each
    python bench/run.py --sizes 10000,100000 --repeat 5
    python bench/run.py --sizes 1000000 --repeat 1 --formats json --timeout 900
    python bench/run.py --as-of 2026-10-15T12:00:00+08:00   # replay mid-month: at-risk, overdue, running pauses
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import orjson

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
GENERATOR = BENCH / "generate.py"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
FORMATS = ("json", "jsonl")
CONTENDERS = ("floor", "duckdb", "duckdb+orjson", "checker", "reference")
# The checker with its fast readers switched off: today's reference path (pydantic per record), for
# before/after in one run. Its report must be byte-identical to the checker's.
REFERENCE_CODE = ("import sys; from check_compliance.obligations import reading; reading.FAST_FROM = 1 << 62; "
                  "from check_compliance.cli import main; sys.argv[0] = 'check-compliance'; main()")

Finding = tuple[str, str, str]  # (rule, subject id, outcome)

# The parsed records stay alive until os._exit: the floor is the parse, not freeing a million dicts
# at interpreter exit (which costs seconds at 1M and belongs to no checker that exits the same way).
FLOOR_CODE = {
    "json": "import os, sys, orjson; doc = orjson.loads(open(sys.argv[1], 'rb').read()); os._exit(0)",
    "jsonl": "import os, sys, orjson; doc = [orjson.loads(line) for line in open(sys.argv[1], 'rb')]; os._exit(0)",
}


# --------------------------------------------------------------------------- measuring one process

@dataclass
class Run:
    """One subprocess: how long it took, how much memory it held, how it ended."""

    seconds: float
    rss_mb: float  # ru_maxrss of the process (and of any children it reaped)
    tree_mb: float  # the sampled peak of the summed RSS of the process and its descendants
    returncode: int
    timed_out: bool = False
    stderr: str = ""
    largest_mb: float = 0.0  # the sampled peak RSS of the largest single process of the tree
    pss_mb: float = 0.0  # the sampled peak of the tree's summed PSS (shared pages counted once in all)
    cpu_seconds: float = 0.0  # user + system of the process and the children it reaped

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb, self.tree_mb)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])  # field 4, after "pid (comm) state"
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants: the memory `--jobs N` really uses."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb, self.largest_kb, self.pss_kb = pid, interval, 0, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            tree, pending, total, pss = _children(), [self.pid], 0, 0
            while pending:
                pid = pending.pop()
                rss = _rss_kb(pid)
                total += rss
                pss += _pss_kb(pid)
                self.largest_kb = max(self.largest_kb, rss)
                pending.extend(tree.get(pid, ()))
            self.peak_kb = max(self.peak_kb, total)
            self.pss_kb = max(self.pss_kb, pss)


def measure(cmd: Sequence[str], timeout: float | None, log: Path) -> Run:
    """Run `cmd` in its own session; wall time, and its own rusage through os.wait4."""
    with open(log, "wb") as err:
        began = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the session this run started, nothing else
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - began
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        if timer:
            timer.cancel()
        sampler.done.set()
        sampler.join()
    stderr = log.read_text(encoding="utf-8", errors="replace")
    return Run(seconds, usage.ru_maxrss / 1024, sampler.peak_kb / 1024, proc.returncode, expired.is_set(), stderr,
               largest_mb=max(sampler.largest_kb / 1024, usage.ru_maxrss / 1024), pss_mb=sampler.pss_kb / 1024,
               cpu_seconds=usage.ru_utime + usage.ru_stime)


# --------------------------------------------------------------------------- inputs

@dataclass(frozen=True)
class Month:
    size: int
    records: dict[str, Path]  # format -> file
    expected: Path


def _fresh(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0 and path.stat().st_mtime >= GENERATOR.stat().st_mtime


def ensure_month(size: int, seed: int, formats: Iterable[str]) -> Month:
    """The month of `size` complaints in each format, generated once and cached in bench/out/."""
    stem = OUT / f"month-{size}-s{seed}"
    expected = stem.with_name(stem.name + ".expected.json")
    records: dict[str, Path] = {}
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        records[fmt] = path
        if _fresh(path) and _fresh(expected):
            continue
        tmp, tmp_expected = path.with_name(f".{path.name}.tmp"), expected.with_name(f".{expected.name}.tmp")
        print(f"generating {path.relative_to(REPO)} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(GENERATOR), "--complaints", str(size), "--seed", str(seed),
                        "--format", fmt, "-o", str(tmp), "--expected", str(tmp_expected)], cwd=REPO, check=True)
        os.replace(tmp_expected, expected)
        os.replace(tmp, path)
    return Month(size, records, expected)


# --------------------------------------------------------------------------- contenders

@dataclass
class Options:
    as_of: str | None
    jobs: int | None
    checker_cmd: list[str]
    timeout: float | None
    duck_threads: int | None


def command(contender: str, path: Path, out: Path, opts: Options) -> list[str]:
    if contender == "floor":
        return [sys.executable, "-c", FLOOR_CODE[path.suffix.lstrip(".")], str(path)]
    if contender in ("duckdb", "duckdb+orjson"):
        loader = "orjson" if contender == "duckdb+orjson" else "read_json"
        cmd = [sys.executable, str(BENCH / "duck.py"), str(path), "--loader", loader, "-o", str(out)]
        if opts.duck_threads:
            cmd += ["--threads", str(opts.duck_threads)]
        return cmd + (["--as-of", opts.as_of] if opts.as_of else [])
    start = [sys.executable, "-c", REFERENCE_CODE] if contender == "reference" else opts.checker_cmd
    cmd = [*start, str(path), "--format", "json", "-o", str(out)]
    if opts.as_of:
        cmd += ["--as-of", opts.as_of]
    if opts.jobs is not None:
        cmd += ["--jobs", str(opts.jobs)]
    return cmd


def read_findings(contender: str, out: Path) -> list[Finding]:
    data = orjson.loads(out.read_bytes())
    if contender in ("checker", "reference"):
        return [(f["rule"], str(f["subject"]["id"]), f["outcome"]) for f in data["findings"]]
    return [(rule, subject, outcome) for _, rule, subject, outcome in data]


def expected_findings(path: Path) -> list[Finding]:
    return [(e["rule"], str(e["subject"]), e["outcome"]) for e in orjson.loads(path.read_bytes())]


def succeeded(contender: str, run: Run) -> bool:
    if run.timed_out:
        return False
    return run.returncode in ((0, 1) if contender in ("checker", "reference") else (0,))  # the checker exits 1 on breaches


@dataclass
class Row:
    size: int
    fmt: str
    contender: str
    runs: list[Run] = field(default_factory=list)
    findings: list[Finding] | None = None
    error: str | None = None

    @property
    def median(self) -> float | None:
        good = [r.seconds for r in self.runs if succeeded(self.contender, r)]
        return statistics.median(good) if good and self.error is None else None

    @property
    def peak_mb(self) -> float | None:
        return max((r.peak_mb for r in self.runs), default=None)

    @property
    def largest_mb(self) -> float | None:
        return max((r.largest_mb for r in self.runs), default=None)

    @property
    def pss_mb(self) -> float | None:
        return max((r.pss_mb for r in self.runs), default=None)

    @property
    def cpu(self) -> float | None:
        good = [r.cpu_seconds for r in self.runs if succeeded(self.contender, r)]
        return statistics.median(good) if good and self.error is None else None


def bench(row: Row, path: Path, repeat: int, opts: Options) -> None:
    out = OUT / "findings" / f"{path.name}.{row.contender}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    log = OUT / "logs" / f"{path.name}.{row.contender}.stderr"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = command(row.contender, path, out, opts)
    for number in range(1, repeat + 1):
        out.unlink(missing_ok=True)
        run = measure(cmd, opts.timeout, log)
        row.runs.append(run)
        state = "ok" if succeeded(row.contender, run) else ("TIMEOUT" if run.timed_out else f"exit {run.returncode}")
        print(f"  {row.size:>9,} {row.fmt:<5} {row.contender:<14} run {number}/{repeat}: {run.seconds:8.2f} s "
              f"{run.peak_mb:8.0f} MB  {state}", file=sys.stderr, flush=True)
        if not succeeded(row.contender, run):
            tail = run.stderr.strip().splitlines()[-5:]
            row.error = ("timeout" if run.timed_out else f"exit {run.returncode}") + (": " + " | ".join(tail) if tail else "")
            return
        if row.contender != "floor" and row.findings is None:
            row.findings = read_findings(row.contender, out)


# --------------------------------------------------------------------------- agreement and the table

def disagreements(left_name: str, left: list[Finding], right_name: str, right: list[Finding], limit: int = 10) -> list[str]:
    """Differences of two multisets of findings, the first `limit` of them spelled out."""
    a, b = Counter(left), Counter(right)
    only_left, only_right = sorted((a - b).elements()), sorted((b - a).elements())
    if not only_left and not only_right:
        return []
    lines = [f"{left_name} vs {right_name}: {len(only_left)} only in {left_name}, {len(only_right)} only in {right_name}"]
    shown = [(left_name, f) for f in only_left] + [(right_name, f) for f in only_right]
    for name, (rule, subject, outcome) in shown[:limit]:
        lines.append(f"    only in {name}: {rule} {subject} {outcome}")
    return lines


def compare(rows: list[Row], expected: list[Finding] | None) -> list[str]:
    """The checker against DuckDB (each loader), and both against the planted list if given."""
    by_name = {row.contender: row for row in rows if row.findings is not None}
    problems: list[str] = []
    checker = by_name.get("checker")
    for name in ("duckdb", "duckdb+orjson"):
        if checker and name in by_name:
            problems += disagreements(name, by_name[name].findings or [], "checker", checker.findings or [])
    if expected is not None:
        for name, row in by_name.items():
            problems += disagreements(name, row.findings or [], "expected", expected)
    return problems


def identical(group: list[Row], name: str) -> list[str]:
    """The checker's and the reference path's reports, byte for byte."""
    ran = {row.contender for row in group if row.findings is not None}
    if not {"checker", "reference"} <= ran:
        return []
    a, b = (OUT / "findings" / f"{name}.{c}.json" for c in ("checker", "reference"))
    return [] if a.read_bytes() == b.read_bytes() else [f"checker and reference reports differ: {a} {b}"]


def table(rows: list[Row]) -> str:
    lines = ["| size | format | contender | runs | median s | × floor | CPU s | peak RSS MB (tree) | largest process MB | summed PSS MB | findings |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    floors = {(r.size, r.fmt): r.median for r in rows if r.contender == "floor"}
    for r in rows:
        floor = floors.get((r.size, r.fmt))
        median = r.median
        ratio = f"{median / floor:.2f}" if median is not None and floor else "—"
        seconds = f"{median:.2f}" if median is not None else (r.error or "—").split(":")[0]
        peak = f"{r.peak_mb:.0f}" if r.peak_mb is not None else "—"
        largest = f"{r.largest_mb:.0f}" if r.largest_mb is not None else "—"
        pss = f"{r.pss_mb:.0f}" if r.pss_mb else "—"
        cpu = f"{r.cpu:.1f}" if r.cpu is not None else "—"
        count = f"{len(r.findings):,}" if r.findings is not None else "—"
        lines.append(f"| {r.size:,} | {r.fmt} | {r.contender} | {len(r.runs)} | {seconds} | {ratio} | {cpu} | {peak} | {largest} | {pss} | {count} |")
    return "\n".join(lines)


def _git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def header(args: argparse.Namespace, opts: Options) -> str:
    import duckdb

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = (f"Run {stamp} on {os.cpu_count()} cores ({_cpu()}), Python {platform.python_version()}, "
               f"duckdb {duckdb.__version__}, orjson {orjson.__version__}; checker at {_git_state()}.")
    jobs = f" `--jobs {opts.jobs}`" if opts.jobs is not None else ""
    setup = (f"Seed {args.seed}; as_of {opts.as_of or 'the records’ own (generator default)'}; "
             f"checker: `{' '.join(opts.checker_cmd)}`{jobs}.")
    method = ("Seconds: wall time of the whole process (interpreter start and imports included), median of the "
              "runs; the floor exits without freeing what it parsed. × floor: against orjson parsing the same "
              "file. CPU s: user + system of the process and its workers. Peak RSS: the process's ru_maxrss (or "
              "its process tree's sampled sum, if larger); largest process: the biggest single RSS; summed PSS: "
              "the tree's sampled proportional set size, shared pages counted once.")
    load = f"Load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (a shared machine slows every contender alike)."
    return f"{machine}\n{setup}\n{method}\n{load}"


def write_results(text: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.md").write_text(text, encoding="utf-8")


def render(args: argparse.Namespace, opts: Options, rows: list[Row], problems: list[str], final: bool) -> str:
    parts = ["# check-compliance benchmark", "", header(args, opts), "", table(rows), ""]
    if not final:
        parts += ["(run in progress)", ""]
    parts += ["## Agreement", ""]
    if problems:
        parts += ["```", *problems, "```"]
    else:
        parts.append("All findings agree" + (" (DuckDB, checker and the generator's planted list)." if opts.as_of is None
                                             else " (DuckDB and checker; as_of overridden, no planted list)."))
    failed = [f"- {r.size:,} {r.fmt} {r.contender}: {r.error}" for r in rows if r.error]
    if failed:
        parts += ["", "## Failed runs", "", *failed]
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- CLI

def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in _csv(text)]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py", description=__doc__.split("\n\n")[0],
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=list(DEFAULT_SIZES), metavar="N,N",
                        help="complaints per month (default 10000,100000,1000000)")
    parser.add_argument("--formats", type=_csv, default=list(FORMATS), metavar="F,F", help="json, jsonl (default both)")
    parser.add_argument("--contenders", type=_csv, default=list(CONTENDERS), metavar="C,C",
                        help=f"any of {', '.join(CONTENDERS)} (default all; duckdb+orjson runs on JSON only)")
    parser.add_argument("--repeat", type=int, metavar="N", help="runs per contender, the median is reported (default 3)")
    parser.add_argument("--repeat-large", type=int, metavar="N",
                        help="runs per contender for sizes of 1,000,000 and more (default: --repeat)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10k only, one run each")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--as-of", metavar="INSTANT",
                        help="judge at this instant instead of the records' as_of (no planted-list check then)")
    parser.add_argument("--jobs", type=int, metavar="N", help="pass --jobs N to the checker (if its CLI has it)")
    parser.add_argument("--checker-cmd", default=f"{shlex.quote(sys.executable)} cli.py", metavar="CMD",
                        help="how to start the checker, run from the repository root (default: python cli.py)")
    parser.add_argument("--duck-threads", type=int, metavar="N", help="DuckDB threads (default: all cores)")
    parser.add_argument("--timeout", type=float, metavar="S", help="kill a run after S seconds (default: none)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = [10_000]
    repeat = args.repeat or (1 if args.quick else 3)
    repeat_large = args.repeat_large or repeat
    unknown = [c for c in args.contenders if c not in CONTENDERS] + [f for f in args.formats if f not in FORMATS]
    if unknown:
        parser.error(f"unknown contender or format: {', '.join(unknown)}")
    if repeat < 1 or repeat_large < 1:
        parser.error("--repeat must be 1 or more")
    if "duckdb+orjson" in args.contenders and importlib.util.find_spec("numpy") is None:
        print("numpy is not installed: skipping duckdb+orjson (its loader hands DuckDB numpy columns)", file=sys.stderr)
        args.contenders = [c for c in args.contenders if c != "duckdb+orjson"]
    opts = Options(args.as_of, args.jobs, shlex.split(args.checker_cmd), args.timeout, args.duck_threads)
    if args.jobs is not None and "checker" in args.contenders:
        helptext = subprocess.run([*opts.checker_cmd, "--help"], cwd=REPO, capture_output=True, text=True, check=False).stdout
        if "--jobs" not in helptext:
            parser.error("the checker's CLI has no --jobs option (yet)")

    OUT.mkdir(parents=True, exist_ok=True)
    months = [ensure_month(size, args.seed, args.formats) for size in args.sizes]  # all generated before any timing
    rows: list[Row] = []
    problems: list[str] = []
    for month in months:
        runs = repeat_large if month.size >= 1_000_000 else repeat
        expected = expected_findings(month.expected) if args.as_of is None else None
        for fmt in args.formats:
            group = [Row(month.size, fmt, c) for c in args.contenders if not (c == "duckdb+orjson" and fmt != "json")]
            for row in group:
                rows.append(row)
                bench(row, month.records[fmt], runs, opts)
                write_results(render(args, opts, rows, problems, final=False))
            found = compare(group, expected) + identical(group, month.records[fmt].name)
            problems += [f"[{month.size:,} {fmt}] {line}" if not line.startswith("    ") else line for line in found]
    text = render(args, opts, rows, problems, final=True)
    write_results(text)
    print(text)
    for line in problems:
        print(line, file=sys.stderr)
    failed = any(row.error for row in rows)
    return 1 if problems or failed else 0


if __name__ == "__main__":
    sys.exit(main())

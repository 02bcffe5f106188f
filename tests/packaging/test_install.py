"""Installed, the project is one import name and one command, whatever else is installed or lying around.

Builds the wheel, installs it into a fresh virtual environment beside a package that ships
top-level `cli`, `engine` and `rules` modules (as django-rules and many others do), and runs the
command from a folder holding a user's own `engine.py` and `cli.py`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample-month.json"
PLANTED = len(json.loads((ROOT / "fixtures" / "sample-month.expected.json").read_text(encoding="utf-8")))

pytestmark = pytest.mark.slow


def _run(*args: object, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def _clashing_wheel(folder: Path) -> Path:
    """A wheel of a package named `clash` whose modules are the generic names: cli, engine, rules."""
    files = {
        "cli.py": "MARK = 'clash cli'\ndef main():\n    raise SystemExit(0)\n",
        "engine/__init__.py": "MARK = 'clash engine'\n",
        "rules/__init__.py": "MARK = 'clash rules'\n",
        "clash-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: clash\nVersion: 1.0\n",
        "clash-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        "clash-1.0.dist-info/top_level.txt": "cli\nengine\nrules\n",
        "clash-1.0.dist-info/entry_points.txt": "[console_scripts]\nclash = cli:main\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    record.append("clash-1.0.dist-info/RECORD,,")
    path = folder / "clash-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
        wheel.writestr("clash-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("install")
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", work / "dist", ROOT)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (work / "dist").glob("check_compliance-*.whl")
    env = work / "venv"
    assert _run(sys.executable, "-m", "venv", env).returncode == 0
    python = env / "bin" / "python"
    for target in (_clashing_wheel(work), wheel):
        installed = _run(python, "-m", "pip", "install", "--quiet", target)
        assert installed.returncode == 0, installed.stderr[-3000:]
    return env


def test_the_wheel_puts_one_name_at_the_top_of_site_packages(venv: Path) -> None:
    (wheel,) = (venv.parent / "dist").glob("check_compliance-*.whl")
    tops = {name.split("/", 1)[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert tops == {"check_compliance", f"check_compliance-{wheel.name.split('-')[1]}.dist-info"}
    assert "check_compliance/py.typed" in zipfile.ZipFile(wheel).namelist()
    assert "check_compliance/rules/complaints.yaml" in zipfile.ZipFile(wheel).namelist()


def test_the_command_finds_every_breach_beside_clashing_modules(venv: Path, tmp_path: Path) -> None:
    # A user's own engine.py and cli.py where the command runs must not hide the library.
    (tmp_path / "engine.py").write_text("raise SystemExit(\"the user's engine.py was imported\")\n")
    (tmp_path / "cli.py").write_text("raise SystemExit(\"the user's cli.py was imported\")\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    for command in ([venv / "bin" / "check-compliance"], [venv / "bin" / "python", "-m", "check_compliance"]):
        result = _run(*command, SAMPLE, "--format", "json", cwd=tmp_path, env=env)
        assert result.returncode == 1, (command, result.stderr[-2000:])
        assert json.loads(result.stdout)["summary"]["errors"] == PLANTED == 37


def test_the_other_package_still_imports(venv: Path, tmp_path: Path) -> None:
    code = "import cli, engine, rules; print(cli.MARK, engine.MARK, rules.MARK)"
    result = _run(venv / "bin" / "python", "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["clash", "cli", "clash", "engine", "clash", "rules"]


def test_version_in_the_installed_command(venv: Path) -> None:
    result = _run(venv / "bin" / "check-compliance", "--version")
    assert result.returncode == 0
    assert "check-compliance 0." in result.stdout and "durable_rules 2.0.28" in result.stdout and "rulebook sha256" in result.stdout


def test_the_sdist_holds_the_rules_and_the_tests(tmp_path: Path) -> None:
    built = _run(sys.executable, "-m", "build", "--sdist", "--no-isolation", "-o", tmp_path, ROOT)
    assert built.returncode == 0, built.stderr[-3000:]
    (sdist,) = tmp_path.glob("check_compliance-*.tar.gz")
    import tarfile

    names = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
    for needed in ("rules/complaints.yaml", "rules/terms.yaml", "fixtures/sample-month.json", "fixtures/sample-month.expected.json",
                   "tests/conftest.py", "tests/rules/cases/first-response.yaml", "bench/generate.py", "py.typed", "cli.py", "__main__.py"):
        assert needed in names, needed

"""GitHub Actions workflow commands: an `::error`, `::warning` or `::notice` annotation per finding."""

from __future__ import annotations

from check_compliance.engine.escaping import shown
from check_compliance.engine.findings import Finding, Report, WaiverStatus
from check_compliance.engine.reporters.wording import gate_note, not_checked_text, quarantine_text, waiver_target

# A breach that can fail the gate is `::error`, an at-risk warning `::warning`, a waived or
# baseline-known finding `::notice` saying why; expired and unused waivers get a `::warning`
# each, as they need someone's attention. GitHub shows only the first few annotations of each
# kind per step: the markdown format is the complete summary.


def render(report: Report) -> str:
    file = _file(report.source)
    lines = [_finding_command(f, file) for f in report.findings]
    lines += [_waiver_command(w, file) for w in report.waivers or () if w.status != "active"]
    if report.quarantine is not None and report.quarantine.complaints:
        lines.append(_command("warning", {"file": file, "title": "Quarantine"}, quarantine_text(report.quarantine)))
    lines += [_command("warning", {"file": file, "title": "as_of"}, text) for text in report.notices or ()]
    lines += [_command("notice", {"file": file, "title": f"Not checked: {item.rule}"}, not_checked_text(item)) for item in report.not_checked or ()]
    return "".join(line + "\n" for line in lines)


def _finding_command(finding: Finding, file: str | None) -> str:
    note = gate_note(finding)
    if note is not None:
        command, message = "notice", f"{finding.message} [{note}]"
    else:
        command, message = ("error" if finding.severity == "error" else "warning"), finding.message
    title = f"Breach {finding.breach}, clause {finding.clause}: {finding.rule} ({finding.subject.type} {finding.subject.id}, {finding.outcome})"
    return _command(command, {"file": file, "title": title}, message)


def _waiver_command(waiver: WaiverStatus, file: str | None) -> str:
    target = waiver_target(waiver)
    if waiver.status == "expired":
        message = f"Waiver {waiver.waiver} ({target}, {waiver.subject}) expired on {waiver.expires}: its findings fail the gate again"
    else:
        message = f"Waiver {waiver.waiver} ({target}, {waiver.subject}) matched no finding"
    return _command("warning", {"file": file, "title": f"Waiver {waiver.waiver} {waiver.status}"}, message)


def _command(name: str, properties: dict[str, str | None], message: str) -> str:
    props = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items() if value)
    return f"::{name} {props}::{_escape_data(message)}" if props else f"::{name}::{_escape_data(message)}"


def _file(source: str) -> str | None:
    """Annotations need a path in the repository; standard input and placeholders have none."""
    return None if source == "-" or source.startswith("<") else source


# GitHub's runner decodes exactly these (actions/toolkit, command.ts); `%` first, or it would
# re-escape the escapes. Line breaks and other acting characters are shown (escaping.py) before,
# so an annotation is always one line and never carries a terminal escape.
def _escape_data(text: str) -> str:
    return shown(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")

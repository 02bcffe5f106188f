"""SARIF 2.1.0 (GitHub code scanning and other SARIF viewers): a rule per YAML rule, a result per finding."""

from __future__ import annotations

import json
from importlib import metadata
from typing import Any
from urllib.parse import quote

from check_compliance.engine.escaping import json_text, without_surrogates
from check_compliance.engine.findings import Finding, Report, RuleInfo
from check_compliance.engine.reporters.wording import (
    CLAUSE_TEXTS,
    breach_title,
    gate_note,
    party_label,
    subject_path,
)

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "checkCompliance/v1"  # versioned: change it if `Finding.fingerprint` ever changes


def render(report: Report) -> str:
    rules = _rules(report)
    index = {rule.id: position for position, rule in enumerate(rules)}
    uri = _uri(report.source)
    run = {
        "tool": {"driver": {"name": "check-compliance", "version": _version(), "rules": [_descriptor(r) for r in rules]}},
        "artifacts": [{"location": {"uri": uri}, "roles": ["analysisTarget"]}],
        "results": [_result(f, index[f.rule], uri) for f in report.findings],
        "properties": {
            "contract": report.contract,
            "as_of": report.as_of,
            "rulebook": {"id": report.rulebook.id, "sha256": report.rulebook.sha256},
            **({"quarantine": report.quarantine.model_dump()} if report.quarantine is not None else {}),
            **({"notChecked": [n.model_dump() for n in report.not_checked]} if report.not_checked else {}),
            **({"notices": list(report.notices)} if report.notices else {}),
        },
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_text(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def _rules(report: Report) -> list[RuleInfo]:
    """The report's rules; a finding of a rule the report does not list still gets a descriptor."""
    rules = list(report.rules)
    known = {r.id for r in rules}
    for f in report.findings:
        if f.rule not in known:
            known.add(f.rule)
            rules.append(RuleInfo(id=f.rule, obligation=f.obligation, clause=f.clause, breach=f.breach, party=f.party, severity="error", title_en=f.rule, title_zh=f.rule))
    return rules


def _descriptor(rule: RuleInfo) -> dict[str, Any]:
    clause_text = CLAUSE_TEXTS.get(rule.clause, "")
    help_text = f"Clause {rule.clause}: {clause_text}\nBreach {rule.breach} (appendix 2): {breach_title(rule.breach)}."
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title_en},
        "fullDescription": {"text": f"Clause {rule.clause}: {clause_text}".strip()},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": rule.severity},
        "properties": {
            "obligation": rule.obligation,
            "clause": rule.clause,
            "breach": rule.breach,
            "party": party_label(rule.party),
            "title_zh": rule.title_zh,
            "tags": ["compliance", f"clause-{rule.clause}", f"breach-{rule.breach}"],
        },
    }


def _result(finding: Finding, rule_index: int, uri: str) -> dict[str, Any]:
    subject = finding.subject
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        # Waived and known findings keep their place, but as notes: SARIF's `suppressions` below
        # say why, and viewers (GitHub) list suppressed results apart from open ones.
        "level": finding.severity if finding.gates else "note",
        "message": {"text": finding.message},
        "locations": [
            {
                # GitHub code scanning wants a region; a record has no line of its own, so line 1.
                "physicalLocation": {"artifactLocation": {"uri": uri, "index": 0}, "region": {"startLine": 1}},
                "logicalLocations": [{"name": subject.id, "fullyQualifiedName": subject_path(subject.type, subject.id), "kind": "object"}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    note = gate_note(finding)
    if note is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": note}]
    if finding.baseline is not None:
        result["baselineState"] = "unchanged" if finding.baseline == "known" else "new"
    evidence = {k: v for k, v in finding.evidence.model_dump(mode="json").items() if v is not None}
    result["properties"] = {
        "obligation": finding.obligation,
        "clause": finding.clause,
        "breach": finding.breach,
        "party": finding.party,
        "severity": finding.severity,  # the level may say `note` for a waived breach; this does not
        "outcome": finding.outcome,
        "subject": {"type": subject.type, "id": subject.id},
        **{k: getattr(finding, k) for k in ("due_at", "observed_at", "delay_seconds") if getattr(finding, k) is not None},
        **({"evidence": evidence} if evidence else {}),
    }
    return result


def _uri(source: str) -> str:
    """The records path as a relative URI reference; `:` is escaped so no path reads as a scheme."""
    # A file name that is not UTF-8 (surrogate-escaped bytes) is shown with U+FFFD in their place.
    return quote(without_surrogates(source).replace("\\", "/"), safe="/-._~")


def _version() -> str:
    try:
        return metadata.version("check-compliance")
    except metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "0.1.0"

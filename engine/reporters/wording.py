"""Fixed wording the CI views share: breach titles, clause texts, subject paths, gate marks."""

from __future__ import annotations

from check_compliance.engine.findings import Finding, NotChecked, QuarantineSummary, WaiverStatus

# Appendix 2, shortened to a title: CI dashboards key test history on names, so these never
# follow --lang and never change wording between releases.
BREACH_TITLES: dict[int, str] = {
    1: "Party A did not set up complaint channels as agreed",
    2: "Party A did not respond to or handle a complaint within its time limit",
    3: "Party A did not feed back the result, or record and archive the handling",
    4: "Party B did not evaluate performance or give recommendations as agreed",
    5: "Party B did not submit the evaluation report as agreed",
    6: "A party did not keep confidentiality as agreed",
}

# The clauses the rulebook cites, in the working translation; the Chinese text governs.
CLAUSE_TEXTS: dict[str, str] = {
    "1.1": "Party A shall set up complaint channels, including but not limited to telephone, e-mail and website, so that customer complaints are timely and effective.",
    "1.2": "Party A shall respond at once after receiving a customer complaint, and communicate with the customer to learn the details of the complaint.",
    "1.3": "Party A shall classify and register customer complaints, and set handling procedures and time limits according to the nature and urgency of the complaint.",
    "1.4": "After handling ends, Party A shall feed the result back to the customer, and record and archive the handling process.",
    "2.1": "Party B shall evaluate Party A's customer-service performance periodically; the evaluation covers, without being limited to, customer satisfaction, complaint-handling efficiency and service quality.",
    "2.2": "Party B shall, based on the evaluation results, give Party A improvement opinions and recommendations.",
    "2.3": "After the end of each evaluation period, Party B shall submit a detailed evaluation report to Party A, containing the evaluation method, the results, the problems found and the improvement recommendations.",
    "3.1": "Both parties shall keep confidential the other party's trade secrets, customer information and the like obtained while performing the contract, and shall not disclose them to a third party without the other party's consent.",
    "3.2": "Both parties shall ensure that confidential information under this contract is used only to perform this contract and for no other purpose.",
}

# Where a subject lives in the records, as a path a reader can follow (`complaints/C-0001`).
SUBJECT_COLLECTIONS: dict[str, str] = {
    "complaint": "complaints",
    "evaluation": "evaluations",
    "report": "reports",
    "disclosure": "disclosures",
    "channel_kind": "channel_kinds",
    "period": "periods",
}


def breach_title(breach: int) -> str:
    return BREACH_TITLES.get(breach, f"breach {breach}")


def subject_path(subject_type: str, subject_id: str) -> str:
    return f"{SUBJECT_COLLECTIONS.get(subject_type, subject_type + 's')}/{subject_id}"


def party_label(party: str) -> str:
    """A rule's debtor: `A`, `B`, or `subject` (the disclosing party, known per finding)."""
    return "either" if party == "subject" else party


def gate_note(finding: Finding) -> str | None:
    """Why a finding does not fail the gate (waived, known in the baseline), or None if it can."""
    notes = []
    if finding.waived is not None:
        w = finding.waived
        notes.append(f"waived: {w.reason} (waiver {w.waiver}, approved by {w.approved_by}, expires {w.expires})")
    if finding.baseline == "known":
        notes.append("known in baseline")
    return "; ".join(notes) or None


def evidence_lines(finding: Finding) -> list[str]:
    """The finding's trace as `key: value` lines: rule, clause, instants, then its evidence."""
    lines = [f"rule: {finding.rule} (obligation {finding.obligation}, clause {finding.clause}, breach {finding.breach}, party {finding.party})"]
    for key in ("due_at", "observed_at", "delay_seconds"):
        value = getattr(finding, key)
        if value is not None:
            lines.append(f"{key}: {value}")
    for key, value in finding.evidence.model_dump(mode="json").items():
        if value is None:
            continue
        if key == "gaps":
            value = ", ".join(f"{gap['start']}..{gap['end']}" for gap in value)
        elif isinstance(value, list):
            value = ", ".join(value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        lines.append(f"{key}: {value}")
    lines.append(f"fingerprint: {finding.fingerprint}")
    return lines


def waiver_target(waiver: WaiverStatus) -> str:
    """What a waiver names: its rule, else its clause, else its breach."""
    return waiver.rule or (f"clause {waiver.clause}" if waiver.clause else f"breach {waiver.breach}")


def quarantine_text(quarantine: QuarantineSummary) -> str:
    """`6 complaint(s) quarantined, not checked (inconsistent 4, unreadable 2)`."""
    kinds = ", ".join(f"{kind.replace('_', ' ')} {count}" for kind, count in quarantine.by_kind.items())
    return f"{quarantine.complaints} complaint(s) quarantined, not checked" + (f" ({kinds})" if kinds else "")


def not_checked_text(item: NotChecked) -> str:
    """`feedback (clause 1.4, breach 3): not checked: <reason>`."""
    return f"{item.rule} (clause {item.clause}, breach {item.breach}): not checked: {item.reason}"

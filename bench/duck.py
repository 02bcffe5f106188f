"""The 14 obligations of OBLIGATIONS.md as DuckDB SQL: the bench's columnar bound.

Not the checker and not part of it: an independent implementation of the same obligations under
the default terms (`rules/terms.yaml`), used by `bench/run.py` to time a columnar engine on the
same file and to cross-check the checker's findings as (rule, subject id, outcome) rows.

Two loaders fill the same source tables (`src_*`, timestamps kept as text):

- `read_json` (the default, the fair columnar bound): DuckDB reads the file itself, one JSON
  document (`format='unstructured'`, one row holding every list) or JSON Lines;
- `orjson`: Python parses the file with orjson and hands DuckDB numpy columns (needs numpy).

Timestamps are read in the contract's zone through DuckDB's ICU time zones (`SET TimeZone`), so
an offset-less timestamp and "the end of day D" are the zone's, not a fixed offset. There is no
validation here: the input is assumed to be consistent, as the generator writes it.

CLI: `python bench/duck.py RECORDS [--loader read_json|orjson] [--as-of INSTANT] [-o FINDINGS.json]`
writes the findings as a JSON list of `[obligation, rule, subject, outcome]`, sorted.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import orjson

__all__ = ["LOADERS", "Finding", "findings", "load", "run"]

Finding = tuple[int, str, str, str]  # (obligation, rule, subject id, outcome)

# Python's str.strip() whitespace: a value that strips to "" is blank (OBLIGATIONS.md 2.2, 2.3, 3.2).
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_MAX_OBJECT = 2**31 - 1  # one JSON document is one object to read_json: let it be as large as the file
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]+$")

# --------------------------------------------------------------------------- source tables

_TEXT_STAMPS = ("received_at", "registered_at", "first_response_at", "resolved_at", "feedback_at", "archived_at")
_PAUSE = 'STRUCT("from" VARCHAR, "to" VARCHAR)'
_PERIOD = 'STRUCT("start" DATE, "end" DATE)'
_SECTIONS = "STRUCT(method VARCHAR, results VARCHAR, problems VARCHAR, recommendations VARCHAR)"
_CONTRACT_FIELDS = {"id": "VARCHAR", "effective_on": "DATE", "term_years": "INTEGER", "timezone": "VARCHAR"}
_CHANNEL_FIELDS = {"id": "VARCHAR", "kind": "VARCHAR", "opened_on": "DATE", "closed_on": "DATE"}
_COMPLAINT_FIELDS = {"id": "VARCHAR", **{name: "VARCHAR" for name in _TEXT_STAMPS}, "category": "VARCHAR",
                     "urgency": "VARCHAR", "status": "VARCHAR", "pauses": f"{_PAUSE}[]"}
_EVALUATION_FIELDS = {"id": "VARCHAR", "period": _PERIOD, "completed_at": "VARCHAR", "covers": "VARCHAR[]",
                      "recommendations": "VARCHAR[]"}
_REPORT_FIELDS = {"id": "VARCHAR", "period": _PERIOD, "submitted_at": "VARCHAR", "sections": _SECTIONS}
_DISCLOSURE_FIELDS = {"id": "VARCHAR", "party": "VARCHAR", "at": "VARCHAR", "third_party": "BOOLEAN",
                      "consent": "BOOLEAN", "purpose": "VARCHAR"}


def _struct(fields: dict[str, str]) -> str:
    return "STRUCT(" + ", ".join(f'"{name}" {kind}' for name, kind in fields.items()) + ")"


# What every loader leaves behind: flat source tables, the same for both formats.
_SOURCES = """
CREATE OR REPLACE TEMP TABLE src_complaints AS
    SELECT c.id, c.received_at, c.category, c.urgency, c.registered_at, c.first_response_at,
           c.resolved_at, c.feedback_at, c.archived_at, c.status, c.pauses
    FROM (SELECT {complaints}) AS t(c);
CREATE OR REPLACE TEMP TABLE src_pauses AS
    SELECT id AS complaint_id, p."from" AS "from", p."to" AS "to"
    FROM (SELECT id, unnest(pauses) AS p FROM src_complaints WHERE len(pauses) > 0);
CREATE OR REPLACE TEMP TABLE src_channels AS
    SELECT c.id, c.kind, c.opened_on, c.closed_on FROM (SELECT {channels}) AS t(c);
CREATE OR REPLACE TEMP TABLE src_evaluations AS
    SELECT e.id, e.period.start AS period_start, e.period.end AS period_end, e.completed_at, e.covers, e.recommendations
    FROM (SELECT {evaluations}) AS t(e);
CREATE OR REPLACE TEMP TABLE src_reports AS
    SELECT r.id, r.period.start AS period_start, r.period.end AS period_end, r.submitted_at,
           r.sections.method AS method, r.sections.results AS results, r.sections.problems AS problems,
           r.sections.recommendations AS recommendations
    FROM (SELECT {reports}) AS t(r);
CREATE OR REPLACE TEMP TABLE src_disclosures AS
    SELECT d.id, d.party, d."at" AS made_at, d.third_party, d.consent, d.purpose FROM (SELECT {disclosures}) AS t(d);
"""


def _load_document(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """One JSON document: read_json gives one row whose columns are the lists; unnest them."""
    columns = {
        "contract": _struct(_CONTRACT_FIELDS), "as_of": "VARCHAR",
        "channels": _struct(_CHANNEL_FIELDS) + "[]", "complaints": _struct(_COMPLAINT_FIELDS) + "[]",
        "evaluations": _struct(_EVALUATION_FIELDS) + "[]", "reports": _struct(_REPORT_FIELDS) + "[]",
        "disclosures": _struct(_DISCLOSURE_FIELDS) + "[]",
    }
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE doc AS
        SELECT * FROM read_json({_quote(str(path))}, columns = {_map(columns)},
                                format = 'unstructured', maximum_object_size = {_MAX_OBJECT})""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE src_contract AS
        SELECT contract.id, contract.effective_on, contract.term_years, contract.timezone, as_of FROM doc""")
    lists = {name: f"unnest({name}) FROM doc" for name in ("complaints", "channels", "evaluations", "reports", "disclosures")}
    con.execute(_SOURCES.format(**lists))
    con.execute("DROP TABLE doc")


def _load_lines(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """JSON Lines: one record a line, its `type` saying which list it belongs to."""
    fields: dict[str, str] = {"type": "VARCHAR", "as_of": "VARCHAR"}
    for group in (_CONTRACT_FIELDS, _CHANNEL_FIELDS, _COMPLAINT_FIELDS, _EVALUATION_FIELDS, _REPORT_FIELDS, _DISCLOSURE_FIELDS):
        for name, kind in group.items():
            if fields.setdefault(name, kind) != kind:
                raise AssertionError(f"field {name} has two types")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lines AS
        SELECT * FROM read_json({_quote(str(path))}, columns = {_map(fields)}, format = 'newline_delimited')""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE src_contract AS
        SELECT id, effective_on, term_years, timezone, as_of FROM lines WHERE type = 'contract'""")

    def rows(kind: str, group: dict[str, str]) -> str:
        return "{" + ", ".join(f"'{name}': \"{name}\"" for name in group) + f"}} FROM lines WHERE type = '{kind}'"

    con.execute(_SOURCES.format(complaints=rows("complaint", _COMPLAINT_FIELDS), channels=rows("channel", _CHANNEL_FIELDS),
                                evaluations=rows("evaluation", _EVALUATION_FIELDS), reports=rows("report", _REPORT_FIELDS),
                                disclosures=rows("disclosure", _DISCLOSURE_FIELDS)))
    con.execute("DROP TABLE lines")


def _load_orjson(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """orjson parses; the complaints go to DuckDB as numpy columns, the few other records as rows."""
    import numpy as np  # only this loader needs it

    data = path.read_bytes()
    if path.suffix == ".jsonl":
        doc: dict[str, Any] = {"channels": [], "complaints": [], "evaluations": [], "reports": [], "disclosures": []}
        for line in data.splitlines():
            if line.strip():
                record = orjson.loads(line)
                kind = record.get("type")
                if kind == "contract":
                    doc["contract"], doc["as_of"] = record, record.get("as_of")
                else:
                    doc[kind + "s"].append(record)
    else:
        doc = orjson.loads(data)
    del data
    contract = doc["contract"]
    con.execute("CREATE OR REPLACE TEMP TABLE src_contract (id VARCHAR, effective_on DATE, term_years INTEGER, timezone VARCHAR, as_of VARCHAR)")
    con.execute("INSERT INTO src_contract VALUES (?, ?, ?, ?, ?)",
                [contract["id"], contract["effective_on"], contract["term_years"], contract.get("timezone"), doc.get("as_of")])

    complaints = doc.get("complaints") or []
    names = ("id", *_TEXT_STAMPS, "category", "urgency", "status")
    paused = [(c["id"], p.get("from"), p.get("to")) for c in complaints if c.get("pauses") for p in c["pauses"]]
    con.execute(f"CREATE OR REPLACE TEMP TABLE src_complaints ({', '.join(f'{n} VARCHAR' for n in names)})")
    con.execute('CREATE OR REPLACE TEMP TABLE src_pauses (complaint_id VARCHAR, "from" VARCHAR, "to" VARCHAR)')
    columns: dict[str, list[list[Any]]] = {
        "src_complaints": [[c.get(name) for c in complaints] for name in names],
        "src_pauses": [list(column) for column in zip(*paused)],
    }
    for name, table_columns in columns.items():
        if table_columns and table_columns[0]:
            con.register("np_rows", {f"c{i}": np.array(column, dtype=object) for i, column in enumerate(table_columns)})
            casts = ", ".join(f"CAST(c{i} AS VARCHAR)" for i in range(len(table_columns)))
            con.execute(f"INSERT INTO {name} SELECT {casts} FROM np_rows")
            con.unregister("np_rows")
    del columns

    def table(name: str, ddl: str, rows: list[tuple[Any, ...]]) -> None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({ddl})")
        if rows:
            con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(rows[0]))})", rows)

    table("src_channels", "id VARCHAR, kind VARCHAR, opened_on DATE, closed_on DATE",
          [(c["id"], c["kind"], c["opened_on"], c.get("closed_on")) for c in doc.get("channels") or []])
    table("src_evaluations", "id VARCHAR, period_start DATE, period_end DATE, completed_at VARCHAR, covers VARCHAR[], recommendations VARCHAR[]",
          [(e["id"], e["period"]["start"], e["period"]["end"], e.get("completed_at"), e.get("covers") or [], e.get("recommendations") or [])
           for e in doc.get("evaluations") or []])
    table("src_reports", "id VARCHAR, period_start DATE, period_end DATE, submitted_at VARCHAR, method VARCHAR, results VARCHAR, problems VARCHAR, recommendations VARCHAR",
          [(r["id"], r["period"]["start"], r["period"]["end"], r.get("submitted_at"),
            *((r.get("sections") or {}).get(s) for s in ("method", "results", "problems", "recommendations")))
           for r in doc.get("reports") or []])
    table("src_disclosures", "id VARCHAR, party VARCHAR, made_at VARCHAR, third_party BOOLEAN, consent BOOLEAN, purpose VARCHAR",
          [(d["id"], d["party"], d["at"], d.get("third_party"), d.get("consent"), d.get("purpose")) for d in doc.get("disclosures") or []])


def _read_json(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    (_load_lines if path.suffix == ".jsonl" else _load_document)(con, path)


LOADERS = {"read_json": _read_json, "orjson": _load_orjson}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _map(fields: dict[str, str]) -> str:
    return "{" + ", ".join(f"{_quote(name)}: {_quote(kind)}" for name, kind in fields.items()) + "}"


# --------------------------------------------------------------------------- the obligations

_MACROS = f"""
-- epoch microseconds of an ISO 8601 text; one without an offset is read in the session's zone (the contract's)
CREATE OR REPLACE TEMP MACRO us(t) AS epoch_us(CAST(t AS TIMESTAMPTZ));
-- an instant that is after as_of has not happened yet (OBLIGATIONS.md: What is known)
CREATE OR REPLACE TEMP MACRO upto(x, as_of) AS CASE WHEN x <= as_of THEN x END;
-- absent, or nothing but whitespace (Python's str.strip())
CREATE OR REPLACE TEMP MACRO blank(s) AS s IS NULL OR trim(s, {_quote(_WHITESPACE)}) = '';
"""

FINDINGS_SQL = """
WITH
-- The default terms (rules/terms.yaml) in seconds of running clock; urgency NULL: any urgency.
limits(rule, urgency, seconds) AS (VALUES
    ('first-response', 'urgent', 2 * 3600), ('first-response', 'high', 8 * 3600),     -- 1.2
    ('first-response', 'normal', 24 * 3600), ('first-response', 'low', 72 * 3600),
    ('registration', NULL, 24 * 3600),                                                 -- 1.3
    ('resolution', 'urgent', 24 * 3600), ('resolution', 'high', 3 * 86400),            -- 1.3
    ('resolution', 'normal', 7 * 86400), ('resolution', 'low', 15 * 86400),
    ('feedback', NULL, 48 * 3600),                                                     -- 1.4
    ('archive', NULL, 7 * 86400)                                                       -- 1.4
),
at_risk(share) AS (VALUES (0.8)),  -- warn once 80 % of a running limit has elapsed
period_rules(rule, due_days) AS (VALUES ('evaluation-due', 10), ('report-due', 15)),  -- 2.1, 2.3
required_kinds(kind) AS (VALUES ('phone'), ('email'), ('website')),                   -- 1.1
obligations(obligation, rule) AS (VALUES
    (1, 'channels-open'), (2, 'first-response'), (3, 'registration'), (4, 'classification'),
    (5, 'resolution'), (6, 'feedback'), (7, 'archive'), (8, 'evaluation-due'),
    (9, 'evaluation-coverage'), (10, 'evaluation-recommendations'), (11, 'report-due'),
    (12, 'report-complete'), (13, 'disclosure-consent'), (14, 'disclosure-purpose')
),

-- The contract term [effective_on, ends_on) and the instant of the check. 29 February plus whole
-- years lands on 1 March in a common year.
term AS (
    SELECT effective_on,
           CASE WHEN month(effective_on) = 2 AND day(effective_on) = 29 AND day(effective_on + to_years(term_years)) = 28
                THEN CAST(effective_on + to_years(term_years) + INTERVAL 1 DAY AS DATE)
                ELSE CAST(effective_on + to_years(term_years) AS DATE) END AS ends_on,
           coalesce(CAST($as_of AS TIMESTAMPTZ), CAST(as_of AS TIMESTAMPTZ), now()) AS as_of_ts
    FROM src_contract
),
ctx AS (
    SELECT effective_on, ends_on,
           epoch_us(CAST(effective_on AS TIMESTAMPTZ)) AS term_start,  -- local midnight, in the contract zone
           epoch_us(CAST(ends_on AS TIMESTAMPTZ)) AS term_end,
           epoch_us(as_of_ts) AS as_of,
           CAST(as_of_ts AS DATE) AS as_of_day                         -- as_of's date in the contract zone
    FROM term
),

-- ---------------------------------------------------------------- complaints (obligations 2-7)
-- A complaint received after as_of does not exist yet; events after as_of have not happened.
-- Scope: received within the term. Unclassified urgency counts as normal (1.3).
complaints AS (
    SELECT c.id, c.received,
           c.received >= ctx.term_start AND c.received < ctx.term_end AS in_term,
           coalesce(c.urgency, 'normal') AS urgency,
           c.urgency IS NULL OR blank(c.category) AS unclassified,
           c.status,
           upto(c.registered, ctx.as_of) AS registered,
           upto(c.responded, ctx.as_of) AS responded,
           upto(c.resolved, ctx.as_of) AS resolved,
           upto(c.fed_back, ctx.as_of) AS fed_back,
           upto(c.archived, ctx.as_of) AS archived
    FROM (SELECT id, urgency, category, status,
                 us(received_at) AS received, us(registered_at) AS registered,
                 us(first_response_at) AS responded, us(resolved_at) AS resolved,
                 us(feedback_at) AS fed_back, us(archived_at) AS archived
          FROM src_complaints) AS c, ctx
    WHERE c.received <= ctx.as_of
),
-- Pauses that began by as_of; one without `to`, or ending after as_of, is cut at as_of.
pauses AS (
    SELECT p.complaint_id AS id, p.b, least(coalesce(p.e, ctx.as_of), ctx.as_of) AS e
    FROM (SELECT complaint_id, us("from") AS b, us("to") AS e FROM src_pauses) AS p, ctx
    WHERE p.b <= ctx.as_of
),
-- One row per complaint and deadline rule whose anchor event happened by as_of:
-- 2 first response, 3 registration, 5 resolution (not withdrawn) from received_at;
-- 6 feedback (not withdrawn), 7 archive from resolved_at.
deadlines AS (
    SELECT id, 'first-response' AS rule, urgency, in_term, received AS start, responded AS obs FROM complaints
    UNION ALL SELECT id, 'registration', urgency, in_term, received, registered FROM complaints
    UNION ALL SELECT id, 'resolution', urgency, in_term, received, resolved FROM complaints WHERE status <> 'withdrawn'
    UNION ALL SELECT id, 'feedback', urgency, in_term, resolved, fed_back FROM complaints
              WHERE resolved IS NOT NULL AND status <> 'withdrawn'
    UNION ALL SELECT id, 'archive', urgency, in_term, resolved, archived FROM complaints WHERE resolved IS NOT NULL
),
limited AS (
    SELECT d.*, CAST(l.seconds AS BIGINT) * 1000000 AS limit_us,
           CAST(ceil(l.seconds * r.share) AS BIGINT) * 1000000 AS risk_us  -- the at-risk share of the limit
    FROM deadlines AS d
    JOIN limits AS l ON l.rule = d.rule AND (l.urgency IS NULL OR l.urgency = d.urgency)
    CROSS JOIN at_risk AS r
),
-- The clock stops while the complaint is paused. Each pause, clipped to the anchor, with `r` the
-- running (un-paused) time from the anchor to the pause's start.
deadline_pauses AS (
    SELECT id, rule, limit_us, risk_us, b, e,
           b - start - coalesce(sum(e - b) OVER (
               PARTITION BY id, rule ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS r
    FROM (SELECT d.id, d.rule, d.start, d.limit_us, d.risk_us, greatest(p.b, d.start) AS b, p.e
          FROM limited AS d JOIN pauses AS p ON p.id = d.id AND p.e > d.start)
),
-- A limit is reached later by the length of every pause that starts before the limit's running
-- time is used up (a deadline falling exactly at a pause's start is not moved).
shifts AS (
    SELECT id, rule,
           sum(e - b) FILTER (WHERE r < limit_us) AS due_shift,
           sum(e - b) FILTER (WHERE r < risk_us) AS risk_shift
    FROM deadline_pauses GROUP BY id, rule
),
laid AS (
    SELECT l.id, l.rule, l.in_term, l.obs,
           l.start + l.limit_us + coalesce(s.due_shift, 0) AS due,
           l.start + l.risk_us + coalesce(s.risk_shift, 0) AS risk
    FROM limited AS l LEFT JOIN shifts AS s USING (id, rule)
),
-- Outcomes of a deadline: fulfilled after due -> late; not fulfilled and as_of > due -> overdue;
-- not fulfilled, as_of <= due and at least 80 % of the running time used -> at_risk.
deadline_findings AS (
    SELECT laid.rule, laid.id AS subject,
           CASE WHEN laid.obs IS NOT NULL THEN CASE WHEN laid.obs > laid.due THEN 'late' END
                WHEN ctx.as_of > laid.due THEN 'overdue'
                WHEN ctx.as_of >= laid.risk THEN 'at_risk' END AS outcome
    FROM laid, ctx
    WHERE laid.in_term
),
-- 4 (1.3): category and urgency present once the complaint is registered (by as_of) or its
-- registration is overdue.
classification_findings AS (
    SELECT 'classification' AS rule, c.id AS subject, 'missing' AS outcome
    FROM complaints AS c
    JOIN laid AS r ON r.id = c.id AND r.rule = 'registration'
    CROSS JOIN ctx
    WHERE c.in_term AND c.unclassified AND (c.registered IS NOT NULL OR ctx.as_of > r.due)
),

-- ---------------------------------------------------------------- periods (obligations 8, 11)
-- Calendar months of the term, the first and last cut by the term.
months AS (
    SELECT CAST(unnest(generate_series(CAST(date_trunc('month', effective_on) AS TIMESTAMP),
                                        CAST(ends_on AS TIMESTAMP) - INTERVAL 1 DAY, INTERVAL 1 MONTH)) AS DATE) AS month
    FROM ctx
),
periods AS (
    SELECT greatest(m.month, ctx.effective_on) AS first,
           CAST(least(CAST(m.month + INTERVAL 1 MONTH AS DATE), ctx.ends_on) - INTERVAL 1 DAY AS DATE) AS last
    FROM months AS m, ctx
),
-- Matched by exactly equal period start and end; the earliest delivery by as_of counts.
deliveries AS (
    SELECT 'evaluation-due' AS rule, period_start, period_end, min(upto(us(completed_at), ctx.as_of)) AS delivered
    FROM src_evaluations, ctx GROUP BY period_start, period_end
    UNION ALL
    SELECT 'report-due', period_start, period_end, min(upto(us(submitted_at), ctx.as_of))
    FROM src_reports, ctx GROUP BY period_start, period_end
),
-- Due at the end of day (last + N) in the contract zone: its last microsecond is still on time.
-- The limit runs from the period's end (the midnight after its last day) to the due date.
period_deadlines AS (
    SELECT r.rule, p.first, p.last, d.delivered AS obs,
           epoch_us(CAST(p.last + 1 AS TIMESTAMPTZ)) AS ended,
           epoch_us(CAST(p.last + r.due_days + 1 AS TIMESTAMPTZ)) - 1 AS due
    FROM periods AS p
    CROSS JOIN period_rules AS r
    LEFT JOIN deliveries AS d ON d.rule = r.rule AND d.period_start = p.first AND d.period_end = p.last
),
period_findings AS (
    SELECT pd.rule, strftime(pd.first, '%Y-%m-%d') || '/' || strftime(pd.last, '%Y-%m-%d') AS subject,
           CASE WHEN pd.obs IS NOT NULL THEN CASE WHEN pd.obs > pd.due THEN 'late' END
                WHEN ctx.as_of > pd.due THEN 'overdue'
                WHEN ctx.as_of >= pd.ended + CAST(round((pd.due - pd.ended) * r.share) AS BIGINT) THEN 'at_risk' END AS outcome
    FROM period_deadlines AS pd, ctx, at_risk AS r
    WHERE ctx.as_of >= pd.ended  -- only a period that has ended by as_of owes anything
),

-- ---------------------------------------------------------------- evaluations and reports (9, 10, 12)
-- Judged when their period overlaps the term; content only once delivered by as_of.
evaluations AS (
    SELECT e.id, e.covers, e.recommendations
    FROM src_evaluations AS e, ctx
    WHERE e.period_start < ctx.ends_on AND e.period_end >= ctx.effective_on
      AND upto(us(e.completed_at), ctx.as_of) IS NOT NULL
),
reports AS (
    SELECT r.*
    FROM src_reports AS r, ctx
    WHERE r.period_start < ctx.ends_on AND r.period_end >= ctx.effective_on
      AND upto(us(r.submitted_at), ctx.as_of) IS NOT NULL
),
content_findings AS (
    -- 9 (2.1): the evaluation covers satisfaction, efficiency, quality
    SELECT 'evaluation-coverage' AS rule, id AS subject, 'incomplete' AS outcome FROM evaluations
    WHERE NOT list_has_all(coalesce(covers, []), ['satisfaction', 'efficiency', 'quality'])
    UNION ALL
    -- 10 (2.2): at least one non-blank improvement recommendation
    SELECT 'evaluation-recommendations', id, 'missing' FROM evaluations
    WHERE NOT EXISTS (SELECT 1 FROM (SELECT unnest(recommendations) AS x) WHERE NOT blank(x))
    UNION ALL
    -- 12 (2.3): non-blank method, results, problems and recommendations sections
    SELECT 'report-complete', id, 'incomplete' FROM reports
    WHERE blank(method) OR blank(results) OR blank(problems) OR blank(recommendations)
),

-- ---------------------------------------------------------------- disclosures (13, 14)
-- Those made by as_of, judged when made within the term.
disclosures AS (
    SELECT d.id, d.third_party, d.consent, d.purpose
    FROM (SELECT *, us(made_at) AS at_us FROM src_disclosures) AS d, ctx
    WHERE d.at_us <= ctx.as_of AND d.at_us >= ctx.term_start AND d.at_us < ctx.term_end
),
disclosure_findings AS (
    -- 13 (3.1): to a third party without consent (consent absent counts as not given)
    SELECT 'disclosure-consent' AS rule, id AS subject, 'prohibited' AS outcome FROM disclosures
    WHERE third_party IS TRUE AND consent IS DISTINCT FROM TRUE
    UNION ALL
    -- 14 (3.2): for a stated purpose other than this contract
    SELECT 'disclosure-purpose', id, 'prohibited' FROM disclosures
    WHERE NOT blank(purpose) AND purpose <> 'contract'
),

-- ---------------------------------------------------------------- channels (obligation 1)
-- The days judged: the term's days that began by as_of. A channel is open from opened_on through
-- closed_on inclusive; a required kind with no open channel on some judged day is missing.
judged_days AS (
    SELECT CAST(unnest(generate_series(CAST(effective_on AS TIMESTAMP),
                                        CAST(least(ends_on - 1, as_of_day) AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS day
    FROM ctx
),
channel_findings AS (
    SELECT 'channels-open' AS rule, k.kind AS subject, 'missing' AS outcome
    FROM required_kinds AS k
    WHERE EXISTS (
        SELECT 1 FROM judged_days AS d
        WHERE NOT EXISTS (SELECT 1 FROM src_channels AS c
                          WHERE c.kind = k.kind AND c.opened_on <= d.day AND (c.closed_on IS NULL OR d.day <= c.closed_on)))
),

findings AS (
    SELECT * FROM channel_findings
    UNION ALL SELECT * FROM deadline_findings
    UNION ALL SELECT * FROM classification_findings
    UNION ALL SELECT * FROM period_findings
    UNION ALL SELECT * FROM content_findings
    UNION ALL SELECT * FROM disclosure_findings
)
SELECT o.obligation, f.rule, f.subject, f.outcome
FROM findings AS f JOIN obligations AS o USING (rule)
WHERE f.outcome IS NOT NULL
ORDER BY o.obligation, f.subject, f.outcome
"""


def load(con: duckdb.DuckDBPyConnection, path: Path, loader: str = "read_json") -> None:
    """Fill the source tables from `path` and set the session's zone to the contract's."""
    LOADERS[loader](con, path)
    row = con.execute("SELECT timezone FROM src_contract").fetchone()
    zone = (row[0] if row else None) or "Asia/Shanghai"  # RECORDS.md's default zone
    if not _ZONE_NAME.match(zone):
        raise ValueError(f"unexpected time zone name {zone!r}")
    con.execute(f"SET TimeZone = {_quote(zone)}")
    con.execute(_MACROS)


def findings(con: duckdb.DuckDBPyConnection, as_of: str | None = None) -> list[Finding]:
    """The findings of all 14 obligations at `as_of` (default: the records' as_of, else now)."""
    rows = con.execute(FINDINGS_SQL, {"as_of": as_of}).fetchall()
    return [(int(o), str(rule), str(subject), str(outcome)) for o, rule, subject, outcome in rows]


def run(path: Path, loader: str = "read_json", as_of: str | None = None, threads: int | None = None) -> list[Finding]:
    con = duckdb.connect(":memory:")
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        load(con, path, loader)
        return findings(con, as_of)
    finally:
        con.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="duck.py", description="The 14 obligations as DuckDB SQL, on one records file.")
    parser.add_argument("records", type=Path, help="records file: one JSON document (.json) or JSON Lines (.jsonl)")
    parser.add_argument("--loader", choices=sorted(LOADERS), default="read_json",
                        help="read_json: DuckDB reads the file (default); orjson: parsed by orjson, handed over as columns")
    parser.add_argument("--as-of", metavar="INSTANT", help="judge at this instant (default: the records' as_of)")
    parser.add_argument("--threads", type=int, metavar="N", help="DuckDB threads (default: all cores)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the findings here (default: stdout)")
    parser.add_argument("--timing", action="store_true", help="print load and query seconds on stderr")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    con = duckdb.connect(":memory:")
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    load(con, args.records, args.loader)
    loaded = time.perf_counter()
    rows = findings(con, args.as_of)
    done = time.perf_counter()
    out = orjson.dumps(rows, option=orjson.OPT_APPEND_NEWLINE)
    if args.output:
        args.output.write_bytes(out)
    else:
        sys.stdout.buffer.write(out)
    if args.timing:
        print(f"load {loaded - began:.3f} s, query {done - loaded:.3f} s, {len(rows)} findings", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

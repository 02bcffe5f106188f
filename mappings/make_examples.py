"""Writes the small example exports beside the mappings (invented data, in the shapes MAPPING.md names).

Run from the repository root: `python mappings/make_examples.py`. The files are committed; this
script says exactly how their bytes (BOM, CRLF, delimiters) were made.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def write(name: str, lines: list[str], newline: str = "\n", bom: bool = False) -> None:
    data = (newline.join(lines) + newline).encode("utf-8")
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


# ServiceNow: one row per update; D/M/YYYY H:MM; `?` is null; `category` repeated in the header.
SN_HEADER = "number,incident_state,active,reopen_count,sys_mod_count,made_sla,opened_at,sys_created_at,sys_updated_at,contact_type,category,subcategory,category,priority,closed_code"


def sn(number: str, state: str, mod: int, updated: str, opened: str, created: str, contact: str = "Phone", priority: str = "3 - Moderate", sla: str = "true", reopen: int = 0) -> str:
    active = "false" if state == "Closed" else "true"
    return f"{number},{state},{active},{reopen},{mod},{sla},{opened},{created},{updated},{contact},Category 12,Subcategory 3,?,{priority},?"


write("servicenow-events.csv", [
    SN_HEADER,
    # INC0001: handled in time, closed.
    sn("INC0001", "New", 0, "1/10/2026 09:05", "1/10/2026 09:00", "1/10/2026 09:02"),
    sn("INC0001", "Active", 1, "1/10/2026 09:40", "1/10/2026 09:00", "1/10/2026 09:02"),
    sn("INC0001", "Resolved", 2, "2/10/2026 15:00", "1/10/2026 09:00", "1/10/2026 09:02"),
    sn("INC0001", "Closed", 3, "5/10/2026 15:00", "1/10/2026 09:00", "1/10/2026 09:02"),
    # INC0002: waits on the user for two days (a pause), then resolved and closed.
    sn("INC0002", "New", 0, "3/10/2026 10:00", "3/10/2026 10:00", "3/10/2026 10:00", contact="Email"),
    sn("INC0002", "Active", 1, "3/10/2026 11:00", "3/10/2026 10:00", "3/10/2026 10:00", contact="Email"),
    sn("INC0002", "Awaiting User Info", 2, "3/10/2026 12:00", "3/10/2026 10:00", "3/10/2026 10:00", contact="Email"),
    sn("INC0002", "Active", 3, "5/10/2026 12:00", "3/10/2026 10:00", "3/10/2026 10:00", contact="Email"),
    sn("INC0002", "Resolved", 4, "9/10/2026 18:00", "3/10/2026 10:00", "3/10/2026 10:00", contact="Email"),
    sn("INC0002", "Closed", 5, "14/10/2026 18:00", "3/10/2026 10:00", "3/10/2026 10:00", contact="Email"),
    # INC0003: resolved, then reopened and still active: not resolved.
    sn("INC0003", "New", 0, "6/10/2026 08:30", "6/10/2026 08:00", "6/10/2026 08:10", priority="2 - High"),
    sn("INC0003", "Active", 1, "6/10/2026 09:00", "6/10/2026 08:00", "6/10/2026 08:10", priority="2 - High"),
    sn("INC0003", "Resolved", 2, "7/10/2026 09:00", "6/10/2026 08:00", "6/10/2026 08:10", priority="2 - High"),
    sn("INC0003", "Active", 3, "8/10/2026 09:00", "6/10/2026 08:00", "6/10/2026 08:10", priority="2 - High", reopen=1),
    # INC0004: critical, first answered after 5 hours (its limit is 2), still waiting on the user.
    sn("INC0004", "New", 0, "20/10/2026 07:00", "20/10/2026 07:00", "20/10/2026 07:01", priority="1 - Critical", sla="false"),
    sn("INC0004", "Active", 1, "20/10/2026 12:00", "20/10/2026 07:00", "20/10/2026 07:01", priority="1 - Critical", sla="false"),
    sn("INC0004", "Awaiting User Info", 2, "20/10/2026 12:30", "20/10/2026 07:00", "20/10/2026 07:01", priority="1 - Critical", sla="false"),
    # INC0005: two updates in one minute (sys_mod_count orders them), rows out of file order.
    sn("INC0005", "Active", 1, "30/10/2026 16:00", "30/10/2026 15:58", "30/10/2026 15:59", priority="4 - Low"),
    sn("INC0005", "New", 0, "30/10/2026 16:00", "30/10/2026 15:58", "30/10/2026 15:59", priority="4 - Low"),
])

# BPI Challenge 2013 (Volvo IT) style: UTF-8 with BOM, CRLF, `;`, ISO times with offsets.
write("bpi2013-incidents.csv", [
    "SR Number;Change Date+Time;Status;Impact;Product;Country",
    "1-364285768;2026-10-05T08:15:00+02:00;Accepted-In Progress;Medium;PROD582;se",
    "1-364285768;2026-10-05T09:30:00+02:00;Accepted-Wait - User;Medium;PROD582;se",
    "1-364285768;2026-10-06T10:00:00+02:00;Accepted-In Progress;Medium;PROD582;se",
    "1-364285768;2026-10-07T16:45:00+02:00;Completed-Resolved;Medium;PROD582;se",
    "1-364285768;2026-10-08T09:00:00+02:00;Completed-Closed;Medium;PROD582;se",
    "1-467153946;2026-10-12T23:10:00+02:00;Queued-Awaiting Assignment;High;PROD424;nl",
    "1-467153946;2026-10-13T11:10:00+02:00;Accepted-In Progress;High;PROD424;nl",
    "1-467153946;2026-10-20T11:10:00+02:00;Completed-Closed;High;PROD424;nl",
    "1-147898401;2026-10-28T13:00:00+01:00;Accepted-In Progress;Low;PROD698;be",
], newline="\r\n", bom=True)

# CFPB consumer complaints style: two junk lines before the header, M/D/YYYY, no complaint id.
write("cfpb-complaints.csv", [
    "Consumer complaints extract",
    "Generated for the example; one row per complaint",
    "Date received,Product,Issue,Company,State,Submitted via,Date sent to company,Company response to consumer,Timely response?",
    "10/1/2026,Mortgage,\"Loan servicing, payments\",Example Bank,VA,Web,10/2/2026,Closed with explanation,Yes",
    "10/2/2026,Debt collection,Cont'd attempts collect debt,Example Collector,CA,Phone,10/2/2026,Closed with explanation,Yes",
    "10/5/2026,Credit card,Billing disputes,Example Card Co,NY,Email,10/9/2026,In progress,N/A",
    "10/19/2026,Bank account or service,\"Deposits and\nwithdrawals\",Example Bank,TX,Web,10/20/2026,Closed with monetary relief,No",
], newline="\r\n")

# An IT-ticket log: `id / department / requester` packed in one field, a department → SLA lookup.
write("it-tickets.csv", [
    "ticket,channel,created,first_reply,resolved,status,rating",
    "T-1001 / Finance / a.lee,portal,2026-10-02 09:00,2026-10-02 09:30,2026-10-02 15:00,closed,5",
    "T-1002 / Warehouse / b.kim,phone,2026-10-02 10:00,2026-10-03 12:00,2026-10-09 10:00,closed,2",
    "T-1003 / Finance / c.wu,email,2026-10-07 08:00,2026-10-07 08:20,,in progress,",
    "T-1004 / Sales / d.ng,portal,2026-10-15 14:00,2026-10-15 14:05,2026-10-16 09:00,closed,4",
])
write("it-departments.csv", [
    "department,sla",
    "Finance,high",
    "Warehouse,normal",
    "Sales,normal",
    "Finance,low",
])

# NYC 311 style: ISO times with milliseconds and no offset (America/New_York).
write("nyc311-requests.csv", [
    "Unique Key,Created Date,Closed Date,Agency,Complaint Type,Status,Resolution Action Updated Date,Open Data Channel Type",
    "59893001,2026-10-04T08:12:31.000,2026-10-04T17:40:02.000,DSNY,Missed Collection,Closed,2026-10-04T17:40:02.000,PHONE",
    "59893002,2026-10-04T22:05:10.250,,DOT,Street Condition,In Progress,2026-10-06T09:00:00.000,ONLINE",
    "59893003,2026-10-11T13:45:00.000,2026-10-25T10:00:00.000,HPD,HEAT/HOT WATER,Closed,2026-10-25T10:00:00.000,MOBILE",
])

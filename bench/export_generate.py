"""Writes a seeded ServiceNow-style event log (one row per update) for the mapped-export benchmark.

    python bench/export_generate.py --events 1000000 -o /tmp/events.csv

About five events per incident (New, Active, maybe a wait on the user, Resolved, Closed; some
reopened), times `D/M/YYYY H:MM` in October 2026, the columns `mappings/servicenow.yaml` reads.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path

HEADER = "number,incident_state,active,reopen_count,sys_mod_count,made_sla,opened_at,sys_created_at,sys_updated_at,contact_type,category,subcategory,category,priority,closed_code"
PRIORITIES = ["1 - Critical", "2 - High", "3 - Moderate", "3 - Moderate", "3 - Moderate", "4 - Low"]


def stamp(moment: datetime) -> str:
    return f"{moment.day}/{moment.month}/{moment.year} {moment.hour:02d}:{moment.minute:02d}"


def generate(events: int, path: Path, seed: int = 12) -> int:
    rnd = random.Random(seed)
    start = datetime(2026, 10, 1)
    written = 0
    number = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER + "\n")
        while written < events:
            number += 1
            opened = start + timedelta(minutes=rnd.randrange(31 * 24 * 60))
            created = opened + timedelta(minutes=rnd.randrange(0, 30))
            priority = rnd.choice(PRIORITIES)
            contact = "Email" if rnd.random() < 0.1 else "Phone"
            states = ["New", "Active"]
            if rnd.random() < 0.3:
                states += ["Awaiting User Info", "Active"]
            states += ["Resolved"]
            if rnd.random() < 0.05:
                states += ["Active", "Resolved"]
            if rnd.random() < 0.9:
                states += ["Closed"]
            at = created
            for mod, state in enumerate(states):
                at = at + timedelta(minutes=rnd.randrange(1, 60 * 30))
                reopen = 1 if states[:mod + 1].count("Resolved") and state == "Active" and mod > 2 else 0
                out.write(f"INC{number:07d},{state},{'false' if state == 'Closed' else 'true'},{reopen},{mod},true,{stamp(opened)},{stamp(created)},{stamp(at)},{contact},Category {rnd.randrange(60)},Subcategory 1,?,{priority},?\n")
                written += 1
                if written >= events:
                    break
    return number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    incidents = generate(args.events, args.output)
    print(f"{args.output}: {args.events} events, {incidents} incidents")


if __name__ == "__main__":
    main()

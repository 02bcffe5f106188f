"""The documented input limits: each a named `Limit` with its default, raisable by environment.

Hostile or broken input (a gzip bomb, `/dev/zero`, 10,000-deep JSON) must stop a check within
seconds and well under 1 GB, with a message that names the limit and how to raise it, never
exhaust the machine. Each limit below is read when it is used, so `CHECK_COMPLIANCE_<NAME>=N`
in the environment (a whole number, `_` allowed as a digit separator) raises or lowers it for
that run:

    CHECK_COMPLIANCE_MAX_DOCUMENT_BYTES=4_000_000_000 check-compliance big.json

Other loaders declare their own limits here the same way, so the README's table has one source.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

from check_compliance.obligations.errors import CheckError, Problem

ENV_PREFIX = "CHECK_COMPLIANCE_"
# The years a record's dates and instants (and `--as-of`) may name: deadlines run up to a century
# past them, and year 1 or 9999 would overflow that arithmetic (they are placeholders, not dates).
FIRST_YEAR, LAST_YEAR = 1900, 2199
KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30


@dataclass(frozen=True)
class Limit:
    """One input limit: `name` (also its environment variable after `CHECK_COMPLIANCE_`), its
    default, the unit it counts, and what it bounds."""

    name: str
    default: int
    unit: str
    about: str
    maximum: Optional[int] = None  # past this the limit cannot be honoured (another component's own limit)

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name

    @property
    def value(self) -> int:
        """The limit in force: the environment's value if set, else the default."""
        text = os.environ.get(self.env)
        if text is None or not text.strip():
            return self.default
        try:
            value = int(text.strip())
        except ValueError:
            value = 0
        if value < 1 or (self.maximum is not None and value > self.maximum):
            shown = text.strip()[:40]
            most = f" and at most {self.maximum:,}" if self.maximum is not None else ""
            raise CheckError(self.env, [Problem("", f"expected a whole number of {self.unit} (at least 1{most}), got {shown!r}")])
        return value

    def exceeded(self, what: str) -> str:
        """The message for input past the limit: what exceeded it, the limit, how to raise it."""
        return f"{what} exceeds the limit {self.name} of {self.value:,} {self.unit}; raise it with the environment variable {self.env}=N if the input is genuine"


MAX_DOCUMENT_BYTES = Limit(
    "MAX_DOCUMENT_BYTES", 1 * GIB, "bytes",
    "A JSON document (not JSON Lines) is read and parsed whole, holding about six times its size in "
    "memory; past this size (after decompression) it is refused: write JSON Lines, which are streamed.",
)
MAX_LINE_BYTES = Limit(
    "MAX_LINE_BYTES", 16 * MIB, "bytes",
    "The longest line of a JSON Lines file (one record). A line is read whole before it is parsed, so "
    "input without newlines (`/dev/zero`) stops here instead of filling memory.",
)
MAX_INPUT_BYTES = Limit(
    "MAX_INPUT_BYTES", 64 * GIB, "bytes",
    "All the bytes read from one records input after decompression, so an endless standard input "
    "(`yes '' | check-compliance -`) ends.",
)
MAX_COMPRESSION_RATIO = Limit(
    "MAX_COMPRESSION_RATIO", 200, "times the compressed size",
    "Decompressed bytes per compressed byte of a `.gz` input, checked once RATIO_FROM_BYTES have been "
    "decompressed. Real exports compress 5-30 times; a gzip bomb (zeros, newlines) over 1,000.",
)
RATIO_FROM_BYTES = Limit(
    "RATIO_FROM_BYTES", 64 * MIB, "bytes",
    "How much a `.gz` input may decompress to before MAX_COMPRESSION_RATIO applies (a small file "
    "may compress very well without being a bomb).",
)
MAX_DEPTH = Limit(
    "MAX_DEPTH", 64, "levels",
    "Nesting of arrays and objects in one record (a complaint with its pauses is 3 levels deep). "
    "At most 1,000: the JSON parser's own limit is 1,024.",
    maximum=1000,
)

LIMITS: tuple[Limit, ...] = (MAX_DOCUMENT_BYTES, MAX_LINE_BYTES, MAX_INPUT_BYTES, MAX_COMPRESSION_RATIO, RATIO_FROM_BYTES, MAX_DEPTH)

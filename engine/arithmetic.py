"""Date arithmetic a check could not carry out, as the `CheckError` that says why.

Terms and rule files cap every limit and due period at 100 years (`durations.MAX_DAYS`), and
calendars must have working hours, so these arise only from dates near the ends of what Python's
dates hold (years 1 and 9999) or a calendar whose holidays leave no working day for ten years.
They are caught around the whole check (and passed on from each worker of a parallel one).
"""

from __future__ import annotations

from check_compliance.obligations.calendar import NoWorkingTime
from check_compliance.obligations.errors import CheckError, InputError, Problem, TermsError

# What date arithmetic raises: OverflowError past the years 1-9999 in timedelta sums and zone
# conversions, ValueError "year 10000 is out of range" from date(), NoWorkingTime from a calendar.
OUT_OF_RANGE = (OverflowError, ValueError)


def is_out_of_range(error: BaseException) -> bool:
    """Whether `error` is date arithmetic out of range (any other ValueError is a bug, not this)."""
    return isinstance(error, (OverflowError, NoWorkingTime)) or (isinstance(error, ValueError) and "out of range" in str(error))


def out_of_range(error: BaseException, source: str) -> CheckError:
    """The error to raise (from `error`) for date arithmetic out of range while checking `source`."""
    if isinstance(error, NoWorkingTime):
        return TermsError("terms", [Problem("calendars", f"{error}: a deadline on it would never come")])
    return InputError(source, [Problem("", "a deadline, due date or term end falls outside the years 1 to 9999 that dates can hold: "
                                           f"a date of the records (the contract's term, a complaint's instants) is too close to either end ({error})")])

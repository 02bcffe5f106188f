"""Date arithmetic a check could not carry out, as the `CheckError` that says why.

Terms and rule files cap every limit and due period at 100 years (`durations.MAX_DAYS`), and
calendars must have working hours, so these arise only from dates near the ends of what Python's
dates hold (years 1 and 9999) or a calendar whose holidays leave no working day for ten years.
They are caught around the whole check, and in each worker of a parallel one.
"""

from __future__ import annotations

from check_compliance.obligations.calendar import NoWorkingTime
from check_compliance.obligations.errors import CheckError, InputError, Problem, TermsError

OUT_OF_RANGE = (OverflowError, NoWorkingTime)


def out_of_range(error: BaseException, source: str) -> CheckError:
    """The error to raise (from `error`) for one of `OUT_OF_RANGE` met while checking `source`."""
    if isinstance(error, NoWorkingTime):
        return TermsError("terms", [Problem("calendars", f"{error}: a deadline on it would never come")])
    return InputError(source, [Problem("", "a deadline or due date falls outside the years 1 to 9999 that dates can hold: "
                                           "a date of the records (the contract's term, a complaint's instants) is too close to either end")])

"""`python -m check_compliance`: the same command as `check-compliance`."""

from check_compliance.cli import main

main(prog_name="check-compliance")

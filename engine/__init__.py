"""How a check is decided: facts, compiled rules, the durable_rules runtime, findings, the gate, reporters.

The library's public API is the `check_compliance` package itself (its `__all__`); modules here
are its implementation.
"""

"""The policy language: a community's governance rules as validated data, the parser that reads
them from YAML (with file:line errors), and the engine that applies them. A neutral library:
pure code with no state and no I/O, used by escalation (which enforces policies) and by the
gateway (which validates the policies admins publish)."""

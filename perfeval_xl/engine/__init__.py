"""The engine: rates, target reading, rule sets and their scores, evaluation frameworks, the PE_* table."""

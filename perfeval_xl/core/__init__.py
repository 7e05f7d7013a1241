"""The bottom layer: errors, numbers, the records of every family, the findings catalogue and the name contract."""

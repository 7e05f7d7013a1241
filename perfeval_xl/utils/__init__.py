"""Small helpers with no knowledge of the domain: atomic file writes, reproducible zip packages, shipped files."""

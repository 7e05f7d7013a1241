"""The package's version, in one place: the wheel takes it from here (pyproject's [tool.hatch.version])."""

__version__ = "0.1.0"

"""The package's exceptions: each subclasses PerfevalError and a builtin, so callers can catch either."""


class PerfevalError(Exception):
    """Base of every error perfeval_xl raises on purpose; its message is Chinese and meant for users."""


class NumberError(PerfevalError, ValueError):
    """A cell value that should be a number cannot be read as one."""


class RuleSetError(PerfevalError, ValueError):
    """A rule set cannot be found or its TOML does not describe a valid rule set."""

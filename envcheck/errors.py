"""Errors that end a run with exit code 2 and one clear line, never a traceback."""


class UsageError(Exception):
    """Bad usage, a bad profile or config, or an environment envcheck cannot work in."""

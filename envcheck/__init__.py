"""envcheck: an ops-config linter and pre-deploy validator for apps on containers."""

__version__ = "0.1.0"

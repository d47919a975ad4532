"""Reporters: each turns findings into one output format. None ever sees a secret value."""

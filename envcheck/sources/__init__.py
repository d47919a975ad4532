"""Loaders: each turns one kind of input into model objects, or findings for what it could not read."""

"""What every reader here returns beside its result: the problems, which the index reports as SRC002."""

Problem = tuple[int, str]  # (1-based line, or 0 when there is none; message)

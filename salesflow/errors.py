"""The few exceptions salesflow raises; the CLI turns each into `Error: ...` and an exit code."""


class SalesflowError(Exception):
    """Base of every refusal salesflow reports to the user."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class NotFound(SalesflowError):
    """A business number or SKU that names no record."""


class InvalidValue(SalesflowError):
    """A value that breaks a field's rule (not a number, negative, bad email, ...)."""


class Refused(SalesflowError):
    """A state-machine rule forbids the action for the record's current status."""


class UsageError(SalesflowError):
    """Options that do not fit together."""

    exit_code = 2


class StoreError(SalesflowError):
    """The data file cannot be read or used (corrupt, newer schema, wrong shape)."""

    exit_code = 4


class ConcurrentChange(StoreError):
    """The database ended a command's transaction for a deadlock or a serialization failure:
    nothing of the command was kept, so running it again is safe (the CLI does, a few times)."""


class LockTimeout(StoreError):
    """Another process held the data file's lock past the timeout."""

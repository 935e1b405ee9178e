"""Errors raised by runbase, named like W&B's so ``except wandb.Error`` keeps working."""


class Error(Exception):
    """Base class of every runbase error."""


class UsageError(Error):
    """The SDK was called in a way it cannot honour; the message says what to do."""


class ConfigError(Error):
    """A config change that is not allowed (a changed value without allow_val_change)."""


class CommError(Error):
    """Talking to a runbase server failed."""


class StoreError(CommError):
    """The local store cannot be opened, read or written; the message says what to do."""


class RunNotFound(LookupError):
    """No run at the given path (``runbase.Api`` raises its subclass ``RunNotFoundError``)."""

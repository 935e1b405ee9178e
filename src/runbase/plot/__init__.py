"""``runbase.plot``, as ``wandb.plot``: see ``runbase.sdk.plot``."""

from runbase.sdk.plot import *  # noqa: F403 - the same names, under W&B's path
from runbase.sdk.plot import __all__ as __all__

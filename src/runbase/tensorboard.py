"""``runbase.tensorboard`` (``wandb.tensorboard``): log what TensorBoard writers write.

``runbase.init(sync_tensorboard=True)`` calls ``patch()`` for you; call it yourself
(before creating the ``SummaryWriter``) to pick the writers or set ``root_logdir``.
"""

from __future__ import annotations

from runbase.sdk.tb_sync import patch, unpatch

__all__ = ["patch", "unpatch"]

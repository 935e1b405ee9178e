"""The run's environment: metadata, system metrics, console output and saved files.

```
att = attach(run)        # end of init(), after START: a few milliseconds
save_files(run, "*.pt")  # run.save()
att.detach()             # finish(), before EXIT: bounded waits
```

Nothing here imports psutil, pynvml or subprocess-heavy code at import time;
those load on background threads. See docs/environment.md for every key.
"""

from runbase.sdk.environment.attachment import Attachment, attach, save_files

__all__ = ["Attachment", "attach", "save_files"]

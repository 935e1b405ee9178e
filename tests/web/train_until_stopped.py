"""A training loop that runs until someone stops it (tests/web/test_stop_run.py).

Prints ``ready`` once the run exists, then logs a step every 20 ms for a minute.
"""

import signal
import sys
import time

import runbase

# As a script started from a terminal, whatever started the tests (a background job
# inherits SIGINT ignored; then Stop ends it by SIGTERM: tests/sdk/test_stop_request.py).
signal.signal(signal.SIGINT, signal.default_int_handler)

run = runbase.init(project=sys.argv[1], id=sys.argv[2], name="long training")
print("ready", flush=True)
loss = 2.0
for _step in range(3000):
    loss *= 0.999
    run.log({"loss": loss})
    time.sleep(0.02)
print("the loop ended without being stopped", flush=True)

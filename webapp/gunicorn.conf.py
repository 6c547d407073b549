"""gunicorn's settings for Stepwise: ``gunicorn -c webapp/gunicorn.conf.py``.

The app is loaded once in the master (``preload_app``) and warmed up there (webapp/warmup.py):
every worker starts with the views imported, the resolver built and the templates compiled, so
its first request costs what any other does. Then ``gc.freeze()``: the ~140k objects of the
loaded app are never walked again by the cyclic collector, in the master or in any worker forked
from it, which is what kept full collections at 76-110 ms (docs/BENCHMARKS.md, tail latency).

With ``preload_app`` a code change needs a restart of the master (``HUP`` reloads settings, not
code). Everything can be overridden on the command line or with ``GUNICORN_CMD_ARGS``.
"""

import gc
import os

# The pattern Python's gc documentation gives for pre-fork servers: no collections while the
# master loads and warms the app (so no page it shares with the workers is written by one),
# freeze right before forking, collect again in each child.
gc.disable()

wsgi_app = "webapp.wsgi:application"
bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
preload_app = True
accesslog = os.environ.get("ACCESS_LOG") or None


def when_ready(server) -> None:
    """In the master, app loaded, before the first fork."""
    from webapp.warmup import freeze, warm_up

    warmed = warm_up()
    frozen = freeze()
    server.log.info("warmed up %s; %d objects frozen", warmed, frozen)


def post_fork(server, worker) -> None:
    """In each new worker, frozen heap inherited: collect what its requests leave, as usual."""
    gc.enable()

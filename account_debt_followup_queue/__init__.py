from . import models


def uninstall_hook(env):
    """The batches of the runs still waiting in the queue go with the module: run later, their
    method would be missing and each would fail. The jobs done or failed stay as history."""
    env["queue.job"].search(
        [
            ("model_name", "=", "res.partner"),
            ("method_name", "=", "_debt_run_job"),
            ("state", "in", ("wait_dependencies", "pending", "enqueued", "started")),
        ]
    ).unlink()

"""The request id across Celery: a task published while a request (or another task) runs
carries its id in a message header; the worker runs the task under that id, so the task's
log lines and the tasks it starts in turn belong to the request. A task started by beat has
no request: it runs under an id of its own (its task id)."""
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun

from . import context

HEADER = "request_id"
_tokens: dict[str, object] = {}


@before_task_publish.connect(weak=False)
def _stamp(headers=None, **_):
    request_id = context.current()
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


@task_prerun.connect(weak=False)
def _enter(task_id=None, task=None, **_):
    request_id = getattr(task.request, HEADER, None) if task is not None else None
    if not request_id:
        # An eager task runs inside its caller: keep the caller's id.
        request_id = context.current() or task_id or context.new_id()
    _tokens[task_id] = context.set_current(request_id)


@task_postrun.connect(weak=False)
def _leave(task_id=None, **_):
    token = _tokens.pop(task_id, None)
    if token is not None:
        try:
            context.reset(token)
        except ValueError:  # set in another context (should not happen): clear instead
            context.set_current("")


@setup_logging.connect(weak=False)
def _keep_django_logging(**_):
    """Connected, this stops Celery from replacing the root logger's handlers: the worker and
    beat log through settings.LOGGING (ops.logs), in the same format as every other process."""

"""Two middlewares, first in settings.MIDDLEWARE: the request id, and the request's latency
for /metrics. Both work under WSGI (gunicorn) and ASGI (uvicorn) without a thread hop."""
import logging
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings

from . import context

access_log = logging.getLogger("ops.request")
HEADER = "X-Request-ID"


class HybridMiddleware:
    """A middleware for WSGI and ASGI alike (no thread hop under the ASGI server): subclasses
    override before / after / after_all."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        before = self.before(request)
        try:
            response = self.get_response(request)
        finally:
            self.after_all(request, before)
        return self.after(request, response, before)

    async def _acall(self, request):
        before = self.before(request)
        try:
            response = await self.get_response(request)
        finally:
            self.after_all(request, before)
        return self.after(request, response, before)

    def before(self, request):
        return None

    def after(self, request, response, before):
        return response

    def after_all(self, request, before) -> None:
        pass


class RequestIdMiddleware(HybridMiddleware):
    """X-Request-ID from the proxy (nginx's $request_id) or a new one: on the request
    (request.request_id), in every log line of it, in the tasks it starts, and in the answer."""

    def before(self, request):
        request.request_id = context.accept(request.headers.get(HEADER))
        return context.set_current(request.request_id)

    def after(self, request, response, token):
        response[HEADER] = request.request_id
        return response

    # Not reset here: Django logs a 4xx/5xx ("django.request") after the middlewares returned.
    # request_finished clears it (ops.apps), and the next request sets its own anyway.


class MetricsMiddleware(HybridMiddleware):
    """The request's duration into hotline_http_request_duration_seconds{route, method, status},
    and (settings.OPS_LOG_REQUESTS) one access line per request."""

    def before(self, request):
        return time.perf_counter()

    def after(self, request, response, started):
        from .metrics import observe_request, route_of

        seconds = time.perf_counter() - started
        observe_request(request, response.status_code, seconds)
        if settings.OPS_LOG_REQUESTS:  # gunicorn's access log is off: this line has the request id
            access_log.info("%s %s %s", request.method, request.path, response.status_code,
                            extra={"method": request.method, "path": request.path, "status": response.status_code,
                                   "duration_ms": round(seconds * 1000, 1), "route": route_of(request)})
        return response

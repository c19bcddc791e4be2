"""Domain errors. The API maps each to an HTTP status with a clear message."""


class HotlineError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(HotlineError):
    status_code = 400
    code = "invalid"


class UnsupportedFile(HotlineError):
    """A file whose bytes are not a kind the field takes (checked by content, not name): 415, the
    HTTP status of a payload in an unsupported format. A schema says `format: binary` and cannot
    state which bytes a file may hold; the contract test expects 415 for them (tests/api)."""

    status_code = 415
    code = "unsupported_file"


class NotAllowed(HotlineError):
    """The actor's role may not do this at all (403)."""

    status_code = 403
    code = "permission_denied"


class NotFound(HotlineError):
    """Unknown, or not visible to this actor: the two look the same (404)."""

    status_code = 404
    code = "not_found"


class Conflict(HotlineError):
    """The ticket is not in a state that allows this, usually because someone acted first (409)."""

    status_code = 409
    code = "conflict"


class RecentlyUrged(Conflict):
    """A second 催办 within settings.HOTLINE_URGE_REPEAT_MINUTES, not marked as meant (409).
    Pages ask 仍要催办？; API clients send repeat=true to urge again."""

    code = "recently_urged"

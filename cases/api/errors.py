"""The specification's error format: a list of `code` + `description`.

The HTTP status follows the spec's rule: 404 for resources that do not exist,
403 for a wrong or missing api_key, 400 for any other request that cannot be
fulfilled. The code in the body is the HTTP status, which is what the spec's
examples and the common clients expect.
"""

from django.http import HttpResponse

from .renderers import Many, render


class ApiError(Exception):
    """A refused API call: the HTTP status and one or more descriptions for the user."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


def bad_request(*descriptions: str) -> ApiError:
    return ApiError(400, *descriptions)


def not_found(description: str) -> ApiError:
    return ApiError(404, description)


def forbidden(description: str) -> ApiError:
    return ApiError(403, description)


def error_response(fmt: str, error: ApiError) -> HttpResponse:
    items = [{"code": error.status, "description": text} for text in error.descriptions]
    return render(fmt if fmt == "json" else "xml", "errors", Many("error", items), status=error.status)

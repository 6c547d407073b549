"""OpenAPI additions: the shared error body, declared on every operation.

drf-spectacular documents the success responses it can infer; the error responses every
endpoint can give (unauthenticated, wrong scope, not found, throttled, invalid input) are added
here in one place, so clients and schemathesis both know their shape.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "fields"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
            },
        }
    },
}
ERRORS = {
    "400": "The input is not valid; `fields` says what is wrong.",
    "401": "No credentials, or an unknown or revoked token.",
    "403": "The token's scope or the user's role does not allow this.",
    "404": "No such object, or one of a project the caller cannot see.",
    "405": "The method is not allowed here.",
    "429": "Too many requests; retry after the `Retry-After` header's seconds.",
}
WRITE_ERRORS = {"415": "The request body's media type is not accepted."}
WRITE_METHODS = {"post", "put", "patch"}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            errors = ERRORS | (WRITE_ERRORS if method in WRITE_METHODS else {})
            for status, description in errors.items():
                operation["responses"].setdefault(
                    status, {"description": description, "content": reference}
                )
    return result

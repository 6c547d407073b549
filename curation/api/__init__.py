"""The trainers' REST API (``/api/v1/``): token or session auth, OpenAPI schema at ``/api/schema/``.

Views only translate HTTP into calls of ``curation.services``; who may see what is decided in
``curation.access`` (projects the caller belongs to, narrowed to a token's project; roles; the
``ProjectAccess`` permission with the token's scope), so every endpoint answers 404 for another
project's objects.
"""

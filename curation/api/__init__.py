"""The trainers' REST API (``/api/v1/``): token or session auth, OpenAPI schema at ``/api/schema/``.

Views only translate HTTP into calls of ``curation.services``; who may see what is decided in
``access`` (projects the caller belongs to, narrowed to a token's project) and ``permissions``
(a token's scope), so every endpoint answers 404 for another project's objects.
"""

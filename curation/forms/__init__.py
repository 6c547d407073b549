"""Forms: where the pages' input is validated, one module per stage of the flow.

* ``imports``: an upload, its reading settings, a field mapping.
* ``annotate``: the editor's requests, one small form per operation.
* ``datasets``: a dataset's settings and the builder's choices (which become a ``BuildSpec``).
* ``review``: a reviewer's decisions, the review queue's filters, an adjudication's choices.
* ``learning``: the Segmenter page (learning settings, which field to train).

The few one-field forms of the settings pages (a run's strategy, a member's role, an
invitation, a token) sit beside their views. The API validates its input with serializers.
"""

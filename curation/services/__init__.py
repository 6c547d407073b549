"""Business logic, one package per stage of the flow (see docs/ARCHITECTURE.md).

``imports`` -> ``segmentation`` -> ``annotation`` -> ``datasets`` -> ``delivery``, with
``people`` (members, invitations, tokens) beside them. Views, API views, commands and tasks
only translate their input into calls of these packages' entry points.
"""

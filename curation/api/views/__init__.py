"""API views: each translates HTTP into an access check and a service call, nothing more."""

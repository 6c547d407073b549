"""Domain events other parts of the app react to, without the sender knowing them."""
from django.dispatch import Signal

# Sent once a DatasetVersion is published (after its transaction commits); kwargs: version.
version_published = Signal()

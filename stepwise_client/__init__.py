"""A small client for the Stepwise API: list a dataset's versions, download one (checksums
verified, interrupted downloads resumed), load it as a ``datasets.Dataset``.

    from stepwise_client import Client

    client = Client("https://stepwise.example.org", token="sw_...")
    version = client.version("alpha/gsm-steps", 3)          # or "latest"
    client.download(version, "data/gsm-steps-v3", format="srl")
    train = client.load(version, "srl")                      # the train split

Needs only ``requests``; ``load`` returns a ``datasets.Dataset`` when ``datasets`` is installed,
else a list of row dicts read from the JSON lines files.
"""

from stepwise_client.client import ApiError, Client, RemoteFile, Version
from stepwise_client.transfer import ChecksumMismatch, download_file

__all__ = ["ApiError", "ChecksumMismatch", "Client", "RemoteFile", "Version", "download_file"]

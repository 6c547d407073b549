"""``python -m stepwise_client pull DATASET [--version N] [--format srl] [--dest DIR]``
and ``python -m stepwise_client versions DATASET``.

The server and token come from ``--url`` / ``--token`` or ``$STEPWISE_URL`` / ``$STEPWISE_TOKEN``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from stepwise_client.client import ApiError, Client
from stepwise_client.transfer import ChecksumMismatch


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args, Client(args.url, args.token))
    except ApiError as error:
        print(error, file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, client: Client) -> int:
    if args.command == "versions":
        for version in client.versions(args.dataset):
            print(f"{version.dataset} v{version.number}  {version.published_at}")
        return 0
    version = client.version(args.dataset, args.version)
    dest = args.dest or args.dataset.replace("/", "-") + f"-v{version.number}"
    try:
        client.download(version, dest, format=args.format)
    except ChecksumMismatch as error:
        print(f"checksum mismatch: {error}", file=sys.stderr)
        return 1
    print(
        f"{version.dataset} v{version.number} ({args.format or 'all formats'}) in {dest}, "
        "checksums verified"
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m stepwise_client", description="Pull Stepwise dataset versions."
    )
    parser.add_argument("--url", default=os.environ.get("STEPWISE_URL", "http://localhost:8000"))
    parser.add_argument("--token", default=None, help="default: $STEPWISE_TOKEN")
    commands = parser.add_subparsers(dest="command", required=True)
    pull = commands.add_parser("pull", help="download a version, checksums verified")
    pull.add_argument("dataset", help="project/name")
    pull.add_argument("--version", default="latest", help="a number, or latest (default)")
    pull.add_argument(
        "--format", default=None, help="only this format's files (srl, prm, sft, steps)"
    )
    pull.add_argument("--dest", default=None, help="default: ./PROJECT-NAME-vN")
    versions = commands.add_parser("versions", help="list the published versions")
    versions.add_argument("dataset", help="project/name")
    return parser


if __name__ == "__main__":
    sys.exit(main())

"""``Client.load`` downloads only what it loads: the dataset card and one split's file in one
container, into a cache the caller can move (``cache_dir=`` or ``$STEPWISE_CACHE``)."""
from __future__ import annotations

from pathlib import Path

import pytest

from curation.models import ApiToken
from stepwise_client import Client
from tests.api.conftest import publish_version, token_for

pytestmark = pytest.mark.django_db(transaction=True)
DATASET = "alpha/gsm-steps"


@pytest.fixture
def client(live_server, lead, version, tmp_path) -> Client:
    return Client(live_server.url, token_for(lead, ApiToken.Scope.READ),
                  cache_dir=tmp_path / "cache")


def fetched_files(client: Client) -> list[str]:
    """The version-relative path of every file the client downloads from now on."""
    seen: list[str] = []

    def record(response, *args, **kwargs):
        marker = "/files/"
        if marker in response.url:
            seen.append(response.url.split(marker, 1)[1])

    client.session.hooks["response"].append(record)
    return seen


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_load_fetches_the_card_and_the_parquet_file_of_one_split(client, tmp_path):
    seen = fetched_files(client)

    client.load(client.version(DATASET, 1), "prm", split="train", cache_dir=str(tmp_path / "hf"))

    assert sorted(seen) == ["README.md", "prm/data/train-00000-of-00001.parquet"]


def test_load_falls_back_to_jsonl_when_the_version_has_no_parquet(client, dataset, tmp_path):
    publish_version(dataset, 2, containers=("jsonl",))
    seen = fetched_files(client)

    client.load(client.version(DATASET, 2), "srl", cache_dir=str(tmp_path / "hf"))

    assert sorted(seen) == ["README.md", "srl/data/train-00000-of-00001.jsonl"]


def test_a_named_container_is_the_only_one_fetched(client, tmp_path):
    seen = fetched_files(client)

    client.load(client.version(DATASET, 1), "srl", container="jsonl",
                cache_dir=str(tmp_path / "hf"))

    assert seen == ["README.md", "srl/data/train-00000-of-00001.jsonl"]


def test_a_second_load_of_the_same_split_fetches_nothing(client, tmp_path):
    version = client.version(DATASET, 1)
    client.load(version, "srl", cache_dir=str(tmp_path / "hf"))
    seen = fetched_files(client)

    client.load(version, "srl", cache_dir=str(tmp_path / "hf"))

    assert seen == []


def test_files_go_under_the_clients_cache_dir(client, tmp_path):
    client.load(client.version(DATASET, 1), "srl", cache_dir=str(tmp_path / "hf"))

    root = tmp_path / "cache" / DATASET / "v1"
    assert files_under(root) == {
        "README.md", "manifest.json", "srl/data/train-00000-of-00001.parquet"
    }


def test_the_cache_follows_stepwise_cache_when_no_dir_is_given(
    live_server, lead, version, tmp_path, monkeypatch
):
    monkeypatch.setenv("STEPWISE_CACHE", str(tmp_path / "env-cache"))
    client = Client(live_server.url, token_for(lead, ApiToken.Scope.READ))

    client.load(client.version(DATASET, 1), "srl", cache_dir=str(tmp_path / "hf"))

    assert (tmp_path / "env-cache" / DATASET / "v1" / "manifest.json").is_file()


def test_a_split_the_version_lacks_is_named_in_the_error(client):
    with pytest.raises(FileNotFoundError, match="no train split of format 'sft'"):
        client.load(client.version(DATASET, 1), "sft")

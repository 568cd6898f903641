"""Reference fixtures for OpenLoRA's model math, produced by transformers and PEFT.

Writes small seeded models of every architecture and config form OpenLoRA claims, PEFT adapters
with random non-zero B (PEFT initialises B to zero, which would make an adapter a no-op), and the
logits transformers (+ PEFT) computes for a fixed token sequence, to
openlora/src/test/resources/reference/. ReferenceModelsTest loads the same files with OpenLoRA and
compares every position's logits to 1e-4.

Run once when a case is added (CI needs only the committed output):
    python -m venv /tmp/ref && /tmp/ref/bin/pip install torch transformers peft safetensors
    /tmp/ref/bin/python openlora/src/test/python/reference_models.py
"""

import json
import math
import os
import shutil
import sys

import peft
import torch
import transformers
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoModelForCausalLM, LlamaConfig, MistralConfig, Qwen2Config

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "reference")
SEQUENCE_LENGTH = 14

SMALL = dict(
    hidden_size=32,
    intermediate_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    vocab_size=64,
    rms_norm_eps=1e-5,
    bos_token_id=1,
    eos_token_id=2,
)

LLAMA3_ROPE = {
    "rope_type": "llama3",
    "factor": 8.0,
    "low_freq_factor": 1.0,
    "high_freq_factor": 4.0,
    "original_max_position_embeddings": 64,
}


def models():
    """(name, config class, kwargs, seed, transformers-4 form?, what it checks)."""
    return [
        (
            "llama_t4_llama3",
            LlamaConfig,
            dict(SMALL, max_position_embeddings=256, rope_theta=10000.0, rope_scaling=LLAMA3_ROPE),
            11,
            True,
            "Llama 3.1-style rope_scaling llama3 as transformers 4 writes it (rope_theta + rope_scaling)",
        ),
        (
            "llama_t5_llama3",
            LlamaConfig,
            dict(
                SMALL,
                max_position_embeddings=256,
                rope_parameters=dict(LLAMA3_ROPE, rope_theta=10000.0),
                tie_word_embeddings=True,
            ),
            12,
            False,
            "the same rope as transformers 5 writes it (rope_parameters), tied embeddings",
        ),
        (
            "llama_t5_linear",
            LlamaConfig,
            dict(
                SMALL,
                max_position_embeddings=128,
                rope_parameters={"rope_type": "linear", "factor": 2.0, "rope_theta": 10000.0},
            ),
            13,
            False,
            "linear rope scaling",
        ),
        (
            "llama_t5_dynamic",
            LlamaConfig,
            dict(
                SMALL,
                max_position_embeddings=64,
                rope_parameters={"rope_type": "dynamic", "factor": 4.0, "rope_theta": 10000.0},
            ),
            14,
            False,
            "dynamic NTK rope within max_position_embeddings",
        ),
        (
            "qwen2_t4",
            Qwen2Config,
            dict(
                SMALL,
                max_position_embeddings=128,
                rope_theta=1000000.0,
                use_sliding_window=False,
                sliding_window=4096,
                max_window_layers=28,
                tie_word_embeddings=True,
            ),
            21,
            True,
            "Qwen2 (q/k/v biases) as transformers 4 writes it, sliding window off",
        ),
        (
            "qwen2_t5_yarn_swa",
            Qwen2Config,
            dict(
                SMALL,
                max_position_embeddings=128,
                rope_parameters={
                    "rope_type": "yarn",
                    "factor": 4.0,
                    "original_max_position_embeddings": 32,
                    "rope_theta": 10000.0,
                },
                use_sliding_window=True,
                sliding_window=5,
                max_window_layers=1,
            ),
            22,
            False,
            "Qwen2 with yarn rope and a sliding window on layers from max_window_layers on",
        ),
        (
            "mistral_t5_swa",
            MistralConfig,
            dict(SMALL, head_dim=12, max_position_embeddings=256, sliding_window=5),
            31,
            False,
            "Mistral with sliding-window attention on every layer and head_dim != hidden / heads",
        ),
    ]


def adapters():
    """(name, model, LoraConfig kwargs, seed, config.json edits after saving, what it checks)."""
    return [
        (
            "lora_qv",
            "llama_t5_llama3",
            dict(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"]),
            101,
            {"fan_in_fan_out": True},
            "q and v at rank 8; fan_in_fan_out true, which PEFT turns off for nn.Linear",
        ),
        (
            "lora_patterns",
            "llama_t5_llama3",
            dict(
                r=4,
                lora_alpha=8,
                target_modules=[
                    "q_proj",
                    "k_proj",
                    "v_proj",
                    "o_proj",
                    "gate_proj",
                    "up_proj",
                    "down_proj",
                ],
                rank_pattern={"layers.1.self_attn.o_proj": 2, "down_proj": 6},
                alpha_pattern={"model.layers.0.mlp.up_proj": 3, "v_proj": 32, "up_proj": 5},
            ),
            102,
            {},
            "per-layer and per-module rank_pattern / alpha_pattern keys, the first match winning",
        ),
        (
            "lora_rslora",
            "llama_t4_llama3",
            dict(r=8, lora_alpha=4, use_rslora=True, target_modules="all-linear"),
            103,
            {},
            "rsLoRA (alpha / sqrt(r)) on all-linear",
        ),
        (
            "lora_regex",
            "llama_t5_linear",
            dict(r=4, lora_alpha=8, target_modules=r".*\.layers\.1\.self_attn\.(q|k)_proj"),
            104,
            {},
            "target_modules as a regex selecting one layer",
        ),
        (
            "lora_layers",
            "llama_t5_dynamic",
            dict(
                r=4,
                lora_alpha=6,
                target_modules=["o_proj", "gate_proj", "up_proj"],
                layers_to_transform=[0],
                exclude_modules=["up_proj"],
            ),
            105,
            {},
            "layers_to_transform and exclude_modules",
        ),
        (
            "lora_qwen2",
            "qwen2_t5_yarn_swa",
            dict(r=4, lora_alpha=8, target_modules=["q_proj", "k_proj", "v_proj", "down_proj"]),
            106,
            {},
            "LoRA over Qwen2's biased projections",
        ),
        (
            "lora_mistral",
            "mistral_t5_swa",
            dict(r=4, lora_alpha=16, target_modules="all-linear"),
            107,
            {},
            "all-linear on Mistral",
        ),
    ]


def randomize(model, seed):
    """Weights large enough that every part of the math moves the logits."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.3 * torch.randn(p.shape, generator=g))
            elif "embed_tokens" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[-1]))


def to_transformers4_form(config_path):
    """Rewrites config.json as transformers 4 saves it: rope_theta + rope_scaling, no layer_types."""
    with open(config_path) as f:
        c = json.load(f)
    rope = c.pop("rope_parameters")
    c["rope_theta"] = rope.pop("rope_theta")
    rope_type = rope.get("rope_type", "default")
    c["rope_scaling"] = None if rope_type == "default" else rope
    c.pop("layer_types", None)
    if c["model_type"] == "qwen2" and c.get("sliding_window") is None:
        c["sliding_window"] = 4096  # transformers 4 kept the value with use_sliding_window false
    c["transformers_version"] = "4.46.3"
    c["torch_dtype"] = c.pop("dtype", "float32")
    with open(config_path, "w") as f:
        json.dump(c, f, indent=2, sort_keys=True)
        f.write("\n")


def logits_of(model, tokens):
    with torch.no_grad():
        out = model(torch.tensor([tokens])).logits[0]
    return [[float(f"{x:.7g}") for x in row] for row in out.tolist()]


def load(model_dir):
    return AutoModelForCausalLM.from_pretrained(
        model_dir, dtype=torch.float32, attn_implementation="eager"
    ).eval()


def write_model(name, cls, kwargs, seed, t4, tokens):
    model_dir = os.path.join(OUT, "models", name)
    shutil.rmtree(model_dir, ignore_errors=True)
    torch.manual_seed(seed)
    config = cls(**kwargs)
    model = AutoModelForCausalLM.from_config(config, attn_implementation="eager").float()
    randomize(model, seed)
    model.save_pretrained(model_dir)
    for extra in ("generation_config.json",):
        if os.path.exists(os.path.join(model_dir, extra)):
            os.remove(os.path.join(model_dir, extra))
    if t4:
        to_transformers4_form(os.path.join(model_dir, "config.json"))
    # the reference is what transformers computes from the directory as saved
    return logits_of(load(model_dir), tokens)


def write_adapter(name, model_name, lora_kwargs, seed, edits, tokens):
    model_dir = os.path.join(OUT, "models", model_name)
    adapter_dir = os.path.join(OUT, "adapters", name)
    shutil.rmtree(adapter_dir, ignore_errors=True)
    torch.manual_seed(seed)
    peft_model = get_peft_model(load(model_dir), LoraConfig(task_type="CAUSAL_LM", **lora_kwargs))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for pname, p in peft_model.named_parameters():
            if "lora_A" in pname:
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[1]))
            elif "lora_B" in pname:
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[1]))
    peft_model.save_pretrained(adapter_dir)
    cfg_path = os.path.join(adapter_dir, "adapter_config.json")
    with open(cfg_path) as f:
        cfg = json.load(f)
    cfg["base_model_name_or_path"] = model_name  # not this machine's path
    if isinstance(cfg["target_modules"], list):
        cfg["target_modules"] = sorted(cfg["target_modules"])  # a set in PEFT: stable bytes
    cfg.update(edits)
    with open(cfg_path, "w") as f:
        json.dump(cfg, f, indent=2)  # key order kept: the first matching pattern key wins
        f.write("\n")
    readme = os.path.join(adapter_dir, "README.md")
    if os.path.exists(readme):
        os.remove(readme)
    reference = PeftModel.from_pretrained(load(model_dir), adapter_dir).eval()
    return logits_of(reference, tokens)


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(7)
    tokens = torch.randint(0, SMALL["vocab_size"], (SEQUENCE_LENGTH,), generator=g).tolist()
    cases = {
        "generator": "openlora/src/test/python/reference_models.py",
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "peft": peft.__version__,
        },
        "tokens": tokens,
        "models": [],
        "adapters": [],
    }
    for name, cls, kwargs, seed, t4, what in models():
        print("model", name, file=sys.stderr)
        logits = write_model(name, cls, kwargs, seed, t4, tokens)
        cases["models"].append({"name": name, "checks": what, "logits": logits})
    for name, model_name, kwargs, seed, edits, what in adapters():
        print("adapter", name, file=sys.stderr)
        logits = write_adapter(name, model_name, kwargs, seed, edits, tokens)
        cases["adapters"].append(
            {"name": name, "model": model_name, "checks": what, "logits": logits}
        )
    with open(os.path.join(OUT, "models.json"), "w") as f:
        json.dump(cases, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()

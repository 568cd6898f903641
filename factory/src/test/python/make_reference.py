#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures the Java trainer is checked against.

Run once (CI never runs it), from the repository root:

    /work/venv-torch/bin/python factory/src/test/python/make_reference.py

Output: factory/src/test/resources/reference/<case>/ for the cases
full-gqa-untied, full-tied, lora and lora-rslora, each holding

    model/             transformers save_pretrained(safe_serialization=True), F32
    adapter/           (lora cases) PEFT save_pretrained of the initial adapter
    batch.json         {"sequences": [[tok, ...], ...]}  3 sequences, 5..12 tokens
    expected.json      {"lossSums": [...], "adamw": {...}}
    grads.safetensors  d(sum of lossSums)/d(param) at the initial parameters, F32
    after.safetensors  every trainable parameter after the AdamW steps, F32

The model math is Hugging Face's own (LlamaForCausalLM, eager attention, float32); the loss is
computed here from the logits in float64: for a sequence t[0..n-1], the SUM over positions
1..n-1 of -log softmax(logits[i-1])[t[i]]. Each sequence runs alone (batch of one, no padding,
no attention mask), so nothing depends on how padding is masked.
"""

import json
import math
import os
import random
import sys
from pathlib import Path

import numpy as np
import torch
import transformers
import peft
import safetensors
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM, get_cosine_schedule_with_warmup
from peft import LoraConfig, get_peft_model

SEED = 20261202
OUT = Path(__file__).resolve().parents[1] / "resources" / "reference"

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

# One optimizer recipe for every case (only the learning rate differs between full and LoRA).
BETAS = (0.9, 0.999)
EPS = 1e-8
WEIGHT_DECAY = 0.1
WARMUP_STEPS = 2
TOTAL_STEPS = 5
# Chosen below the first gradient norms of these tiny models so that clipping is exercised.
CLIP_NORM = 1.0


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def llama_config(tied, kv_heads):
    cfg = LlamaConfig(
        vocab_size=64,
        hidden_size=32,
        intermediate_size=48,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=kv_heads,
        head_dim=8,
        max_position_embeddings=64,
        rms_norm_eps=1e-5,
        rope_theta=10000.0,
        hidden_act="silu",
        tie_word_embeddings=tied,
        attention_bias=False,
        mlp_bias=False,
        bos_token_id=1,
        eos_token_id=2,
    )
    cfg._attn_implementation = "eager"
    return cfg


def build_model(tied, kv_heads, seed):
    """A seeded tiny Llama, weights drawn so that every tensor (norms too) matters."""
    seed_all(seed)
    cfg = llama_config(tied, kv_heads)
    model = LlamaForCausalLM(cfg).to(torch.float32)
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation("eager")
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                # RMSNorm weights away from 1 so their gradient is tested with a non-trivial value.
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif name == "model.embed_tokens.weight":
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            else:
                fan_in = p.shape[1]
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(fan_in))
    model.eval()  # no dropout anywhere (attention_dropout is 0 anyway)
    return model


def make_batch(seed, vocab):
    g = torch.Generator().manual_seed(seed + 1)
    lengths = [5, 9, 12]
    return [torch.randint(0, vocab, (n,), generator=g).tolist() for n in lengths]


def loss_sum(model, seq):
    """SUM of next-token cross-entropy over positions 1..n-1, in float64 from float32 logits."""
    ids = torch.tensor([seq], dtype=torch.long)
    logits = model(input_ids=ids, use_cache=False).logits[0]  # [n, vocab] float32
    logp = torch.log_softmax(logits[:-1].to(torch.float64), dim=-1)  # [n-1, vocab] float64
    tgt = ids[0, 1:]
    return -logp.gather(1, tgt.unsqueeze(1)).sum()


def trainable(model, rename):
    """(saved name, parameter) for every trainable parameter, in a fixed order."""
    out = []
    for name, p in model.named_parameters():
        if p.requires_grad:
            out.append((rename(name), p))
    return out


def tensors(named, take):
    return {n: take(p).detach().to(torch.float32).contiguous().clone() for n, p in named}


def run_case(case, model, named, lr, seqs, extra):
    """Losses, gradients at the initial parameters, then TOTAL_STEPS AdamW steps."""
    d = OUT / case
    d.mkdir(parents=True, exist_ok=True)
    params = [p for _, p in named]

    # Gradient of the summed loss over the 3 sequences, at the initial parameters.
    for p in params:
        p.grad = None
    sums = []
    for s in seqs:
        ls = loss_sum(model, s)
        ls.backward()
        sums.append(ls.item())
    save_file(tensors(named, lambda p: p.grad), str(d / "grads.safetensors"))
    for p in params:
        p.grad = None

    targets = sum(len(s) - 1 for s in seqs)
    opt = torch.optim.AdamW(
        params, lr=lr, betas=BETAS, eps=EPS, weight_decay=WEIGHT_DECAY, foreach=False
    )
    sched = get_cosine_schedule_with_warmup(opt, WARMUP_STEPS, TOTAL_STEPS)
    losses = []
    norms = []
    lrs = []
    for _ in range(TOTAL_STEPS):
        opt.zero_grad(set_to_none=True)
        total = torch.zeros((), dtype=torch.float64)
        for s in seqs:
            total = total + loss_sum(model, s)
        objective = total / targets
        objective.backward()
        losses.append(objective.item())
        norms.append(torch.nn.utils.clip_grad_norm_(params, CLIP_NORM).item())
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    save_file(tensors(named, lambda p: p), str(d / "after.safetensors"))

    with open(d / "batch.json", "w") as f:
        json.dump({"sequences": seqs}, f)
        f.write("\n")
    expected = {
        "lossSums": sums,
        "targets": targets,
        "adamw": {
            "lr": lr,
            "betas": list(BETAS),
            "eps": EPS,
            "weightDecay": WEIGHT_DECAY,
            "decayAll": True,
            "clipNorm": CLIP_NORM,
            "warmupSteps": WARMUP_STEPS,
            "totalSteps": TOTAL_STEPS,
            "minLrRatio": 0.0,
            "schedule": "transformers.get_cosine_schedule_with_warmup",
            "lrPerStep": lrs,
            "lossesPerStep": losses,
            "gradNormsPerStep": norms,
        },
        "trainable": [n for n, _ in named],
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "peft": peft.__version__,
            "safetensors": safetensors.__version__,
            "numpy": np.__version__,
        },
        "seed": SEED,
    }
    expected.update(extra)
    with open(d / "expected.json", "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(case, "lossSums", sums, "losses", losses, "norms", norms, file=sys.stderr)


def full_case(case, tied, kv_heads, seed):
    model = build_model(tied, kv_heads, seed)
    model.save_pretrained(OUT / case / "model", safe_serialization=True)
    seqs = make_batch(seed, model.config.vocab_size)
    named = trainable(model, lambda n: n)
    run_case(case, model, named, 1e-2, seqs, {"mode": "full"})


def lora_case(case, rslora, seed):
    model = build_model(False, 2, seed)
    model.save_pretrained(OUT / case / "model", safe_serialization=True)
    seqs = make_batch(seed, model.config.vocab_size)
    torch.manual_seed(seed + 2)  # PEFT draws A and B from the global generator
    lc = LoraConfig(
        r=4,
        lora_alpha=8,
        lora_dropout=0.0,
        target_modules=TARGETS,
        bias="none",
        init_lora_weights=False,
        use_rslora=rslora,
        task_type="CAUSAL_LM",
    )
    pm = get_peft_model(model, lc)
    pm.peft_config["default"].base_model_name_or_path = "model"
    pm.save_pretrained(OUT / case / "adapter", safe_serialization=True)
    (OUT / case / "adapter" / "README.md").unlink()  # PEFT's model card template, not needed
    named = trainable(pm, lambda n: n.replace(".default.", "."))
    scale = 8 / math.sqrt(4) if rslora else 8 / 4
    run_case(
        case, pm, named, 2e-2, seqs, {"mode": "lora", "rank": 4, "alpha": 8, "scale": scale}
    )


def main():
    # PEFT stores target_modules as a set; a fixed hash seed keeps adapter_config.json's order.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    full_case("full-gqa-untied", tied=False, kv_heads=2, seed=SEED)
    full_case("full-tied", tied=True, kv_heads=4, seed=SEED + 10)
    lora_case("lora", rslora=False, seed=SEED + 20)
    lora_case("lora-rslora", rslora=True, seed=SEED + 20)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""PyTorch (CPU) training throughput for the shapes `openledger bench train` measures.

    bench_train.py --model lora100m|scratch --threads N --seq-len L --batch B --steps S

lora100m: OpenLoRA's ModelSpec.bench100M() shape (vocab 8192, hidden 768, intermediate 2560,
12 layers, 12 heads, 4 KV heads, untied head, rope_theta 10000) with a PEFT LoRA of rank 16
(alpha 32) on all seven projections; only lora_A / lora_B are trained.
scratch: hidden 256, 4 layers, 4 heads, 4 KV heads, intermediate 688, vocab 2048 (tied unless
--untied), every tensor trained.

One step: forward and backward of B random sequences of L tokens (mean next-token cross-entropy,
as transformers computes it from labels), clip_grad_norm_(1.0), AdamW step, cosine schedule.
--warmup steps run first and are not timed. Prints one JSON line; tokensPerSecond counts the B*L
input tokens of each timed step.
"""

import argparse
import json
import math
import platform
import time

import torch
import transformers
import peft
from transformers import LlamaConfig, LlamaForCausalLM, get_cosine_schedule_with_warmup
from peft import LoraConfig, get_peft_model

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def config(args):
    if args.model == "lora100m":
        shape = dict(
            vocab_size=8192,
            hidden_size=768,
            intermediate_size=2560,
            num_hidden_layers=12,
            num_attention_heads=12,
            num_key_value_heads=4,
            max_position_embeddings=2048,
            tie_word_embeddings=False,
        )
    else:
        shape = dict(
            vocab_size=2048,
            hidden_size=256,
            intermediate_size=688,
            num_hidden_layers=4,
            num_attention_heads=4,
            num_key_value_heads=4,
            max_position_embeddings=max(2048, args.seq_len),
            tie_word_embeddings=not args.untied,
        )
    cfg = LlamaConfig(
        rms_norm_eps=1e-5,
        rope_theta=10000.0,
        hidden_act="silu",
        attention_bias=False,
        mlp_bias=False,
        use_cache=False,
        **shape,
    )
    cfg._attn_implementation = "eager"
    return cfg


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=["lora100m", "scratch"], default="lora100m")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seq-len", type=int, default=256)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps run first")
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--untied", action="store_true", help="scratch: untied lm_head")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)

    cfg = config(args)
    model = LlamaForCausalLM(cfg).to(torch.float32)
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation("eager")
    if args.model == "lora100m":
        lc = LoraConfig(
            r=args.rank,
            lora_alpha=2 * args.rank,
            lora_dropout=0.0,
            target_modules=TARGETS,
            bias="none",
            task_type="CAUSAL_LM",
        )
        model = get_peft_model(model, lc)
        lr = args.lr if args.lr is not None else 2e-4
    else:
        lr = args.lr if args.lr is not None else 1e-3
    model.train()

    params = [p for p in model.parameters() if p.requires_grad]
    total_params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in params)
    opt = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    all_steps = args.warmup + args.steps
    sched = get_cosine_schedule_with_warmup(opt, max(1, all_steps // 10), all_steps)

    g = torch.Generator().manual_seed(args.seed + 1)
    batches = [
        torch.randint(0, cfg.vocab_size, (args.batch, args.seq_len), generator=g)
        for _ in range(min(all_steps, 8))
    ]

    def step(k):
        ids = batches[k % len(batches)]
        opt.zero_grad(set_to_none=True)
        loss = model(input_ids=ids, labels=ids, use_cache=False).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        return loss.item()

    losses = []
    for k in range(args.warmup):
        losses.append(step(k))
    t0 = time.perf_counter()
    for k in range(args.warmup, all_steps):
        losses.append(step(k))
    seconds = time.perf_counter() - t0

    tokens = args.batch * args.seq_len * args.steps
    print(
        json.dumps(
            {
                "tokensPerSecond": tokens / seconds,
                "threads": args.threads,
                "model": args.model,
                "mode": "lora" if args.model == "lora100m" else "from-scratch",
                "rank": args.rank if args.model == "lora100m" else None,
                "seqLen": args.seq_len,
                "batch": args.batch,
                "steps": args.steps,
                "warmupSteps": args.warmup,
                "tokens": tokens,
                "seconds": seconds,
                "parameters": total_params,
                "trainableParameters": trainable,
                "tiedEmbeddings": bool(cfg.tie_word_embeddings),
                "firstLoss": losses[0],
                "lastLoss": losses[-1],
                "finite": all(math.isfinite(x) for x in losses),
                "torch": torch.__version__,
                "transformers": transformers.__version__,
                "peft": peft.__version__,
                "cpu": platform.processor() or platform.machine(),
            }
        )
    )


if __name__ == "__main__":
    main()

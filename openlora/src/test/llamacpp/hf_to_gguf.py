"""Writes a GGUF file for llama.cpp from a Hugging Face Llama directory (config.json,
model.safetensors, tokenizer.json), for the side-by-side speed comparison (compare.sh).

Only what the generated benchmark models use is supported (LlamaForCausalLM, byte-level BPE
tokenizer, untied or tied embeddings, no rope scaling, no biases); anything else is refused with the
key named. q_proj and k_proj rows are permuted from Hugging Face's rotate_half layout to the
interleaved pairs llama.cpp's LLaMA RoPE expects, as llama.cpp's own convert_hf_to_gguf.py does.

    python hf_to_gguf.py MODEL_DIR OUT.gguf {f32,f16,q8_0}

Needs numpy, safetensors and gguf (pip install gguf safetensors).
"""

import json
import os
import sys

import gguf
import numpy as np
from safetensors.numpy import load_file

FILE_TYPES = {
    "f32": (gguf.LlamaFileType.ALL_F32, gguf.GGMLQuantizationType.F32),
    "f16": (gguf.LlamaFileType.MOSTLY_F16, gguf.GGMLQuantizationType.F16),
    "q8_0": (gguf.LlamaFileType.MOSTLY_Q8_0, gguf.GGMLQuantizationType.Q8_0),
}

UNDERSTOOD = {
    "architectures", "model_type", "hidden_size", "intermediate_size", "num_hidden_layers",
    "num_attention_heads", "num_key_value_heads", "max_position_embeddings", "rms_norm_eps",
    "rope_theta", "vocab_size", "bos_token_id", "eos_token_id", "tie_word_embeddings",
    "torch_dtype", "dtype", "hidden_act", "_name_or_path", "transformers_version", "head_dim",
    "attention_bias", "mlp_bias", "rope_scaling", "attention_dropout", "initializer_range",
    "pretraining_tp", "use_cache", "pad_token_id",
}


def refuse(why):
    sys.exit("hf_to_gguf: " + why)


def permute(w, n_head):
    """[n_head * head_dim, in] rotate_half rows -> interleaved pairs, per head."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def main(model_dir, out, kind):
    if kind not in FILE_TYPES:
        refuse("file type must be one of " + ", ".join(FILE_TYPES) + ", got " + kind)
    file_type, weight_type = FILE_TYPES[kind]
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    if cfg.get("architectures") != ["LlamaForCausalLM"]:
        refuse("only LlamaForCausalLM is supported, got architectures=%s" % cfg.get("architectures"))
    unknown = sorted(set(cfg) - UNDERSTOOD)
    if unknown:
        refuse("config.json keys not understood: " + ", ".join(unknown))
    if cfg.get("rope_scaling") or cfg.get("attention_bias") or cfg.get("mlp_bias"):
        refuse("rope_scaling, attention_bias and mlp_bias are not supported")
    if cfg.get("hidden_act", "silu") != "silu":
        refuse("hidden_act must be silu")
    n_head = cfg["num_attention_heads"]
    n_kv = cfg.get("num_key_value_heads", n_head)
    dim = cfg["hidden_size"]
    head_dim = cfg.get("head_dim", dim // n_head)
    if head_dim != dim // n_head:
        refuse("head_dim other than hidden_size / num_attention_heads is not supported")

    w = gguf.GGUFWriter(out, "llama")
    w.add_name(os.path.basename(os.path.normpath(model_dir)))
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(dim)
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_rope_dimension_count(head_dim)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    w.add_rope_freq_base(cfg.get("rope_theta", 10000.0))
    w.add_vocab_size(cfg["vocab_size"])
    w.add_file_type(file_type)
    add_tokenizer(w, model_dir, cfg)

    tensors = load_file(os.path.join(model_dir, "model.safetensors"))
    tied = cfg.get("tie_word_embeddings", False) or "lm_head.weight" not in tensors
    names = {
        "model.embed_tokens.weight": "token_embd.weight",
        "model.norm.weight": "output_norm.weight",
        "lm_head.weight": "output.weight",
    }
    per_layer = {
        "input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
        "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
        "post_attention_layernorm": "ffn_norm", "mlp.gate_proj": "ffn_gate",
        "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down",
    }
    for l in range(cfg["num_hidden_layers"]):
        for hf, gg in per_layer.items():
            names["model.layers.%d.%s.weight" % (l, hf)] = "blk.%d.%s.weight" % (l, gg)
    extra = sorted(set(tensors) - set(names))
    if extra:
        refuse("tensors not understood: " + ", ".join(extra[:5]))
    for hf, gg in names.items():
        if hf not in tensors:
            if hf == "lm_head.weight" and tied:
                continue
            refuse("missing tensor " + hf)
        t = tensors[hf].astype(np.float32)
        if hf.endswith("q_proj.weight"):
            t = permute(t, n_head)
        elif hf.endswith("k_proj.weight"):
            t = permute(t, n_kv)
        if t.ndim == 1:
            w.add_tensor(gg, t)  # norms stay f32, as llama.cpp's converter keeps them
        elif weight_type == gguf.GGMLQuantizationType.F32:
            w.add_tensor(gg, t)
        elif weight_type == gguf.GGMLQuantizationType.F16:
            w.add_tensor(gg, t.astype(np.float16))
        else:
            q = gguf.quants.quantize(t, weight_type)
            w.add_tensor(gg, q, raw_dtype=weight_type)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def add_tokenizer(w, model_dir, cfg):
    tok = json.load(open(os.path.join(model_dir, "tokenizer.json")))
    model = tok["model"]
    if model.get("type") != "BPE":
        refuse("tokenizer.json model.type must be BPE, got %s" % model.get("type"))
    vocab = dict(model["vocab"])
    special = set()
    for a in tok.get("added_tokens", []):
        vocab[a["content"]] = a["id"]
        if a.get("special"):
            special.add(a["id"])
    size = cfg["vocab_size"]
    tokens = ["[PAD%d]" % i for i in range(size)]
    types = [gguf.TokenType.UNUSED] * size
    for text, i in vocab.items():
        if i >= size:
            refuse("token id %d beyond vocab_size %d" % (i, size))
        tokens[i] = text
        types[i] = gguf.TokenType.CONTROL if i in special else gguf.TokenType.NORMAL
    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges", [])]
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    if cfg.get("bos_token_id") is not None:
        w.add_bos_token_id(cfg["bos_token_id"])
    if cfg.get("eos_token_id") is not None:
        w.add_eos_token_id(cfg["eos_token_id"])
    w.add_add_bos_token(False)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3])

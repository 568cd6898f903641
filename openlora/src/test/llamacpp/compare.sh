#!/usr/bin/env bash
# OpenLoRA against llama.cpp on the same generated model, same machine, same threads: prefill and
# single-stream decode tokens/s of OpenLoRA's F32 and int8 weights and llama.cpp's F32, F16 and
# Q8_0 GGUF files (written from the same Hugging Face directory by hf_to_gguf.py).
#
#   openlora/src/test/llamacpp/compare.sh [WORK_DIR]          (default /tmp/openlora-vs-llamacpp)
#
# Environment: THREADS ("1 2"), ROUNDS (3: engines alternate round by round, so both see the same
# machine), RUNS (5 measured runs per figure and round), PROMPT (128 tokens), DECODE (64 tokens),
# OPENLEDGER (the command, default ./openledger), PYTHON (one with numpy, safetensors and gguf;
# default python3), LLAMA_DIR (where node-llama-cpp@3.21.1 is installed with npm, default
# WORK_DIR/node-llama-cpp; needs node >= 20 and the npm registry the first time).
#
# First the conversion is checked: llama.cpp must reproduce OpenLoRA's greedy tokens and top-1
# probabilities on the F32 file (bench.mjs --check), or the script stops. Prints one table of the
# medians over rounds and OpenLoRA / llama.cpp ratios; every run's JSON stays under WORK_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
work=${1:-/tmp/openlora-vs-llamacpp}
threads=${THREADS:-1 2}
rounds=${ROUNDS:-3}
runs=${RUNS:-5}
prompt=${PROMPT:-128}
decode=${DECODE:-64}
openledger=${OPENLEDGER:-$root/openledger}
python=${PYTHON:-python3}
llama_dir=${LLAMA_DIR:-$work/node-llama-cpp}
model=bench-llama-100m
mkdir -p "$work/runs"

say() { echo "[compare] $*" >&2; }

say "model and OpenLoRA's reference continuation"
"$openledger" bench openlora --speed --work-dir "$work" --speed-formats F32 --speed-threads 1 \
  --repeats 1 --prompt-tokens 4 --decode-tokens 2 --check-out "$work/check.json" --json >/dev/null

if [ ! -d "$llama_dir/node_modules/node-llama-cpp" ]; then
  say "installing node-llama-cpp@3.21.1 into $llama_dir"
  mkdir -p "$llama_dir"
  (cd "$llama_dir" && npm init -y >/dev/null && npm install --no-audit --no-fund node-llama-cpp@3.21.1 >/dev/null)
fi
cp "$here/bench.mjs" "$llama_dir/bench.mjs" # resolves node-llama-cpp from its own folder

for t in f32 f16 q8_0; do
  if [ ! -f "$work/$model-$t.gguf" ]; then
    say "writing $model-$t.gguf"
    "$python" "$here/hf_to_gguf.py" "$work/$model" "$work/$model-$t.gguf.tmp" "$t"
    mv "$work/$model-$t.gguf.tmp" "$work/$model-$t.gguf"
  fi
done

say "conversion check: llama.cpp on the F32 file against OpenLoRA"
node "$llama_dir/bench.mjs" --model "$work/$model-f32.gguf" --check "$work/check.json" | tee "$work/runs/check.json"

for r in $(seq 1 "$rounds"); do
  for n in $threads; do
    say "round $r, $n thread(s): OpenLoRA F32 and INT8"
    "$openledger" bench openlora --speed --work-dir "$work" --speed-formats F32,INT8 \
      --speed-threads "$n" --repeats "$runs" --prompt-tokens "$prompt" --decode-tokens "$decode" \
      --json >"$work/runs/openlora-r$r-t$n.json"
    for t in f32 f16 q8_0; do
      say "round $r, $n thread(s): llama.cpp $t"
      node "$llama_dir/bench.mjs" --model "$work/$model-$t.gguf" --threads "$n" --runs "$runs" \
        --prompt-tokens "$prompt" --decode-tokens "$decode" >"$work/runs/llamacpp-$t-r$r-t$n.json"
    done
  done
done

node "$here/summary.mjs" "$work/runs"

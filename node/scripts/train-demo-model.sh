#!/usr/bin/env bash
# Trains the devnet's demo model with the factory, on the demo datanet of a fresh devnet, and writes
# it where the devnet ships it from (node/src/main/resources/io/openledger/node/devnet/demo-model).
# The result is the same for any thread count; it takes about forty minutes on two cores.
#
#   node/scripts/train-demo-model.sh
#
# 1. a fresh devnet (its demo publishes the fortunes datanet as datanet 1, version 1, contributions 1..6)
# 2. a model from scratch on that version (tokenizer learned from the data), with influence
# 3. a LoRA adapter on it, trained on the same version, with influence: the demo's paid model
set -euo pipefail
cd "$(dirname "$0")/../.."
out=node/src/main/resources/io/openledger/node/devnet/demo-model
work=$(mktemp -d)
trap 'kill $devnet 2>/dev/null || true; wait $devnet 2>/dev/null || true; rm -rf "$work"' EXIT
./openledger devnet --data-dir "$work/devnet" --block-time 500 --rpc-port 18545 --api-port 18080 \
  > "$work/devnet.log" 2>&1 &
devnet=$!
until grep -q "Press Ctrl+C" "$work/devnet.log"; do sleep 1; done
common=(--datanet 1 --paid --rpc http://127.0.0.1:18545 --api http://127.0.0.1:18080 --seed 7)
./openledger train "${common[@]}" --from-scratch --out "$work/fortunes-base" \
  --hidden 128 --layers 4 --heads 4 --kv-heads 4 --intermediate 344 --vocab 1024 \
  --seq-len 128 --batch 16 --epochs 8 --lr 3e-3 --warmup 40
./openledger train "${common[@]}" --lora --base "$work/fortunes-base" --out "$work/fortunes-adapter" \
  --rank 8 --alpha 16 --targets q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj \
  --seq-len 128 --batch 16 --steps 120 --lr 2e-3 --warmup 10
rm -rf "$out"
mkdir -p "$out/fortunes-base" "$out/fortunes-adapter"
for f in config.json generation_config.json model.safetensors tokenizer.json tokenizer_config.json training.json; do
  cp "$work/fortunes-base/$f" "$out/fortunes-base/"
done
for f in adapter_config.json adapter_model.safetensors training.json; do
  cp "$work/fortunes-adapter/$f" "$out/fortunes-adapter/"
done
echo "wrote $out"

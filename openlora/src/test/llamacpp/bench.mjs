// llama.cpp's side of the speed comparison (compare.sh), through node-llama-cpp's prebuilt
// binaries: prefill and single-stream decode tokens/s of one GGUF model on a fixed prompt, CPU
// only, a given thread count. Prints one JSON object.
//
//   node bench.mjs --model M.gguf --threads 2 --prompt-tokens 128 --decode-tokens 64 --runs 5
//   node bench.mjs --model M.gguf --check expected.json   (conversion check, see below)
//
// Definitions (the same as OpenLoRA's SpeedBenchmark): the prompt is token i = (7 i + 1) mod (vocab
// - 3). Prefill: prompt tokens / wall time to evaluate them in one batch. Decode: greedy tokens
// after the prompt, tokens/s between the first and the last generated token. Medians over runs,
// after one warm-up run.
//
// --check reads OpenLoRA's greedy continuation and per-position top-1 probabilities of the same
// prompt (SpeedBenchmark's "check" object) and fails unless llama.cpp gives the same greedy tokens
// and each top-1 probability within 1e-4 (with an f32 KV cache): the independent check that the GGUF conversion is right.
import {getLlama, LlamaLogLevel} from "node-llama-cpp";
import fs from "node:fs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) {
      const next = all[i + 1];
      acc.push([a.slice(2), next === undefined || next.startsWith("--") ? "true" : next]);
    }
    return acc;
  }, []));
const threads = Number(args.threads ?? 1);
const promptTokens = Number(args["prompt-tokens"] ?? 128);
const decodeTokens = Number(args["decode-tokens"] ?? 64);
const runs = Number(args.runs ?? 5);
if (!args.model) {
  console.error("--model FILE.gguf is required");
  process.exit(2);
}

const llama = await getLlama({gpu: false, build: "never", maxThreads: threads, logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: args.model, gpuLayers: 0});
const vocab = Number(model.fileInfo.metadata.llama.vocab_size);

function prompt(n) {
  return Array.from({length: n}, (_, i) => (7 * i + 1) % (vocab - 3));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

if (args.check) {
  const expected = JSON.parse(fs.readFileSync(args.check, "utf8"));
  const p = prompt(expected.prompt_tokens);
  // keys and values in f32 and no flash attention here (llama.cpp's defaults, an f16 cache and
  // f16 attention, move probabilities by ~1e-3)
  const ctx = await model.createContext({
    contextSize: 256, batchSize: 256, threads, sequences: 1,
    experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32", flashAttention: false});
  const seq = ctx.getSequence();
  const out = await seq.controlledEvaluate(
    p.map((t) => [t, {generateNext: {probabilities: true, options: {temperature: 1, topK: 0, topP: 1, minP: 0}}}]));
  const top = out.map((o) => {
    const [tok, prob] = o.next.probabilities.entries().next().value;
    return [tok, prob];
  });
  const greedy = [];
  let i = 0;
  await seq.clearHistory();
  for await (const t of seq.evaluate(p, {temperature: 0})) {
    greedy.push(t);
    if (++i >= expected.greedy_after_prompt.length) break;
  }
  let worst = 0;
  let topMismatch = 0;
  for (let k = 0; k < top.length; k++) {
    if (top[k][0] !== expected.top1[k][0]) topMismatch++;
    worst = Math.max(worst, Math.abs(top[k][1] - expected.top1[k][1]));
  }
  const sameGreedy = JSON.stringify(greedy) === JSON.stringify(expected.greedy_after_prompt);
  const ok = sameGreedy && topMismatch === 0 && worst < 1e-4;
  console.log(JSON.stringify({
    check: ok ? "pass" : "FAIL", same_greedy_tokens: sameGreedy, greedy_llama_cpp: greedy,
    greedy_openlora: expected.greedy_after_prompt, top1_mismatches: topMismatch,
    max_top1_probability_difference: worst}));
  await model.dispose();
  process.exit(ok ? 0 : 1);
}

const ctx = await model.createContext({
  contextSize: promptTokens + decodeTokens + 16,
  batchSize: Math.max(promptTokens, 1),
  threads: {ideal: threads, min: threads},
  sequences: 1,
});
const seq = ctx.getSequence();
const p = prompt(promptTokens);
const prefill = [];
const decode = [];
for (let r = 0; r <= runs; r++) {
  await seq.clearHistory();
  const t0 = performance.now();
  await seq.evaluateWithoutGeneratingNewTokens(p);
  const t1 = performance.now();
  await seq.clearHistory();
  let first = 0;
  let n = 0;
  for await (const _ of seq.evaluate(p, {temperature: 0})) {
    if (n === 0) first = performance.now();
    if (++n > decodeTokens) break;
  }
  const last = performance.now();
  if (r > 0) {
    prefill.push(promptTokens / ((t1 - t0) / 1000));
    decode.push(decodeTokens / ((last - first) / 1000));
  }
}
console.log(JSON.stringify({
  engine: "llama.cpp", model: args.model, threads, prompt_tokens: promptTokens,
  decode_tokens: decodeTokens, runs, prefill_tokens_per_s: median(prefill),
  decode_tokens_per_s: median(decode), prefill_runs: prefill, decode_runs: decode}));
await model.dispose();

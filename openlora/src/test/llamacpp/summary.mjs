// Prints compare.sh's table: per thread count, each engine and format's prefill and decode
// tokens/s (median over rounds of each round's median) and OpenLoRA / llama.cpp ratios.
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
const rows = new Map(); // "threads|engine format" -> {prefill: [], decode: []}
function add(threads, name, prefill, decode) {
  const key = threads + "|" + name;
  if (!rows.has(key)) rows.set(key, {threads, name, prefill: [], decode: []});
  rows.get(key).prefill.push(prefill);
  rows.get(key).decode.push(decode);
}
for (const f of fs.readdirSync(dir)) {
  if (f === "check.json") continue;
  const o = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
  if (o.engine === "openlora") {
    for (const x of o.figures) add(x.threads, "OpenLoRA " + x.format, x.prefill_tokens_per_s, x.decode_tokens_per_s);
  } else {
    const format = f.match(/llamacpp-(\w+?)-r/)[1].toUpperCase();
    add(o.threads, "llama.cpp " + format, o.prefill_tokens_per_s, o.decode_tokens_per_s);
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const byThreads = new Map();
for (const r of rows.values()) {
  if (!byThreads.has(r.threads)) byThreads.set(r.threads, []);
  byThreads.get(r.threads).push({...r, p: median(r.prefill), d: median(r.decode)});
}
const f1 = (x) => x.toFixed(1).padStart(9);
const f2 = (x) => x.toFixed(2).padStart(6);
for (const [threads, list] of [...byThreads.entries()].sort((a, b) => a[0] - b[0])) {
  list.sort((a, b) => a.name.localeCompare(b.name));
  const ref = Object.fromEntries(list.filter((r) => r.name.startsWith("llama.cpp")).map((r) => [r.name.slice(10), r]));
  const refs = ["F32", "F16", "Q8_0"].filter((k) => ref[k]);
  console.log(`\n${threads} thread(s), ${list[0].prefill.length} round(s)`);
  console.log("engine            prefill tok/s  decode tok/s   " + refs.map((k) => `prefill/${k} decode/${k}`).join("  "));
  for (const r of list) {
    const ratios = refs.map((k) => `${f2(r.p / ref[k].p)}      ${f2(r.d / ref[k].d)}    `).join("  ");
    console.log(`${r.name.padEnd(16)}  ${f1(r.p)}      ${f1(r.d)}      ${ratios}`);
  }
}

// Compiles every .sol file under a source folder with solc-js (the exact version pinned in
// package-lock.json) and writes one JSON artifact per contract: {contractName, sourceName, abi,
// bytecode, deployedBytecode, compiler}. Run by the Maven build (exec-maven-plugin), offline: imports
// resolve only against the source folders given and node_modules.
//
//   node compile-contracts.mjs OUT_DIR SRC_DIR [IMPORT_DIR ...]
//
// Fails (exit 1) on any compiler error or warning, printing solc's messages.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc');

const [outDir, srcDir, ...importDirs] = process.argv.slice(2);
if (!outDir || !srcDir) {
  console.error('usage: node compile-contracts.mjs OUT_DIR SRC_DIR [IMPORT_DIR ...]');
  process.exit(2);
}
const here = path.dirname(new URL(import.meta.url).pathname);
const roots = [srcDir, ...importDirs, path.join(here, 'node_modules')];

function solFiles(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? solFiles(path.join(dir, e.name)) : e.name.endsWith('.sol') ? [path.join(dir, e.name)] : []))
    .sort();
}

const sources = {};
for (const file of solFiles(srcDir)) {
  sources[path.relative(srcDir, file)] = { content: fs.readFileSync(file, 'utf8') };
}

function findImports(name) {
  for (const root of roots) {
    const candidate = path.join(root, name);
    if (fs.existsSync(candidate)) {
      return { contents: fs.readFileSync(candidate, 'utf8') };
    }
  }
  return { error: `import not found: ${name} (looked in ${roots.join(', ')})` };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const problems = (output.errors ?? []).filter((e) => !e.message.includes('SPDX'));
for (const p of problems) {
  console.error(p.formattedMessage);
}
if (problems.length > 0) {
  console.error(`solc ${solc.version()}: ${problems.length} error(s)/warning(s) in ${srcDir}`);
  process.exit(1);
}

fs.mkdirSync(outDir, { recursive: true });
let written = 0;
for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
  if (!(sourceName in sources)) {
    continue; // an imported dependency (OpenZeppelin, a main contract imported by a test harness)
  }
  for (const [contractName, c] of Object.entries(contracts)) {
    const artifact = {
      contractName,
      sourceName,
      compiler: `solc ${solc.version()}`,
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    };
    fs.writeFileSync(path.join(outDir, `${contractName}.json`), JSON.stringify(artifact, null, 2) + '\n');
    written++;
  }
}
console.log(`solc ${solc.version()}: ${written} contract artifact(s) from ${srcDir} -> ${outDir}`);

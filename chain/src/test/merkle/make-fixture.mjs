// Writes the known-answer fixture of io.openledger.chain.distributor.ClaimTree: for a few
// deterministic (address, uint256) lists, the root and every proof that OpenZeppelin's
// StandardMerkleTree (npm @openzeppelin/merkle-tree, the version pinned in package-lock.json)
// computes, and a check that each proof verifies there.
//
//   npm ci && node make-fixture.mjs OUT_FILE
import fs from 'node:fs';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';

const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node make-fixture.mjs OUT_FILE');
  process.exit(2);
}

// A deterministic address: 20 bytes of a counter pattern, lower case.
function address(i) {
  let hex = '';
  for (let b = 0; b < 20; b++) {
    hex += (((i + 1) * 37 + b * 11) & 0xff).toString(16).padStart(2, '0');
  }
  return '0x' + hex;
}

function amount(i) {
  const amounts = [1n, 10n ** 18n, 123456789012345678901234n, 2n ** 255n + 7n, 999n, 5n * 10n ** 21n];
  return (amounts[i % amounts.length] + BigInt(i)).toString();
}

const cases = [];
for (const n of [1, 2, 3, 4, 5, 7, 8, 13]) {
  const values = [];
  for (let i = 0; i < n; i++) {
    values.push([address(i + n * 100), amount(i)]);
  }
  const tree = StandardMerkleTree.of(values, ['address', 'uint256']);
  const proofs = values.map((_, i) => tree.getProof(i));
  values.forEach((v, i) => {
    if (!StandardMerkleTree.verify(tree.root, ['address', 'uint256'], v, proofs[i])) {
      throw new Error('proof ' + i + ' of case ' + n + ' does not verify');
    }
  });
  cases.push({ values, root: tree.root, proofs });
}
fs.writeFileSync(out, JSON.stringify({ generator: '@openzeppelin/merkle-tree 1.0.8 StandardMerkleTree.of(values, ["address", "uint256"])', cases }, null, 2) + '\n');
console.log('wrote ' + cases.length + ' cases to ' + out);

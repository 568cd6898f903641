// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {SparseMerkleProof} from "SparseMerkleProof.sol";

/// Exposes the library to tests through eth_call.
contract SparseMerkleProofHarness {
    /// Inclusion when `present` (the key holds `value`), exclusion otherwise; reverts when `proof`
    /// is not a canonical encoding.
    function verify(bytes32 root, bytes32 key, bool present, bytes calldata value, bytes calldata proof)
        external
        pure
        returns (bool)
    {
        SparseMerkleProof.Proof memory p = SparseMerkleProof.decode(proof);
        return present
            ? SparseMerkleProof.verifyInclusion(root, key, keccak256(value), p)
            : SparseMerkleProof.verifyExclusion(root, key, p);
    }
}

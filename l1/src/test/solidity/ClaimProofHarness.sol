// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// OpenZeppelin's MerkleProof.verify over the standard leaf of (address, uint256), exposed through
/// eth_call: the check a Solidity distributor would make of the chain's rewards-file proofs.
contract ClaimProofHarness {
    function verify(bytes32[] calldata proof, bytes32 root, address account, uint256 amount)
        external
        pure
        returns (bool)
    {
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
        return MerkleProof.verify(proof, root, leaf);
    }
}

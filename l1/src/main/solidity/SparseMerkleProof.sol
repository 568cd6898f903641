// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Proofs of OpenLedger's L2 state commitment, checked on L1.
/// @notice The L2 commits its state (accounts, module storage, supply counters) in a binary sparse
/// Merkle tree over keccak-256 (docs/state-commitment.md). This library decodes the canonical proof
/// encoding (the byte string eth_getProof returns) and checks inclusion and exclusion exactly as the
/// Java `SparseMerkleProof.verify` does:
///   empty subtree       0x00..00
///   leaf (k, v)         keccak256(0x00 ++ k ++ keccak256(v))
///   internal (l, r)     keccak256(0x01 ++ l ++ r)
/// A key's path is its bits, most significant bit of byte 0 first; at depth i it goes left on 0.
library SparseMerkleProof {
    /// Encoding format byte (`SparseMerkleProof.FORMAT_V1` in Java).
    uint8 internal constant FORMAT_V1 = 0x01;

    /// A decoded proof. `siblings[i]` is the sibling subtree's hash at depth i (root side first,
    /// zero when empty); the path ends at depth `siblings.length`, where the tree holds the leaf
    /// (`hasLeaf`) or nothing.
    struct Proof {
        bool hasLeaf;
        bytes32 leafKey;
        bytes32 leafValueHash;
        bytes32[] siblings;
    }

    /// Decodes the canonical encoding; reverts naming what is wrong for anything else (the Java
    /// decoder's rules: format 0x01, flag 0 or 1, depth <= 256, no bitmap bits past the depth, no
    /// listed sibling that is zero, no missing or trailing bytes).
    function decode(bytes memory b) internal pure returns (Proof memory p) {
        uint256 len = b.length;
        require(len >= 2, "SparseMerkleProof: truncated before the leaf flag");
        require(uint8(b[0]) == FORMAT_V1, "SparseMerkleProof: unknown proof format");
        uint8 flag = uint8(b[1]);
        uint256 pos = 2;
        if (flag == 1) {
            require(len >= pos + 64, "SparseMerkleProof: truncated leaf");
            p.hasLeaf = true;
            p.leafKey = _word(b, pos);
            p.leafValueHash = _word(b, pos + 32);
            pos += 64;
        } else {
            require(flag == 0, "SparseMerkleProof: leaf flag must be 0 or 1");
        }
        require(len >= pos + 2, "SparseMerkleProof: truncated depth");
        uint256 depth = (uint256(uint8(b[pos])) << 8) | uint256(uint8(b[pos + 1]));
        pos += 2;
        require(depth <= 256, "SparseMerkleProof: depth exceeds 256");
        uint256 bitmapStart = pos;
        uint256 bitmapLength = (depth + 7) / 8;
        require(len >= pos + bitmapLength, "SparseMerkleProof: truncated sibling bitmap");
        pos += bitmapLength;
        if (depth % 8 != 0) {
            uint8 last = uint8(b[bitmapStart + bitmapLength - 1]);
            require(last & (uint8(0xff) >> (depth % 8)) == 0, "SparseMerkleProof: bitmap bits set past the depth");
        }
        p.siblings = new bytes32[](depth);
        for (uint256 i = 0; i < depth; i++) {
            if (uint8(b[bitmapStart + i / 8]) & (uint8(0x80) >> (i % 8)) != 0) {
                require(len >= pos + 32, "SparseMerkleProof: truncated sibling");
                bytes32 s = _word(b, pos);
                require(s != bytes32(0), "SparseMerkleProof: sibling marked non-empty is zero");
                p.siblings[i] = s;
                pos += 32;
            }
        }
        require(pos == len, "SparseMerkleProof: unexpected bytes after the proof");
    }

    /// Whether `proof` shows that under `root` the key `key` holds a value whose keccak-256 is
    /// `valueHash`.
    function verifyInclusion(bytes32 root, bytes32 key, bytes32 valueHash, Proof memory proof)
        internal
        pure
        returns (bool)
    {
        if (!proof.hasLeaf || proof.leafKey != key || proof.leafValueHash != valueHash) {
            return false;
        }
        return _rootFrom(key, leafHash(proof.leafKey, proof.leafValueHash), proof.siblings) == root;
    }

    /// Whether `proof` shows that under `root` the key `key` holds nothing: the path ends in an
    /// empty subtree, or in another key's leaf that shares the path's first `depth` bits.
    function verifyExclusion(bytes32 root, bytes32 key, Proof memory proof) internal pure returns (bool) {
        bytes32 h;
        if (proof.hasLeaf) {
            if (proof.leafKey == key || !_samePrefix(proof.leafKey, key, proof.siblings.length)) {
                return false;
            }
            h = leafHash(proof.leafKey, proof.leafValueHash);
        }
        return _rootFrom(key, h, proof.siblings) == root;
    }

    function leafHash(bytes32 key, bytes32 valueHash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x00), key, valueHash));
    }

    function internalHash(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x01), left, right));
    }

    /// Hashes up from the end of the path (depth siblings.length) to the root.
    function _rootFrom(bytes32 key, bytes32 h, bytes32[] memory siblings) private pure returns (bytes32) {
        for (uint256 i = siblings.length; i > 0; i--) {
            uint256 depth = i - 1;
            bool right = (uint256(key) >> (255 - depth)) & 1 == 1;
            h = right ? internalHash(siblings[depth], h) : internalHash(h, siblings[depth]);
        }
        return h;
    }

    /// Whether a and b agree on their first n bits (n <= 256; a shift by 256 gives 0).
    function _samePrefix(bytes32 a, bytes32 b, uint256 n) private pure returns (bool) {
        if (n == 0) {
            return true;
        }
        return (uint256(a ^ b) >> (256 - n)) == 0;
    }

    function _word(bytes memory b, uint256 at) private pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := mload(add(add(b, 32), at))
        }
    }
}

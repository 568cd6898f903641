package io.openledger.chain.ledger;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.types.Hash;

/** A committed block's header with its hash. */
record StoredHeader(BlockHeader header, Hash hash) {}

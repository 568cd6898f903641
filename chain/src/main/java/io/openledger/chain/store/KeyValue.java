package io.openledger.chain.store;

/** One stored entry, as returned by iteration. The arrays belong to the caller. */
public record KeyValue(byte[] key, byte[] value) {}

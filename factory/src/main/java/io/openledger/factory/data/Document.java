package io.openledger.factory.data;

/** One training document: the text of one accepted contribution, and where it came from. */
public record Document(long datanetId, int version, long contributionId, String text) {}

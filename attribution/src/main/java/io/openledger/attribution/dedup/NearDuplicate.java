package io.openledger.attribution.dedup;

/**
 * An existing contribution that a text nearly duplicates.
 *
 * @param contributionId the existing contribution
 * @param similarity estimated Jaccard similarity of the two texts' 5-word shingle sets, 0..1
 */
public record NearDuplicate(String contributionId, double similarity) {}

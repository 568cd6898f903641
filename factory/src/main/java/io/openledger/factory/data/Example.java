package io.openledger.factory.data;

/**
 * One training sequence, cut from one document: the model predicts {@code tokens[1..]} from what
 * precedes each.
 *
 * @param chunk the sequence's index within its document (0 starts with the document's bos)
 * @param tokens at most the configured sequence length; compared by identity (a record of an array)
 */
public record Example(long datanetId, int version, long contributionId, int chunk, int[] tokens) {

  /** Tokens predicted: all but the first. */
  public int targets() {
    return tokens.length - 1;
  }
}

package io.openledger.node.blob;

/**
 * What {@link BlobStore#put} answers: the blob is stored (durably, on disk stores), or it was
 * refused and nothing was stored.
 */
public sealed interface PutResult permits PutResult.Stored, PutRefusal {

  /**
   * The blob is stored.
   *
   * @param existing whether it was already there (its first uploader is kept)
   */
  record Stored(BlobInfo info, boolean existing) implements PutResult {}
}

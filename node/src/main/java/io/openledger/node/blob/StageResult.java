package io.openledger.node.blob;

/**
 * What {@link BlobStore#stage} answers: the bytes are received and verified but not yet visible, or
 * they were refused and nothing was kept.
 */
public sealed interface StageResult permits StageResult.Staged, PutRefusal {

  /** Received and verified; commit or close it. */
  record Staged(StagedBlob blob) implements StageResult {}
}

package io.openledger.node.economy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Finding a record's batch among the operator's posted batches, and refusing a wrong root. */
class PostedBatchesTest {

  @Test
  void everyRecordIsFoundInItsBatchWhateverTheBatchSizes() {
    EconomyScenario s = new EconomyScenario();
    SplittableRandom rnd = new SplittableRandom(5);
    int[] sizes = {1, 1, 3, 1, 5, 2, 7, 1};
    int total = 0;
    for (int size : sizes) {
      total += size;
    }
    for (int i = 0; i < total + 4; i++) {
      s.serveRandom(rnd);
    }
    PostedBatches batches = new PostedBatches(s.operator.address(), s.log, s.chain::state);
    assertThat(batches.find(0)).isEmpty(); // nothing posted yet
    for (int size : sizes) {
      s.postBatch(size);
    }
    int first = 0;
    for (int seq = 0; seq < sizes.length; seq++) {
      List<Hash> leaves = new ArrayList<>();
      for (int i = first; i < first + sizes[seq]; i++) {
        leaves.add(s.records.get(i).record().hash());
      }
      for (int i = first; i < first + sizes[seq]; i++) {
        PostedBatches.Inclusion in = batches.find(i).orElseThrow();
        assertThat(in.seq()).as("batch of record %d", i).isEqualTo(seq);
        assertThat(in.batch().firstRecord()).isEqualTo(first);
        assertThat(in.proof()).isEqualTo(RecordsMerkle.proof(leaves, i - first));
        assertThat(
                RecordsMerkle.verify(in.batch().recordsRoot(), leaves.get(i - first), in.proof()))
            .isTrue();
      }
      first += sizes[seq];
    }
    for (int i = total; i < total + 4; i++) {
      assertThat(batches.find(i)).as("record %d is unbatched", i).isEmpty();
    }
    assertThat(batches.find(1_000_000)).isEmpty();
  }

  @Test
  void recordsThatDoNotHashToThePostedRootAreAnError() {
    EconomyScenario s = new EconomyScenario();
    SplittableRandom rnd = new SplittableRandom(6);
    for (int i = 0; i < 3; i++) {
      s.serveRandom(rnd);
    }
    Hash wrong = Hash.keccak256(new byte[] {9});
    s.postBatch(3, wrong);
    PostedBatches batches = new PostedBatches(s.operator.address(), s.log, s.chain::state);
    List<Hash> leaves = s.records.stream().map(r -> r.record().hash()).toList();
    assertThatThrownBy(() -> batches.find(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "records 0..2 hash to root "
                + RecordsMerkle.root(leaves)
                + " but batch 0 posted "
                + wrong);
  }
}

package io.openledger.node.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.attribution.trace.Tracer;
import io.openledger.chain.challenge.ChallengeKind;
import io.openledger.chain.challenge.RecordVerifier.Verdict;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.DatanetIndexes.DatanetVersionRef;
import io.openledger.node.economy.EconomyNode;
import io.openledger.node.economy.PaidModelFixture;
import io.openledger.node.economy.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's verifier against records a real node wrote for paid answers: an honest record is
 * rejected, a record with another attribution or token count is upheld with the recomputed values,
 * evidence whose hashes are not the record's is invalid, and a node that cannot recompute (no
 * engines, an index not ready, another base model) says so instead of guessing.
 */
class NodeRecordVerifierTest {
  @TempDir static Path dir;
  static EconomyNode node;
  static PaidModelFixture paid;
  static StoredRecord honest;
  static String request;

  @BeforeAll
  static void aPaidAnswer() throws Exception {
    node = EconomyNode.start(dir);
    paid = PaidModelFixture.setUp(node, dir, List.of("Once upon a time"));
    request = PaidModelFixture.completion(paid.model(), "Once upon a time");
    EconomyNode.Answer a = paid.pay(node, request);
    Hash receipt = Hash.fromHex(a.body().get("receipt_id").asText());
    long n = node.economy().records().numberOf(receipt).orElseThrow();
    honest = StoredRecord.decode(node.economy().records().get(n).orElseThrow());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static NodeRecordVerifier verifier() {
    return node.economy().recordVerifier();
  }

  private static Verdict attribution(InferenceRecord r, String output) {
    return verifier()
        .verify(
            node.state(),
            ChallengeKind.WRONG_ATTRIBUTION,
            r,
            output.getBytes(StandardCharsets.UTF_8));
  }

  private static Verdict tokens(InferenceRecord r, String req, String output) {
    return verifier()
        .verify(
            node.state(),
            ChallengeKind.WRONG_TOKEN_COUNT,
            r,
            NodeRecordVerifier.tokenCountEvidence(
                req.getBytes(StandardCharsets.UTF_8), output.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anHonestRecordIsRejectedEveryTime() {
    assertThat(honest.record().attribution()).isNotEmpty(); // the answer is in the datanet
    Verdict v = attribution(honest.record(), honest.output());
    assertThat(v).isInstanceOf(Verdict.Rejected.class);
    assertThat(attribution(honest.record(), honest.output())).isEqualTo(v);
    assertThat(tokens(honest.record(), request, honest.output()))
        .isInstanceOf(Verdict.Rejected.class);
  }

  @Test
  void aChangedAttributionIsUpheldWithTheRecomputedOne() {
    List<Attribution> claimed = new ArrayList<>(honest.record().attribution());
    Attribution first = claimed.getFirst();
    // weights sum to at most 1,000,000: move 100,000 ppm either way
    int inflated = first.ppm() > 500_000 ? first.ppm() - 100_000 : first.ppm() + 100_000;
    claimed.set(0, new Attribution(first.contributionId(), inflated));
    InferenceRecord cheat = withAttribution(honest.record(), claimed);
    Verdict v = attribution(cheat, honest.output());
    assertThat(v).isInstanceOf(Verdict.Upheld.class);
    Verdict.Upheld u = (Verdict.Upheld) v;
    assertThat(u.attribution()).isEqualTo(honest.record().attribution());
    assertThat(u.promptTokens()).isEqualTo(honest.record().promptTokens());
    assertThat(u.completionTokens()).isEqualTo(honest.record().completionTokens());
    assertThat(u.reason())
        .contains("#" + first.contributionId() + " " + inflated + " ppm")
        .contains("but its output gives");

    // an empty claim (all to the model) is as wrong
    assertThat(attribution(withAttribution(honest.record(), List.of()), honest.output()))
        .isInstanceOf(Verdict.Upheld.class);
  }

  @Test
  void evidenceThatIsNotTheRecordsIsInvalid() {
    Verdict v = attribution(honest.record(), honest.output() + " and more");
    assertThat(v).isInstanceOf(Verdict.Invalid.class);
    assertThat(((Verdict.Invalid) v).reason())
        .contains("not the record's outputHash " + honest.record().outputHash());
    Verdict t = tokens(honest.record(), request + " ", honest.output());
    assertThat(((Verdict.Invalid) t).reason()).contains("not the record's requestHash");
    Verdict garbage =
        verifier()
            .verify(node.state(), ChallengeKind.WRONG_TOKEN_COUNT, honest.record(), new byte[5]);
    assertThat(((Verdict.Invalid) garbage).reason())
        .startsWith("the evidence is not abi.encode(bytes request, bytes output)");
    Verdict vote =
        verifier().verify(node.state(), ChallengeKind.HARMFUL_OUTPUT, honest.record(), new byte[0]);
    assertThat(((Verdict.Invalid) vote).reason())
        .isEqualTo("HARMFUL_OUTPUT is not decided by recomputation");
  }

  @Test
  void aWrongTokenCountIsUpheldWithTheRecount() {
    InferenceRecord r = honest.record();
    Verdict prompt =
        tokens(withTokens(r, r.promptTokens() + 7, r.completionTokens()), request, honest.output());
    assertThat(prompt).isInstanceOf(Verdict.Upheld.class);
    Verdict.Upheld p = (Verdict.Upheld) prompt;
    assertThat(p.promptTokens()).isEqualTo(r.promptTokens());
    assertThat(p.completionTokens()).isEqualTo(r.completionTokens());
    assertThat(p.attribution()).isEqualTo(r.attribution());
    assertThat(p.reason())
        .contains("claims " + (r.promptTokens() + 7) + " prompt tokens")
        .contains("counts " + r.promptTokens());

    Verdict over =
        tokens(
            withTokens(r, r.promptTokens(), PaidModelFixture.MAX_TOKENS + 5),
            request,
            honest.output());
    Verdict.Upheld o = (Verdict.Upheld) over;
    assertThat(o.completionTokens()).isEqualTo(PaidModelFixture.MAX_TOKENS);
    assertThat(o.reason()).contains("above the request's cap of " + PaidModelFixture.MAX_TOKENS);
  }

  @Test
  void aNodeThatCannotRecomputeSaysWhyInsteadOfGuessing() {
    Verdict none =
        NodeRecordVerifier.unattached()
            .verify(
                node.state(),
                ChallengeKind.WRONG_ATTRIBUTION,
                honest.record(),
                honest.output().getBytes(StandardCharsets.UTF_8));
    assertThat(((Verdict.Invalid) none).reason()).startsWith("this node cannot recompute records");

    NodeRecordVerifier.Indexes building =
        new NodeRecordVerifier.Indexes() {
          @Override
          public Optional<String> notReady(List<DatanetVersionRef> versions) {
            return Optional.of(
                "datanet 1 version 1 is not ready on this node: its index is being built");
          }

          @Override
          public Tracer tracer(List<DatanetVersionRef> versions) {
            throw new AssertionError("not ready");
          }
        };
    NodeRecordVerifier noIndex =
        NodeRecordVerifier.of(
            new NodeRecordVerifier.Engines(building, Optional.empty(), Hash.ZERO));
    Verdict v =
        noIndex.verify(
            node.state(),
            ChallengeKind.WRONG_ATTRIBUTION,
            honest.record(),
            honest.output().getBytes(StandardCharsets.UTF_8));
    assertThat(((Verdict.Invalid) v).reason())
        .isEqualTo(
            "this node cannot recompute model "
                + paid.modelId()
                + "'s attribution: datanet 1 version 1 is not ready on this node: its index is"
                + " being built");
    Verdict t =
        noIndex.verify(
            node.state(),
            ChallengeKind.WRONG_TOKEN_COUNT,
            honest.record(),
            NodeRecordVerifier.tokenCountEvidence(
                request.getBytes(StandardCharsets.UTF_8),
                honest.output().getBytes(StandardCharsets.UTF_8)));
    assertThat(((Verdict.Invalid) t).reason())
        .startsWith("this node cannot recount model " + paid.modelId() + "'s tokens");
  }

  static InferenceRecord withAttribution(InferenceRecord r, List<Attribution> a) {
    return new InferenceRecord(
        r.operator(),
        r.number(),
        r.modelId(),
        r.adapterHash(),
        r.payer(),
        r.keyHash(),
        r.requestHash(),
        r.outputHash(),
        r.promptTokens(),
        r.completionTokens(),
        r.fee(),
        a,
        r.authorized(),
        r.spendSignature(),
        new byte[0]);
  }

  static InferenceRecord withTokens(InferenceRecord r, long prompt, long completion) {
    return new InferenceRecord(
        r.operator(),
        r.number(),
        r.modelId(),
        r.adapterHash(),
        r.payer(),
        r.keyHash(),
        r.requestHash(),
        r.outputHash(),
        prompt,
        completion,
        r.fee(),
        r.attribution(),
        r.authorized(),
        r.spendSignature(),
        new byte[0]);
  }
}

package io.openledger.node.challenge;

import io.openledger.attribution.trace.Tracer;
import io.openledger.chain.challenge.ChallengeKind;
import io.openledger.chain.challenge.RecordVerifier;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiDecodingException;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.DatanetIndexes.DatanetVersionRef;
import io.openledger.node.economy.RecordAttribution;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.server.RequestTokens;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's {@link RecordVerifier}: recomputes a challenged record with this node's attribution
 * engine over the model's datanet-version indexes ({@link RecordAttribution}, the rule the gate
 * wrote the record with) and the registered model's tokenizer ({@link RequestTokens}, the routes'
 * own counting). Deterministic: no clock, no randomness, only the state, the record, the evidence
 * and index files whose hashes the chain recorded.
 *
 * <p>The rules are built before the ledger opens, and the indexes and engine only after (they
 * follow the chain), so a verifier starts {@linkplain #unattached() unattached} and the economy
 * {@linkplain #attach attaches} its engines when it starts. A node that cannot recompute (not
 * attached, an index not built or not matching the chain, another base model) never guesses: it
 * answers {@link Verdict.Invalid} with the reason, so the challenge transaction reverts.
 */
public final class NodeRecordVerifier implements RecordVerifier {

  /** Where the node's datanet-version indexes stand (the {@code EconomyIndexer}). */
  public interface Indexes {
    /** Why these versions cannot be traced against now, empty when they can. */
    Optional<String> notReady(List<DatanetVersionRef> versions);

    /** A tracer over versions that are all ready. */
    Tracer tracer(List<DatanetVersionRef> versions);
  }

  /**
   * What the verifier recomputes with.
   *
   * @param indexes the attribution indexes, checked against the chain's index hashes
   * @param engine the OpenLoRA engine whose tokenizer counts requests, when the node serves one
   * @param baseModelHash the base model the engine serves ({@code baseModelHash} of its weights)
   */
  public record Engines(Indexes indexes, Optional<InferenceEngine> engine, Hash baseModelHash) {
    public Engines {
      Objects.requireNonNull(indexes, "indexes");
      Objects.requireNonNull(engine, "engine");
      Objects.requireNonNull(baseModelHash, "baseModelHash");
    }
  }

  private final AtomicReference<Engines> engines = new AtomicReference<>();

  private NodeRecordVerifier() {}

  /** A verifier that refuses every recomputation until {@link #attach} (pass it to the rules). */
  public static NodeRecordVerifier unattached() {
    return new NodeRecordVerifier();
  }

  /** A verifier recomputing with these engines at once. */
  public static NodeRecordVerifier of(Engines engines) {
    NodeRecordVerifier v = new NodeRecordVerifier();
    v.attach(engines);
    return v;
  }

  /** Gives the verifier the node's engines (the economy, when it has started). */
  public void attach(Engines e) {
    engines.set(Objects.requireNonNull(e, "engines"));
  }

  @Override
  public Verdict verify(
      StateReader state, ChallengeKind kind, InferenceRecord record, byte[] evidence) {
    Engines e = engines.get();
    if (e == null) {
      return new Verdict.Invalid(
          "this node cannot recompute records: it runs no attribution engine or tokenizer"
              + " (start it with its economy to decide challenges)");
    }
    Optional<Model> model = ModelModule.readModel(state, record.modelId());
    if (model.isEmpty()) {
      return new Verdict.Invalid("the record names unknown model " + record.modelId());
    }
    return switch (kind) {
      case WRONG_ATTRIBUTION -> attribution(e, model.get(), record, evidence);
      case WRONG_TOKEN_COUNT -> tokenCount(e, model.get(), record, evidence);
      default -> new Verdict.Invalid(kind + " is not decided by recomputation");
    };
  }

  // ---- wrong attribution ----

  private static Verdict attribution(
      Engines e, Model model, InferenceRecord record, byte[] output) {
    Hash h = Hash.keccak256(output);
    if (!h.equals(record.outputHash())) {
      return new Verdict.Invalid(
          "the output given hashes to "
              + h
              + ", not the record's outputHash "
              + record.outputHash());
    }
    Optional<String> text = utf8(output);
    if (text.isEmpty()) {
      return new Verdict.Invalid("the output given is not UTF-8 text");
    }
    List<DatanetVersionRef> versions = RecordAttribution.versions(model);
    Optional<String> notReady = e.indexes().notReady(versions);
    if (notReady.isPresent()) {
      return new Verdict.Invalid(
          "this node cannot recompute model " + model.id() + "'s attribution: " + notReady.get());
    }
    List<Attribution> recomputed =
        RecordAttribution.of(e.indexes().tracer(versions), text.get()).attribution();
    List<Attribution> claimed = sorted(record.attribution());
    List<Attribution> expected = sorted(recomputed);
    if (claimed.equals(expected)) {
      return new Verdict.Rejected(
          "record " + record.number() + "'s attribution matches the recomputation");
    }
    return new Verdict.Upheld(
        "record "
            + record.number()
            + " claims attribution "
            + describe(claimed)
            + " but its output gives "
            + describe(expected),
        recomputed,
        record.promptTokens(),
        record.completionTokens());
  }

  private static List<Attribution> sorted(List<Attribution> a) {
    return a.stream().sorted(Comparator.comparingLong(Attribution::contributionId)).toList();
  }

  private static String describe(List<Attribution> a) {
    if (a.isEmpty()) {
      return "[] (all to the model)";
    }
    StringBuilder b = new StringBuilder("[");
    for (Attribution x : a) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append('#').append(x.contributionId()).append(' ').append(x.ppm()).append(" ppm");
    }
    return b.append(']').toString();
  }

  // ---- wrong token count ----

  /** {@code abi.encode(bytes request, bytes output)}. */
  private static final List<AbiType> TEXTS = List.of(AbiType.BYTES, AbiType.BYTES);

  /** The evidence of a wrong-token-count challenge. */
  public static byte[] tokenCountEvidence(byte[] request, byte[] output) {
    return Abi.encode(TEXTS, List.of(request, output));
  }

  private static Verdict tokenCount(
      Engines e, Model model, InferenceRecord record, byte[] evidence) {
    byte[] request;
    byte[] output;
    try {
      List<Object> texts = Abi.decode(TEXTS, evidence);
      request = (byte[]) texts.get(0);
      output = (byte[]) texts.get(1);
    } catch (AbiDecodingException ex) {
      return new Verdict.Invalid(
          "the evidence is not abi.encode(bytes request, bytes output): " + ex.getMessage());
    }
    Hash rh = Hash.keccak256(request);
    if (!rh.equals(record.requestHash())) {
      return new Verdict.Invalid(
          "the request given hashes to "
              + rh
              + ", not the record's requestHash "
              + record.requestHash());
    }
    Hash oh = Hash.keccak256(output);
    if (!oh.equals(record.outputHash())) {
      return new Verdict.Invalid(
          "the output given hashes to "
              + oh
              + ", not the record's outputHash "
              + record.outputHash());
    }
    if (e.engine().isEmpty() || !model.baseModelHash().equals(e.baseModelHash())) {
      return new Verdict.Invalid(
          "this node cannot recount model "
              + model.id()
              + "'s tokens: it does not serve its base model "
              + model.baseModelHash());
    }
    RequestTokens counted;
    try {
      counted = RequestTokens.of(e.engine().get(), request);
    } catch (IllegalArgumentException ex) {
      return new Verdict.Invalid("the request cannot be recounted: " + ex.getMessage());
    }
    // The completion's count cannot be recomputed from its text: a sampled token sequence need not
    // be the tokenizer's own encoding of the text it decodes to (and an end-of-sequence token
    // leaves no text). What the text does bound is the request's cap: more is an overcharge.
    long completion = Math.min(record.completionTokens(), counted.maxTokens());
    boolean promptWrong = counted.promptTokens() != record.promptTokens();
    boolean completionWrong = completion != record.completionTokens();
    if (!promptWrong && !completionWrong) {
      return new Verdict.Rejected(
          "record "
              + record.number()
              + "'s "
              + record.promptTokens()
              + " prompt tokens match the recount and its "
              + record.completionTokens()
              + " completion tokens are within the request's cap of "
              + counted.maxTokens());
    }
    StringBuilder why = new StringBuilder("record " + record.number());
    if (promptWrong) {
      why.append(" claims ")
          .append(record.promptTokens())
          .append(" prompt tokens, the model's tokenizer counts ")
          .append(counted.promptTokens());
    }
    if (completionWrong) {
      why.append(promptWrong ? ";" : "")
          .append(" claims ")
          .append(record.completionTokens())
          .append(" completion tokens, above the request's cap of ")
          .append(counted.maxTokens());
    }
    return new Verdict.Upheld(
        why.toString(), record.attribution(), counted.promptTokens(), completion);
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException ex) {
      return Optional.empty();
    }
  }
}

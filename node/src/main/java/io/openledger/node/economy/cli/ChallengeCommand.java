package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.challenge.ChallengeKind;
import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.challenge.Auditor;
import io.openledger.node.challenge.NodeRecordVerifier;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.NodeClient;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger challenge}: file a challenge against a paid answer's record, from its receipt
 * id (the node's {@code GET /v1/receipts/{id}} gives the record, its output and, once batched, the
 * batch and Merkle proof), show a challenge from its events, resolve one after its deadline.
 */
@Command(
    name = "challenge",
    mixinStandardHelpOptions = true,
    description = "Challenge an operator's record, show a challenge, resolve one.",
    subcommands = {
      ChallengeCommand.File.class,
      ChallengeCommand.Show.class,
      ChallengeCommand.Resolve.class
    })
public final class ChallengeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static ChallengeKind kind(String text) {
    return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "attribution", "wrong-attribution", "1" -> ChallengeKind.WRONG_ATTRIBUTION;
      case "tokens", "wrong-token-count", "2" -> ChallengeKind.WRONG_TOKEN_COUNT;
      case "harmful", "harmful-output", "3" -> ChallengeKind.HARMFUL_OUTPUT;
      default ->
          throw new CliException(
              "--kind must be attribution, tokens or harmful (wrong attribution, wrong token"
                  + " count, harmful output), got '"
                  + text
                  + "'");
    };
  }

  @Command(
      name = "file",
      mixinStandardHelpOptions = true,
      description = {
        "Challenge the record of a paid answer, named by its receipt id, while its batch's"
            + " challenge window is open. The bond is lost if the challenge is rejected.",
        "attribution and tokens are decided at once by recomputation; harmful by a validator vote."
      })
  static final class File implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin ApiOptions api = new ApiOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Option(
        names = "--receipt",
        paramLabel = "ID",
        required = true,
        description = "The receipt id of the answer (0x + 64 hex digits).")
    String receipt;

    @Option(
        names = "--kind",
        paramLabel = "KIND",
        required = true,
        description = "attribution, tokens or harmful.")
    String kind;

    @Option(
        names = "--bond",
        paramLabel = "OPEN",
        required = true,
        description = "The bond, at least the chain's challengeBond (10 OPEN on the devnet).")
    String bond;

    @Option(
        names = "--request-file",
        paramLabel = "FILE",
        description = "--kind tokens: the exact request body the record's requestHash commits to.")
    Path requestFile;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "--kind harmful: what is wrong with the output, shown to the voters.")
    String reason;

    @Override
    public void run() {
      ChallengeKind k = kind(kind);
      Amount value = Wallets.parseOpen(bond, "--bond");
      Hash id = Wallets.parseHash(receipt, "--receipt");
      if (requestFile != null && k != ChallengeKind.WRONG_TOKEN_COUNT) {
        throw new CliException("--request-file goes with --kind tokens");
      }
      if (reason != null && k != ChallengeKind.HARMFUL_OUTPUT) {
        throw new CliException("--reason goes with --kind harmful");
      }
      NodeApi node = api.client();
      NodeApi.Response r = node.get("/v1/receipts/" + id.toHex());
      if (!r.ok()) {
        throw new CliException(
            "the node at "
                + node.base()
                + " has no receipt "
                + id
                + " (GET /v1/receipts, HTTP "
                + r.status()
                + "): "
                + r.error());
      }
      JsonNode b = r.body();
      InferenceRecord record =
          InferenceRecord.decode(Bytes.fromHex(b.get("record").get("encoded").asText()));
      JsonNode batch = b.get("batch");
      if (batch == null || batch.isNull()) {
        throw new CliException(
            "record "
                + record.number()
                + " is not in a posted batch yet: challenge it once the operator has batched it");
      }
      List<Hash> siblings = new ArrayList<>();
      batch.get("proof").forEach(h -> siblings.add(Hash.fromHex(h.asText())));
      RecordsMerkle.Proof proof =
          new RecordsMerkle.Proof(
              batch.get("index").asInt(), batch.get("recordCount").asInt(), siblings);
      Hash root = Hash.fromHex(batch.get("recordsRoot").asText());
      if (!RecordsMerkle.verify(root, record.hash(), proof)) {
        throw new CliException(
            "the node's proof does not prove record " + record.number() + " against root " + root);
      }
      byte[] output = b.get("output").asText().getBytes(StandardCharsets.UTF_8);
      byte[] evidence =
          switch (k) {
            case WRONG_ATTRIBUTION -> output;
            case WRONG_TOKEN_COUNT -> {
              if (requestFile == null) {
                throw new CliException(
                    "--kind tokens needs --request-file FILE: the request body whose hash the"
                        + " record holds");
              }
              try {
                yield NodeRecordVerifier.tokenCountEvidence(
                    Files.readAllBytes(requestFile), output);
              } catch (IOException e) {
                throw new CliException("cannot read --request-file " + requestFile + ": " + e);
              }
            }
            default -> (reason == null ? "" : reason).getBytes(StandardCharsets.UTF_8);
          };
      byte[] data =
          Auditor.challengeCall(
              record.operator(), batch.get("seq").asLong(), k, record, proof, evidence);
      KeyPair key = signer.unlock();
      ModuleTransaction sent = ValidatorCommand.send(spec, rpc, tx, key, value, data);
      List<Object> filed = sent.event(ChallengeModule.ADDRESS, ChallengeModule.CHALLENGE_FILED);
      long challengeId = EconomyViews.u64(filed.get(0));
      List<List<Object>> decided =
          sent.events(ChallengeModule.ADDRESS, ChallengeModule.CHALLENGE_DECIDED);
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("challenge", challengeId);
        o.put("operator", record.operator().toHex());
        o.put("record", record.number());
        o.put("kind", k.code());
        if (!decided.isEmpty()) {
          o.put("upheld", decided.getFirst().get(1));
          o.put("slashed", decided.getFirst().get(2).toString());
          o.put("reason", decided.getFirst().get(3));
        }
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println(challengeId);
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "Challenge "
              + challengeId
              + " filed against record "
              + record.number()
              + " of "
              + record.operator()
              + " (batch "
              + batch.get("seq").asLong()
              + ")"
              + (decided.isEmpty()
                  ? ": validators vote on it (openledger vote " + challengeId + " ...)."
                  : ": "
                      + ((Boolean) decided.getFirst().get(1) ? "upheld" : "rejected")
                      + ", "
                      + Wallets.open(EconomyViews.amount(decided.getFirst().get(2)))
                      + " slashed: "
                      + decided.getFirst().get(3)));
      out.flush();
      err.flush();
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "A challenge: who filed it against whom, the votes, the decision.")
  static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The challenge id.")
    long id;

    @Override
    public void run() {
      NodeClient node = rpc.client();
      ChallengeChain.requireModule(node);
      byte[] w = ChallengeChain.word(BigInteger.valueOf(id));
      List<ChallengeChain.Event> filed =
          ChallengeChain.events(node, ChallengeModule.CHALLENGE_FILED, 1, w);
      if (filed.isEmpty()) {
        throw new CliException("no challenge " + id + " on this chain");
      }
      List<ChallengeChain.Event> all = new ArrayList<>(filed);
      // every event the module indexes by the challenge's id, in block order
      for (AbiEvent e :
          List.of(
              ChallengeModule.CHALLENGE_ANSWERED,
              ChallengeModule.VOTED,
              ChallengeModule.CHALLENGE_DECIDED,
              ChallengeModule.SLASH_PAID,
              ChallengeModule.BOND_SETTLED)) {
        all.addAll(ChallengeChain.events(node, e, 1, w));
      }
      all.sort(Comparator.comparingLong(ChallengeChain.Event::block));
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("challenge", id);
        o.put("events", all.stream().map(ChallengeChain.Event::json).toList());
        Wallets.printJson(out, o);
        return;
      }
      out.println("Challenge " + id);
      for (ChallengeChain.Event e : all) {
        out.println("  block " + e.block() + "  " + e.json());
      }
      out.flush();
    }
  }

  @Command(
      name = "resolve",
      mixinStandardHelpOptions = true,
      description = "Decide a challenge whose vote or answer window has passed (anyone may).")
  static final class Resolve implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The challenge id.")
    long id;

    @Override
    public void run() {
      KeyPair key = signer.unlock();
      ModuleTransaction sent =
          ValidatorCommand.send(
              spec,
              rpc,
              tx,
              key,
              Amount.ZERO,
              ChallengeModule.RESOLVE.encodeCall(BigInteger.valueOf(id)));
      ValidatorCommand.done(spec, rpc, sent, "Resolved challenge " + id + ".");
    }
  }
}

package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.inference.InferenceParameters;
import io.openledger.chain.inference.SpendAuthorization;
import io.openledger.chain.model.Model;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.Wallets;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger infer PROMPT}: one paid request to the node's OpenAI-compatible API, signed by
 * the payer by default (docs/economy.md, "What each payment mode trusts") or with an API key;
 * prints the answer with the spans credited to contributions highlighted, the attribution, the
 * payouts and the receipt id.
 */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description = {
      "Send a paid inference request and show who it pays.",
      "By default the request is signed: X-OpenLedger-Spend carries your EIP-712 signature over"
          + " the request hash and the cumulative amount the operator may charge you (what you"
          + " paid it so far plus this request's --max-fee), so it can charge nothing more."
          + " With --api-key the key pays, up to its cap."
    })
public final class InferCommand implements Runnable {
  /** Bytes of prompt overhead the default budget allows for (chat template, special tokens). */
  static final int PROMPT_OVERHEAD = 256;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
  @CommandLine.Mixin ApiOptions api = new ApiOptions();
  @CommandLine.Mixin OptionalSigner signer = new OptionalSigner();

  @Parameters(index = "0", paramLabel = "PROMPT", description = "What to ask.")
  String prompt;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      description = "The model as the API names it: base:0x<adapter hash> (or 0x<adapter hash>).")
  String model;

  @Option(
      names = "--model-id",
      paramLabel = "ID",
      description = "The registered model: its adapter, operator and prices come from the chain.")
  Long modelId;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "Pay with this API key (Authorization: Bearer) instead of signing.")
  String apiKey;

  @Option(
      names = "--max-tokens",
      defaultValue = "128",
      description = "Most tokens in the answer (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--temperature", description = "Sampling temperature (default: the node's).")
  Double temperature;

  @Option(
      names = "--max-fee",
      paramLabel = "OPEN",
      description =
          "The most this request may cost (signed mode; default: an estimate from the model's"
              + " prices: ((prompt bytes + 256) x price in + max tokens x price out) / 1000 +"
              + " platform fee).")
  String maxFee;

  @Option(
      names = "--completion",
      description = "Use /v1/completions (the prompt as is) instead of /v1/chat/completions.")
  boolean completion;

  @Option(
      names = "--spend-dir",
      paramLabel = "DIR",
      description = "Where signed spend is tracked (default: ~/.openledger/spend).")
  Path spendDir;

  @Option(names = "--no-color", description = "Mark credited spans with [brackets], not colour.")
  boolean noColor;

  /** The registered model a request is for, when there is one. */
  private record Target(String name, Optional<Model> model) {}

  @Override
  public void run() {
    if (maxTokens < 1) {
      throw new CliException("--max-tokens must be at least 1");
    }
    if (apiKey != null && maxFee != null) {
      throw new CliException("--max-fee applies to signed requests, not to --api-key");
    }
    if (apiKey != null && signer.given()) {
      throw new CliException("give --api-key or a signer (--from, --private-key-file), not both");
    }
    EconomyViews views = new EconomyViews(rpc.client());
    Target target = target(views);
    if (apiKey == null && target.model().isPresent()) {
      Model m = target.model().get();
      if (!signer.given()) {
        throw new CliException(
            "model "
                + m.id()
                + " is paid: sign with --from ADDRESS or --private-key-file FILE, or pay with"
                + " --api-key KEY");
      }
      KeyPair payer = signer.unlock();
      long chainId = views.node().chainId();
      SpendFile file =
          SpendFile.of(
              spendDir != null ? spendDir : SpendFile.defaultDir(),
              chainId,
              views.genesisHash(),
              payer.address(),
              m.operator());
      try (SpendFile.Held held = file.lock()) {
        send(views, target, payer, file);
      }
    } else {
      send(views, target, null, null);
    }
  }

  /** Sends the request (signed when {@code payer} is given) and prints the answer. */
  private void send(EconomyViews views, Target target, KeyPair payer, SpendFile file) {
    PrintWriter err = spec.commandLine().getErr();
    byte[] body = body(target.name());
    Map<String, String> headers = new LinkedHashMap<>();
    target.model().ifPresent(m -> headers.put("X-OpenLedger-Model", Long.toString(m.id())));
    Signed signed = null;
    if (apiKey != null) {
      headers.put("Authorization", "Bearer " + apiKey);
    } else if (payer != null) {
      signed = sign(views, target.model().orElseThrow(), payer, file, body, err);
      headers.put("X-OpenLedger-Spend", signed.header());
    } else {
      err.println("No registered model names this adapter: the request is free.");
    }
    NodeApi node = api.client();
    String path = completion ? "/v1/completions" : "/v1/chat/completions";
    NodeApi.Response r = node.post(path, body, headers);
    if (!r.ok()) {
      throw new CliException(refusal(node, path, r, signed));
    }
    JsonNode openledger = r.body().path("openledger");
    CliException unrecorded = null;
    if (signed != null && paid(openledger)) {
      try {
        signed.file().write(signed.paidBefore().add(amount(openledger.path("fee"), "fee")));
      } catch (CliException e) {
        unrecorded = e; // the answer is paid for: show it, then say what went wrong
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Wallets.printJson(out, r.body());
    } else {
      print(out, r.body());
    }
    if (unrecorded != null) {
      throw unrecorded;
    }
  }

  /** Whether the response's {@code openledger} object says the request was paid. */
  static boolean paid(JsonNode openledger) {
    return openledger.path("paid").asBoolean(false);
  }

  /** A decimal amount of base units from the response. */
  static Amount amount(JsonNode n, String what) {
    try {
      return Amount.of(new BigInteger(n.asText()));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CliException("the node sent a " + what + " that is not an amount: " + n);
    }
  }

  private Target target(EconomyViews views) {
    if (model == null && modelId == null) {
      throw new CliException("give --model base:0x<adapter hash> or --model-id ID");
    }
    Optional<Hash> adapter = model == null ? Optional.empty() : adapterOf(model);
    if (modelId != null) {
      Model m = views.model(modelId);
      if (adapter.isPresent() && !adapter.get().equals(m.adapterHash())) {
        throw new CliException(
            "--model names adapter "
                + adapter.get().toHex()
                + " but model "
                + modelId
                + " registers adapter "
                + m.adapterHash().toHex());
      }
      return new Target(model != null ? model : m.adapterHash().toHex(), Optional.of(m));
    }
    if (adapter.isEmpty()) {
      return new Target(model, Optional.empty());
    }
    List<Model> matching = new ArrayList<>();
    for (long id = 1, n = views.modelCount(); id <= n; id++) {
      Model m = views.model(id);
      if (m.adapterHash().equals(adapter.get())) {
        matching.add(m);
      }
    }
    if (matching.size() > 1) {
      throw new CliException(
          "models "
              + String.join(", ", matching.stream().map(m -> Long.toString(m.id())).toList())
              + " all register adapter "
              + adapter.get().toHex()
              + ": choose one with --model-id");
    }
    return new Target(model, matching.stream().findFirst());
  }

  /** The adapter hash in {@code base:0x<hash>} or {@code 0x<hash>}; empty for a plain name. */
  static Optional<Hash> adapterOf(String name) {
    int colon = name.lastIndexOf(':');
    String part = colon >= 0 ? name.substring(colon + 1) : name;
    if (!part.startsWith("0x")) {
      return Optional.empty();
    }
    return Optional.of(Wallets.parseHash(part, "--model's adapter hash"));
  }

  /** The exact bytes sent: the request hash is their keccak-256. */
  byte[] body(String modelName) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("model", modelName);
    if (completion) {
      o.put("prompt", prompt);
    } else {
      o.put("messages", List.of(Map.of("role", "user", "content", prompt)));
    }
    o.put("max_tokens", maxTokens);
    if (temperature != null) {
      o.put("temperature", temperature);
    }
    try {
      return Json.MAPPER.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A signed request's header and the spend record to update from its fee. */
  private record Signed(String header, SpendFile file, Amount paidBefore) {}

  private Signed sign(
      EconomyViews views, Model m, KeyPair payer, SpendFile file, byte[] body, PrintWriter err) {
    long chainId = file.chainId();
    Amount budget =
        maxFee != null ? Wallets.parseOpen(maxFee, "--max-fee") : estimate(m, views.parameters());
    Amount charged = views.charged(payer.address(), m.operator());
    Optional<Amount> local =
        switch (file.read()) {
          case SpendFile.Read.Paid p -> Optional.of(p.paid());
          case SpendFile.Read.Missing x -> {
            err.println(
                "No spend record at "
                    + file.file()
                    + ": starting from what the chain says "
                    + m.operator()
                    + " has charged you, "
                    + Wallets.open(charged)
                    + ".");
            yield Optional.empty();
          }
          case SpendFile.Read.OtherChain o -> {
            err.println(
                "The spend record at "
                    + file.file()
                    + " was kept on another chain with id "
                    + chainId
                    + " (genesis "
                    + o.genesis()
                    + ", this one's is "
                    + file.genesis()
                    + "): starting from what this chain says "
                    + m.operator()
                    + " has charged you, "
                    + Wallets.open(charged)
                    + ".");
            yield Optional.empty();
          }
        };
    // The chain's figure catches up with spending from another machine once it is batched.
    Amount paid = local.map(l -> l.max(charged)).orElse(charged);
    Amount authorized = paid.add(budget);
    Hash requestHash = Hash.keccak256(body);
    SpendAuthorization spend = new SpendAuthorization(m.operator(), requestHash, authorized);
    byte[] signature = spend.sign(payer, chainId);
    err.println(
        "Signed: operator "
            + m.operator()
            + " may charge you up to "
            + Wallets.open(authorized)
            + " in all ("
            + Wallets.open(budget)
            + " for this request).");
    return new Signed(
        requestHash.toHex() + "," + authorized.value() + "," + Bytes.toHex(signature), file, paid);
  }

  /**
   * The default budget: {@code ceil(((prompt bytes + 256) × priceIn + maxTokens × priceOut) / 1000)
   * + platformFee}. A byte-level tokenizer makes at most one token per byte, and 256 bytes cover
   * the chat template.
   */
  Amount estimate(Model m, InferenceParameters p) {
    long promptBytes = prompt.getBytes(StandardCharsets.UTF_8).length + PROMPT_OVERHEAD;
    BigInteger usage =
        BigInteger.valueOf(promptBytes)
            .multiply(m.pricePerKIn().value())
            .add(BigInteger.valueOf(maxTokens).multiply(m.pricePerKOut().value()));
    BigInteger[] qr = usage.divideAndRemainder(BigInteger.valueOf(1000));
    BigInteger ceil = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    return Amount.of(ceil).add(p.platformFee());
  }

  private static String refusal(NodeApi node, String path, NodeApi.Response r, Signed signed) {
    String retry =
        r.headers().firstValue("Retry-After").map(s -> " (retry after " + s + " s)").orElse("");
    String hint =
        signed != null && r.status() == 402 && r.error().contains("signed amount")
            ? "; this machine signed for "
                + Wallets.open(signed.paidBefore())
                + " paid so far: answers paid from elsewhere, or whose response never arrived,"
                + " count once the operator has batched them (retry then)"
            : "";
    return "the node at "
        + node.base()
        + " refused the request (POST "
        + path
        + ", HTTP "
        + r.status()
        + "): "
        + r.error()
        + retry
        + hint;
  }

  private void print(PrintWriter out, JsonNode response) {
    JsonNode choice = response.path("choices").path(0);
    String text =
        completion ? choice.path("text").asText() : choice.path("message").path("content").asText();
    JsonNode o = response.path("openledger");
    boolean colour = !noColor && terminal();
    CreditedText credited = CreditedText.of(text, o.path("attribution"));
    out.println(credited.render(colour));
    if (!credited.unmatched().isEmpty()) {
      out.println(
          "(spans not found at their offsets, not highlighted: "
              + String.join(", ", credited.unmatched())
              + ")");
    }
    out.println();
    if (!paid(o)) {
      out.println("Free request: no fee, no attribution.");
      printReceipt(out, response);
      return;
    }
    Amount fee = amount(o.path("fee"), "fee");
    out.println(
        "Fee "
            + Wallets.open(fee)
            + " ("
            + fee.value()
            + " base units) for "
            + o.path("promptTokens").asLong()
            + " prompt + "
            + o.path("completionTokens").asLong()
            + " completion tokens");
    out.println("Attribution (model's own share " + o.path("modelPpm").asLong() + " ppm)");
    if (o.path("attribution").isEmpty()) {
      out.println("  no contribution credited");
    } else {
      out.printf(
          "  %-13s %-8s %-42s %8s  %s%n",
          "contribution", "datanet", "contributor", "ppm", "amount");
      for (JsonNode a : o.path("attribution")) {
        String contributor = a.path("contributor").asText();
        String paidTo = a.path("paidTo").asText(contributor);
        out.printf(
            "  #%-12s %-8s %-42s %8d  %s%s%n",
            a.path("contribution").asText(),
            a.path("datanet").asText("-"),
            contributor,
            a.path("ppm").asLong(),
            units(a.path("amount")),
            paidTo.equals(contributor) ? "" : "  to " + paidTo + " (you are its contributor)");
      }
    }
    out.println("Payouts");
    for (JsonNode p : o.path("payouts")) {
      out.printf("  %-42s  %s%n", p.path("account").asText(), units(p.path("amount")));
    }
    printReceipt(out, response);
  }

  private static void printReceipt(PrintWriter out, JsonNode response) {
    JsonNode id = response.path("receipt_id");
    if (!id.isMissingNode()) {
      out.println("Receipt " + id.asText() + "  (GET /v1/receipts/" + id.asText() + ")");
    }
    out.flush();
  }

  private static String units(JsonNode amount) {
    Amount a = amount(amount, "payout amount");
    return Wallets.open(a) + " (" + a.value() + ")";
  }

  private static boolean terminal() {
    var console = System.console();
    return console != null && console.isTerminal();
  }
}

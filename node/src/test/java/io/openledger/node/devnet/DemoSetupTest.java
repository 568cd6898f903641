package io.openledger.node.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.ReceiptView;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.model.TrainingReport;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.staking.StakingParameters;
import io.openledger.chain.staking.TierCheck;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.node.economy.EconomyNode;
import io.openledger.node.factory.TrainingManifestFile;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.testmodel.ModelSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The devnet's demo on a real node: its operator stakes and serves, so the paid demo works. */
class DemoSetupTest {
  @TempDir Path dir;

  @Test
  void theDemoOperatorBondsItsTierMinimumAndServesTheDemoModelSoAPaidRequestIsServed()
      throws Exception {
    try (EconomyNode node = EconomyNode.start(dir)) {
      List<DemoCorpus.Text> texts =
          List.of(
              new DemoCorpus.Text("wisdom", bytes("A stitch in time saves nine.\n%\nLook up.\n")),
              new DemoCorpus.Text("jokes", bytes("Why did the chicken cross the road?\n")));
      // the devnet's generated model and adapter, with the stand-in training.json it writes
      DevnetCommand.DemoModel generated =
          GeneratedDemoModel.write(dir.resolve("demo-model"), texts);
      Path adapter = generated.adapter().orElseThrow();
      assertThat(TrainingManifestFile.read(adapter).manifest())
          .isEqualTo(GeneratedDemoModel.standInManifest(texts, ModelSpec.tiny().name()));
      DemoSetup.Demo demo = new DemoSetup(node.ledger(), node.economy()).run(texts, generated);

      // the training fee by token share (the stand-in counts bytes): 40 and 36 bytes of 76, floors
      // 526,315 and 473,684 ppm, the one left over to the larger
      DemoSetup.Training t = demo.training().orElseThrow();
      assertThat(t.basis()).isEqualTo("tokens");
      Amount fee = DemoSetup.TRAINING_FEE;
      Amount first = fee.multiply(526_316).divide(1_000_000);
      Amount second = fee.multiply(473_684).divide(1_000_000);
      assertPaidExactly(node, demo, List.of(first, second), fee.subtract(first).subtract(second));

      StateReader state = node.state();
      StakingParameters staking = node.genesis.economy().staking();
      assertThat(StakingModule.check(state, demo.modelId(), staking))
          .isEqualTo(
              new TierCheck.Met(
                  DemoSetup.OPERATOR.address(),
                  StakingModule.modelStake(state, demo.modelId()).tier(),
                  staking.experimentalMinimum(),
                  staking.experimentalMinimum()));
      assertThat(StakingModule.modelStake(state, demo.modelId()).servedBy())
          .isEqualTo(DemoSetup.OPERATOR.address());

      StringWriter banner = new StringWriter();
      DemoBanner.print(new PrintWriter(banner), node.runner, Optional.of(demo));
      assertThat(banner.toString())
          .contains(
              "    training fee   5 OPEN paid at registration (block "
                  + t.block()
                  + "), split by token share:\n"
                  + "      report       "
                  + t.reportHash().toHex()
                  + " = keccak-256 of\n"
                  + "                   "
                  + adapter.resolve("training.json")
                  + "\n"
                  + "      contribution 1   wisdom      "
                  + first.toOpenString()
                  + " OPEN (526316 ppm) to "
                  + demo.contributors().get(0).address()
                  + "\n")
          .contains(
              "staked         "
                  + staking.experimentalMinimum().toOpenString()
                  + " OPEN bonded by the operator (dev account 9), served on the staking module"
                  + " (experimental tier, minimum "
                  + staking.experimentalMinimum().toOpenString()
                  + " OPEN)");

      EconomyNode.Answer paid =
          node.post(
              "/v1/completions",
              Json.MAPPER.writeValueAsString(
                  Map.of(
                      "model", demo.servedModel().orElseThrow(), "prompt", "Hi", "max_tokens", 4)),
              Map.of("Authorization", "Bearer " + demo.apiKey()));
      assertThat(paid.status()).as(paid.body().toString()).isEqualTo(200);
      assertThat(paid.body().get("openledger").get("paid").asBoolean()).isTrue();
      assertThat(node.auditFailures).isEmpty();
    }
  }

  @Test
  void theFeeIsSplitByMeasuredInfluenceAndAManifestOfOtherDataIsRefusedWithBothSides()
      throws Exception {
    try (EconomyNode node = EconomyNode.start(dir)) {
      List<DemoCorpus.Text> texts =
          List.of(
              new DemoCorpus.Text("science", bytes("Entropy isn't what it used to be.\n")),
              new DemoCorpus.Text("work", bytes("Work expands to fill the time.\n")),
              new DemoCorpus.Text("linux", bytes("Real programmers use cat.\n")));
      TrainingManifest.DatanetUsed v = DemoSetup.freshChainVersion(texts);
      TrainingManifest manifest =
          new TrainingManifest(
              TrainingManifest.Mode.LORA,
              Optional.of("model"),
              List.of(v),
              List.of(
                  new TrainingManifest.ContributionUsed(1, 1, 9, OptionalDouble.of(0.1)),
                  new TrainingManifest.ContributionUsed(2, 1, 8, OptionalDouble.of(0.3)),
                  new TrainingManifest.ContributionUsed(3, 1, 7, OptionalDouble.of(0.0))),
              TrainingManifest.InfluenceMethod.DATAINF,
              Optional.empty(),
              Map.of("rank", 8L),
              7);
      Path adapter = trained(node, manifest);
      DevnetCommand.DemoModel model =
          new DevnetCommand.DemoModel(node.modelDir, Optional.of(adapter));
      DemoSetup.Demo demo = new DemoSetup(node.ledger(), node.economy()).run(texts, model);
      assertThat(demo.datanetId()).isEqualTo(1);
      DemoSetup.Training t = demo.training().orElseThrow();
      assertThat(t.basis()).isEqualTo("influence");
      assertThat(t.reportHash())
          .isEqualTo(Hash.keccak256(Files.readAllBytes(adapter.resolve("training.json"))));
      // 0.1 and 0.3 of 0.4: 250,000 and 750,000 ppm exactly; no influence, nothing
      assertPaidExactly(
          node,
          demo,
          List.of(
              DemoSetup.TRAINING_FEE.divide(4),
              DemoSetup.TRAINING_FEE.multiply(3).divide(4),
              Amount.ZERO),
          Amount.ZERO);

      // the same model again: this chain's demo datanet is now 2, its contributions 4..6
      long models = ModelModule.modelCount(node.state());
      assertThatThrownBy(() -> new DemoSetup(node.ledger(), node.economy()).run(texts, model))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              adapter.resolve("training.json")
                  + " names [datanet 1 version 1 root "
                  + v.contributionsRoot()
                  + "] and contributions [1, 2, 3], but the demo's datanet on this chain is"
                  + " datanet 2 version 1 root "
                  + DatanetModule.readVersion(node.state(), 2, 1)
                      .orElseThrow()
                      .contributionsRoot()
                      .toHex()
                  + " with contributions [4, 5, 6]: refusing to register the demo model on data it"
                  + " was not trained on");
      assertThat(ModelModule.modelCount(node.state())).isEqualTo(models);

      // an adapter without a training.json is not registered either
      assertThatThrownBy(
              () ->
                  new DemoSetup(node.ledger(), node.economy())
                      .run(
                          texts,
                          new DevnetCommand.DemoModel(node.modelDir, Optional.of(node.adapterDir))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "the demo model " + node.adapterDir + " has no training.json: the demo registers");
      assertThat(ModelModule.modelCount(node.state())).isEqualTo(models);
      assertThat(node.auditFailures).isEmpty();
    }
  }

  /**
   * Each contributor's balance rose by exactly its share in the registration's block (it sends
   * nothing there), the datanet owner's by the remainder, the model owner paid the fee and its gas;
   * the model records the report hash and the fee; the supply invariant held in every block.
   */
  @Test
  void theShippedDemoModelWasTrainedOnTheDemoDatanetAndPaysItsContributorsByInfluence()
      throws Exception {
    List<DemoCorpus.Text> texts = DemoCorpus.load(); // Debian's fortunes, installed when missing
    DevnetCommand.DemoModel trained = DevnetCommand.DemoModel.trained(dir.resolve("demo-model"));
    try (EconomyNode node =
        EconomyNode.serving(dir, trained.dir(), trained.adapter().orElseThrow())) {
      TrainingManifest manifest =
          TrainingManifestFile.read(trained.adapter().orElseThrow()).manifest();
      DemoSetup.Demo demo = new DemoSetup(node.ledger(), node.economy()).run(texts, trained);

      // the manifest's datanet, version, root and contributions are exactly what the demo made
      DemoSetup.Training t = demo.training().orElseThrow();
      assertThat(t.basis()).isEqualTo("influence");
      assertThat(manifest.contributions().stream().map(c -> c.id()).toList())
          .isEqualTo(demo.contributors().stream().map(c -> c.contributionId()).toList());
      // expected split, computed here from the influences: floor ppm, the leftover to the largest
      BigDecimal total = BigDecimal.ZERO;
      for (TrainingManifest.ContributionUsed c : manifest.contributions()) {
        total = total.add(BigDecimal.valueOf(c.influence().orElseThrow()));
      }
      long[] ppm = new long[manifest.contributions().size()];
      long given = 0;
      int largest = 0;
      for (int i = 0; i < ppm.length; i++) {
        double inf = manifest.contributions().get(i).influence().orElseThrow();
        ppm[i] =
            BigDecimal.valueOf(inf)
                .multiply(BigDecimal.valueOf(1_000_000))
                .divide(total, 0, java.math.RoundingMode.FLOOR)
                .longValueExact();
        given += ppm[i];
        if (inf > manifest.contributions().get(largest).influence().orElseThrow()) {
          largest = i;
        }
      }
      ppm[largest] += 1_000_000 - given;
      List<Amount> shares = new java.util.ArrayList<>();
      Amount paid = Amount.ZERO;
      for (long w : ppm) {
        Amount share = DemoSetup.TRAINING_FEE.multiply(w).divide(1_000_000);
        shares.add(share);
        paid = paid.add(share);
      }
      assertPaidExactly(node, demo, shares, DemoSetup.TRAINING_FEE.subtract(paid));

      // The banner's paid request: the answer quotes the demo contributions, each credited span
      // occurs verbatim in the credited contributor's text, and the credited contributors are paid.
      EconomyNode.Answer answer =
          node.post(
              "/v1/completions",
              Json.MAPPER.writeValueAsString(
                  DemoBanner.tryRequest(demo.servedModel().orElseThrow())),
              Map.of("Authorization", "Bearer " + demo.apiKey()));
      assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
      var attribution = answer.body().get("openledger").get("attribution");
      assertThat(attribution).as(answer.body().toString()).isNotEmpty();
      for (var credited : attribution) {
        int i = credited.get("contribution").asInt() - 1;
        String source =
            words(new String(texts.get(i).bytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(credited.get("contributor").asText())
            .isEqualToIgnoringCase(demo.contributors().get(i).address().toHex());
        assertThat(credited.get("paidTo").asText())
            .isEqualToIgnoringCase(credited.get("contributor").asText());
        assertThat(new BigInteger(credited.get("amount").asText())).isPositive();
        for (var span : credited.get("spans")) {
          assertThat(source).contains(words(span.get("text").asText()));
        }
      }
      assertThat(node.auditFailures).isEmpty();
    }
  }

  /**
   * The words of a text as attribution compares them: whitespace runs as one space, the punctuation
   * around the ends dropped (a span may start at a quote the source does not have there).
   */
  private static String words(String text) {
    return text.replaceAll("\\s+", " ").replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "");
  }

  private static JsonNode earnings(EconomyNode node, Address a) {
    try {
      EconomyNode.Answer r = node.get("/v1/economy/earnings/" + a.toHex());
      assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
      return r.body();
    } catch (java.io.IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertPaidExactly(
      EconomyNode node, DemoSetup.Demo demo, List<Amount> shares, Amount remainder) {
    DemoSetup.Training t = demo.training().orElseThrow();
    Ledger ledger = node.ledger();
    BlockRef before = BlockRef.number(t.block() - 1);
    BlockRef after = BlockRef.number(t.block());
    for (int i = 0; i < shares.size(); i++) {
      Address a = demo.contributors().get(i).address();
      assertThat(gain(ledger, a, before, after))
          .as("contributor " + i)
          .isEqualTo(shares.get(i).value());
    }
    assertThat(gain(ledger, DemoSetup.DATANET_OWNER.address(), before, after))
        .isEqualTo(remainder.value());
    ReceiptView r = ledger.chain().receipt(t.transaction()).orElseThrow();
    assertThat(gain(ledger, DemoSetup.MODEL_OWNER.address(), before, after))
        .isEqualTo(t.fee().add(r.effectiveGasPrice().multiply(r.gasUsed())).value().negate());
    Amount sum = remainder;
    for (Amount s : shares) {
      sum = sum.add(s);
    }
    assertThat(sum).isEqualTo(DemoSetup.TRAINING_FEE);
    assertThat(t.payouts().stream().map(p -> p.amount()).reduce(Amount.ZERO, Amount::add))
        .isEqualTo(DemoSetup.TRAINING_FEE);
    // the read API's earnings show each contributor's training fee, from the chain's logs
    for (int i = 0; i < shares.size(); i++) {
      Address a = demo.contributors().get(i).address();
      JsonNode training = earnings(node, a).get("training");
      assertThat(training.get("total").asText()).isEqualTo(shares.get(i).value().toString());
      assertThat(training.get("payments")).hasSize(shares.get(i).isZero() ? 0 : 1);
      for (JsonNode p : training.get("payments")) {
        assertThat(p.get("model").asLong()).isEqualTo(demo.modelId());
        assertThat(p.get("contribution").asLong())
            .isEqualTo(demo.contributors().get(i).contributionId());
        assertThat(p.get("block").asLong()).isEqualTo(t.block());
      }
    }
    JsonNode owner = earnings(node, DemoSetup.DATANET_OWNER.address()).get("training");
    assertThat(owner.get("total").asText()).isEqualTo(remainder.value().toString());
    StateReader state = node.state();
    assertThat(ModelModule.readTrainingReport(state, demo.modelId()))
        .contains(new TrainingReport(t.reportHash(), DemoSetup.TRAINING_FEE));
    assertThat(SupplyAudit.check(ledger.state().state(after).orElseThrow())).isEmpty();
    assertThat(node.auditFailures).isEmpty();
  }

  /** Base units gained (negative: lost) between the two blocks. */
  private static BigInteger gain(Ledger ledger, Address a, BlockRef before, BlockRef after) {
    return ledger
        .state()
        .balance(a, after)
        .orElseThrow()
        .value()
        .subtract(ledger.state().balance(a, before).orElseThrow().value());
  }

  /** A copy of the node's adapter with this training.json, as `openledger train` leaves it. */
  private Path trained(EconomyNode node, TrainingManifest manifest) throws Exception {
    Path out = dir.resolve("trained-" + manifest.hashCode());
    Files.createDirectories(out);
    for (String f : List.of("adapter_config.json", "adapter_model.safetensors")) {
      Files.copy(node.adapterDir.resolve(f), out.resolve(f));
    }
    manifest.write(out);
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

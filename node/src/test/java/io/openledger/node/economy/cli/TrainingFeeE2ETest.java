package io.openledger.node.economy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.model.TrainingReport;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.factory.data.Document;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.node.blob.BlobClient;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.EconomyNode;
import io.openledger.node.factory.DatanetTrainingSource;
import io.openledger.node.wallet.NodeClient;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paying at training time on the real node (issue 9): a datanet with a training fee and three
 * accepted contributions; {@link DatanetTrainingSource} reads its version's text and refuses a
 * tampered blob, a wrong root and forbidden licences; {@code openledger model register --from DIR}
 * with a {@code training.json} written by the factory's {@link TrainingManifest} pays each
 * contributor exactly its share.
 */
class TrainingFeeE2ETest {
  @TempDir static Path dir;

  static EconomyNode node;
  static final KeyPair OWNER = EconomyNode.dev(2);
  static final KeyPair BUILDER = EconomyNode.dev(3);
  static final List<KeyPair> CONTRIBUTORS =
      List.of(EconomyNode.dev(5), EconomyNode.dev(6), EconomyNode.dev(7));
  static final List<String> TEXTS =
      List.of(
          "The river floods in spring.\n",
          "Bridges are inspected every year.\n",
          "Café notes: naïve résumé.\n");
  static final Amount FEE = Amount.open(1).add(Amount.of(7));
  static final List<Long> ids = new ArrayList<>();
  static long corpus;
  static long frozen;
  static long research;
  static long images;

  @BeforeAll
  static void start() throws Exception {
    node = EconomyNode.start(dir);
    corpus = create("corpus", 0, 3); // commercial use + attribution
    for (int i = 0; i < TEXTS.size(); i++) {
      Path f = dir.resolve("text-" + i + ".txt");
      Files.writeString(f, TEXTS.get(i));
      KeyPair who = CONTRIBUTORS.get(i);
      var up =
          node.blobs()
              .upload(f, who, Map.of("datanet", Long.toString(corpus)), BlobClient.Progress.NONE);
      node.ok(
          who,
          DatanetModule.ADDRESS,
          DatanetModule.CONTRIBUTE.encodeCall(
              u(corpus),
              up.hash().toArray(),
              u(up.size()),
              Hash.keccak256(new byte[] {1}).toArray()));
      long id = DatanetModule.contributionCount(node.state());
      ids.add(id);
      node.ok(OWNER, DatanetModule.ADDRESS, DatanetModule.APPROVE.encodeCall(u(id), u(90)));
    }
    JsonNode next = node.get("/v1/datanets/" + corpus + "/next-version").body();
    node.ok(
        OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.PUBLISH_VERSION.encodeCall(
            u(corpus),
            Hash.fromHex(next.get("contributionsRoot").asText()).toArray(),
            Hash.fromHex(next.get("indexHash").asText()).toArray()));
    Path ownerKey = dir.resolve("owner.key");
    Files.writeString(ownerKey, DevAccounts.ALL.get(2).privateKeyHex());
    EconomyCliE2ETest.run(
            "datanet",
            "set-training-fee",
            Long.toString(corpus),
            "1.000000000000000007",
            "--private-key-file",
            ownerKey.toString(),
            "--rpc",
            node.rpcUrl())
        .ok();
    assertThat(DatanetModule.trainingFee(node.state(), corpus)).isEqualTo(FEE);
    assertThat(
            EconomyCliE2ETest.run(
                    "datanet", "training-fee", Long.toString(corpus), "--rpc", node.rpcUrl())
                .ok()
                .out())
        .contains("1.000000000000000007");
    frozen = create("frozen", 0, 1 | 8);
    research = create("research", 0, 2);
    images = create("images", 1, 1);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      assertThat(node.auditFailures).isEmpty();
      node.close();
    }
  }

  private static long create(String name, int type, int licence) throws Exception {
    node.ok(
        OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.CREATE_DATANET.encodeCall(
            name, "about " + name, List.of("t"), u(type), u(licence), "rules"));
    return DatanetModule.datanetCount(node.state());
  }

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }

  private static DatanetTrainingSource.Chain chain() {
    return DatanetTrainingSource.chain(new NodeClient(node.rpcUrl()));
  }

  private static DatanetTrainingSource.Blobs blobs() {
    return DatanetTrainingSource.blobs(node.blobs());
  }

  private static List<DatanetTrainingSource.Spec> specs(String... s) {
    return java.util.Arrays.stream(s).map(DatanetTrainingSource.Spec::parse).toList();
  }

  @Test
  void theSourceReadsTheVersionsTextAndRefusesWhatIsNotIt() {
    DatanetTrainingSource source = new DatanetTrainingSource(chain(), blobs());
    DatanetTrainingSource.Read read = source.read(specs(Long.toString(corpus)), true);
    List<Document> want = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      want.add(new Document(corpus, 1, ids.get(i), TEXTS.get(i)));
    }
    assertThat(read.documents()).containsExactlyElementsOf(want);
    DatanetVersion v = DatanetModule.readVersion(node.state(), corpus, 1).orElseThrow();
    assertThat(read.versions())
        .containsExactly(
            new DatanetTrainingSource.VersionRead(corpus, 1, v.contributionsRoot(), ids));
    assertThat(source.read(specs(corpus + "@1"), false).documents()).isEqualTo(want);

    // a blob store that sends other bytes for the second contribution
    Contribution second = DatanetModule.readContribution(node.state(), ids.get(1)).orElseThrow();
    DatanetTrainingSource tampered =
        new DatanetTrainingSource(
            chain(),
            hash ->
                hash.equals(second.blobHash())
                    ? "Bridges are never inspected.\n".getBytes(StandardCharsets.UTF_8)
                    : blobs().get(hash));
    assertThatThrownBy(() -> tampered.read(specs(Long.toString(corpus)), false))
        .isInstanceOf(CliException.class)
        .hasMessageContaining(
            "datanet "
                + corpus
                + " version 1: contribution "
                + ids.get(1)
                + ": the blob store sent")
        .hasMessageContaining("not " + second.blobHash().toHex());

    // a chain view whose version names another root
    DatanetTrainingSource.Chain real = chain();
    Hash wrong = Hash.keccak256(new byte[] {9});
    DatanetTrainingSource.Chain lying =
        new DatanetTrainingSource.Chain() {
          @Override
          public Datanet datanet(long id) {
            return real.datanet(id);
          }

          @Override
          public DatanetVersion version(long datanetId, int version) {
            DatanetVersion r = real.version(datanetId, version);
            return new DatanetVersion(
                datanetId, version, wrong, r.indexHash(), r.acceptedCount(), r.publishedAt());
          }

          @Override
          public long acceptedAt(long datanetId, long index) {
            return real.acceptedAt(datanetId, index);
          }

          @Override
          public Contribution contribution(long id) {
            return real.contribution(id);
          }
        };
    assertThatThrownBy(
            () -> new DatanetTrainingSource(lying, blobs()).read(specs("" + corpus), false))
        .hasMessage(
            "datanet "
                + corpus
                + " version 1: the root of its 3 accepted contributions is "
                + v.contributionsRoot().toHex()
                + ", but the chain recorded "
                + wrong.toHex()
                + " (refusing data that is not the version)");

    assertThatThrownBy(() -> source.read(specs("" + frozen), false))
        .hasMessage(
            "datanet "
                + frozen
                + " (frozen) is licensed no derivatives: a model trained on it is a derivative");
    assertThatThrownBy(() -> source.read(specs("" + research), true))
        .hasMessage(
            "datanet "
                + research
                + " (research) does not allow commercial use: a paid model cannot be trained on"
                + " it");
    assertThatThrownBy(() -> source.read(specs("" + research), false))
        .hasMessage("datanet " + research + " (research) has no published version yet");
    assertThatThrownBy(() -> source.read(specs("" + images), false))
        .hasMessage(
            "datanet "
                + images
                + " (images) holds image data: the factory trains on UTF-8 text only");
    assertThatThrownBy(() -> source.read(specs(corpus + "@2"), false))
        .hasMessage("datanet " + corpus + " has no version 2 (versions: 1)");
    assertThatThrownBy(() -> source.read(specs(corpus + "@1", "" + corpus), false))
        .hasMessage("datanet " + corpus + " is named twice");
    assertThatThrownBy(() -> DatanetTrainingSource.Spec.parse("1@x"))
        .hasMessageContaining("want ID or ID@VERSION");
  }

  @Test
  void registerFromDirPaysEachContributorItsShare() throws Exception {
    Path out = dir.resolve("trained");
    Files.createDirectories(out);
    for (String f : List.of("adapter_config.json", "adapter_model.safetensors")) {
      Files.copy(node.adapterDir.resolve(f), out.resolve(f));
    }
    Hash root =
        DatanetModule.readVersion(node.state(), corpus, 1).orElseThrow().contributionsRoot();
    TrainingManifest manifest = manifest(TrainingManifest.Mode.LORA, root);
    Path written = manifest.write(out);
    Hash report = Hash.keccak256(Files.readAllBytes(written));
    Path key = dir.resolve("builder.key");
    Files.writeString(key, DevAccounts.ALL.get(3).privateKeyHex());

    // influence 0.5 / 0.25 / 0: 666,666 + 1 left over, 333,333, nothing
    Amount first = FEE.multiply(666_667).divide(1_000_000);
    Amount second = FEE.multiply(333_333).divide(1_000_000);
    Amount rest = FEE.subtract(first).subtract(second);

    Map<Address, Amount> before = balances();
    EconomyCliE2ETest.Run dry = register(out, key, "--dry-run", "--json").ok();
    JsonNode plan = dry.json();
    assertThat(plan.get("dryRun").asBoolean()).isTrue();
    assertThat(plan.get("reportHash").asText()).isEqualTo(report.toHex());
    assertThat(plan.get("trainingFee").asText()).isEqualTo(FEE.value().toString());
    assertThat(plan.get("payouts")).hasSize(3);
    assertThat(plan.get("payouts").get(0).get("amount").asText())
        .isEqualTo(first.value().toString());
    assertThat(balances()).isEqualTo(before);
    assertThat(ModelModule.modelCount(node.state())).isZero();

    EconomyCliE2ETest.Run run = register(out, key).ok();
    assertThat(run.out())
        .contains("Datanet " + corpus + " version 1: training fee 1.000000000000000007 OPEN")
        .contains("(datanet owner: the remainder)");
    long model = ModelModule.modelCount(node.state());
    assertThat(run.out().strip().lines().toList().getLast()).isEqualTo(Long.toString(model));
    Map<Address, Amount> after = balances();
    assertThat(gain(before, after, CONTRIBUTORS.get(0))).isEqualTo(first);
    assertThat(gain(before, after, CONTRIBUTORS.get(1))).isEqualTo(second);
    assertThat(gain(before, after, CONTRIBUTORS.get(2))).isEqualTo(Amount.ZERO);
    assertThat(gain(before, after, OWNER)).isEqualTo(rest);
    assertThat(before.get(BUILDER.address()).subtract(after.get(BUILDER.address())))
        .isGreaterThan(FEE);
    assertThat(ModelModule.readTrainingReport(node.state(), model))
        .contains(new TrainingReport(report, FEE));
    assertThat(
            EconomyCliE2ETest.run("model", "show", Long.toString(model), "--rpc", node.rpcUrl())
                .ok()
                .out())
        .contains(
            "training    report "
                + report.toHex()
                + ", training fees paid 1.000000000000000007 OPEN");
    assertThat(ModelModule.readModel(node.state(), model).orElseThrow().datanets())
        .extracting(r -> r.datanetId() + "@" + r.version())
        .containsExactly(corpus + "@1");

    // a model trained from scratch is its own base: no --base, adapter hash zero (dry run)
    Path scratch = dir.resolve("scratch");
    Files.createDirectories(scratch);
    try (var files = Files.list(node.modelDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, scratch.resolve(f.getFileName()));
      }
    }
    manifest(TrainingManifest.Mode.FROM_SCRATCH, root).write(scratch);
    JsonNode fromScratch =
        EconomyCliE2ETest.run(
                "model",
                "register",
                "--from",
                scratch.toString(),
                "--name",
                "scratch",
                "--private-key-file",
                key.toString(),
                "--dry-run",
                "--json",
                "--rpc",
                node.rpcUrl())
            .ok()
            .json();
    assertThat(fromScratch.get("adapterHash").asText()).isEqualTo(Hash.ZERO.toHex());
    assertThat(fromScratch.get("baseModelHash").asText())
        .isEqualTo(BaseModelHash.of(scratch).toHex());
    register(scratch, key, "--dry-run").fails("holds a model trained from scratch");

    // a training.json whose root is not the version's is refused before anything is sent
    Path tampered = dir.resolve("tampered");
    Files.createDirectories(tampered);
    for (String f : List.of("adapter_config.json", "adapter_model.safetensors")) {
      Files.copy(out.resolve(f), tampered.resolve(f));
    }
    manifest(TrainingManifest.Mode.LORA, Hash.keccak256(new byte[] {3})).write(tampered);
    register(tampered, key)
        .fails(
            tampered.resolve("training.json")
                + " says datanet "
                + corpus
                + " version 1 has root "
                + Hash.keccak256(new byte[] {3}).toHex()
                + ", the chain recorded "
                + root.toHex());

    // a training.json the factory's reader refuses is refused by name, file and key
    Path broken = dir.resolve("broken");
    Files.createDirectories(broken);
    Files.writeString(
        broken.resolve("training.json"), manifest.text().replace("\"seed\"", "\"sede\""));
    register(broken, key, "--dry-run")
        .fails(broken.resolve("training.json") + ": unknown key sede");
  }

  /**
   * The training.json of a model trained on the corpus's version 1: influence 0.5, 0.25 and none
   * measured for the third (0), as the factory writes it.
   */
  private static TrainingManifest manifest(TrainingManifest.Mode mode, Hash root) {
    return new TrainingManifest(
        mode,
        mode == TrainingManifest.Mode.LORA ? Optional.of("tiny") : Optional.empty(),
        List.of(new TrainingManifest.DatanetUsed(corpus, 1, root.toHex())),
        List.of(
            new TrainingManifest.ContributionUsed(ids.get(0), corpus, 7, OptionalDouble.of(0.5)),
            new TrainingManifest.ContributionUsed(ids.get(1), corpus, 6, OptionalDouble.of(0.25)),
            new TrainingManifest.ContributionUsed(ids.get(2), corpus, 9, OptionalDouble.of(0.0))),
        TrainingManifest.InfluenceMethod.DATAINF,
        Optional.of(new TrainingManifest.Eval(2.3, Math.exp(2.3), 64, 2.0)),
        Map.of("rank", 8L),
        7);
  }

  private static EconomyCliE2ETest.Run register(Path from, Path key, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "model",
                "register",
                "--from",
                from.toString(),
                "--base",
                node.modelDir.toString(),
                "--name",
                "trained",
                "--price-in",
                "0.01",
                "--operator",
                EconomyNode.OPERATOR.address().toHex(),
                "--private-key-file",
                key.toString(),
                "--no-progress",
                "--rpc",
                node.rpcUrl(),
                "--api",
                node.apiUrl()));
    args.addAll(List.of(extra));
    return EconomyCliE2ETest.run(args.toArray(String[]::new));
  }

  private static Map<Address, Amount> balances() throws Exception {
    Map<Address, Amount> out = new HashMap<>();
    for (KeyPair k :
        List.of(OWNER, BUILDER, CONTRIBUTORS.get(0), CONTRIBUTORS.get(1), CONTRIBUTORS.get(2))) {
      out.put(k.address(), node.balance(k.address()));
    }
    return out;
  }

  private static Amount gain(Map<Address, Amount> before, Map<Address, Amount> after, KeyPair k) {
    return after.get(k.address()).subtract(before.get(k.address()));
  }
}

package io.openledger.node.economy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.cli.BaseModelHash;
import io.openledger.node.rpc.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A paid model on a real {@link EconomyNode}, for the tests of what comes after a paid answer
 * (challenges, audits): datanet 1 with one contribution per prompt holding the adapter's greedy
 * answer to it (so paid answers are attributed), published and indexed; the model registered on it
 * with the served base model's real hash, staked and served by the node's operator; a payer with an
 * escrow and an API key.
 *
 * @param model the name to request it by ({@code base:0x<adapter>})
 * @param modelId its id
 * @param apiKey a key of the payer
 * @param payer the payer
 * @param answers the greedy answer to each prompt, as learned before the model was registered
 */
public record PaidModelFixture(
    String model, long modelId, String apiKey, KeyPair payer, List<String> answers) {
  public static final Amount PRICE_IN = Amount.of(new BigInteger("10000000000000000")); // 0.01
  public static final Amount PRICE_OUT = Amount.of(new BigInteger("50000000000000000")); // 0.05
  public static final int MAX_TOKENS = 24;

  public static PaidModelFixture setUp(EconomyNode node, Path scratch, List<String> prompts)
      throws Exception {
    KeyPair funder = EconomyNode.dev(0);
    KeyPair datanetOwner = EconomyNode.dev(2);
    KeyPair modelOwner = EconomyNode.dev(3);
    KeyPair payer = EconomyNode.dev(4);
    node.ok(
        datanetOwner,
        DatanetModule.ADDRESS,
        DatanetModule.CREATE_DATANET.encodeCall(
            "answers", "texts the model answers with", List.of("demo"), u(0), u(3), "text"));
    Hash adapter = node.uploadAdapter(modelOwner, scratch);
    String model = node.baseModel() + ":" + adapter.toHex();
    List<String> answers = new ArrayList<>();
    for (String p : prompts) {
      EconomyNode.Answer a = node.post("/v1/completions", completion(model, p), Map.of());
      assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
      answers.add(a.body().get("choices").get(0).get("text").asText());
    }
    for (int i = 0; i < answers.size(); i++) {
      KeyPair contributor =
          KeyPair.fromPrivateKey(
              Hash.keccak256(("fixture contributor " + i).getBytes(StandardCharsets.UTF_8))
                  .toArray());
      node.ok(funder, contributor.address(), new byte[0], Amount.open(5));
      Path f = scratch.resolve("contribution-" + i + ".txt");
      Files.writeString(f, "Notes of contributor " + i + ". " + answers.get(i) + "\nThe end.\n");
      var up = node.blobs().upload(f, contributor, Map.of("datanet", "1"), (ph, d, t) -> {});
      node.ok(
          contributor,
          DatanetModule.ADDRESS,
          DatanetModule.CONTRIBUTE.encodeCall(
              u(1), up.hash().toArray(), u(up.size()), Hash.keccak256(new byte[] {1}).toArray()));
      node.ok(
          datanetOwner, DatanetModule.ADDRESS, DatanetModule.APPROVE.encodeCall(u(i + 1), u(90)));
    }
    JsonNode next = node.get("/v1/datanets/1/next-version").body();
    node.ok(
        datanetOwner,
        DatanetModule.ADDRESS,
        DatanetModule.PUBLISH_VERSION.encodeCall(
            u(1),
            Hash.fromHex(next.get("contributionsRoot").asText()).toArray(),
            Hash.fromHex(next.get("indexHash").asText()).toArray()));
    EconomyE2ETest.awaitIndexReady(node);
    node.ok(
        modelOwner,
        ModelModule.ADDRESS,
        ModelModule.REGISTER_MODEL.encodeCall(
            "tiny",
            BaseModelHash.of(node.modelDir).toArray(),
            adapter.toArray(),
            List.of(u(1)),
            List.of(u(1)),
            PRICE_IN.value(),
            PRICE_OUT.value(),
            EconomyNode.OPERATOR.address()));
    long modelId = ModelModule.modelCount(node.state());
    node.stakeAndServe(modelId);
    String key = "sk-fixture-payer";
    node.ok(payer, InferenceModule.ADDRESS, InferenceModule.DEPOSIT.encodeCall(), Amount.open(50));
    node.ok(
        payer,
        InferenceModule.ADDRESS,
        InferenceModule.REGISTER_API_KEY.encodeCall(
            Hash.keccak256(key.getBytes(StandardCharsets.UTF_8)).toArray(),
            Amount.open(50).value()));
    return new PaidModelFixture(model, modelId, key, payer, answers);
  }

  /** A greedy completion request's body. */
  public static String completion(String model, String prompt) throws Exception {
    return Json.MAPPER.writeValueAsString(
        Map.of("model", model, "prompt", prompt, "max_tokens", MAX_TOKENS, "temperature", 0));
  }

  /** A paid request with the payer's key; its answer must be 200. */
  public EconomyNode.Answer pay(EconomyNode node, String body) throws Exception {
    EconomyNode.Answer a =
        node.post("/v1/completions", body, Map.of("Authorization", "Bearer " + apiKey));
    assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    assertThat(a.body().get("openledger").get("paid").asBoolean()).isTrue();
    return a;
  }

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }
}

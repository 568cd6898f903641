package io.openledger.chain.model;

import static io.openledger.chain.datanet.EconomyChain.blob;
import static io.openledger.chain.datanet.EconomyChain.dev;
import static io.openledger.chain.datanet.EconomyChain.u;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Log;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The model module through real transactions: registration, licence checks, owner-only changes. */
class ModelModuleTest {
  private static final Address MM = ModelModule.ADDRESS;
  private static final Hash BASE = blob("qwen2.5-0.5b");
  private static final Hash ADAPTER = blob("adapter v1");

  private final EconomyChain c = new EconomyChain();
  private final KeyPair curator = dev(0);
  private final KeyPair owner = dev(2);
  private final KeyPair operator = dev(3);
  private final KeyPair stranger = dev(4);
  private long commercial;
  private long nonCommercial;
  private long noDerivatives;

  @BeforeEach
  void datanets() {
    commercial = c.publishedDatanet(curator, "open", Licence.COMMERCIAL_USE | Licence.ATTRIBUTION);
    nonCommercial = c.publishedDatanet(curator, "research", Licence.ATTRIBUTION);
    noDerivatives =
        c.publishedDatanet(curator, "frozen", Licence.COMMERCIAL_USE | Licence.NO_DERIVATIVES);
  }

  private static byte[] register(
      String name, List<Long> ids, List<Integer> versions, long in, long out, Address op) {
    return ModelModule.REGISTER_MODEL.encodeCall(
        name,
        BASE.toArray(),
        ADAPTER.toArray(),
        ids.stream().map(BigInteger::valueOf).toList(),
        versions.stream().map(BigInteger::valueOf).toList(),
        u(in),
        u(out),
        op);
  }

  private byte[] paid(List<Long> ids, List<Integer> versions) {
    return register("m", ids, versions, 10, 20, operator.address());
  }

  @Test
  void registerAPaidModelOnCommercialDataAndAFreeOneOnResearchData() {
    long at = c.now() + 2;
    TransactionResult r =
        c.ok(
            owner,
            MM,
            register(
                "legal-qa", List.of(commercial), List.of(1), 1_000, 3_000, operator.address()));
    assertThat(ModelModule.REGISTER_MODEL.decodeResult(r.returnData())).containsExactly(u(1));
    Log log = r.logs().getFirst();
    assertThat(log.address()).isEqualTo(MM);
    assertThat(log.topics())
        .containsExactly(
            ModelModule.MODEL_REGISTERED.topic(),
            Hash.wrap(Abi.encode(List.of(AbiType.UINT64), List.of(u(1)))),
            Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(owner.address()))),
            Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(operator.address()))));
    assertThat(Abi.decode(List.of(AbiType.STRING, AbiType.BYTES32), log.data()).getFirst())
        .isEqualTo("legal-qa");
    assertThat(ModelModule.readModel(c.state(), 1))
        .contains(
            new Model(
                1,
                owner.address(),
                operator.address(),
                "legal-qa",
                BASE,
                ADAPTER,
                Amount.of(1_000),
                Amount.of(3_000),
                at,
                List.of(new Model.DatanetRef(commercial, 1))));

    c.ok(
        owner,
        MM,
        register(
            "free", List.of(nonCommercial, commercial), List.of(1, 1), 0, 0, operator.address()));
    assertThat(c.view(MM, ModelModule.MODEL_COUNT)).containsExactly(u(2));
    assertThat(c.view(MM, ModelModule.MODEL_DATANETS, u(2)))
        .containsExactly(List.of(u(nonCommercial), u(commercial)), List.of(u(1), u(1)));
    List<Object> m = c.view(MM, ModelModule.MODEL, u(1));
    assertThat(m.subList(0, 3)).containsExactly(owner.address(), operator.address(), "legal-qa");
    assertThat(m.subList(5, 8)).containsExactly(u(1_000), u(3_000), u(at));
    assertThat(c.viewRefused(MM, ModelModule.MODEL.encodeCall(u(3))))
        .isEqualTo("model: unknown model 3");
  }

  @Test
  void licenceAndDatanetRefusals() {
    Address op = operator.address();
    assertThat(c.refused(owner, MM, register("m", List.of(noDerivatives), List.of(1), 0, 0, op)))
        .isEqualTo(
            "model: datanet 3 is licensed no derivatives: a model trained on it is a derivative");
    assertThat(c.refused(owner, MM, paid(List.of(commercial, nonCommercial), List.of(1, 1))))
        .isEqualTo(
            "model: datanet 2 does not allow commercial use: a paid model cannot be trained on it");
    assertThat(c.refused(owner, MM, register("m", List.of(nonCommercial), List.of(1), 0, 1, op)))
        .contains("does not allow commercial use");
    assertThat(c.refused(owner, MM, paid(List.of(commercial), List.of(2))))
        .isEqualTo("model: datanet 1 has no version 2 (versions: 1)");
    assertThat(c.refused(owner, MM, paid(List.of(commercial), List.of(0))))
        .isEqualTo("model: datanet 1 has no version 0");
    assertThat(c.refused(owner, MM, paid(List.of(9L), List.of(1))))
        .isEqualTo("model: unknown datanet 9");
    assertThat(c.refused(owner, MM, paid(List.of(0L), List.of(1))))
        .isEqualTo("model: unknown datanet 0");
    assertThat(c.refused(owner, MM, paid(List.of(commercial, commercial), List.of(1, 1))))
        .isEqualTo("model: datanet 1 is named twice");
    assertThat(c.refused(owner, MM, paid(List.of(commercial), List.of(1, 1))))
        .isEqualTo("model: 1 datanet ids but 2 versions");
    assertThat(c.refused(owner, MM, paid(List.of(), List.of())))
        .isEqualTo("model: no datanets (a model is trained on at least one version)");
    assertThat(
            c.refused(
                owner, MM, register("m", List.of(commercial), List.of(1), 1, 1, Address.ZERO)))
        .isEqualTo("model: the operator is the zero address");
    String long65 = "x".repeat(64) + "é"; // 66 bytes of UTF-8
    assertThat(c.refused(owner, MM, register(long65, List.of(commercial), List.of(1), 1, 1, op)))
        .isEqualTo("model: the name is 66 bytes, at most 64");
    assertThat(ModelModule.modelCount(c.state())).isZero();
    c.ok(owner, MM, register("x".repeat(64), List.of(commercial), List.of(1), 1, 1, op));
  }

  @Test
  void onlyTheOwnerSetsPricesAndOperatorAndPricesKeepTheLicence() {
    Address op = operator.address();
    c.ok(owner, MM, register("free", List.of(nonCommercial), List.of(1), 0, 0, op));
    assertThat(c.refused(stranger, MM, ModelModule.SET_PRICES.encodeCall(u(1), u(0), u(0))))
        .isEqualTo("model: only the owner of model 1 (" + owner.address() + ") may set prices");
    assertThat(
            c.refused(stranger, MM, ModelModule.SET_OPERATOR.encodeCall(u(1), stranger.address())))
        .isEqualTo(
            "model: only the owner of model 1 (" + owner.address() + ") may set the operator");
    assertThat(c.refused(owner, MM, ModelModule.SET_PRICES.encodeCall(u(1), u(1), u(0))))
        .contains("datanet 2 does not allow commercial use");
    assertThat(c.refused(owner, MM, ModelModule.SET_OPERATOR.encodeCall(u(1), Address.ZERO)))
        .isEqualTo("model: the operator is the zero address");
    assertThat(c.refused(owner, MM, ModelModule.SET_PRICES.encodeCall(u(2), u(1), u(0))))
        .isEqualTo("model: unknown model 2");

    TransactionResult moved =
        c.ok(owner, MM, ModelModule.SET_OPERATOR.encodeCall(u(1), stranger.address()));
    assertThat(moved.logs().getFirst().topics())
        .containsExactly(
            ModelModule.MODEL_OPERATOR_SET.topic(),
            Hash.wrap(Abi.encode(List.of(AbiType.UINT64), List.of(u(1)))),
            Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(stranger.address()))));
    assertThat(ModelModule.readModel(c.state(), 1).orElseThrow().operator())
        .isEqualTo(stranger.address());

    c.ok(owner, MM, register("paid", List.of(commercial), List.of(1), 5, 5, op));
    TransactionResult priced = c.ok(owner, MM, ModelModule.SET_PRICES.encodeCall(u(2), u(7), u(9)));
    assertThat(
            Abi.decode(List.of(AbiType.UINT256, AbiType.UINT256), priced.logs().getFirst().data()))
        .containsExactly(u(7), u(9));
    Model m = ModelModule.readModel(c.state(), 2).orElseThrow();
    assertThat(m.pricePerKIn()).isEqualTo(Amount.of(7));
    assertThat(m.pricePerKOut()).isEqualTo(Amount.of(9));
    assertThat(m.datanets()).containsExactly(new Model.DatanetRef(commercial, 1));
  }

  @Test
  void valueMalformedCalldataAndUnknownSelectorsAreRefused() {
    byte[] call = paid(List.of(commercial), List.of(1));
    assertThat(c.refused(owner, MM, Amount.open(2), call, 2))
        .isEqualTo("model: registerModel is not payable");
    assertThat(c.refused(owner, MM, java.util.Arrays.copyOf(call, 40)))
        .startsWith("model: malformed ABI data");
    assertThat(c.refused(owner, MM, new byte[] {(byte) 0xde, (byte) 0xad, 0, 1}))
        .isEqualTo("model: unknown function selector 0xdead0001");
    assertThat(c.state().balance(MM)).isEqualTo(Amount.ZERO);
  }
}

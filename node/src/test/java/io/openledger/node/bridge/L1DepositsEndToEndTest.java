package io.openledger.node.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.bridge.Deposit;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.AccountProof;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.QueryResult;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.Supply;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.l1.Anvil;
import io.openledger.l1.L1Abi;
import io.openledger.l1.L1Deployment;
import io.openledger.l1.L1Sender;
import io.openledger.l1.OutputRoot;
import io.openledger.l1.PortalDeposits;
import io.openledger.l1.Withdrawal;
import io.openledger.node.rpc.methods.ChainJson;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;

/**
 * The node's deposit derivation against a real anvil: OPEN withdrawn on the L2 and finalized on L1
 * is deposited back on L1, and the sequencer credits it on the L2 once its L1 block is final,
 * exactly once, also across a restart of the node. OPEN on L1 plus OPEN on the L2 plus OPEN in
 * flight is the genesis supply at every step.
 */
class L1DepositsEndToEndTest {
  private static final long CHALLENGE_PERIOD = 3600;

  @TempDir Path dir;
  private Anvil anvil;
  private L1Sender proposer;
  private L1Sender user;
  private L1Deployment l1;
  private Ledger ledger;
  private L1DepositWatcher watcher;

  @BeforeEach
  void start() {
    anvil = Anvil.start(Path.of(System.getProperty("l1.nodeModules", "../l1/node_modules")));
    proposer = sender(0);
    user = sender(1);
    Address p = Address.fromHex(proposer.address());
    l1 =
        L1Deployment.deploy(
            proposer, new L1Deployment.Config(p, p, p, CHALLENGE_PERIOD, BridgeModule.ADDRESS));
    open();
  }

  @AfterEach
  void stop() {
    ledger.close();
    watcher.close();
    anvil.close();
  }

  private L1Sender sender(int i) {
    return new L1Sender(
        anvil.web3j(), Credentials.create(DevAccounts.ALL.get(i).privateKeyHex()), Anvil.CHAIN_ID);
  }

  private void open() {
    // polled by hand (poll()) so the test decides when L1 is read
    watcher =
        new L1DepositWatcher(
            new PortalDeposits(anvil.web3j(), l1.portal(), 0, 1), Duration.ofHours(1));
    ledger =
        Ledger.open(
            dir,
            Genesis.devnet(),
            LedgerConfig.onDemand().withSyncWrites(false).withDeposits(watcher));
  }

  private StateReader l2() {
    return ledger.state().state(BlockRef.LATEST).orElseThrow();
  }

  private BigInteger portalUint(String function) {
    return uint(l1.portal(), function);
  }

  private BigInteger uint(String contract, String function, Type<?>... args) {
    Function f = new Function(function, List.of(args), List.of(new TypeReference<Uint256>() {}));
    return (BigInteger)
        FunctionReturnDecoder.decode(
                user.call(contract, FunctionEncoder.encode(f)), f.getOutputParameters())
            .getFirst()
            .getValue();
  }

  private BigInteger l1Balance(Address a) {
    return uint(l1.token(), "balanceOf", new org.web3j.abi.datatypes.Address(a.toHex()));
  }

  /** L2 OPEN + L1 OPEN + withdrawn not yet finalized + deposited not yet credited = genesis. */
  private void assertSupplyConserved() {
    StateReader s = l2();
    Supply supply = s.supply();
    BigInteger onL2 = supply.balances().add(supply.locked()).add(supply.burned()).value();
    BigInteger onL1 = uint(l1.token(), "totalSupply");
    BigInteger withdrawing =
        BridgeModule.totalWithdrawn(s).value().subtract(portalUint("totalWithdrawn"));
    BigInteger depositing =
        portalUint("totalDeposited").subtract(BridgeModule.totalDeposited(s).value());
    assertThat(onL2.add(onL1).add(withdrawing).add(depositing)).isEqualTo(Supply.TOTAL.value());
    assertThat(BridgeModule.audit(s)).isEmpty();
  }

  private BlockView produce() {
    watcher.poll();
    BlockView b = ledger.produceBlock();
    assertSupplyConserved();
    return b;
  }

  @Test
  void aDepositIsCreditedOnceFinalExactlyOnceAcrossARestart() {
    KeyPair alice = KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(0).privateKeyHex());
    Address l1User = Address.fromHex(user.address());
    Address bob = Address.fromHex("0x000000000000000000000000000000000000b0b0");
    Amount out = Amount.open(300);

    // 1. withdraw on the L2, prove and finalize on L1
    var tx =
        TransactionBuilder.eip1559(ledger.chain().chainId())
            .nonce(ledger.state().nonce(alice.address(), BlockRef.LATEST).orElseThrow())
            .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
            .maxFeePerGas(ledger.fees().nextBaseFee().multiply(2).add(Amount.of(1_000_000_000L)))
            .gasLimit(200_000)
            .to(BridgeModule.ADDRESS)
            .value(out)
            .data(BridgeModule.WITHDRAW.encodeCall(l1User))
            .sign(alice);
    assertThat(ledger.intake().submit(tx.encode())).isInstanceOf(SubmitResult.Accepted.class);
    BlockView b = produce();
    assertThat(ledger.chain().receipt(tx.hash()).orElseThrow().success()).isTrue();
    Withdrawal w = new Withdrawal(BigInteger.ZERO, alice.address(), l1User, out);
    OutputRoot output =
        new OutputRoot(
            b.stateRoot(),
            BridgeModule.withdrawalsRoot(
                ledger.state().state(BlockRef.number(b.number())).orElseThrow()),
            b.hash());
    proposer.send(l1.oracle(), L1Abi.proposeL2Output(output.hash(), b.number()));
    AccountProof proof =
        ((QueryResult.Ok<AccountProof>)
                ledger
                    .state()
                    .proof(BridgeModule.ADDRESS, List.of(w.hash()), BlockRef.number(b.number())))
            .value();
    byte[] stateProof = proof.storageProof().getFirst().proof().getFirst();
    user.send(l1.portal(), L1Abi.proveWithdrawal(w, BigInteger.ZERO, output, stateProof));
    assertSupplyConserved();
    anvil.advanceTime(CHALLENGE_PERIOD);
    user.send(l1.portal(), L1Abi.finalizeWithdrawal(w));
    assertThat(l1Balance(l1User)).isEqualTo(out.value());
    assertSupplyConserved();

    // 2. deposit 100 back to bob: credited only once its L1 block has a confirmation
    user.send(l1.portal(), L1Abi.deposit(bob, Amount.open(100)));
    assertSupplyConserved();
    produce();
    assertThat(l2().balance(bob)).as("not final yet").isEqualTo(Amount.ZERO);
    anvil.rpc("evm_mine", List.of());
    BlockView credited = produce();
    assertThat(credited.transactions()).hasSize(1);
    var depositHash = new Deposit(0, l1User, bob, Amount.open(100)).toTransaction().hash();
    var json = ChainJson.transaction(ledger.chain().transaction(depositHash).orElseThrow());
    assertThat(json.get("type").asText()).isEqualTo("0x7e");
    assertThat(json.get("from").asText()).isEqualTo(BridgeModule.SYSTEM_SENDER.toHex());
    assertThat(json.get("to").asText()).isEqualTo(BridgeModule.ADDRESS.toHex());
    assertThat(json.get("gasPrice").asText()).isEqualTo("0x0");
    assertThat(ledger.chain().receipt(depositHash).orElseThrow().success()).isTrue();
    assertThat(l2().balance(bob)).isEqualTo(Amount.open(100));
    assertThat(BridgeModule.depositNonce(l2())).isEqualTo(1);
    produce();
    assertThat(l2().balance(bob)).as("exactly once").isEqualTo(Amount.open(100));

    // 3. a deposit while the node is down is credited after the restart, the first not again
    ledger.close();
    watcher.close();
    user.send(l1.portal(), L1Abi.deposit(bob, Amount.open(50)));
    anvil.rpc("evm_mine", List.of());
    open();
    assertThat(l2().balance(bob)).isEqualTo(Amount.open(100));
    produce();
    assertThat(l2().balance(bob)).isEqualTo(Amount.open(150));
    produce();
    produce();
    assertThat(l2().balance(bob)).isEqualTo(Amount.open(150));
    assertThat(BridgeModule.depositNonce(l2())).isEqualTo(2);
    assertThat(BridgeModule.totalDeposited(l2())).isEqualTo(Amount.open(150));
    assertThat(l1Balance(l1User)).isEqualTo(Amount.open(150).value());

    // 4. L1 goes back below the watcher's cursor, deeper than its confirmation (anvil reverts to a
    //    snapshot): the deposit it had read but not handed out is gone, and the one made in its
    //    place under the same nonce, in an earlier block than the cursor, is the one credited
    Address carol = Address.fromHex("0x000000000000000000000000000000000000ca01");
    Object beforeSeven = anvil.rpc("evm_snapshot", List.of());
    user.send(l1.portal(), L1Abi.deposit(carol, Amount.open(7)));
    anvil.rpc("evm_mine", List.of());
    anvil.rpc("evm_mine", List.of());
    watcher.poll(); // reads deposit 2 (7 OPEN) as final; the L2 has not credited it
    anvil.rpc("evm_revert", List.of(beforeSeven));
    Object beforeFive = anvil.rpc("evm_snapshot", List.of());
    user.send(l1.portal(), L1Abi.deposit(carol, Amount.open(5)));
    anvil.rpc("evm_mine", List.of());
    produce();
    assertThat(watcher.deepReorgs()).isEqualTo(1);
    assertThat(l2().balance(carol))
        .as("L1's deposit 2, not the lost one")
        .isEqualTo(Amount.open(5));
    assertThat(BridgeModule.depositNonce(l2())).isEqualTo(3);

    // 5. L1 goes back below a credited deposit and holds another under its nonce: the watcher
    //    stops crediting and says why, rather than credit a chain L1 does not have
    anvil.rpc("evm_mine", List.of());
    anvil.rpc("evm_mine", List.of());
    watcher.poll();
    anvil.rpc("evm_revert", List.of(beforeFive));
    user.send(l1.portal(), L1Abi.deposit(carol, Amount.open(9)));
    user.send(l1.portal(), L1Abi.deposit(carol, Amount.open(1)));
    anvil.rpc("evm_mine", List.of());
    watcher.poll();
    ledger.produceBlock();
    assertThat(watcher.conflict())
        .hasValueSatisfying(
            m -> assertThat(m).contains("the L2 credited deposit 2 as").contains("L1 now holds"));
    assertThat(l2().balance(carol)).as("deposit 3 is not credited").isEqualTo(Amount.open(5));
    assertThat(BridgeModule.depositNonce(l2())).isEqualTo(3);
  }
}

package io.openledger.chain.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The devnet (voting delay 2 s, period 20 s, timelock 5 s, grace 60 s) through real transactions
 * for the governance tests; after every block the supply invariant holds ({@link EconomyChain}) and
 * the governance module holds exactly the OPEN locked in it.
 */
final class GovernanceChain {
  static final Address GOV = GovernanceModule.ADDRESS;
  static final Address TREASURY = TreasuryModule.ADDRESS;
  static final Address PARAMS = ParameterRegistryModule.ADDRESS;

  final EconomyChain c = new EconomyChain();
  final GovernanceModule module =
      (GovernanceModule) c.chain.genesis.rules().modules().get(GOV).orElseThrow();

  StateReader state() {
    return c.state();
  }

  long now() {
    return c.now();
  }

  /** One block {@code seconds} after the head with these calls; the results in order. */
  List<TransactionResult> block(long seconds, List<Call> calls) {
    List<io.openledger.chain.tx.Transaction> txs = new ArrayList<>();
    for (Call k : calls) {
      txs.add(c.tx(k.from(), k.to(), k.value(), k.data()));
    }
    ExecutedBlock b = c.block(seconds, txs);
    assertThat(GovernanceModule.audit(c.state())).isEmpty();
    return b.results();
  }

  record Call(KeyPair from, Address to, Amount value, byte[] data) {}

  TransactionResult ok(KeyPair from, Address to, Amount value, byte[] data) {
    return ok(2, from, to, value, data);
  }

  TransactionResult ok(long seconds, KeyPair from, Address to, Amount value, byte[] data) {
    TransactionResult r = block(seconds, List.of(new Call(from, to, value, data))).getFirst();
    assertThat(r.success()).as("call failed: %s", r.revertReason()).isTrue();
    return r;
  }

  String refused(KeyPair from, Address to, Amount value, byte[] data) {
    return refused(2, from, to, value, data);
  }

  String refused(long seconds, KeyPair from, Address to, Amount value, byte[] data) {
    String reason = c.refused(from, to, value, data, seconds);
    assertThat(GovernanceModule.audit(c.state())).isEmpty();
    return reason;
  }

  void lockAndDelegate(KeyPair who, long open) {
    ok(who, GOV, Amount.open(open), GovernanceModule.LOCK.encodeCall());
    ok(who, GOV, Amount.ZERO, GovernanceModule.DELEGATE.encodeCall(who.address()));
  }

  ProposalState state(BigInteger id) {
    return module.state(c.state(), id, now());
  }

  /** A proposal's actions and description. */
  record Draft(
      List<Address> targets, List<BigInteger> values, List<byte[]> calldatas, String text) {
    byte[] propose() {
      return GovernanceModule.PROPOSE.encodeCall(targets, values, calldatas, text);
    }

    byte[] queue() {
      return GovernanceModule.QUEUE.encodeCall(
          targets, values, calldatas, GovernanceModule.descriptionHash(text));
    }

    byte[] execute() {
      return GovernanceModule.EXECUTE.encodeCall(
          targets, values, calldatas, GovernanceModule.descriptionHash(text));
    }

    byte[] cancel() {
      return GovernanceModule.CANCEL.encodeCall(
          targets, values, calldatas, GovernanceModule.descriptionHash(text));
    }

    BigInteger id() {
      return GovernanceModule.hashProposal(
          new GovernanceModule.Actions(targets, values, calldatas),
          GovernanceModule.descriptionHash(text));
    }
  }

  static Draft draft(String text, Address target, byte[] data) {
    return new Draft(List.of(target), List.of(BigInteger.ZERO), List.of(data), text);
  }

  static byte[] setParameter(String name, long value) {
    return ParameterRegistryModule.SET_PARAMETER.encodeCall(
        ParameterSpec.key(name), BigInteger.valueOf(value));
  }

  static byte[] spend(Address to, Amount amount) {
    return TreasuryModule.SPEND.encodeCall(to, amount.value());
  }

  static byte[] vote(BigInteger id, int support) {
    return GovernanceModule.CAST_VOTE.encodeCall(id, BigInteger.valueOf(support));
  }
}

package io.openledger.chain.ledger;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.Eip1559FeeMarket;
import io.openledger.chain.exec.GasScheduleV1;
import io.openledger.chain.exec.LockedBalances;
import io.openledger.chain.exec.ProtocolRules;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.state.Supply;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small chain for ledger tests: dev accounts with 1,000,000 OPEN each, the rest of the supply in
 * a reserve account, and one test module that emits a log per call.
 */
final class TestChain {
  static final Amount GWEI = Amount.of(1_000_000_000L);
  static final Address TREASURY = Address.ofLowBytes(0x7777);
  static final Address SEQUENCER = Address.ofLowBytes(0x5555);
  static final Address RESERVE = Address.ofLowBytes(0x9999);
  static final long GAS_LIMIT = 30_000_000;

  /**
   * Emits {@code Ping(bytes32)}: topic0 = keccak("Ping(bytes32)"), topic1 = first 32 data bytes; as
   * many times as the second 32-byte word says when there is one (else once).
   */
  static final class PingModule implements SystemModule {
    static final Address ADDRESS = ModuleRegistry.moduleAddress(0xEE);
    static final Hash PING = Hash.keccak256("Ping(bytes32)".getBytes());

    @Override
    public Identity identity() {
      return new Identity(ADDRESS, "ping", "[]");
    }

    @Override
    public byte[] call(ModuleContext context, byte[] calldata, Amount value) {
      byte[] arg = Arrays.copyOf(calldata, 32);
      int times =
          calldata.length >= 64
              ? new java.math.BigInteger(1, Arrays.copyOfRange(calldata, 32, 64)).intValueExact()
              : 1;
      for (int i = 0; i < times; i++) {
        context.emit(List.of(PING, Hash.wrap(arg)), new byte[0]);
      }
      return new byte[0];
    }
  }

  static List<KeyPair> devKeys(int n) {
    List<KeyPair> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] k = new byte[32];
      k[0] = 0x42;
      k[30] = (byte) (i >>> 8);
      k[31] = (byte) (i + 1);
      keys.add(KeyPair.fromPrivateKey(k));
    }
    return keys;
  }

  static ChainSpec spec(long chainId, List<KeyPair> funded) {
    ProtocolRules rules =
        new ProtocolRules(
            1,
            chainId,
            GasScheduleV1.INSTANCE,
            new Eip1559FeeMarket(GWEI, Amount.of(1_000_000)),
            ModuleRegistry.of(new PingModule()),
            TREASURY,
            LockedBalances.NONE,
            ProtocolRules.DEFAULT_MAX_TRANSACTION_SIZE);
    Amount each = Amount.open(1_000_000);
    return ChainSpec.of(
        chainId,
        ProtocolSchedule.of(rules),
        GAS_LIMIT,
        SEQUENCER,
        1_700_000_000L,
        state -> {
          for (KeyPair k : funded) {
            state.credit(k.address(), each);
          }
          state.credit(RESERVE, Supply.TOTAL.subtract(each.multiply(funded.size())));
        });
  }

  static Transaction transfer(KeyPair from, long nonce, Address to, Amount value, long chainId) {
    return TransactionBuilder.eip1559(chainId)
        .nonce(nonce)
        .maxFeePerGas(GWEI.multiply(10))
        .maxPriorityFeePerGas(GWEI)
        .to(to)
        .value(value)
        .sign(from);
  }

  static Transaction ping(KeyPair from, long nonce, Hash arg, long chainId) {
    return TransactionBuilder.eip1559(chainId)
        .nonce(nonce)
        .maxFeePerGas(GWEI.multiply(10))
        .maxPriorityFeePerGas(GWEI)
        .gasLimit(100_000)
        .to(PingModule.ADDRESS)
        .data(arg.toArray())
        .sign(from);
  }

  /** A call that makes the ping module emit {@code times} logs. */
  static Transaction pings(KeyPair from, long nonce, Hash arg, int times, long chainId) {
    byte[] data = Arrays.copyOf(arg.toArray(), 64);
    data[60] = (byte) (times >>> 24);
    data[61] = (byte) (times >>> 16);
    data[62] = (byte) (times >>> 8);
    data[63] = (byte) times;
    return TransactionBuilder.eip1559(chainId)
        .nonce(nonce)
        .maxFeePerGas(GWEI.multiply(10))
        .maxPriorityFeePerGas(GWEI)
        .gasLimit(GAS_LIMIT)
        .to(PingModule.ADDRESS)
        .data(data)
        .sign(from);
  }

  private TestChain() {}
}

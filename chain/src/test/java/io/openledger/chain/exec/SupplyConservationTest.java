package io.openledger.chain.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Receipt;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.genesis.Allocation;
import io.openledger.chain.genesis.AllocationCategory;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.genesis.VestingTerms;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.vesting.VestingModule;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random blocks of transfers (valid, over-spending, wrong nonce, legacy and EIP-1559) and
 * vesting claims (early, late, out of gas): after every block the balances, locked and burned OPEN
 * add up to exactly the supply (checked against a scan of every account), the treasury got exactly
 * base fee x gas used and the sequencer exactly the tips, and every sender paid gas used x price.
 */
class SupplyConservationTest {
  private static final int HOLDERS = 30;
  private static final int BENEFICIARIES = 20;
  private static final Amount MILLION = Amount.open(1_000_000);

  @Test
  void supplyIsConservedAfterEveryBlockOfRandomTransfersAndClaims() {
    for (long seed : new long[] {1, 2, 3}) {
      run(seed, 40, 35);
    }
  }

  private void run(long seed, int blocks, int txsPerBlock) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<KeyPair> holders = keys(1, HOLDERS);
    List<KeyPair> beneficiaries = keys(1_000, BENEFICIARIES);
    Genesis genesis = genesis(rnd, holders, beneficiaries);
    TestChain chain = new TestChain(new InMemoryKeyValueStore(), genesis);

    Set<Address> everyone = new LinkedHashSet<>();
    genesis.allocations().forEach(a -> everyone.add(a.address()));
    everyone.add(genesis.treasury());
    everyone.add(genesis.sequencer());
    everyone.add(VestingModule.ADDRESS);
    assertThat(SupplyAudit.fullScan(chain.state(), everyone)).isEmpty();

    int txCount = 0;
    int claims = 0;
    int reverted = 0;
    int skipped = 0;
    List<io.openledger.chain.block.BlockHeader> parents = new ArrayList<>();
    List<io.openledger.chain.block.Block> made = new ArrayList<>();
    for (int n = 0; n < blocks; n++) {
      StateReader before = chain.state();
      BlockEnvironment env = chain.next(rnd.nextLong(1, 200));
      List<Transaction> txs = new ArrayList<>();
      Map<Address, Long> nonces = new HashMap<>();
      for (int i = 0; i < txsPerBlock; i++) {
        txs.add(randomTx(rnd, chain, env, holders, beneficiaries, before, nonces, everyone));
      }
      txCount += txs.size();
      parents.add(chain.head());
      ExecutedBlock b = chain.produce(env, txs);
      made.add(b.block());
      StateReader after = chain.state();
      String where = "seed " + seed + " block " + (n + 1);
      skipped += b.skipped().size();
      for (int i = 0; i < b.receipts().size(); i++) {
        boolean toModule =
            b.block().transactions().get(i).to().orElseThrow().equals(VestingModule.ADDRESS);
        claims += toModule && b.receipts().get(i).success() ? 1 : 0;
        reverted += b.receipts().get(i).success() ? 0 : 1;
      }

      assertThat(SupplyAudit.fullScan(after, everyone)).as(where).isEmpty();
      assertThat(b.supply()).as(where).isEqualTo(after.supply());
      checkFees(where, env, b, before, after, genesis);
    }
    assertThat(txCount).isEqualTo(blocks * txsPerBlock);
    for (int n = 0; n < made.size(); n++) {
      ReplayResult r = chain.executor.replay(parents.get(n), made.get(n));
      assertThat(r.matches()).as("seed %d replay of block %d: %s", seed, n + 1, r).isTrue();
    }
    // the sequences exercised every path: successful claims, reverted calls, skipped candidates
    assertThat(claims).as("seed %d claims", seed).isGreaterThan(blocks);
    assertThat(reverted).as("seed %d reverted", seed).isGreaterThan(blocks / 2);
    assertThat(skipped).as("seed %d skipped", seed).isGreaterThan(blocks);
  }

  private static void checkFees(
      String where,
      BlockEnvironment env,
      ExecutedBlock b,
      StateReader before,
      StateReader after,
      Genesis g) {
    Amount toTreasury = Amount.ZERO;
    Amount toSequencer = Amount.ZERO;
    long gas = 0;
    for (int i = 0; i < b.receipts().size(); i++) {
      Receipt r = b.receipts().get(i);
      Transaction tx = b.block().transactions().get(i);
      assertThat(r.effectiveGasPrice()).as(where).isEqualTo(tx.effectiveGasPrice(env.baseFee()));
      toTreasury = toTreasury.add(env.baseFee().multiply(r.gasUsed()));
      toSequencer =
          toSequencer.add(r.effectiveGasPrice().subtract(env.baseFee()).multiply(r.gasUsed()));
      gas += r.gasUsed();
      assertThat(r.cumulativeGasUsed()).as(where).isEqualTo(gas);
    }
    assertThat(b.gasUsed()).as(where).isEqualTo(gas);
    assertThat(after.balance(g.treasury()))
        .as(where)
        .isEqualTo(before.balance(g.treasury()).add(toTreasury));
    assertThat(after.balance(g.sequencer()))
        .as(where)
        .isEqualTo(before.balance(g.sequencer()).add(toSequencer));
    // each sender: balance change = -(value sent) - gasUsed*price + received + claimed
    Map<Address, BigInteger> delta = new HashMap<>();
    for (int i = 0; i < b.receipts().size(); i++) {
      Receipt r = b.receipts().get(i);
      Transaction tx = b.block().transactions().get(i);
      BigInteger fee = r.effectiveGasPrice().multiply(r.gasUsed()).value();
      delta.merge(tx.sender(), fee.negate(), BigInteger::add);
      if (r.success()) {
        Address to = tx.to().orElseThrow();
        if (to.equals(VestingModule.ADDRESS)) {
          BigInteger claimed =
              (BigInteger)
                  VestingModule.CLAIM.decodeResult(b.results().get(i).returnData()).getFirst();
          delta.merge(tx.sender(), claimed, BigInteger::add);
        } else {
          delta.merge(tx.sender(), tx.value().value().negate(), BigInteger::add);
          delta.merge(to, tx.value().value(), BigInteger::add);
        }
      }
    }
    delta.forEach(
        (a, d) -> {
          if (!a.equals(g.treasury()) && !a.equals(g.sequencer())) {
            assertThat(after.balance(a).value().subtract(before.balance(a).value()))
                .as(where + " account " + a)
                .isEqualTo(d);
          }
        });
  }

  private static Transaction randomTx(
      SplittableRandom rnd,
      TestChain chain,
      BlockEnvironment env,
      List<KeyPair> holders,
      List<KeyPair> beneficiaries,
      StateReader state,
      Map<Address, Long> nonces,
      Set<Address> everyone) {
    boolean claim = rnd.nextInt(4) == 0;
    KeyPair from =
        claim ? pick(rnd, beneficiaries) : pick(rnd, rnd.nextInt(5) == 0 ? beneficiaries : holders);
    long nonce = nonces.getOrDefault(from.address(), state.nonce(from.address()));
    int nonceNoise = rnd.nextInt(20);
    long useNonce = nonceNoise == 0 ? nonce + 1 : nonceNoise == 1 && nonce > 0 ? nonce - 1 : nonce;
    if (useNonce == nonce) {
      nonces.put(
          from.address(), nonce + 1); // assume it gets in; a skipped one makes later ones too high
    }
    Amount tip = Amount.of(rnd.nextLong(0, 3_000_000_000L));
    Amount cap = env.baseFee().add(Amount.of(rnd.nextLong(0, 4_000_000_000L)));
    boolean legacy = rnd.nextInt(6) == 0;
    TransactionBuilder b =
        legacy
            ? TransactionBuilder.legacy(chain.chainId()).gasPrice(cap)
            : TransactionBuilder.eip1559(chain.chainId())
                .maxFeePerGas(cap)
                .maxPriorityFeePerGas(tip.min(cap));
    b.nonce(useNonce);
    if (claim) {
      long gas = rnd.nextInt(8) == 0 ? 30_000 : 120_000; // sometimes out of gas
      return b.to(VestingModule.ADDRESS)
          .gasLimit(gas)
          .data(VestingModule.CLAIM.encodeCall())
          .sign(from);
    }
    Address to;
    int kind = rnd.nextInt(10);
    if (kind == 0) {
      byte[] fresh = new byte[20];
      for (int i = 0; i < 20; i++) {
        fresh[i] = (byte) rnd.nextInt(256);
      }
      to = Address.wrap(fresh);
      everyone.add(to);
    } else {
      to = pick(rnd, holders).address();
    }
    BigInteger balance = state.balance(from.address()).value();
    BigInteger value =
        rnd.nextInt(15) == 0
            ? balance.add(BigInteger.ONE) // over-spends: skipped
            : new BigInteger(80, new java.util.Random(rnd.nextLong()))
                .mod(
                    balance.max(BigInteger.ONE).divide(BigInteger.valueOf(50)).add(BigInteger.ONE));
    return b.to(to).gasLimit(21_000 + rnd.nextInt(3) * 5_000).value(Amount.of(value)).sign(from);
  }

  private static <T> T pick(SplittableRandom rnd, List<T> list) {
    return list.get(rnd.nextInt(list.size()));
  }

  private static List<KeyPair> keys(int first, int n) {
    List<KeyPair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] k = new byte[32];
      BigInteger v = BigInteger.valueOf(first + i + 0x1000);
      byte[] raw = v.toByteArray();
      System.arraycopy(raw, 0, k, 32 - raw.length, raw.length);
      out.add(KeyPair.fromPrivateKey(k));
    }
    return out;
  }

  /** Holders with 1M OPEN unlocked each, beneficiaries with 1M OPEN on short random schedules. */
  private static Genesis genesis(
      SplittableRandom rnd, List<KeyPair> holders, List<KeyPair> beneficiaries) {
    List<Allocation> allocs = new ArrayList<>();
    for (KeyPair h : holders) {
      allocs.add(
          new Allocation(
              AllocationCategory.LIQUIDITY, h.address(), MILLION, Optional.empty(), "holder"));
    }
    for (KeyPair b : beneficiaries) {
      // locked OPEN pays no gas: beneficiaries also get a little unlocked OPEN
      allocs.add(
          new Allocation(
              AllocationCategory.LIQUIDITY,
              b.address(),
              Amount.open(1_000),
              Optional.empty(),
              "gas"));
      VestingTerms terms = new VestingTerms(rnd.nextLong(0, 600), rnd.nextLong(0, 3_000));
      allocs.add(
          new Allocation(
              AllocationCategory.COMMUNITY,
              b.address(),
              MILLION,
              Optional.of(terms),
              "beneficiary"));
    }
    for (AllocationCategory c : AllocationCategory.values()) {
      Amount used =
          allocs.stream()
              .filter(a -> a.category() == c)
              .map(Allocation::amount)
              .reduce(Amount.ZERO, Amount::add);
      allocs.add(
          new Allocation(
              c,
              Address.fromHex(
                  String.format("0x20000000000000000000000000000000000000%02x", c.ordinal())),
              c.share().subtract(used),
              Optional.empty(),
              "pool"));
    }
    Genesis g =
        new Genesis(
            "test",
            1337,
            TestChain.GENESIS_TIME,
            30_000_000,
            Amount.of(1_000_000_000L),
            Amount.of(1_000_000L),
            2_000,
            Address.fromHex("0x0000000000000000000000000000000000001000"),
            Address.fromHex("0x30000000000000000000000000000000000000aa"),
            true,
            allocs,
            EconomyParameters.DEFAULTS);
    assertThat(g.validate()).isEmpty();
    return g;
  }
}

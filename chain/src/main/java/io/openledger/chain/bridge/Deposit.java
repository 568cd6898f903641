package io.openledger.chain.bridge;

import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.Objects;

/**
 * A deposit of OPEN from L1, as the Portal's {@code DepositInitiated(uint256 indexed nonce, address
 * indexed from, address indexed to, uint256 amount)} event announces it (docs/settlement.md).
 *
 * @param nonce the Portal's deposit counter: 0, 1, 2, … without gaps; the L2 credits in this order
 * @param from the L1 account that burned its OPEN
 * @param to the L2 account credited
 * @param amount base units, 10^18 per OPEN
 */
public record Deposit(long nonce, Address from, Address to, Amount amount) {
  public Deposit {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(amount, "amount");
    if (nonce < 0) {
      throw new IllegalArgumentException("deposit nonce must not be negative: " + nonce);
    }
  }

  /**
   * The inclusion window of forced inclusion, seconds: a deposit logged in an L1 block with
   * timestamp {@code T} must be credited by the first L2 block whose timestamp, and the timestamp
   * of the L1 block posting it, are both at least {@code T + INCLUSION_WINDOW_SECONDS} (up to
   * {@code LedgerConfig.MAX_DEPOSITS_PER_BLOCK} deposits a block). A follower stops on a chain that
   * breaks it (docs/settlement.md, "Forced inclusion"). Ten minutes: the sequencer credits a
   * deposit about {@code --l1-confirmations} L1 blocks after it (12 blocks, 144 s on Ethereum),
   * well within.
   */
  public static final long INCLUSION_WINDOW_SECONDS = 600;

  /**
   * The sequencing window, seconds: every L2 block a batch frame carries must have a timestamp at
   * least the timestamp of the L1 block that includes the frame minus this, so the sequencer cannot
   * hold L2 time back against L1 time (and with it the {@link #INCLUSION_WINDOW_SECONDS} of
   * deposits). With both rules a deposit logged at L1 time {@code T} is credited by every L2 block
   * posted in an L1 block with timestamp at least {@code T + INCLUSION_WINDOW_SECONDS +
   * SEQUENCING_WINDOW_SECONDS}. Twelve hours, the OP Stack's sequencing window (3,600 L1 blocks of
   * 12 s): the batcher posts each block within seconds, and a batcher or L1 outage longer than this
   * halts followers at the first late block (docs/settlement.md, "The sequencing window").
   */
  public static final long SEQUENCING_WINDOW_SECONDS = 43_200;

  /** Gas a deposit's credit may use (it uses about 40,000; not counted against the block's). */
  public static final long GAS = 100_000;

  /** The deposit transaction (type 0x7e) the sequencer puts in a block to credit this deposit. */
  public DepositTransaction toTransaction() {
    return new DepositTransaction(
        BridgeModule.SYSTEM_SENDER, BridgeModule.ADDRESS, GAS, calldata());
  }

  /** The calldata of {@code finalizeDeposit(nonce, from, to, amount)} for this deposit. */
  public byte[] calldata() {
    return BridgeModule.FINALIZE_DEPOSIT.encodeCall(
        BigInteger.valueOf(nonce), from, to, amount.value());
  }
}

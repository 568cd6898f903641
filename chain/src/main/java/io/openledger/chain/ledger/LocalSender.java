package io.openledger.chain.ledger;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.Objects;
import java.util.Optional;

/**
 * Signs transactions with a key the node itself holds and hands them to its own pool: what the
 * node's roles (the economy's batcher, the auditor, the staking endpoint) and its set-up code (the
 * devnet demo, the benchmarks) send. The nonce is the key's pending nonce; the fee cap is the next
 * base fee times {@link #baseFeeMultiple()} plus the tip, so a transaction stays includable while
 * the base fee rises for a few blocks. Thread-safe as the services it uses are; two threads sending
 * from one key at once may pick the same nonce (the pool keeps one), so a caller sending
 * concurrently from one key serialises its calls.
 */
public final class LocalSender {
  /** A transaction signed and offered to the pool, with the pool's answer. */
  public record Sent(byte[] raw, SubmitResult result) {
    /** Whether the pool accepted it. */
    public boolean accepted() {
      return result instanceof SubmitResult.Accepted;
    }

    /** The transaction's hash, when the pool accepted it. */
    public Optional<Hash> hash() {
      return result instanceof SubmitResult.Accepted a ? Optional.of(a.txHash()) : Optional.empty();
    }
  }

  private final ChainQueries chain;
  private final StateQueries state;
  private final FeeOracle fees;
  private final TransactionIntake intake;
  private final Amount tip; // null: the fee oracle's suggestion at each send
  private final int baseFeeMultiple;

  /** A sender tipping what the fee oracle suggests, with a fee cap of twice the next base fee. */
  public LocalSender(
      ChainQueries chain, StateQueries state, FeeOracle fees, TransactionIntake intake) {
    this(chain, state, fees, intake, null, 2);
  }

  private LocalSender(
      ChainQueries chain,
      StateQueries state,
      FeeOracle fees,
      TransactionIntake intake,
      Amount tip,
      int baseFeeMultiple) {
    this.chain = Objects.requireNonNull(chain, "chain");
    this.state = Objects.requireNonNull(state, "state");
    this.fees = Objects.requireNonNull(fees, "fees");
    this.intake = Objects.requireNonNull(intake, "intake");
    if (baseFeeMultiple < 1) {
      throw new IllegalArgumentException(
          "the base fee multiple must be at least 1: " + baseFeeMultiple);
    }
    this.tip = tip;
    this.baseFeeMultiple = baseFeeMultiple;
  }

  /** The sender over a ledger's services. */
  public static LocalSender of(Ledger ledger) {
    return new LocalSender(ledger.chain(), ledger.state(), ledger.fees(), ledger.intake());
  }

  /**
   * This sender with a fixed tip and fee cap {@code baseFeeMultiple} × next base fee + tip (set-up
   * code sending thousands of transactions raises the base fee block after block).
   */
  public LocalSender withFees(Amount tip, int baseFeeMultiple) {
    return new LocalSender(
        chain, state, fees, intake, Objects.requireNonNull(tip, "tip"), baseFeeMultiple);
  }

  /** How many times the next base fee the fee cap allows (plus the tip). */
  public int baseFeeMultiple() {
    return baseFeeMultiple;
  }

  /**
   * Signs an EIP-1559 transaction from {@code from} with its pending nonce and submits it.
   *
   * @param to the recipient (an account or a module)
   * @param gas the gas limit
   * @return the raw transaction and the pool's answer (a refusal changes nothing)
   */
  public Sent send(KeyPair from, Address to, Amount value, byte[] data, long gas) {
    long nonce = state.nonce(from.address(), BlockRef.PENDING).orElseThrow();
    Amount t = tip != null ? tip : fees.maxPriorityFeePerGas();
    byte[] raw =
        TransactionBuilder.eip1559(chain.chainId())
            .nonce(nonce)
            .maxPriorityFeePerGas(t)
            .maxFeePerGas(fees.nextBaseFee().multiply(baseFeeMultiple).add(t))
            .gasLimit(gas)
            .to(to)
            .value(value)
            .data(data)
            .sign(from)
            .encode();
    return new Sent(raw, intake.submit(raw));
  }
}

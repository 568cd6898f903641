package io.openledger.node.bench;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LocalSender;
import io.openledger.chain.ledger.ReceiptView;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.mempool.MempoolConfig;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark's set-up transactions, sent straight into a node's ledger and mined by blocks made on
 * the spot ({@link Ledger#produceBlock()}), so a set-up of thousands of transactions takes seconds
 * whatever the block time. A sender with a pool's worth of transactions waiting gets a block first
 * (the pool refuses nonces too far ahead); {@link #mine()} makes blocks until every transaction
 * sent has a receipt and fails naming the first one that reverted.
 */
final class BenchChain {
  /** Gas of a plain transfer. */
  static final long TRANSFER_GAS = 21_000;

  /** Gas limit of a set-up call to a module (datanet, model, inference): ample for each. */
  static final long CALL_GAS = 1_000_000;

  private static final Amount TIP = Amount.of(1_000_000_000L);

  /** The pending transactions a sender is always allowed (geth's AccountSlots). */
  private static final int MAX_WAITING_PER_SENDER = MempoolConfig.DEFAULT.accountSlots();

  private final Ledger ledger;
  private final List<Hash> sent = new ArrayList<>();
  private final Map<Address, Integer> waiting = new HashMap<>();

  BenchChain(Ledger ledger) {
    this.ledger = ledger;
  }

  Ledger ledger() {
    return ledger;
  }

  /** Sends a transfer of OPEN. */
  Hash transfer(KeyPair from, Address to, Amount value) {
    return send(from, to, new byte[0], value, TRANSFER_GAS);
  }

  /** Sends a module call with {@link #CALL_GAS}. */
  Hash call(KeyPair from, Address module, byte[] data) {
    return send(from, module, data, Amount.ZERO, CALL_GAS);
  }

  /** Sends a payable module call with {@link #CALL_GAS}. */
  Hash call(KeyPair from, Address module, byte[] data, Amount value) {
    return send(from, module, data, value, CALL_GAS);
  }

  /**
   * Signs and submits one transaction; mines what waits first when this sender already has a pool's
   * worth pending.
   *
   * @throws IllegalStateException when the pool refuses it (the message says why)
   */
  Hash send(KeyPair from, Address to, byte[] data, Amount value, long gas) {
    if (waiting.getOrDefault(from.address(), 0) >= MAX_WAITING_PER_SENDER) {
      mine();
    }
    // ample headroom: thousands of set-up transactions raise the base fee block by block
    SubmitResult r =
        LocalSender.of(ledger).withFees(TIP, 8).send(from, to, value, data, gas).result();
    if (!(r instanceof SubmitResult.Accepted a)) {
      throw new IllegalStateException(
          "the pool refused a set-up transaction from " + from.address() + " to " + to + ": " + r);
    }
    sent.add(a.txHash());
    waiting.merge(from.address(), 1, Integer::sum);
    return a.txHash();
  }

  /**
   * Makes blocks until every transaction sent so far is mined, and checks that each succeeded.
   *
   * @return their receipts, in the order sent
   * @throws IllegalStateException naming a transaction that reverted or was never mined
   */
  List<ReceiptView> mine() {
    List<ReceiptView> receipts = new ArrayList<>();
    int blocks = 0;
    for (Hash h : sent) {
      var r = ledger.chain().receipt(h);
      while (r.isEmpty()) {
        if (++blocks > 10_000) {
          throw new IllegalStateException("set-up transaction " + h + " is not being mined");
        }
        ledger.produceBlock();
        r = ledger.chain().receipt(h);
      }
      if (!r.get().success()) {
        throw new IllegalStateException(
            "set-up transaction "
                + h
                + " to "
                + r.get().to()
                + " reverted (replay it with eth_call to see why)");
      }
      receipts.add(r.get());
    }
    sent.clear();
    waiting.clear();
    return receipts;
  }
}

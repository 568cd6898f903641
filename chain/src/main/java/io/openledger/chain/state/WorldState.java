package io.openledger.chain.state;

import io.openledger.chain.store.Column;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.trie.SparseMerkleTree;
import io.openledger.chain.trie.StoredSparseMerkleTree;
import io.openledger.chain.trie.TreeUpdate;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state of one block being built: a mutable overlay over the committed state tree at the
 * parent's root. Reads fall through to the tree; writes are buffered here until {@link #commit()},
 * which applies them to the tree in key order and returns the new root with the store writes for
 * the block's batch. {@link #checkpoint()} and {@link #revertTo(int)} undo a failed call's changes.
 *
 * <p>Every balance change also moves the {@code balances} supply counter, so {@code balances +
 * locked + burned + bridged} stays equal to {@link Supply#TOTAL}; the only operations that move
 * OPEN between those four are {@link #lock}, {@link #unlock}, {@link #burn}, {@link #bridgeOut} and
 * {@link #bridgeIn}.
 *
 * <p>Deterministic: the result depends only on the parent state and the sequence of calls. Not
 * thread-safe; one instance per block (or per simulated call).
 */
public final class WorldState implements StateReader {
  private final SparseMerkleTree tree;
  private final Hash parentRoot;

  /** Values as committed in the parent state, cached on first read; null marks "absent". */
  private final Map<Address, Account> committedAccounts = new HashMap<>();

  /** Tree key of each account read so far (a keccak each: computed once per block). */
  private final Map<Address, Hash> accountKeys = new HashMap<>();

  private final Map<Hash, byte[]> committedStorage = new HashMap<>();
  private final Supply committedSupply;

  /**
   * Values changed in this block. An account value may be EMPTY; a storage value null = deleted.
   */
  private final Map<Address, Account> accounts = new HashMap<>();

  private final Map<Hash, Optional<byte[]>> storage = new HashMap<>();
  private Supply supply;

  /** Undo log: how to restore each change, newest last. */
  private final List<Undo> journal = new ArrayList<>();

  private boolean committed;

  private WorldState(SparseMerkleTree tree) {
    this.tree = tree;
    this.parentRoot = tree.rootHash();
    this.committedSupply =
        new Supply(
            readCounter(StateKeys.TOTAL_BALANCES),
            readCounter(StateKeys.LOCKED),
            readCounter(StateKeys.BURNED),
            readCounter(StateKeys.BRIDGED));
    this.supply = committedSupply;
  }

  /**
   * An overlay over {@code tree}, which must be positioned at the parent state root and must not be
   * changed by anyone else while this overlay lives. The tree is only written by {@link #commit()}.
   */
  public static WorldState on(SparseMerkleTree tree) {
    return new WorldState(tree);
  }

  /** The root this overlay reads from (the parent block's state root). */
  public Hash parentRoot() {
    return parentRoot;
  }

  // ---- reads ----

  @Override
  public Account account(Address address) {
    Account a = accounts.get(address);
    return a != null ? a : committedAccount(address);
  }

  @Override
  public Optional<byte[]> storage(Address module, byte[] slot) {
    return storageAt(StateKeys.storage(module, slot)).map(byte[]::clone);
  }

  @Override
  public Supply supply() {
    return supply;
  }

  // ---- balance and nonce changes ----

  /** Adds {@code amount} to the balance of {@code to}. */
  public void credit(Address to, Amount amount) {
    if (amount.isZero()) {
      return;
    }
    Account a = account(to);
    putAccount(to, a.withBalance(a.balance().add(amount)));
    setSupply(supply.withBalances(supply.balances().add(amount)));
  }

  /**
   * Takes {@code amount} from the balance of {@code from}.
   *
   * @throws InsufficientBalanceException if the balance is smaller (nothing changes)
   */
  public void debit(Address from, Amount amount) {
    if (amount.isZero()) {
      return;
    }
    Account a = account(from);
    if (a.balance().lessThan(amount)) {
      throw new InsufficientBalanceException(from, a.balance(), amount);
    }
    putAccount(from, a.withBalance(a.balance().subtract(amount)));
    setSupply(supply.withBalances(supply.balances().subtract(amount)));
  }

  /** Moves {@code amount} from one balance to another (may be the same account). */
  public void transfer(Address from, Address to, Amount amount) {
    debit(from, amount);
    credit(to, amount);
  }

  /** Sets the nonce of {@code address}. */
  public void setNonce(Address address, long nonce) {
    putAccount(address, account(address).withNonce(nonce));
  }

  /** Increments the nonce of {@code address} by one. */
  public void incrementNonce(Address address) {
    long n = nonce(address);
    setNonce(address, Math.addExact(n, 1));
  }

  // ---- supply movements ----

  /**
   * Counts {@code amount} as locked (held by the vesting module, in no balance). Used by genesis
   * when it creates vesting schedules; together with the balances it allocates, genesis must reach
   * exactly {@link Supply#TOTAL}.
   */
  public void lock(Amount amount) {
    setSupply(supply.withLocked(supply.locked().add(amount)));
  }

  /**
   * Releases {@code amount} of locked OPEN into the balance of {@code beneficiary} (a vesting
   * claim).
   *
   * @throws InsufficientBalanceException if less than {@code amount} is locked
   */
  public void unlock(Address beneficiary, Amount amount) {
    if (supply.locked().lessThan(amount)) {
      throw new InsufficientBalanceException(null, supply.locked(), amount);
    }
    setSupply(supply.withLocked(supply.locked().subtract(amount)));
    credit(beneficiary, amount);
  }

  /**
   * Destroys {@code amount} from the balance of {@code from}; it moves to the burned counter.
   *
   * @throws InsufficientBalanceException if the balance is smaller (nothing changes)
   */
  public void burn(Address from, Amount amount) {
    debit(from, amount);
    setSupply(supply.withBurned(supply.burned().add(amount)));
  }

  /**
   * Takes {@code amount} from the balance of {@code from} off the L2 (a withdrawal to L1): it moves
   * to the bridged counter.
   *
   * @throws InsufficientBalanceException if the balance is smaller (nothing changes)
   */
  public void bridgeOut(Address from, Amount amount) {
    debit(from, amount);
    setSupply(supply.withBridged(supply.bridged().add(amount)));
  }

  /**
   * Brings {@code amount} back onto the L2 into the balance of {@code to} (a deposit from L1): it
   * leaves the bridged counter.
   *
   * @throws InsufficientBalanceException if less than {@code amount} is bridged (more would come
   *     back than ever left; nothing changes)
   */
  public void bridgeIn(Address to, Amount amount) {
    if (supply.bridged().lessThan(amount)) {
      throw new InsufficientBalanceException(null, supply.bridged(), amount);
    }
    setSupply(supply.withBridged(supply.bridged().subtract(amount)));
    credit(to, amount);
  }

  // ---- module storage ----

  /** Sets a slot of a module's storage to {@code value}. */
  public void putStorage(Address module, byte[] slot, byte[] value) {
    putStorageAt(StateKeys.storage(module, slot), Optional.of(value.clone()));
  }

  /** Clears a slot of a module's storage. */
  public void deleteStorage(Address module, byte[] slot) {
    putStorageAt(StateKeys.storage(module, slot), Optional.empty());
  }

  // ---- checkpoints ----

  /** Marks the current state; {@link #revertTo} with the returned mark undoes later changes. */
  public int checkpoint() {
    return journal.size();
  }

  /** Undoes every change made since {@code checkpoint} was taken. */
  public void revertTo(int checkpoint) {
    checkOpen();
    if (checkpoint < 0 || checkpoint > journal.size()) {
      throw new IllegalArgumentException("no such checkpoint: " + checkpoint);
    }
    for (int i = journal.size() - 1; i >= checkpoint; i--) {
      journal.remove(i).undo(this);
    }
  }

  // ---- commit ----

  /**
   * Applies the changes to the tree in ascending key order and returns the new root and the store
   * writes (trie nodes) for the block's batch. The overlay cannot be used afterwards.
   */
  public StateCommit commit() {
    checkOpen();
    committed = true;
    TreeMap<Hash, Optional<byte[]>> updates = pendingUpdates();
    if (!updates.isEmpty()) {
      tree.putAll(updates);
    }
    RecordingBatch batch = new RecordingBatch();
    if (tree instanceof StoredSparseMerkleTree stored) {
      TreeUpdate u = stored.commitUpdate(batch);
      return new StateCommit(u.root(), batch.writes, u.staleNodes());
    }
    Hash root = tree.commit(batch);
    return new StateCommit(root, batch.writes);
  }

  /** Tree updates this overlay would make, in key order (no-op writes dropped). */
  TreeMap<Hash, Optional<byte[]>> pendingUpdates() {
    TreeMap<Hash, Optional<byte[]>> updates = new TreeMap<>();
    accounts.forEach(
        (address, a) -> {
          if (!a.equals(committedAccount(address))) {
            updates.put(
                accountKey(address), a.isEmpty() ? Optional.empty() : Optional.of(a.encode()));
          }
        });
    storage.forEach(
        (key, v) -> {
          byte[] old = committedStorage.get(key);
          boolean same = v.isEmpty() ? old == null : old != null && Arrays.equals(old, v.get());
          if (!same) {
            updates.put(key, v);
          }
        });
    putCounter(updates, StateKeys.TOTAL_BALANCES, committedSupply.balances(), supply.balances());
    putCounter(updates, StateKeys.LOCKED, committedSupply.locked(), supply.locked());
    putCounter(updates, StateKeys.BURNED, committedSupply.burned(), supply.burned());
    putCounter(updates, StateKeys.BRIDGED, committedSupply.bridged(), supply.bridged());
    return updates;
  }

  // ---- internals ----

  private Account committedAccount(Address address) {
    Account a = committedAccounts.get(address);
    if (a == null) {
      a = tree.get(accountKey(address)).map(Account::decode).orElse(Account.EMPTY);
      committedAccounts.put(address, a);
    }
    return a;
  }

  private Hash accountKey(Address address) {
    return accountKeys.computeIfAbsent(address, StateKeys::account);
  }

  private Optional<byte[]> storageAt(Hash key) {
    Optional<byte[]> v = storage.get(key);
    if (v != null) {
      return v;
    }
    if (committedStorage.containsKey(key)) {
      return Optional.ofNullable(committedStorage.get(key));
    }
    Optional<byte[]> fromTree = tree.get(key);
    committedStorage.put(key, fromTree.orElse(null));
    return fromTree;
  }

  private void putAccount(Address address, Account value) {
    checkOpen();
    journal.add(new Undo.AccountUndo(address, accounts.get(address)));
    accounts.put(address, value);
  }

  private void putStorageAt(Hash key, Optional<byte[]> value) {
    checkOpen();
    storageAt(key); // cache the committed value so commit can drop no-op writes
    journal.add(new Undo.StorageUndo(key, storage.get(key)));
    storage.put(key, value);
  }

  private void setSupply(Supply s) {
    checkOpen();
    journal.add(new Undo.SupplyUndo(supply));
    supply = s;
  }

  private Amount readCounter(Hash key) {
    return tree.get(key).map(Amount::fromBytes).orElse(Amount.ZERO);
  }

  private static void putCounter(
      Map<Hash, Optional<byte[]>> updates, Hash key, Amount before, Amount after) {
    if (!before.equals(after)) {
      updates.put(key, after.isZero() ? Optional.empty() : Optional.of(after.toBytes32()));
    }
  }

  private void checkOpen() {
    if (committed) {
      throw new IllegalStateException("world state already committed");
    }
  }

  /** One journal entry: the value to restore. */
  private sealed interface Undo {
    void undo(WorldState s);

    /** previous == null: the account was not in the overlay. */
    record AccountUndo(Address address, Account previous) implements Undo {
      @Override
      public void undo(WorldState s) {
        if (previous == null) {
          s.accounts.remove(address);
        } else {
          s.accounts.put(address, previous);
        }
      }
    }

    /** previous == null: the slot was not in the overlay. */
    record StorageUndo(Hash key, Optional<byte[]> previous) implements Undo {
      @Override
      public void undo(WorldState s) {
        if (previous == null) {
          s.storage.remove(key);
        } else {
          s.storage.put(key, previous);
        }
      }
    }

    record SupplyUndo(Supply previous) implements Undo {
      @Override
      public void undo(WorldState s) {
        s.supply = previous;
      }
    }
  }

  /** Captures what the tree writes so the caller can put it into the block's own batch. */
  private static final class RecordingBatch implements WriteBatch {
    final List<StateCommit.Write> writes = new ArrayList<>();

    @Override
    public WriteBatch put(Column column, byte[] key, byte[] value) {
      writes.add(new StateCommit.Write(column, key, value));
      return this;
    }

    @Override
    public WriteBatch delete(Column column, byte[] key) {
      writes.add(new StateCommit.Write(column, key, null));
      return this;
    }

    @Override
    public int size() {
      return writes.size();
    }

    @Override
    public void commit(Durability durability) {
      throw new UnsupportedOperationException("state writes are committed with the block");
    }

    @Override
    public void close() {}
  }
}

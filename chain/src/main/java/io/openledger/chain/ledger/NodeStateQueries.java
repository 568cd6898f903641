package io.openledger.chain.ledger;

import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.Call;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.exec.SimulationResult;
import io.openledger.chain.exec.Simulator;
import io.openledger.chain.mempool.Mempool;
import io.openledger.chain.state.Account;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.StateKeys;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.Supply;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.trie.SparseMerkleProof;
import io.openledger.chain.tx.TransactionDecoder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link StateQueries} of a node: committed blocks' states from its state database (within the
 * {@link StateWindow}), the pending block's state from {@link PendingBlock}, pending nonces from
 * the pool.
 */
final class NodeStateQueries implements StateQueries {
  /** {@code eth_getCode} of a system module: 0xfe, an opcode no EVM runs, as "code is here". */
  static final byte[] MODULE_CODE_MARKER = {(byte) 0xfe};

  private final ProtocolSchedule protocol;
  private final StateDatabase states;
  private final Simulator simulator;
  private final ChainStore chain;
  private final ChainHead head;
  private final PendingBlock pendingBlock;
  private final Mempool pool;
  private final StateWindow window;

  NodeStateQueries(
      ProtocolSchedule protocol,
      StateDatabase states,
      ChainStore chain,
      ChainHead head,
      PendingBlock pendingBlock,
      Mempool pool,
      StateWindow window) {
    this.protocol = protocol;
    this.states = states;
    this.simulator = new Simulator(protocol, states);
    this.chain = chain;
    this.head = head;
    this.pendingBlock = pendingBlock;
    this.pool = pool;
    this.window = window;
  }

  /**
   * The state a read at {@code ref} sees, and the block a call there runs in: a committed block's,
   * or for {@code pending} the block being built (its state after the pool's transactions).
   */
  private record StateAt(Hash root, StateDatabase db, Simulator simulator, BlockEnvironment env) {}

  private Optional<StateAt> stateAt(BlockRef ref) {
    if (ChainHead.isPending(ref)) {
      PendingBlock.Built p = pendingBlock.on(head.current());
      return Optional.of(new StateAt(p.stateRoot(), p.states(), p.simulator(), p.env()));
    }
    return head.resolve(ref, chain)
        .map(
            h -> {
              window.require(h.header().number());
              return new StateAt(
                  h.header().stateRoot(),
                  states,
                  simulator,
                  BlockEnvironment.of(h.header()).withHistory(chain::hashByNumber));
            });
  }

  @Override
  public Optional<Amount> balance(Address account, BlockRef block) {
    return stateAt(block)
        .map(
            s ->
                window.reading(
                    s.env().number(), () -> s.db().at(s.root()).account(account).balance()));
  }

  @Override
  public Optional<StateReader> state(BlockRef block) {
    return stateAt(block)
        .map(
            s ->
                window.reading(
                    s.env().number(),
                    () -> new PrunableState(s.env().number(), s.db().at(s.root()))));
  }

  @Override
  public OptionalLong nonce(Address account, BlockRef block) {
    if (ChainHead.isPending(block)) {
      return OptionalLong.of(pool.pendingNonce(account));
    }
    Optional<StateAt> s = stateAt(block);
    return s.isPresent()
        ? OptionalLong.of(
            window.reading(
                s.get().env().number(),
                () -> s.get().db().at(s.get().root()).account(account).nonce()))
        : OptionalLong.empty();
  }

  @Override
  public Optional<byte[]> code(Address account, BlockRef block) {
    return stateAt(block).map(s -> codeAt(s.env().number(), account));
  }

  private byte[] codeAt(long number, Address account) {
    return protocol.rulesAt(number).modules().isModule(account)
        ? MODULE_CODE_MARKER.clone()
        : new byte[0];
  }

  @Override
  public QueryResult<AccountProof> proof(Address account, List<Hash> storageKeys, BlockRef block) {
    Optional<StateAt> at = stateAt(block);
    if (at.isEmpty()) {
      return QueryResult.failed(QueryResult.FailureKind.NOT_FOUND, "header not found");
    }
    return window.reading(at.get().env().number(), () -> proofAt(at.get(), account, storageKeys));
  }

  private QueryResult<AccountProof> proofAt(StateAt at, Address account, List<Hash> storageKeys) {
    StateDatabase db = at.db();
    Hash root = at.root();
    Optional<byte[]> value = db.tree().get(root, StateKeys.account(account));
    Account a = value.map(Account::decode).orElse(Account.EMPTY);
    SparseMerkleProof proof = db.accountProof(root, account);
    StateReader reader = db.at(root);
    List<AccountProof.StorageProof> slots = new ArrayList<>();
    for (Hash key : storageKeys) {
      byte[] slot = key.toArray();
      slots.add(
          new AccountProof.StorageProof(
              key,
              reader.storage(account, slot).orElse(new byte[0]),
              List.of(db.storageProof(root, account, slot).encode())));
    }
    return QueryResult.ok(
        new AccountProof(
            account,
            root,
            at.env().number(),
            value.isPresent(),
            a.balance(),
            a.nonce(),
            Hash.keccak256(codeAt(at.env().number(), account)),
            root,
            List.of(proof.encode()),
            slots));
  }

  // ---- simulation ----

  @Override
  public CallResult call(CallRequest request, BlockRef block) {
    return simulate(request, block, false);
  }

  @Override
  public CallResult estimateGas(CallRequest request, BlockRef block) {
    return simulate(request, block, true);
  }

  private CallResult simulate(CallRequest request, BlockRef block, boolean estimate) {
    if (request.to() == null) {
      return new CallResult.Invalid(TransactionDecoder.CONTRACT_CREATION_NOT_SUPPORTED);
    }
    Optional<StateAt> s = stateAt(block);
    if (s.isEmpty()) {
      return new CallResult.Invalid("header not found");
    }
    StateAt at = s.get();
    Call call = toCall(request);
    return window.reading(
        at.env().number(),
        () ->
            toResult(
                estimate
                    ? at.simulator().estimateGas(at.root(), at.env(), call)
                    : at.simulator().call(at.root(), at.env(), call)));
  }

  private static Call toCall(CallRequest r) {
    return new Call(
        r.from(),
        r.to(),
        r.gas(),
        r.gasPrice(),
        r.maxFeePerGas(),
        r.maxPriorityFeePerGas(),
        r.value(),
        r.data());
  }

  private static CallResult toResult(SimulationResult r) {
    return switch (r) {
      case SimulationResult.Success s -> new CallResult.Success(s.returnData(), s.gasUsed());
      case SimulationResult.Reverted rv ->
          new CallResult.Reverted(rv.revertData(), rv.reason(), rv.gasUsed());
      case SimulationResult.Invalid i -> new CallResult.Invalid(i.message());
    };
  }

  /** A block's state whose reads fail as pruned if the pruner deletes it under them. */
  private final class PrunableState implements StateReader {
    private final long number;
    private final StateReader state;

    PrunableState(long number, StateReader state) {
      this.number = number;
      this.state = state;
    }

    @Override
    public Account account(Address address) {
      return window.reading(number, () -> state.account(address));
    }

    @Override
    public Optional<byte[]> storage(Address module, byte[] slot) {
      return window.reading(number, () -> state.storage(module, slot));
    }

    @Override
    public Supply supply() {
      return window.reading(number, state::supply);
    }
  }
}

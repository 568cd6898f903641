package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code eth_getStorageAt(address, slot, block)}: the value of a module's storage slot whose key is
 * the 32 bytes given (geth's left-padding of shorter hex). A value of up to 32 bytes comes back as
 * one 32-byte word, left-padded (as geth writes a slot), a longer one whole; an absent slot, and
 * any slot of an account, is 32 zero bytes.
 */
public record EthGetStorageAt(StateQueries states) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getStorageAt";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(3);
    var address = p.address(0);
    Hash slot = p.parse(1, Params::storageKey);
    StateReader reader = states.state(p.blockOrLatest(2)).orElseThrow(LedgerErrors::headerNotFound);
    byte[] key = slot.toArray();
    byte[] shortKey = withoutLeadingZeros(key);
    byte[] value =
        reader
            .storage(address, key)
            .or(
                () ->
                    shortKey.length > 0 && shortKey.length < key.length
                        ? reader.storage(address, shortKey)
                        : Optional.empty())
            .orElse(new byte[0]);
    return success(request, Bytes.toHex(word(value)));
  }

  private static byte[] withoutLeadingZeros(byte[] key) {
    int i = 0;
    while (i < key.length && key[i] == 0) {
      i++;
    }
    return Arrays.copyOfRange(key, i, key.length);
  }

  /** Values up to a word as a left-padded word; longer ones unchanged. */
  static byte[] word(byte[] value) {
    if (value.length >= Hash.SIZE) {
      return value;
    }
    byte[] w = new byte[Hash.SIZE];
    System.arraycopy(value, 0, w, Hash.SIZE - value.length, value.length);
    return w;
  }
}

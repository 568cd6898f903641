package io.openledger.node.rpc.methods;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.ledger.CallRequest;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.node.rpc.Params;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Parses the transaction-call object of {@code eth_call} / {@code eth_estimateGas}. Fields wallets
 * send that a call ignores ({@code nonce}, {@code type}, {@code chainId}, {@code accessList}) are
 * accepted and ignored, as geth does.
 */
final class CallRequests {
  private CallRequests() {}

  static CallRequest parse(JsonNode o) {
    if (!o.isObject()) {
      throw new IllegalArgumentException("want a transaction call object");
    }
    byte[] data = field(o, "data", Params::data);
    byte[] input = field(o, "input", Params::data);
    if (data != null && input != null && !Arrays.equals(data, input)) {
      throw new IllegalArgumentException(
          "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass"
              + " transaction call data");
    }
    Amount gasPrice = amount(o, "gasPrice");
    Amount maxFee = amount(o, "maxFeePerGas");
    Amount maxTip = amount(o, "maxPriorityFeePerGas");
    if (gasPrice != null && (maxFee != null || maxTip != null)) {
      throw new IllegalArgumentException(
          "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
    }
    Address to = field(o, "to", Params::address);
    if (to == null) {
      throw new IllegalArgumentException(
          "missing \"to\": contract creation is not supported (calls go to accounts and system"
              + " modules)");
    }
    return new CallRequest(
        field(o, "from", Params::address),
        to,
        field(o, "gas", Params::longQuantity),
        gasPrice,
        maxFee,
        maxTip,
        amount(o, "value"),
        input != null ? input : data);
  }

  private static Amount amount(JsonNode o, String name) {
    return field(o, name, n -> Amount.of(Params.quantity(n)));
  }

  private static <T> T field(JsonNode o, String name, Function<JsonNode, T> parser) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    try {
      return parser.apply(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + name + "\": " + e.getMessage());
    }
  }
}

package io.openledger.chain.inference;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * One charge of a batch: {@code (address payer, bytes32 keyHash, uint256 amount, uint256
 * authorized, bytes signature)}.
 *
 * @param payer whose escrow pays
 * @param keyHash key mode: the API key's hash; signed mode: zero
 * @param amount what this batch charges the payer
 * @param authorized signed mode: the cumulative amount the payer signed for; key mode: zero
 * @param signature signed mode: {@code requestHash ‖ r ‖ s ‖ v} (97 bytes, see {@link
 *     SpendAuthorization#chargeSignature}); key mode: empty
 */
public record Charge(
    Address payer, Hash keyHash, Amount amount, Amount authorized, byte[] signature) {
  public Charge {
    Objects.requireNonNull(payer, "payer");
    Objects.requireNonNull(keyHash, "keyHash");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(authorized, "authorized");
    signature = signature.clone();
  }

  /** A key-mode charge. */
  public static Charge withKey(Address payer, Hash keyHash, Amount amount) {
    return new Charge(payer, keyHash, amount, Amount.ZERO, new byte[0]);
  }

  /** A signed-mode charge carrying the payer's signature of {@code spend}. */
  public static Charge signed(
      Address payer, Amount amount, SpendAuthorization spend, byte[] payerSignature) {
    return new Charge(
        payer, Hash.ZERO, amount, spend.authorized(), spend.chargeSignature(payerSignature));
  }

  public boolean signedMode() {
    return keyHash.equals(Hash.ZERO);
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The ABI tuple value. */
  List<Object> abiValue() {
    return List.of(payer, keyHash.toArray(), amount.value(), authorized.value(), signature);
  }

  static Charge fromAbi(List<?> t) {
    return new Charge(
        (Address) t.get(0),
        Hash.wrap((byte[]) t.get(1)),
        Amount.of((BigInteger) t.get(2)),
        Amount.of((BigInteger) t.get(3)),
        (byte[]) t.get(4));
  }
}

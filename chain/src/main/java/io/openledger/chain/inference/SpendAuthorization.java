package io.openledger.chain.inference;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a payer signs in signed mode: the EIP-712 typed data {@code Spend(address operator,bytes32
 * requestHash,uint256 authorized)} in the domain {@code {name: "OpenLedger Inference", version:
 * "1", chainId, verifyingContract: 0x…1004}}. {@code authorized} is cumulative: everything this
 * operator may have charged the payer, this request included.
 *
 * <p>In a batch charge the signature travels as {@code requestHash ‖ r ‖ s ‖ v} (97 bytes, {@link
 * #chargeSignature}), since the charge tuple has no field for the request hash.
 */
public record SpendAuthorization(Address operator, Hash requestHash, Amount authorized) {
  public static final String DOMAIN_NAME = "OpenLedger Inference";
  public static final String DOMAIN_VERSION = "1";
  public static final String DOMAIN_TYPE =
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
  public static final String SPEND_TYPE =
      "Spend(address operator,bytes32 requestHash,uint256 authorized)";
  public static final Hash DOMAIN_TYPE_HASH = keccak(DOMAIN_TYPE);
  public static final Hash SPEND_TYPE_HASH = keccak(SPEND_TYPE);

  /** Length of a charge's signature in signed mode: request hash + 65-byte signature. */
  public static final int CHARGE_SIGNATURE_LENGTH = Hash.SIZE + SignatureBytes.LENGTH;

  public SpendAuthorization {
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(requestHash, "requestHash");
    Objects.requireNonNull(authorized, "authorized");
  }

  /** The EIP-712 domain separator of the inference module on chain {@code chainId}. */
  public static Hash domainSeparator(long chainId) {
    return Hash.keccak256(
        Abi.encode(
            List.of(
                AbiType.BYTES32,
                AbiType.BYTES32,
                AbiType.BYTES32,
                AbiType.UINT256,
                AbiType.ADDRESS),
            List.of(
                DOMAIN_TYPE_HASH.toArray(),
                keccak(DOMAIN_NAME).toArray(),
                keccak(DOMAIN_VERSION).toArray(),
                BigInteger.valueOf(chainId),
                InferenceModule.ADDRESS)));
  }

  /** {@code hashStruct(Spend)}. */
  public Hash structHash() {
    return Hash.keccak256(
        Abi.encode(
            List.of(AbiType.BYTES32, AbiType.ADDRESS, AbiType.BYTES32, AbiType.UINT256),
            List.of(
                SPEND_TYPE_HASH.toArray(), operator, requestHash.toArray(), authorized.value())));
  }

  /** {@code keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(Spend))}: what is signed. */
  public Hash digest(long chainId) {
    return Hash.keccak256(
        new byte[] {0x19, 0x01}, domainSeparator(chainId).toArray(), structHash().toArray());
  }

  /** The payer's 65-byte signature ({@code r ‖ s ‖ v}, v 27/28), as {@code signTypedData}. */
  public byte[] sign(KeyPair payer, long chainId) {
    return SignatureBytes.encode(payer.sign(digest(chainId)));
  }

  /** Who signed this authorization with {@code signature}; empty if it is not a valid signature. */
  public Optional<Address> recoverSigner(long chainId, byte[] signature) {
    return SignatureBytes.recover(digest(chainId), signature);
  }

  /** The {@code signature} field of a batch charge in signed mode: {@code requestHash ‖ sig}. */
  public byte[] chargeSignature(byte[] signature) {
    if (signature.length != SignatureBytes.LENGTH) {
      throw new IllegalArgumentException(
          "a signature is " + SignatureBytes.LENGTH + " bytes, got " + signature.length);
    }
    byte[] out = Arrays.copyOf(requestHash.toArray(), CHARGE_SIGNATURE_LENGTH);
    System.arraycopy(signature, 0, out, Hash.SIZE, signature.length);
    return out;
  }

  private static Hash keccak(String s) {
    return Hash.keccak256(s.getBytes(StandardCharsets.UTF_8));
  }
}

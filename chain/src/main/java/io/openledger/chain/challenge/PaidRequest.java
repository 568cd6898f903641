package io.openledger.chain.challenge;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.inference.SignatureBytes;
import io.openledger.chain.inference.SpendAuthorization;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a payer signs to prove it sent a paid request (the evidence of an unavailability challenge):
 * the EIP-712 typed data {@code PaidRequest(address operator,uint64 modelId,bytes32
 * requestHash,uint64 signedAt)} in the same domain as {@link SpendAuthorization} ({@code
 * "OpenLedger Inference"}, version 1, the chain id, {@code 0x…1004}).
 */
public record PaidRequest(Address operator, long modelId, Hash requestHash, long signedAt) {
  public static final String TYPE =
      "PaidRequest(address operator,uint64 modelId,bytes32 requestHash,uint64 signedAt)";
  public static final Hash TYPE_HASH = Hash.keccak256(TYPE.getBytes(StandardCharsets.UTF_8));

  public PaidRequest {
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(requestHash, "requestHash");
  }

  /** {@code hashStruct(PaidRequest)}. */
  public Hash structHash() {
    return Hash.keccak256(
        Abi.encode(
            List.of(
                AbiType.BYTES32, AbiType.ADDRESS, AbiType.UINT64, AbiType.BYTES32, AbiType.UINT64),
            List.of(
                TYPE_HASH.toArray(),
                operator,
                BigInteger.valueOf(modelId),
                requestHash.toArray(),
                BigInteger.valueOf(signedAt))));
  }

  /** {@code keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(PaidRequest))}. */
  public Hash digest(long chainId) {
    return Hash.keccak256(
        new byte[] {0x19, 0x01},
        SpendAuthorization.domainSeparator(chainId).toArray(),
        structHash().toArray());
  }

  /** The payer's 65-byte signature ({@code r ‖ s ‖ v}). */
  public byte[] sign(KeyPair payer, long chainId) {
    return SignatureBytes.encode(payer.sign(digest(chainId)));
  }

  /** Who signed it; empty when {@code signature} is not a valid signature. */
  public Optional<Address> recoverSigner(long chainId, byte[] signature) {
    return SignatureBytes.recover(digest(chainId), signature);
  }
}

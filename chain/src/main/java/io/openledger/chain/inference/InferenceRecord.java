package io.openledger.chain.inference;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.crypto.PersonalSign;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The receipt of one paid request (docs/economy.md, "Records"), written by the operator before it
 * answers.
 *
 * <p>Encoding: {@code abi.encode(operator, number, modelId, adapterHash, payer, keyHash,
 * requestHash, outputHash, promptTokens, completionTokens, fee, contributionIds, weights,
 * authorized, spendSignature)} with the types of {@link #BODY_TYPES} is the <em>body</em>; the
 * record hash is {@code keccak256(body)}. The full encoding ({@link #encode()}) appends the
 * operator's signature as one more {@code bytes} argument. The operator signs the record hash with
 * EIP-191 {@code personal_sign}: {@code keccak256("\x19Ethereum Signed Message:\n32" ‖ hash)}.
 *
 * @param operator who served the request and signs the record
 * @param number the operator's record number, from 0, no gaps
 * @param modelId the model module's id of the model served
 * @param adapterHash the model's adapter hash
 * @param payer whose escrow pays
 * @param keyHash {@code keccak256(key)} in key mode; zero in signed mode
 * @param requestHash keccak-256 of the request
 * @param outputHash keccak-256 of the response's output
 * @param promptTokens tokens in
 * @param completionTokens tokens out
 * @param fee what the fee rule charged, base units
 * @param attribution contributions and ppm weights (sum at most 1,000,000)
 * @param authorized signed mode: the cumulative amount the payer signed for; key mode: zero
 * @param spendSignature signed mode: the payer's 65-byte EIP-712 signature; key mode: empty
 * @param operatorSignature the operator's 65-byte signature over {@link #hash()}; empty while
 *     unsigned
 */
public record InferenceRecord(
    Address operator,
    long number,
    long modelId,
    Hash adapterHash,
    Address payer,
    Hash keyHash,
    Hash requestHash,
    Hash outputHash,
    long promptTokens,
    long completionTokens,
    Amount fee,
    List<Attribution> attribution,
    Amount authorized,
    byte[] spendSignature,
    byte[] operatorSignature) {

  private static final AbiType UINT32 = AbiType.parse("uint32");

  /** The ABI types of the body, in order. */
  public static final List<AbiType> BODY_TYPES =
      List.of(
          AbiType.ADDRESS,
          AbiType.UINT64,
          AbiType.UINT64,
          AbiType.BYTES32,
          AbiType.ADDRESS,
          AbiType.BYTES32,
          AbiType.BYTES32,
          AbiType.BYTES32,
          AbiType.UINT64,
          AbiType.UINT64,
          AbiType.UINT256,
          AbiType.parse("uint64[]"),
          AbiType.parse("uint32[]"),
          AbiType.UINT256,
          AbiType.BYTES);

  /** The ABI types of the full encoding: the body's, then the operator signature. */
  public static final List<AbiType> TYPES = append(BODY_TYPES, AbiType.BYTES);

  /**
   * @throws IllegalArgumentException if a number is negative, the attribution names a contribution
   *     twice or sums over 1,000,000 ppm, the mode's fields disagree (signed mode: zero key hash
   *     and a 65-byte spend signature; key mode: no signature and nothing authorized), or the
   *     operator signature is neither empty nor 65 bytes
   */
  public InferenceRecord {
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(adapterHash, "adapterHash");
    Objects.requireNonNull(payer, "payer");
    Objects.requireNonNull(keyHash, "keyHash");
    Objects.requireNonNull(requestHash, "requestHash");
    Objects.requireNonNull(outputHash, "outputHash");
    Objects.requireNonNull(fee, "fee");
    Objects.requireNonNull(authorized, "authorized");
    attribution = List.copyOf(attribution);
    spendSignature = spendSignature.clone();
    operatorSignature = operatorSignature.clone();
    if (number < 0 || modelId < 0 || promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "record number, model id and token counts must not be negative");
    }
    checkAttribution(attribution);
    if (keyHash.equals(Hash.ZERO)) {
      if (spendSignature.length != SignatureBytes.LENGTH) {
        throw new IllegalArgumentException(
            "a signed-mode record carries the payer's 65-byte signature, got "
                + spendSignature.length
                + " bytes");
      }
    } else if (spendSignature.length != 0 || !authorized.isZero()) {
      throw new IllegalArgumentException(
          "a key-mode record carries no spend signature and authorizes nothing");
    }
    if (operatorSignature.length != 0 && operatorSignature.length != SignatureBytes.LENGTH) {
      throw new IllegalArgumentException(
          "the operator signature is empty or 65 bytes, got " + operatorSignature.length);
    }
  }

  /** True in signed mode (zero key hash). */
  public boolean signedMode() {
    return keyHash.equals(Hash.ZERO);
  }

  @Override
  public byte[] spendSignature() {
    return spendSignature.clone();
  }

  @Override
  public byte[] operatorSignature() {
    return operatorSignature.clone();
  }

  /** The ABI encoding of everything but the operator signature: what the hash covers. */
  public byte[] encodeBody() {
    return Abi.encode(BODY_TYPES, bodyValues());
  }

  /** The full ABI encoding: the body's arguments and the operator signature. */
  public byte[] encode() {
    List<Object> values = new ArrayList<>(bodyValues());
    values.add(operatorSignature);
    return Abi.encode(TYPES, values);
  }

  /**
   * Parses {@link #encode()}'s output.
   *
   * @throws IllegalArgumentException unless {@code encoded} is exactly the canonical encoding of a
   *     valid record
   */
  public static InferenceRecord decode(byte[] encoded) {
    List<Object> v = Abi.decode(TYPES, encoded);
    List<?> ids = (List<?>) v.get(11);
    List<?> weights = (List<?>) v.get(12);
    if (ids.size() != weights.size()) {
      throw new IllegalArgumentException(
          ids.size() + " contribution ids but " + weights.size() + " weights");
    }
    List<Attribution> attribution = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      attribution.add(
          new Attribution(
              u63((BigInteger) ids.get(i), "contribution id"), ppm((BigInteger) weights.get(i))));
    }
    return new InferenceRecord(
        (Address) v.get(0),
        u63((BigInteger) v.get(1), "record number"),
        u63((BigInteger) v.get(2), "model id"),
        Hash.wrap((byte[]) v.get(3)),
        (Address) v.get(4),
        Hash.wrap((byte[]) v.get(5)),
        Hash.wrap((byte[]) v.get(6)),
        Hash.wrap((byte[]) v.get(7)),
        u63((BigInteger) v.get(8), "prompt tokens"),
        u63((BigInteger) v.get(9), "completion tokens"),
        Amount.of((BigInteger) v.get(10)),
        attribution,
        Amount.of((BigInteger) v.get(13)),
        (byte[]) v.get(14),
        (byte[]) v.get(15));
  }

  /** {@code keccak256(encodeBody())}: the leaf of the batch's records tree. */
  public Hash hash() {
    return Hash.keccak256(encodeBody());
  }

  /**
   * This record signed by its operator.
   *
   * @throws IllegalArgumentException if {@code operatorKey} is not the record's operator
   */
  public InferenceRecord signedBy(KeyPair operatorKey) {
    if (!operatorKey.address().equals(operator)) {
      throw new IllegalArgumentException(
          "record of operator " + operator + " cannot be signed by " + operatorKey.address());
    }
    byte[] sig =
        SignatureBytes.encode(operatorKey.sign(PersonalSign.messageHash(hash().toArray())));
    return new InferenceRecord(
        operator,
        number,
        modelId,
        adapterHash,
        payer,
        keyHash,
        requestHash,
        outputHash,
        promptTokens,
        completionTokens,
        fee,
        attribution,
        authorized,
        spendSignature,
        sig);
  }

  /** Who signed the record hash with the operator signature; empty if unsigned or invalid. */
  public Optional<Address> recoverOperator() {
    return SignatureBytes.recover(PersonalSign.messageHash(hash().toArray()), operatorSignature);
  }

  /** True when the operator signature is the operator's. */
  public boolean operatorSignatureValid() {
    return recoverOperator().filter(operator::equals).isPresent();
  }

  /** Signed mode: what the payer signed. */
  public Optional<SpendAuthorization> spend() {
    return signedMode()
        ? Optional.of(new SpendAuthorization(operator, requestHash, authorized))
        : Optional.empty();
  }

  /** Signed mode: true when the spend signature is the payer's on chain {@code chainId}. */
  public boolean payerSignatureValid(long chainId) {
    return spend()
        .flatMap(s -> s.recoverSigner(chainId, spendSignature))
        .filter(payer::equals)
        .isPresent();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InferenceRecord r && Arrays.equals(encode(), r.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "InferenceRecord[operator="
        + operator
        + ", number="
        + number
        + ", payer="
        + payer
        + ", fee="
        + fee
        + ", hash="
        + hash()
        + ", operatorSignature="
        + Bytes.toHex(operatorSignature)
        + "]";
  }

  private List<Object> bodyValues() {
    List<BigInteger> ids = new ArrayList<>(attribution.size());
    List<BigInteger> weights = new ArrayList<>(attribution.size());
    for (Attribution a : attribution) {
      ids.add(BigInteger.valueOf(a.contributionId()));
      weights.add(BigInteger.valueOf(a.ppm()));
    }
    return List.of(
        operator,
        BigInteger.valueOf(number),
        BigInteger.valueOf(modelId),
        adapterHash.toArray(),
        payer,
        keyHash.toArray(),
        requestHash.toArray(),
        outputHash.toArray(),
        BigInteger.valueOf(promptTokens),
        BigInteger.valueOf(completionTokens),
        fee.value(),
        ids,
        weights,
        authorized.value(),
        spendSignature);
  }

  private static void checkAttribution(List<Attribution> attribution) {
    Set<Long> seen = new HashSet<>();
    long sum = 0;
    for (Attribution a : attribution) {
      if (!seen.add(a.contributionId())) {
        throw new IllegalArgumentException(
            "contribution " + a.contributionId() + " appears twice in the attribution");
      }
      sum += a.ppm();
    }
    if (sum > ContributionWeight.PPM) {
      throw new IllegalArgumentException(
          "attribution weights sum to " + sum + " ppm, over 1000000");
    }
  }

  /** A uint64 that must fit a Java long (below 2^63). */
  private static long u63(BigInteger v, String what) {
    if (v.bitLength() > 63) {
      throw new IllegalArgumentException(what + " " + v + " is above 2^63 - 1");
    }
    return v.longValue();
  }

  private static int ppm(BigInteger v) {
    if (v.compareTo(BigInteger.valueOf(ContributionWeight.PPM)) > 0) {
      throw new IllegalArgumentException("attribution weight " + v + " ppm is over 1000000");
    }
    return v.intValue();
  }

  private static List<AbiType> append(List<AbiType> types, AbiType last) {
    List<AbiType> out = new ArrayList<>(types);
    out.add(last);
    return List.copyOf(out);
  }
}

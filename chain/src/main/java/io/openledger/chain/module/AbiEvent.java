package io.openledger.chain.module;

import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One event of a module's ABI, emitted as an Ethereum log: topic0 = keccak256 of the signature,
 * then one topic per indexed parameter (static types only), data = ABI encoding of the others.
 *
 * @param name event name, e.g. {@code Claimed}
 * @param parameters in declaration order
 */
public record AbiEvent(String name, List<Parameter> parameters) {
  public AbiEvent {
    parameters = List.copyOf(parameters);
    if (parameters.stream().filter(Parameter::indexed).count() > 3) {
      throw new IllegalArgumentException("an event has at most 3 indexed parameters");
    }
    for (Parameter p : parameters) {
      if (p.indexed() && p.type().dynamic()) {
        throw new IllegalArgumentException("indexed dynamic parameters are not supported");
      }
    }
  }

  /**
   * @param indexed true when the value goes in a topic rather than in the data
   */
  public record Parameter(String name, AbiType type, boolean indexed) {}

  /** Canonical signature, e.g. {@code Claimed(address,uint256)}. */
  public String signature() {
    return parameters.stream()
        .map(p -> p.type().canonical())
        .collect(Collectors.joining(",", name + "(", ")"));
  }

  /** topic0. */
  public Hash topic() {
    return Abi.eventTopic(signature());
  }

  /** The log's topics and data for these parameter values (declaration order). */
  public Encoded encode(Object... values) {
    if (values.length != parameters.size()) {
      throw new IllegalArgumentException(
          name + " takes " + parameters.size() + " values, got " + values.length);
    }
    List<Hash> topics = new ArrayList<>();
    topics.add(topic());
    List<AbiType> dataTypes = new ArrayList<>();
    List<Object> dataValues = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      Parameter p = parameters.get(i);
      if (p.indexed()) {
        topics.add(Hash.wrap(Abi.encode(List.of(p.type()), List.of(values[i]))));
      } else {
        dataTypes.add(p.type());
        dataValues.add(values[i]);
      }
    }
    return new Encoded(topics, Abi.encode(dataTypes, dataValues));
  }

  /**
   * The parameter values of a log of this event, in declaration order: the inverse of {@link
   * #encode}.
   *
   * @throws AbiDecodingException when topic0 is not this event's, the topic count is not its
   *     indexed parameters plus one, or the data does not decode
   */
  public List<Object> decode(List<Hash> topics, byte[] data) {
    long indexed = parameters.stream().filter(Parameter::indexed).count();
    if (topics.isEmpty() || !topics.getFirst().equals(topic())) {
      throw new AbiDecodingException("not a " + signature() + " log");
    }
    if (topics.size() != indexed + 1) {
      throw new AbiDecodingException(
          signature() + " has " + (indexed + 1) + " topics, the log " + topics.size());
    }
    List<AbiType> dataTypes = new ArrayList<>();
    for (Parameter p : parameters) {
      if (!p.indexed()) {
        dataTypes.add(p.type());
      }
    }
    List<Object> dataValues = Abi.decode(dataTypes, data);
    List<Object> out = new ArrayList<>(parameters.size());
    int topic = 1;
    int d = 0;
    for (Parameter p : parameters) {
      out.add(
          p.indexed()
              ? Abi.decode(List.of(p.type()), topics.get(topic++).toArray()).getFirst()
              : dataValues.get(d++));
    }
    return out;
  }

  /** A log body: topics (topic0 first) and data. */
  public record Encoded(List<Hash> topics, byte[] data) {}
}

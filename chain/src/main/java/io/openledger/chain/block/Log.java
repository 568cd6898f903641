package io.openledger.chain.block;

import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An Ethereum log (event): the emitting address (a system module), up to four topics (the first is
 * the event signature hash) and ABI-encoded data. RLP: {@code [address, [topic...], data]}.
 */
public record Log(Address address, List<Hash> topics, byte[] data) {
  public Log {
    topics = List.copyOf(topics);
    if (topics.size() > 4) {
      throw new IllegalArgumentException("a log has at most 4 topics, got " + topics.size());
    }
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  public byte[] encode() {
    byte[][] t = new byte[topics.size()][];
    for (int i = 0; i < t.length; i++) {
      t[i] = Rlp.encodeBytes(topics.get(i).toArray());
    }
    return Rlp.encodeList(
        Rlp.encodeBytes(address.toArray()), Rlp.encodeList(t), Rlp.encodeBytes(data));
  }

  static Log read(RlpReader in) throws RlpException {
    RlpReader f = in.readList("types.Log", "");
    Address address = Address.wrap(f.readFixed(Address.SIZE, "common.Address", "(types.Log)"));
    RlpReader t = f.readList("[]common.Hash", "(types.Log).Topics");
    List<Hash> topics = new ArrayList<>();
    while (t.hasNext()) {
      topics.add(Hash.wrap(t.readFixed(Hash.SIZE, "common.Hash", "(types.Log).Topics")));
    }
    if (topics.size() > 4) {
      throw new RlpException("rlp: a log has at most 4 topics");
    }
    byte[] data = f.readBytes("[]uint8", "(types.Log).Data");
    f.requireEnd();
    return new Log(address, topics, data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Log l
        && address.equals(l.address)
        && topics.equals(l.topics)
        && Arrays.equals(data, l.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * address.hashCode() + topics.hashCode()) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Log[" + address + ", topics=" + topics + ", " + data.length + " bytes]";
  }
}

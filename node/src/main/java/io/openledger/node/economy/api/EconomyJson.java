package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.ContributionShare;
import io.openledger.chain.inference.FeeSplit;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.model.Model;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.node.economy.RecordSplit;
import io.openledger.node.economy.RecordSplit.Role;
import io.openledger.node.economy.StoredRecord;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * How the economy API writes its values (docs/economy-api.md): amounts as decimal strings of base
 * units, addresses and hashes as lowercase {@code 0x} hex, ids and counts as JSON numbers.
 */
final class EconomyJson {
  static final JsonNodeFactory F = JsonNodeFactory.instance;

  private EconomyJson() {}

  static ObjectNode object() {
    return F.objectNode();
  }

  static String amount(Amount a) {
    return a.value().toString();
  }

  static String hex(Address a) {
    return a.toHex(); // lowercase
  }

  /** Every field of a record, and its full ABI encoding for anyone to re-hash. */
  static ObjectNode record(InferenceRecord r) {
    ObjectNode o = object();
    o.put("operator", hex(r.operator()));
    o.put("number", r.number());
    o.put("model", r.modelId());
    o.put("adapterHash", r.adapterHash().toHex());
    o.put("payer", hex(r.payer()));
    o.put("keyHash", r.keyHash().toHex());
    o.put("requestHash", r.requestHash().toHex());
    o.put("outputHash", r.outputHash().toHex());
    o.put("promptTokens", r.promptTokens());
    o.put("completionTokens", r.completionTokens());
    o.put("fee", amount(r.fee()));
    ArrayNode attribution = o.putArray("attribution");
    for (Attribution a : r.attribution()) {
      attribution.addObject().put("contribution", a.contributionId()).put("ppm", a.ppm());
    }
    o.put("authorized", amount(r.authorized()));
    o.put("spendSignature", Bytes.toHex(r.spendSignature()));
    o.put("operatorSignature", Bytes.toHex(r.operatorSignature()));
    o.put("encoded", Bytes.toHex(r.encode()));
    return o;
  }

  /** A published record: its receipt id, fields and output. */
  static ObjectNode published(StoredRecord s) {
    ObjectNode o = object();
    o.put("receiptId", s.receiptId());
    o.set("record", record(s.record()));
    o.put("output", s.output());
    return o;
  }

  /**
   * Where a record's fee went: the attribution with each contribution's datanet, contributor and
   * amount; the model's share; the fee rule's steps; the payouts per account.
   */
  static void split(ObjectNode o, RecordSplit split, PayoutBook book) {
    ArrayNode attribution = o.putArray("attribution");
    for (ContributionShare c : split.fee().contributions()) {
      Contribution onChain = book.contributionOnChain(c.contributionId());
      attribution
          .addObject()
          .put("contribution", c.contributionId())
          .put("datanet", onChain.datanetId())
          .put("contributor", hex(c.contributor()))
          .put("ppm", c.ppm())
          .put("amount", amount(c.amount()))
          .put("paidTo", hex(c.paidTo()));
    }
    for (Attribution a : split.forfeited()) {
      Contribution onChain = book.contributionOnChain(a.contributionId());
      attribution
          .addObject()
          .put("contribution", a.contributionId())
          .put("datanet", onChain.datanetId())
          .put("contributor", hex(onChain.contributor()))
          .put("ppm", a.ppm())
          .put("amount", "0")
          .put("paidTo", hex(split.modelOwner()))
          .put("forfeited", true);
    }
    o.put("modelPpm", split.modelPpm());
    FeeSplit f = split.fee();
    o.putObject("fee")
        .put("fee", amount(f.fee()))
        .put("usage", amount(f.usage()))
        .put("platform", amount(f.platform()))
        .put("owner", amount(f.owner()))
        .put("stakers", amount(f.stakers()))
        .put("data", amount(f.data()))
        .put("rest", amount(f.rest()))
        .put("unattributed", amount(f.unattributed()));
    o.set("payouts", payouts(split.payouts()));
  }

  static ArrayNode payouts(Collection<Payout> payouts) {
    ArrayNode a = F.arrayNode();
    for (Payout p : payouts) {
      a.addObject().put("account", hex(p.account())).put("amount", amount(p.amount()));
    }
    return a;
  }

  /** Amounts by role, every role present: {@code owner, operator, contributor, treasury}. */
  static ObjectNode roles(Map<Role, Amount> byRole, boolean plural) {
    ObjectNode o = object();
    for (Role r : Role.values()) {
      o.put(roleName(r, plural), amount(byRole.getOrDefault(r, Amount.ZERO)));
    }
    return o;
  }

  private static String roleName(Role r, boolean plural) {
    String name = r.name().toLowerCase(Locale.ROOT);
    return plural && r == Role.CONTRIBUTOR ? "contributors" : name;
  }

  static ObjectNode model(Model m) {
    ObjectNode o = object();
    o.put("id", m.id());
    o.put("name", m.name());
    o.put("owner", hex(m.owner()));
    o.put("operator", hex(m.operator()));
    o.put("baseModelHash", m.baseModelHash().toHex());
    o.put("adapterHash", m.adapterHash().toHex());
    o.put("pricePerKIn", amount(m.pricePerKIn()));
    o.put("pricePerKOut", amount(m.pricePerKOut()));
    o.put("registeredAt", m.registeredAt());
    ArrayNode datanets = o.putArray("datanets");
    for (Model.DatanetRef d : m.datanets()) {
      datanets.addObject().put("datanet", d.datanetId()).put("version", d.version());
    }
    return o;
  }

  static ObjectNode contribution(Contribution c) {
    ObjectNode o = object();
    o.put("id", c.id());
    o.put("datanet", c.datanetId());
    o.put("contributor", hex(c.contributor()));
    o.put("blobHash", c.blobHash().toHex());
    o.put("size", c.size());
    o.put("metadataHash", c.metadataHash().toHex());
    o.put("status", c.status().name().toLowerCase(Locale.ROOT));
    o.put("score", c.score());
    o.put("submittedAt", c.submittedAt());
    return o;
  }
}

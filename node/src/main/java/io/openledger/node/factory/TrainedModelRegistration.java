package io.openledger.node.factory;

import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.ContributionStanding;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.governance.TreasuryModule;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.model.TrainingFeeSplit;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.cli.EconomyViews;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registering a model the factory trained (issue 9, "paying at training time"): the credits of each
 * datanet version named in its {@code training.json} (weights in ppm from positive influence, or
 * token share, {@link TrainingWeights}), each checked against the chain (the version's root, each
 * contribution accepted in it), the training-fee split they make ({@link TrainingFeeSplit}, the
 * chain's own rule), and the {@code registerTrainedModel} call that carries them. Used by {@code
 * openledger model register --from DIR} over JSON-RPC and by the devnet's demo in process.
 */
public final class TrainedModelRegistration {
  private TrainedModelRegistration() {}

  /** What a registration reads from the chain at the latest block. */
  public interface Chain extends DatanetTrainingSource.Chain {
    /** The datanet's training licence fee, OPEN base units. */
    Amount trainingFee(long datanetId);

    /** The contributor of {@code c} and whether it earns now. */
    ContributionStanding standing(Contribution c);
  }

  /** A node's views ({@code eth_call}) as {@link Chain}. */
  public static Chain chain(EconomyViews views) {
    return new Chain() {
      @Override
      public Datanet datanet(long id) {
        return views.datanet(id);
      }

      @Override
      public DatanetVersion version(long datanetId, int version) {
        return views.version(datanetId, version);
      }

      @Override
      public long acceptedAt(long datanetId, long index) {
        return views.acceptedAt(datanetId, index);
      }

      @Override
      public Contribution contribution(long id) {
        return views.contribution(id);
      }

      @Override
      public Amount trainingFee(long datanetId) {
        return views.trainingFee(datanetId);
      }

      @Override
      public ContributionStanding standing(Contribution c) {
        return new ContributionStanding(c.contributor(), views.earns(c));
      }
    };
  }

  /** A state of this node's ledger as {@link Chain} (the devnet's demo). */
  public static Chain chain(StateReader state) {
    return new Chain() {
      @Override
      public Datanet datanet(long id) {
        return DatanetModule.readDatanet(state, id)
            .orElseThrow(() -> new CliException("there is no datanet " + id));
      }

      @Override
      public DatanetVersion version(long datanetId, int version) {
        return DatanetModule.readVersion(state, datanetId, version)
            .orElseThrow(
                () -> new CliException("datanet " + datanetId + " has no version " + version));
      }

      @Override
      public long acceptedAt(long datanetId, long index) {
        return DatanetModule.readAcceptedAt(state, datanetId, index)
            .orElseThrow(
                () ->
                    new CliException(
                        "datanet " + datanetId + " has no accepted contribution at " + index));
      }

      @Override
      public Contribution contribution(long id) {
        return DatanetModule.readContribution(state, id)
            .orElseThrow(() -> new CliException("there is no contribution " + id));
      }

      @Override
      public Amount trainingFee(long datanetId) {
        return DatanetModule.trainingFee(state, datanetId);
      }

      @Override
      public ContributionStanding standing(Contribution c) {
        return DatanetModule.standing(state, c);
      }
    };
  }

  /** How the weights are measured: {@code AUTO} takes influence where it was computed. */
  public enum Basis {
    AUTO,
    INFLUENCE,
    TOKENS
  }

  /** A credit as {@code registerTrainedModel} takes it. */
  public record Credit(long contributionId, long acceptedIndex, int ppm) {
    List<Object> abi() {
      return List.of(
          BigInteger.valueOf(contributionId),
          BigInteger.valueOf(acceptedIndex),
          BigInteger.valueOf(ppm));
    }
  }

  /**
   * One datanet's part.
   *
   * @param basis {@code influence} or {@code tokens}
   * @param split the fee's split on the chain's state now
   */
  public record DatanetPlan(
      long datanetId, int version, String basis, List<Credit> credits, TrainingFeeSplit split) {}

  /** Everything {@code registerTrainedModel} will carry and pay. */
  public record Plan(TrainingManifestFile file, List<DatanetPlan> datanets) {
    /** What the registration must send: the sum of the datanets' training fees. */
    public Amount totalFee() {
      Amount sum = Amount.ZERO;
      for (DatanetPlan d : datanets) {
        sum = sum.add(d.split().fee());
      }
      return sum;
    }

    List<BigInteger> datanetIds() {
      return datanets.stream().map(d -> BigInteger.valueOf(d.datanetId())).toList();
    }

    List<BigInteger> versions() {
      return datanets.stream().map(d -> BigInteger.valueOf(d.version())).toList();
    }

    List<Object> credits() {
      List<Object> out = new ArrayList<>();
      datanets.forEach(d -> d.credits().forEach(c -> out.add(c.abi())));
      return out;
    }

    /**
     * The {@code registerTrainedModel} call data, with the report hash of {@link #file}.
     *
     * @param pricePerKIn OPEN base units per 1,000 prompt tokens
     * @param pricePerKOut OPEN base units per 1,000 completion tokens
     * @param adapterHash the adapter bundle's keccak-256, zero for a model trained from scratch
     */
    public byte[] callData(
        String name,
        Hash baseModelHash,
        Hash adapterHash,
        Amount pricePerKIn,
        Amount pricePerKOut,
        Address operator) {
      return ModelModule.REGISTER_TRAINED_MODEL.encodeCall(
          name,
          baseModelHash.toArray(),
          adapterHash.toArray(),
          datanetIds(),
          versions(),
          pricePerKIn.value(),
          pricePerKOut.value(),
          operator,
          credits(),
          file.hash().toArray());
    }
  }

  /** The address the split shows for the treasury (the devnet's and testnet's treasury). */
  public static final Address TREASURY = TreasuryModule.ADDRESS;

  /**
   * The registration's plan on the chain's state now.
   *
   * @param registrant who registers and pays (its own contributions earn it nothing)
   * @throws CliException naming the file, datanet and contribution when the manifest does not match
   *     the chain
   */
  public static Plan plan(Chain chain, TrainingManifestFile file, Address registrant, Basis basis) {
    TrainingManifest m = file.manifest();
    if (m.datanets().isEmpty()) {
      throw new CliException(file.file() + " names no datanet version");
    }
    List<DatanetPlan> out = new ArrayList<>();
    for (TrainingManifest.DatanetUsed v : m.datanets()) {
      String where = "datanet " + v.id() + " version " + v.version();
      Datanet d = chain.datanet(v.id());
      if (v.version() < 1 || v.version() > d.versions()) {
        throw new CliException(
            file.file() + " names " + where + ", but the datanet has " + d.versions());
      }
      DatanetVersion onChain = chain.version(v.id(), v.version());
      Hash root = Hash.fromHex(v.contributionsRoot());
      if (!onChain.contributionsRoot().equals(root)) {
        throw new CliException(
            file.file()
                + " says "
                + where
                + " has root "
                + root.toHex()
                + ", the chain recorded "
                + onChain.contributionsRoot().toHex());
      }
      List<TrainingManifest.ContributionUsed> mine =
          m.contributions().stream().filter(c -> c.datanet() == v.id()).toList();
      if (mine.isEmpty()) {
        throw new CliException(file.file() + " lists no contribution of " + where);
      }
      Map<Long, Long> index = new HashMap<>();
      for (long i = 0; i < onChain.acceptedCount(); i++) {
        index.put(chain.acceptedAt(v.id(), i), i);
      }
      for (TrainingManifest.ContributionUsed c : mine) {
        if (!index.containsKey(c.id())) {
          throw new CliException(
              file.file() + " credits contribution " + c.id() + ", which is not in " + where);
        }
      }
      String used = basis(file, mine, basis, where);
      Map<Long, BigDecimal> masses = new LinkedHashMap<>();
      for (TrainingManifest.ContributionUsed c : mine) {
        // the influence as the file writes it (shortest decimal of the double), exactly
        masses.put(
            c.id(),
            used.equals("influence")
                ? BigDecimal.valueOf(c.influence().orElseThrow())
                : BigDecimal.valueOf(c.tokens()));
      }
      if (masses.values().stream().allMatch(x -> x.signum() == 0)) {
        throw new CliException(
            used.equals("influence")
                ? "no contribution of "
                    + where
                    + " has positive influence in "
                    + file.file()
                    + " (--weights tokens splits by token share)"
                : "the contributions of " + where + " have no tokens in " + file.file());
      }
      List<Credit> credits = new ArrayList<>();
      List<TrainingFeeSplit.Credit> splitCredits = new ArrayList<>();
      for (TrainingWeights.Weight w : TrainingWeights.ppm(masses)) {
        credits.add(new Credit(w.contributionId(), index.get(w.contributionId()), w.ppm()));
        Contribution c = chain.contribution(w.contributionId());
        splitCredits.add(new TrainingFeeSplit.Credit(c.id(), w.ppm(), chain.standing(c)));
      }
      TrainingFeeSplit split =
          TrainingFeeSplit.of(
              v.id(), chain.trainingFee(v.id()), d.owner(), registrant, TREASURY, splitCredits);
      out.add(new DatanetPlan(v.id(), v.version(), used, credits, split));
    }
    return new Plan(file, out);
  }

  /** {@code influence} or {@code tokens} for one datanet's contributions. */
  private static String basis(
      TrainingManifestFile file,
      List<TrainingManifest.ContributionUsed> mine,
      Basis basis,
      String where) {
    long measured = mine.stream().filter(c -> c.influence().isPresent()).count();
    return switch (basis) {
      case TOKENS -> "tokens";
      case INFLUENCE -> {
        if (measured != mine.size()) {
          throw new CliException(
              "--weights influence: "
                  + (mine.size() - measured)
                  + " contributions of "
                  + where
                  + " have no influence in "
                  + file.file());
        }
        yield "influence";
      }
      case AUTO -> {
        if (measured == mine.size()) {
          yield "influence";
        }
        if (measured == 0) {
          yield "tokens";
        }
        throw new CliException(
            file.file()
                + " gives influence for "
                + measured
                + " of the "
                + mine.size()
                + " contributions of "
                + where
                + "; pass --weights tokens or --weights influence");
      }
    };
  }

  /**
   * One payout.
   *
   * @param contributionId 0 for the datanet owner's remainder
   * @param ppm the contribution's weight, null for the remainder
   */
  public record Paid(
      long datanetId, long contributionId, Integer ppm, Amount amount, Address paidTo) {}

  /** The plan's payouts, in the order the chain makes them (what a dry run prints). */
  public static List<Paid> planned(Plan plan) {
    List<Paid> out = new ArrayList<>();
    for (DatanetPlan d : plan.datanets()) {
      for (TrainingFeeSplit.Line l : d.split().lines()) {
        out.add(new Paid(d.datanetId(), l.contributionId(), l.ppm(), l.amount(), l.paidTo()));
      }
      if (!d.split().remainder().isZero()) {
        out.add(new Paid(d.datanetId(), 0, null, d.split().remainder(), d.split().owner()));
      }
    }
    return out;
  }
}

package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.governance.GovernanceModule;
import io.openledger.chain.governance.ParameterRegistryModule;
import io.openledger.chain.governance.ParameterSpec;
import io.openledger.chain.governance.ProposalState;
import io.openledger.chain.governance.TreasuryModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.NodeClient;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger gov}: governance by OPEN holders (docs/governance.md). Lock OPEN and delegate
 * its votes, propose parameter changes, treasury spends and gas table upgrades, vote, queue and
 * execute; show and list proposals with their actions decoded.
 */
@Command(
    name = "gov",
    mixinStandardHelpOptions = true,
    description = "Governance: lock, unlock, delegate, propose, vote, queue, execute, show, list.",
    subcommands = {
      GovCommand.Lock.class,
      GovCommand.Unlock.class,
      GovCommand.Delegate.class,
      GovCommand.Propose.class,
      GovCommand.Vote.class,
      GovCommand.Queue.class,
      GovCommand.Execute.class,
      GovCommand.Show.class,
      GovCommand.ListProposals.class
    })
public final class GovCommand implements Runnable {
  private static final Address GOV = GovernanceModule.ADDRESS;
  private static final Address PARAMS = ParameterRegistryModule.ADDRESS;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The signed commands' common options: node, signer, timeout. */
  abstract static class Signed implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    ModuleTransaction send(Address to, Amount value, byte[] data) {
      return send(signer.unlock(), to, value, data);
    }

    ModuleTransaction send(KeyPair key, Address to, Amount value, byte[] data) {
      return ModuleTransaction.send(
          rpc.client(), key, to, value, data, tx.timeout(), spec.commandLine().getErr());
    }

    void report(String line, Map<String, Object> json, ModuleTransaction sent) {
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>(json);
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println(line);
      out.flush();
    }
  }

  @Command(
      name = "lock",
      mixinStandardHelpOptions = true,
      description = "Lock OPEN for voting (it votes once delegated; unlock whenever you want).")
  static final class Lock extends Signed {
    @Option(names = "--amount", required = true, paramLabel = "OPEN", description = "e.g. 20000")
    String amount;

    @Override
    public void run() {
      Amount a = Wallets.parseOpen(amount, "--amount");
      ModuleTransaction sent = send(GOV, a, GovernanceModule.LOCK.encodeCall());
      report(
          "Locked " + Wallets.open(a) + " for voting.",
          Map.of("locked", a.value().toString()),
          sent);
    }
  }

  @Command(
      name = "unlock",
      mixinStandardHelpOptions = true,
      description = "Return locked OPEN to your account (its votes go with it).")
  static final class Unlock extends Signed {
    @Option(names = "--amount", required = true, paramLabel = "OPEN", description = "e.g. 500")
    String amount;

    @Override
    public void run() {
      Amount a = Wallets.parseOpen(amount, "--amount");
      ModuleTransaction sent =
          send(GOV, Amount.ZERO, GovernanceModule.UNLOCK.encodeCall(a.value()));
      report("Unlocked " + Wallets.open(a) + ".", Map.of("unlocked", a.value().toString()), sent);
    }
  }

  @Command(
      name = "delegate",
      mixinStandardHelpOptions = true,
      description =
          "Give the votes of your locked and staked OPEN to an address (yourself to vote with"
              + " them).")
  static final class Delegate extends Signed {
    @Option(
        names = "--to",
        required = true,
        paramLabel = "ADDRESS",
        description = "The delegatee; 'self' for the signer, 0x0...0 for nobody.")
    String to;

    @Override
    public void run() {
      KeyPair key = signer.unlock();
      Address delegatee = to.equals("self") ? key.address() : Wallets.parseAddress(to, "--to");
      ModuleTransaction sent =
          send(key, GOV, Amount.ZERO, GovernanceModule.DELEGATE.encodeCall(delegatee));
      report(
          "Delegated your votes to " + delegatee + ".",
          Map.of("delegatee", delegatee.toHex()),
          sent);
    }
  }

  @Command(
      name = "propose",
      mixinStandardHelpOptions = true,
      description =
          "Propose actions (repeatable, in order): --set-parameter, --spend, --upgrade-gas-table.")
  static final class Propose extends Signed {
    /** An action as given on the command line, kept in command-line order. */
    private record Given(String option, String arg) {}

    private final List<Given> given = new ArrayList<>();

    @Option(
        names = "--set-parameter",
        paramLabel = "NAME=VALUE",
        description = "Set a registry parameter (base units, seconds or basis points).")
    void setParameter(String arg) {
      given.add(new Given("--set-parameter", arg));
    }

    @Option(
        names = "--spend",
        paramLabel = "TO=AMOUNT",
        description = "Pay AMOUNT OPEN from the treasury to TO.")
    void spend(String arg) {
      given.add(new Given("--spend", arg));
    }

    @Option(
        names = "--upgrade-gas-table",
        paramLabel = "VERSION@BLOCK",
        description = "Price every block from BLOCK on by gas table VERSION.")
    void upgrade(String arg) {
      given.add(new Given("--upgrade-gas-table", arg));
    }

    @Option(names = "--description", required = true, paramLabel = "TEXT")
    String description;

    @Override
    public void run() {
      NodeClient node = rpc.client();
      List<Action> actions = new ArrayList<>();
      for (Given g : given) {
        actions.add(
            switch (g.option()) {
              case "--set-parameter" -> Action.setParameter(node, g.arg());
              case "--spend" -> Action.spend(g.arg());
              case "--upgrade-gas-table" -> Action.upgrade(g.arg());
              default -> throw new IllegalStateException("unknown action option " + g.option());
            });
      }
      if (actions.isEmpty()) {
        throw new CliException(
            "a proposal needs at least one action: --set-parameter, --spend or"
                + " --upgrade-gas-table");
      }
      GovernanceModule.Actions a = Action.of(actions);
      BigInteger id =
          GovernanceModule.hashProposal(a, GovernanceModule.descriptionHash(description));
      ModuleTransaction sent =
          send(
              GOV,
              Amount.ZERO,
              GovernanceModule.PROPOSE.encodeCall(
                  a.targets(), a.values(), a.calldatas(), description));
      List<Object> created = sent.event(GOV, GovernanceModule.PROPOSAL_CREATED);
      long start = ((BigInteger) created.get(6)).longValueExact();
      long end = ((BigInteger) created.get(7)).longValueExact();
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("proposalId", id.toString());
      o.put("voteStart", start);
      o.put("voteEnd", end);
      report(
          "Proposal "
              + id
              + "\n  voting opens after "
              + Instant.ofEpochSecond(start)
              + " and closes at "
              + Instant.ofEpochSecond(end),
          o,
          sent);
    }
  }

  @Command(
      name = "vote",
      mixinStandardHelpOptions = true,
      description = "Vote for, against or abstain, with the votes you had at the snapshot.")
  static final class Vote extends Signed {
    @Option(names = "--id", required = true, paramLabel = "PROPOSAL")
    BigInteger id;

    @Option(
        names = "--support",
        required = true,
        paramLabel = "for|against|abstain",
        description = "Your vote.")
    String support;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Recorded with the vote.")
    String reason;

    @Override
    public void run() {
      int s =
          switch (support.toLowerCase(Locale.ROOT)) {
            case "against" -> 0;
            case "for" -> 1;
            case "abstain" -> 2;
            default ->
                throw new CliException(
                    "--support must be for, against or abstain, got \"" + support + "\"");
          };
      byte[] data =
          reason == null
              ? GovernanceModule.CAST_VOTE.encodeCall(id, BigInteger.valueOf(s))
              : GovernanceModule.CAST_VOTE_WITH_REASON.encodeCall(
                  id, BigInteger.valueOf(s), reason);
      ModuleTransaction sent = send(GOV, Amount.ZERO, data);
      BigInteger weight = (BigInteger) sent.event(GOV, GovernanceModule.VOTE_CAST).get(3);
      report(
          "Voted "
              + support.toLowerCase(Locale.ROOT)
              + " on proposal "
              + id
              + " with "
              + Wallets.open(Amount.of(weight))
              + ".",
          Map.of("proposalId", id.toString(), "weight", weight.toString()),
          sent);
    }
  }

  @Command(
      name = "queue",
      mixinStandardHelpOptions = true,
      description = "Queue a succeeded proposal behind the timelock (anyone may).")
  static final class Queue extends Signed {
    @Option(names = "--id", required = true, paramLabel = "PROPOSAL")
    BigInteger id;

    @Override
    public void run() {
      Created p = Created.find(rpc.client(), id);
      ModuleTransaction sent =
          send(
              GOV,
              Amount.ZERO,
              GovernanceModule.QUEUE.encodeCall(
                  p.actions().targets(),
                  p.actions().values(),
                  p.actions().calldatas(),
                  GovernanceModule.descriptionHash(p.description())));
      long eta =
          ((BigInteger) sent.event(GOV, GovernanceModule.PROPOSAL_QUEUED).get(1)).longValueExact();
      report(
          "Queued proposal " + id + "; it can be executed from " + Instant.ofEpochSecond(eta),
          Map.of("proposalId", id.toString(), "eta", eta),
          sent);
    }
  }

  @Command(
      name = "execute",
      mixinStandardHelpOptions = true,
      description =
          "Execute a queued proposal after its timelock (anyone may): all actions or none.")
  static final class Execute extends Signed {
    @Option(names = "--id", required = true, paramLabel = "PROPOSAL")
    BigInteger id;

    @Override
    public void run() {
      Created p = Created.find(rpc.client(), id);
      BigInteger sum = p.actions().values().stream().reduce(BigInteger.ZERO, BigInteger::add);
      ModuleTransaction sent =
          send(
              GOV,
              Amount.of(sum),
              GovernanceModule.EXECUTE.encodeCall(
                  p.actions().targets(),
                  p.actions().values(),
                  p.actions().calldatas(),
                  GovernanceModule.descriptionHash(p.description())));
      sent.event(GOV, GovernanceModule.PROPOSAL_EXECUTED);
      report("Executed proposal " + id + ".", Map.of("proposalId", id.toString()), sent);
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "A proposal: state, votes, snapshot, deadlines and its actions decoded.")
  static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @Option(names = "--id", required = true, paramLabel = "PROPOSAL")
    BigInteger id;

    @Override
    public void run() {
      NodeClient node = rpc.client();
      Created p = Created.find(node, id);
      Summary s = Summary.of(new EconomyViews(node), id);
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = s.json();
        o.put("description", p.description());
        o.put("actions", p.decoded());
        Wallets.printJson(out, o);
        return;
      }
      out.println("Proposal " + id);
      out.println("  state       " + s.state());
      out.println("  proposer    " + s.proposer());
      out.println("  snapshot    " + Instant.ofEpochSecond(s.snapshot()) + " (votes counted then)");
      out.println("  deadline    " + Instant.ofEpochSecond(s.deadline()));
      if (s.eta() != 0) {
        out.println("  executable  from " + Instant.ofEpochSecond(s.eta()));
      }
      out.println(
          "  votes       for "
              + Wallets.open(Amount.of(s.votes()[1]))
              + ", against "
              + Wallets.open(Amount.of(s.votes()[0]))
              + ", abstain "
              + Wallets.open(Amount.of(s.votes()[2])));
      s.quorum()
          .ifPresent(
              q -> out.println("  quorum      " + Wallets.open(Amount.of(q)) + " (for + abstain)"));
      out.println("  description " + p.description());
      out.println("  actions");
      for (String a : p.decoded()) {
        out.println("    " + a);
      }
      out.flush();
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Every proposal, oldest first: id, state, description.")
  static final class ListProposals implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @Override
    public void run() {
      NodeClient node = rpc.client();
      EconomyViews views = new EconomyViews(node);
      long n =
          ((BigInteger) views.call(GOV, GovernanceModule.PROPOSAL_COUNT).getFirst())
              .longValueExact();
      Map<BigInteger, Created> created = Created.all(node);
      List<Map<String, Object>> rows = new ArrayList<>();
      PrintWriter out = spec.commandLine().getOut();
      for (long i = 0; i < n; i++) {
        BigInteger id =
            (BigInteger)
                views.call(GOV, GovernanceModule.PROPOSAL_AT, BigInteger.valueOf(i)).getFirst();
        Summary s = Summary.of(views, id);
        Map<String, Object> row = s.json();
        Created c = created.get(id);
        row.put("description", c == null ? "" : c.description());
        rows.add(row);
        if (!rpc.json()) {
          out.println(id + "  " + s.state() + "  " + (c == null ? "" : c.description()));
        }
      }
      if (rpc.json()) {
        Wallets.printJson(out, rows);
        return;
      }
      if (n == 0) {
        out.println("No proposals.");
      }
      out.flush();
    }
  }

  // ---- reading proposals ----

  /** What the views say of a proposal now. */
  record Summary(
      BigInteger id,
      ProposalState state,
      Address proposer,
      long snapshot,
      long deadline,
      long eta,
      BigInteger[] votes,
      Optional<BigInteger> quorum) {
    static Summary of(EconomyViews v, BigInteger id) {
      int st = ((BigInteger) v.call(GOV, GovernanceModule.STATE, id).getFirst()).intValueExact();
      long snapshot = u64(v.call(GOV, GovernanceModule.PROPOSAL_SNAPSHOT, id).getFirst());
      List<Object> t = v.call(GOV, GovernanceModule.PROPOSAL_VOTES, id);
      long now = u64(v.call(GOV, GovernanceModule.CLOCK).getFirst());
      Optional<BigInteger> quorum =
          snapshot < now
              ? Optional.of(
                  (BigInteger)
                      v.call(GOV, GovernanceModule.QUORUM, BigInteger.valueOf(snapshot)).getFirst())
              : Optional.empty();
      return new Summary(
          id,
          ProposalState.values()[st],
          (Address) v.call(GOV, GovernanceModule.PROPOSAL_PROPOSER, id).getFirst(),
          snapshot,
          u64(v.call(GOV, GovernanceModule.PROPOSAL_DEADLINE, id).getFirst()),
          u64(v.call(GOV, GovernanceModule.PROPOSAL_ETA, id).getFirst()),
          new BigInteger[] {(BigInteger) t.get(0), (BigInteger) t.get(1), (BigInteger) t.get(2)},
          quorum);
    }

    Map<String, Object> json() {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("proposalId", id.toString());
      o.put("state", state.name());
      o.put("proposer", proposer.toHex());
      o.put("snapshot", snapshot);
      o.put("deadline", deadline);
      o.put("eta", eta);
      o.put("against", votes[0].toString());
      o.put("for", votes[1].toString());
      o.put("abstain", votes[2].toString());
      quorum.ifPresent(q -> o.put("quorum", q.toString()));
      return o;
    }

    private static long u64(Object o) {
      return ((BigInteger) o).longValueExact();
    }
  }

  /** A proposal as its {@code ProposalCreated} log gives it: its actions and description. */
  record Created(BigInteger id, GovernanceModule.Actions actions, String description) {
    @SuppressWarnings("unchecked")
    static Map<BigInteger, Created> all(NodeClient node) {
      Map<String, Object> filter = new LinkedHashMap<>();
      filter.put("fromBlock", "0x0");
      filter.put("toBlock", "latest");
      filter.put("address", GOV.toHex());
      filter.put("topics", List.of(GovernanceModule.PROPOSAL_CREATED.topic().toHex()));
      Map<BigInteger, Created> out = new LinkedHashMap<>();
      for (JsonNode log : node.call("eth_getLogs", filter)) {
        List<Object> v =
            ModuleTransaction.decode(
                GovernanceModule.PROPOSAL_CREATED,
                log.get("topics"),
                Bytes.fromHex(log.get("data").asText()));
        BigInteger id = (BigInteger) v.get(0);
        out.put(
            id,
            new Created(
                id,
                new GovernanceModule.Actions(
                    (List<Address>) v.get(2), (List<BigInteger>) v.get(3), (List<byte[]>) v.get(5)),
                (String) v.get(8)));
      }
      return out;
    }

    static Created find(NodeClient node, BigInteger id) {
      Created c = all(node).get(id);
      if (c == null) {
        throw new CliException("governance: unknown proposal " + id);
      }
      return c;
    }

    /** Each action in words: {@code set platformBps = 500}, {@code spend ...}, or its raw call. */
    List<String> decoded() {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < actions.targets().size(); i++) {
        out.add(
            Action.describe(
                actions.targets().get(i), actions.values().get(i), actions.calldatas().get(i)));
      }
      return out;
    }
  }

  /** One action of a proposal, parsed from the command line. */
  record Action(Address target, BigInteger value, byte[] calldata) {
    static GovernanceModule.Actions of(List<Action> all) {
      return new GovernanceModule.Actions(
          all.stream().map(Action::target).toList(),
          all.stream().map(Action::value).toList(),
          all.stream().map(Action::calldata).toList());
    }

    /** {@code NAME=VALUE}, checked against the registry's names and bounds. */
    static Action setParameter(NodeClient node, String arg) {
      String[] kv = split(arg, '=', "--set-parameter", "NAME=VALUE");
      String name = kv[0];
      BigInteger value;
      try {
        value = new BigInteger(kv[1]);
      } catch (NumberFormatException e) {
        throw new CliException(
            "--set-parameter " + arg + ": the value must be a whole number, got \"" + kv[1] + "\"");
      }
      EconomyViews v = new EconomyViews(node);
      @SuppressWarnings("unchecked")
      List<byte[]> names =
          (List<byte[]>) v.call(PARAMS, ParameterRegistryModule.PARAMETER_NAMES).getFirst();
      if (names.stream().noneMatch(n -> ParameterSpec.nameOf(n).equals(name))) {
        throw new CliException(
            "--set-parameter "
                + arg
                + ": unknown parameter \""
                + name
                + "\" (the registry has "
                + String.join(", ", names.stream().map(ParameterSpec::nameOf).toList())
                + ")");
      }
      List<Object> p =
          v.call(PARAMS, ParameterRegistryModule.PARAMETER, (Object) ParameterSpec.key(name));
      BigInteger min = (BigInteger) p.get(1);
      BigInteger max = (BigInteger) p.get(2);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new CliException(
            "--set-parameter "
                + arg
                + ": "
                + name
                + " = "
                + value
                + " is out of bounds ["
                + min
                + ", "
                + max
                + "]");
      }
      return new Action(
          PARAMS,
          BigInteger.ZERO,
          ParameterRegistryModule.SET_PARAMETER.encodeCall(ParameterSpec.key(name), value));
    }

    /** {@code TO=AMOUNT}: AMOUNT OPEN from the treasury. */
    static Action spend(String arg) {
      String[] kv = split(arg, '=', "--spend", "TO=AMOUNT");
      Address to = Wallets.parseAddress(kv[0], "--spend");
      Amount amount = Wallets.parseOpen(kv[1], "--spend");
      return new Action(
          TreasuryModule.ADDRESS,
          BigInteger.ZERO,
          TreasuryModule.SPEND.encodeCall(to, amount.value()));
    }

    /** {@code VERSION@BLOCK}. */
    static Action upgrade(String arg) {
      String[] kv = split(arg, '@', "--upgrade-gas-table", "VERSION@BLOCK");
      BigInteger version;
      BigInteger block;
      try {
        version = new BigInteger(kv[0]);
        block = new BigInteger(kv[1]);
      } catch (NumberFormatException e) {
        throw new CliException(
            "--upgrade-gas-table " + arg + ": want VERSION@BLOCK, two whole numbers");
      }
      ParameterRegistryModule.checkGasTable(version)
          .ifPresent(
              p -> {
                throw new CliException("--upgrade-gas-table " + arg + ": " + p);
              });
      return new Action(
          PARAMS,
          BigInteger.ZERO,
          ParameterRegistryModule.SET_GAS_TABLE.encodeCall(version, block));
    }

    static String describe(Address target, BigInteger value, byte[] data) {
      String sent = value.signum() == 0 ? "" : " (sending " + Wallets.open(Amount.of(value)) + ")";
      try {
        if (target.equals(PARAMS) && ParameterRegistryModule.SET_PARAMETER.matches(data)) {
          List<Object> a = ParameterRegistryModule.SET_PARAMETER.decodeArguments(data);
          return "set parameter "
              + ParameterSpec.nameOf((byte[]) a.get(0))
              + " = "
              + a.get(1)
              + sent;
        }
        if (target.equals(PARAMS) && ParameterRegistryModule.SET_GAS_TABLE.matches(data)) {
          List<Object> a = ParameterRegistryModule.SET_GAS_TABLE.decodeArguments(data);
          return "upgrade to gas table " + a.get(0) + " at block " + a.get(1) + sent;
        }
        if (target.equals(TreasuryModule.ADDRESS) && TreasuryModule.SPEND.matches(data)) {
          List<Object> a = TreasuryModule.SPEND.decodeArguments(data);
          return "spend "
              + Wallets.open(Amount.of((BigInteger) a.get(1)))
              + " from the treasury to "
              + a.get(0)
              + sent;
        }
      } catch (RuntimeException e) {
        // not well-formed: shown raw below
      }
      return "call " + target + " with " + Bytes.toHex(data) + sent;
    }

    private static String[] split(String arg, char sep, String option, String form) {
      int i = arg.indexOf(sep);
      if (i <= 0 || i == arg.length() - 1) {
        throw new CliException(option + " " + arg + ": want " + form);
      }
      return new String[] {arg.substring(0, i), arg.substring(i + 1)};
    }
  }
}

package io.openledger.node.economy.cli;

import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Amount;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import java.math.BigInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code openledger vote ID --upheld|--rejected}: a registered validator's stake-weighted vote. */
@Command(
    name = "vote",
    mixinStandardHelpOptions = true,
    description = {
      "Vote on a challenge decided by validators (harmful output, adversarial data), once.",
      "Voting with the losing side costs a small slice of your validator stake."
    })
public final class VoteCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
  @CommandLine.Mixin SignerOptions signer = new SignerOptions();
  @CommandLine.Mixin TxOptions tx = new TxOptions();

  @Parameters(index = "0", paramLabel = "ID", description = "The challenge id.")
  long id;

  @Option(names = "--upheld", description = "The challenge is right: the operator is at fault.")
  boolean upheld;

  @Option(names = "--rejected", description = "The challenge is wrong.")
  boolean rejected;

  @Override
  public void run() {
    if (upheld == rejected) {
      throw new CliException("give one of --upheld and --rejected");
    }
    KeyPair key = signer.unlock();
    ModuleTransaction sent =
        ValidatorCommand.send(
            spec,
            rpc,
            tx,
            key,
            Amount.ZERO,
            ChallengeModule.VOTE.encodeCall(BigInteger.valueOf(id), upheld));
    ValidatorCommand.done(
        spec, rpc, sent, "Voted " + (upheld ? "upheld" : "rejected") + " on challenge " + id + ".");
  }
}

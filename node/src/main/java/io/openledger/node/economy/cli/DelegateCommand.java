package io.openledger.node.economy.cli;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Address;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger delegate AMOUNT --to OPERATOR}: {@code stake} in another operator's pool. The
 * delegator shares the pool's rewards and slashes pro rata by shares (docs/staking.md).
 */
@Command(
    name = "delegate",
    mixinStandardHelpOptions = true,
    description = {
      "Bond AMOUNT OPEN behind another operator: you share its pool's rewards (the stakers' part"
          + " of every fee) and its slashes, pro rata by shares.",
      "Undo with: openledger unbond --operator OPERATOR."
    })
public final class DelegateCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
  @CommandLine.Mixin SignerOptions signer = new SignerOptions();
  @CommandLine.Mixin TxOptions tx = new TxOptions();

  @Parameters(index = "0", paramLabel = "AMOUNT", description = "OPEN to bond.")
  String amount;

  @Option(
      names = "--to",
      paramLabel = "OPERATOR",
      required = true,
      description = "The operator whose pool you join.")
  String to;

  @Option(
      names = "--term",
      paramLabel = "TERM",
      defaultValue = "flexible",
      description = "flexible, or a lock of 30, 90, 180 or 365 days (default: ${DEFAULT-VALUE}).")
  String term;

  @Override
  public void run() {
    Address operator = Wallets.parseAddress(to, "--to");
    KeyPair key = signer.unlock();
    if (operator.equals(key.address())) {
      throw new CliException(
          "--to is your own address: stake in your own pool with openledger stake AMOUNT");
    }
    StakeCommand.stake(spec, rpc, tx, key, operator, amount, term, "Delegated");
  }
}

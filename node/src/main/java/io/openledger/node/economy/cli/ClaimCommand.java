package io.openledger.node.economy.cli;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.types.Amount;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code openledger claim}: pays the signer's claimable inference earnings to its balance. */
@Command(
    name = "claim",
    mixinStandardHelpOptions = true,
    description = "Claim your claimable inference earnings (see: openledger earnings).")
public final class ClaimCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
  @CommandLine.Mixin SignerOptions signer = new SignerOptions();
  @CommandLine.Mixin TxOptions tx = new TxOptions();

  @Override
  public void run() {
    KeyPair key = signer.unlock();
    ModuleTransaction sent =
        ModuleTransaction.send(
            rpc.client(),
            key,
            InferenceModule.ADDRESS,
            Amount.ZERO,
            InferenceModule.CLAIM.encodeCall(),
            tx.timeout(),
            spec.commandLine().getErr());
    Amount paid =
        EconomyViews.amount(sent.event(InferenceModule.ADDRESS, InferenceModule.CLAIMED).get(1));
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("account", key.address().toHex());
      o.put("claimed", paid.value().toString());
      o.putAll(sent.json());
      Wallets.printJson(out, o);
      return;
    }
    out.println(
        "Claimed " + Wallets.open(paid) + " (" + paid.value() + " base units) to " + key.address());
    out.flush();
  }
}

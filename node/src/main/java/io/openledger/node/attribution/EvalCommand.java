package io.openledger.node.attribution;

import io.openledger.attribution.eval.FashionMnist;
import io.openledger.attribution.eval.LogisticEvaluation;
import io.openledger.attribution.eval.MlpEvaluation;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openledger attribution eval}: influence attribution measured on Fashion-MNIST. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Measure influence attribution on Fashion-MNIST (T-shirt/top vs Shirt): the linear"
          + " datamodeling score (LDS) over random halves of the training set, each retrained, and"
          + " the AUC for finding 10%% flipped labels.",
      "logistic: exact influence (Hessian solve) and KNN-Shapley, ~20 s. mlp: TRAK on a small"
          + " MLP, a few minutes. Needs Debian's dataset-fashion-mnist (installed automatically"
          + " when running as root)."
    })
public final class EvalCommand implements Callable<Integer> {
  enum Model {
    logistic,
    mlp,
    all
  }

  @Option(
      names = "--model",
      defaultValue = "logistic",
      description = "logistic, mlp or all (default: ${DEFAULT-VALUE}).")
  Model model;

  @Option(
      names = "--subsets",
      paramLabel = "N",
      defaultValue = "100",
      description = "Random halves retrained for the LDS (default: ${DEFAULT-VALUE}).")
  int subsets;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return Cli.userErrors(this::run);
  }

  private Integer run() {
    if (subsets < 2) {
      throw new CliException("--subsets must be at least 2");
    }
    PrintWriter err = spec.commandLine().getErr();
    FashionMnist data = FashionMnist.load();
    Map<String, Object> out = new LinkedHashMap<>();
    if (model != Model.mlp) {
      LogisticEvaluation.Config d = LogisticEvaluation.Config.DEFAULT;
      LogisticEvaluation.Config c =
          new LogisticEvaluation.Config(
              d.negativeClass(),
              d.positiveClass(),
              d.train(),
              d.test(),
              subsets,
              d.lambda(),
              d.knnK(),
              d.seed());
      LogisticEvaluation.Report r = LogisticEvaluation.run(data, c, line -> log(err, line));
      out.put("logistic_train_examples", c.train());
      out.put("logistic_test_examples", c.test());
      out.put("logistic_subsets", c.subsets());
      out.put("logistic_lambda", c.lambda());
      out.put("logistic_test_accuracy", r.testAccuracy());
      out.put("logistic_lds_exact_influence", r.ldsExact());
      out.put("logistic_lds_knn_shapley", r.ldsKnnShapley());
      out.put("flipped_auc_leave_one_out", r.aucLeaveOneOut());
      out.put("flipped_auc_self_influence", r.aucSelfInfluence());
      out.put("flipped_auc_test_harm", r.aucTestHarm());
      out.put("flipped_auc_knn_shapley", r.aucKnnShapley());
      out.put("logistic_seconds", r.seconds());
    }
    if (model != Model.logistic) {
      MlpEvaluation.Config d = MlpEvaluation.Config.DEFAULT;
      MlpEvaluation.Config c =
          new MlpEvaluation.Config(
              d.negativeClass(),
              d.positiveClass(),
              d.train(),
              d.test(),
              subsets,
              d.trak(),
              d.seed());
      MlpEvaluation.Report r = MlpEvaluation.run(data, c, line -> log(err, line));
      out.put("mlp_train_examples", c.train());
      out.put("mlp_subsets", c.subsets());
      out.put("mlp_trak_models", c.trak().models());
      out.put("mlp_trak_projection", c.trak().projection());
      out.put("mlp_test_accuracy", r.testAccuracy());
      out.put("mlp_lds_trak", r.ldsTrak());
      out.put("mlp_lds_trak_published_10_models", 0.33);
      out.put("mlp_seconds", r.seconds());
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      o.println(Cli.json(out));
    } else {
      out.forEach(
          (k, v) ->
              o.printf(
                  Locale.ROOT,
                  "%-36s %s%n",
                  k,
                  v instanceof Double dv ? String.format(Locale.ROOT, "%.4f", dv) : v));
    }
    return 0;
  }

  private static void log(PrintWriter err, String line) {
    err.println(line);
    err.flush();
  }
}

package io.openledger.attribution.influence;

import io.openledger.attribution.AttributionWeights;
import io.openledger.attribution.PartsPerMillion;
import java.util.List;

/**
 * Exact influence functions for {@link LogisticRegression} (spec section 7): with {@code H} the
 * Hessian of the training objective at the optimum, the influence of training example {@code j} on
 * the margin of test example {@code z} is {@code I(j, z) = -∇f(z)ᵀ H⁻¹ ∇ℓ_j}, the first-order drop
 * of {@code f(z)} if {@code j} were left out. For the logistic loss this is {@code y_z y_j (1 -
 * p_j) x̃_zᵀ H⁻¹ x̃_j} with {@code p_j} the model's probability of {@code j}'s own label.
 */
public final class ExactInfluence {
  private final LogisticRegression model;
  private final double[][] trainX;
  private final int[] trainY;
  private final Cholesky h;
  private final double[] residual; // 1 - p_j

  /** Prepares influence for a model trained (with all weights 1) on these examples. */
  public ExactInfluence(LogisticRegression model, double[][] trainX, int[] trainY) {
    this.model = model;
    this.trainX = trainX;
    this.trainY = trainY;
    this.h = Cholesky.factor(model.hessian(trainX, trainY));
    this.residual = new double[trainX.length];
    for (int j = 0; j < trainX.length; j++) {
      residual[j] = 1 - LogisticRegression.sigmoid(model.margin(trainX[j], trainY[j]));
    }
  }

  /** {@code I(j, z)} for every training example {@code j}: one Hessian solve. */
  public double[] influenceOn(double[] testX, int testY) {
    double[] v = h.solve(extended(testX)); // H⁻¹ x̃_z
    double[] out = new double[trainX.length];
    for (int j = 0; j < trainX.length; j++) {
      out[j] = testY * trainY[j] * residual[j] * LogisticRegression.dot(v, trainX[j]);
    }
    return out;
  }

  /**
   * Self-influence {@code ∇ℓ_jᵀ H⁻¹ ∇ℓ_j = (1 - p_j)² x̃_jᵀ H⁻¹ x̃_j}: how much example {@code j}
   * bends the model towards itself; mislabeled examples stand out.
   */
  public double[] selfInfluence() {
    double[] out = new double[trainX.length];
    for (int j = 0; j < trainX.length; j++) {
      double[] v = h.solve(extended(trainX[j]));
      out[j] = residual[j] * residual[j] * LogisticRegression.dot(v, trainX[j]);
    }
    return out;
  }

  /**
   * Each training example's margin under the model trained without it, to first order: {@code m_j -
   * (1 - p_j) x̃_jᵀ H⁻¹ x̃_j} (its own margin minus its influence on it). A mislabeled example is
   * one the rest of the data predicts wrongly, so a low value flags it.
   */
  public double[] leaveOneOutMargins() {
    double[] out = new double[trainX.length];
    for (int j = 0; j < trainX.length; j++) {
      double[] v = h.solve(extended(trainX[j]));
      out[j] =
          model.margin(trainX[j], trainY[j]) - residual[j] * LogisticRegression.dot(v, trainX[j]);
    }
    return out;
  }

  /**
   * The attribution of one prediction in parts per million (spec section 6): each training
   * example's influence on it, credited to the contribution it came from; only positive influence
   * earns.
   *
   * @param contributionIds the contribution of each training example, in training order
   */
  public AttributionWeights weights(double[] testX, int testY, List<String> contributionIds) {
    if (contributionIds.size() != trainX.length) {
      throw new IllegalArgumentException("one contribution id per training example");
    }
    return PartsPerMillion.fromScores(contributionIds, influenceOn(testX, testY));
  }

  public LogisticRegression model() {
    return model;
  }

  private static double[] extended(double[] x) {
    double[] e = new double[x.length + 1];
    System.arraycopy(x, 0, e, 0, x.length);
    e[x.length] = 1;
    return e;
  }
}

/**
 * How well the factory's influence works, measured on real text (Debian's fortunes) against planted
 * ground truth: {@link io.openledger.factory.eval.InfluenceQuality} (the linear datamodeling score
 * of DataInf against models retrained without random halves of the contributions, next to
 * token-share and random baselines; and a planted duplicate that must rank at the top for outputs
 * quoting it). {@link io.openledger.factory.eval.Fortunes} reads the collections.
 */
package io.openledger.factory.eval;

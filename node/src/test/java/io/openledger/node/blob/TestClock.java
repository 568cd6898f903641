package io.openledger.node.blob;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock the test moves by hand. */
final class TestClock implements InstantSource {
  private volatile Instant now;

  TestClock(long epochSeconds) {
    this.now = Instant.ofEpochSecond(epochSeconds);
  }

  void advance(Duration d) {
    now = now.plus(d);
  }

  long seconds() {
    return now.getEpochSecond();
  }

  @Override
  public Instant instant() {
    return now;
  }
}

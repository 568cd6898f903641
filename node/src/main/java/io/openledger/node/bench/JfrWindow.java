package io.openledger.node.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * A Java Flight Recording of the measured window only (the {@code profile} settings: method samples
 * every 10-20 ms, allocation and lock events), or nothing when no file is given. Read it with
 * {@code jfr print --events jdk.ExecutionSample FILE} or JDK Mission Control.
 */
final class JfrWindow {
  private final Path file;
  private Recording recording;

  JfrWindow(Path file) {
    this.file = file;
  }

  void start() throws IOException {
    if (file == null) {
      return;
    }
    try {
      recording = new Recording(Configuration.getConfiguration("profile"));
    } catch (ParseException e) {
      throw new IOException("cannot read the JFR profile settings: " + e.getMessage(), e);
    }
    recording.start();
  }

  void stopAndDump() throws IOException {
    if (recording == null) {
      return;
    }
    recording.stop();
    recording.dump(file);
    recording.close();
    recording = null;
  }
}

package io.openledger.chain.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child process for the SIGKILL test: commits numbered batches forever, printing each number. */
public final class StoreWriterProcess {
  private StoreWriterProcess() {}

  static Process start(Path dir) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(StoreWriterProcess.class.getName());
    cmd.add(dir.toString());
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** This JVM's class path plus where our classes came from (launchers may hide them). */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    entries.add(System.getProperty("java.class.path"));
    for (Class<?> c :
        List.of(StoreWriterProcess.class, RocksDbKeyValueStore.class, org.rocksdb.RocksDB.class)) {
      try {
        entries.add(
            Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (java.net.URISyntaxException | NullPointerException e) {
        // the class path property covers it
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  public static void main(String[] args) {
    byte[] value = new byte[512];
    try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(Path.of(args[0]))) {
      for (long i = 0; ; i++) {
        try (WriteBatch batch = store.newBatch()) {
          batch.put(Column.BLOCK_HEADERS, Keys.longKey(i), value);
          batch.put(Column.RECEIPTS, Keys.longKey(i), value);
          batch.commit(Durability.SYNC);
        }
        System.out.println(i);
        System.out.flush();
      }
    }
  }
}

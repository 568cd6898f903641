package io.openledger.node.wallet;

import io.openledger.node.cli.CliException;
import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Keystore passwords: the first line of a file, or typed at a prompt (never echoed). */
final class Passwords {
  private Passwords() {}

  /**
   * @param confirm ask twice (for a new key) and require both to match
   */
  static String read(Path passwordFile, String prompt, boolean confirm) {
    if (passwordFile != null) {
      try {
        String text = Files.readString(passwordFile);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      } catch (IOException e) {
        throw new CliException("cannot read the password file " + passwordFile + ": " + e);
      }
    }
    Console console = System.console();
    if (console == null) {
      throw new CliException("no terminal to ask for a password: use --password-file FILE");
    }
    char[] first = console.readPassword("%s: ", prompt);
    if (first == null) {
      throw new CliException("no password given");
    }
    if (confirm) {
      char[] again = console.readPassword("Repeat the password: ");
      if (again == null || !Arrays.equals(first, again)) {
        throw new CliException("the passwords do not match");
      }
    }
    return new String(first);
  }
}

package io.openledger.openlora.chat;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's datetime.strftime (C locale, glibc's {@code %-d} no-padding flag) for the directives
 * chat templates use with strftime_now: %a %A %b %B %d %e %H %I %j %m %M %p %S %y %Y %%.
 */
final class Strftime {
  private Strftime() {}

  private static final String DIRECTIVES = "aAbBdeHIjmMpSyY%";

  /** Whether every directive of {@code format} is one this class writes. */
  static boolean supports(String format) {
    for (int i = 0; i < format.length(); i++) {
      if (format.charAt(i) != '%') {
        continue;
      }
      if (++i < format.length() && format.charAt(i) == '-') {
        i++;
      }
      if (i >= format.length() || DIRECTIVES.indexOf(format.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  static String format(ZonedDateTime t, String format) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 >= format.length()) {
        b.append(c);
        continue;
      }
      boolean pad = true;
      char d = format.charAt(++i);
      if (d == '-' && i + 1 < format.length()) {
        pad = false;
        d = format.charAt(++i);
      }
      b.append(
          switch (d) {
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.US);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US);
            case 'b' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.US);
            case 'd' -> number(t.getDayOfMonth(), 2, pad);
            case 'e' -> pad ? String.format("%2d", t.getDayOfMonth()) : "" + t.getDayOfMonth();
            case 'H' -> number(t.getHour(), 2, pad);
            case 'I' -> number((t.getHour() + 11) % 12 + 1, 2, pad);
            case 'j' -> number(t.getDayOfYear(), 3, pad);
            case 'm' -> number(t.getMonthValue(), 2, pad);
            case 'M' -> number(t.getMinute(), 2, pad);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'S' -> number(t.getSecond(), 2, pad);
            case 'y' -> number(t.getYear() % 100, 2, pad);
            case 'Y' -> Integer.toString(t.getYear());
            case '%' -> "%";
            default -> throw TemplateError.unsupported("the strftime directive %" + d);
          });
    }
    return b.toString();
  }

  private static String number(int v, int width, boolean pad) {
    String s = Integer.toString(v);
    return pad && s.length() < width ? "0".repeat(width - s.length()) + s : s;
  }
}

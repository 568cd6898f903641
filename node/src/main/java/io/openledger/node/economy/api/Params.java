package io.openledger.node.economy.api;

import io.javalin.http.Context;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import io.openledger.openlora.server.ApiError;
import io.openledger.openlora.server.ApiException;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The economy API's parameters, read strictly: a malformed value is a 400 naming the parameter and
 * what was wrong, never a silent default. A parameter that is absent takes the documented default.
 */
final class Params {
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,19}");
  private static final Pattern HASH = Pattern.compile("0x[0-9a-fA-F]{64}");
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

  private Params() {}

  /** A path id: a decimal number below 2^63. */
  static long pathId(Context ctx, String name) {
    return decimal(name, ctx.pathParam(name));
  }

  /** A receipt id: {@code 0x} and the 64 hex digits of the record hash. */
  static Hash receiptId(Context ctx, String name) {
    String v = ctx.pathParam(name);
    if (!HASH.matcher(v).matches()) {
      throw bad(
          name, name + " must be 0x and 64 hex digits (a record hash), got '" + clip(v) + "'");
    }
    return Hash.fromHex(v);
  }

  /** An address: {@code 0x} and 40 hex digits, any case. */
  static Address address(Context ctx, String name) {
    String v = ctx.pathParam(name);
    if (!ADDRESS.matcher(v).matches()) {
      throw bad(name, name + " must be 0x and 40 hex digits, got '" + clip(v) + "'");
    }
    return Address.fromHex(v);
  }

  /** A query number in {@code min..max}, {@code absent} when not given. */
  static long query(Context ctx, String name, long absent, long min, long max) {
    OptionalLong v = optionalQuery(ctx, name);
    long n = v.orElse(absent);
    if (n < min || n > max) {
      throw bad(name, name + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  /** A query number that may be absent. */
  static OptionalLong optionalQuery(Context ctx, String name) {
    List<String> values = ctx.queryParams(name);
    if (values.isEmpty()) {
      return OptionalLong.empty();
    }
    if (values.size() > 1) {
      throw bad(name, name + " is given " + values.size() + " times; give it once");
    }
    return OptionalLong.of(decimal(name, values.getFirst()));
  }

  /** A query number that must be given. */
  static long requiredQuery(Context ctx, String name) {
    return optionalQuery(ctx, name)
        .orElseThrow(() -> bad(name, "the query parameter " + name + " is required"));
  }

  private static long decimal(String name, String v) {
    if (v == null || !DECIMAL.matcher(v).matches()) {
      throw bad(name, name + " must be a decimal number, got '" + clip(v) + "'");
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw bad(name, name + " must be below 2^63, got " + v);
    }
  }

  static ApiException bad(String param, String message) {
    return ApiError.badParameter(param, message).toException();
  }

  static ApiException notFound(String code, String message) {
    return ApiError.ofStatus(404, code, message).toException();
  }

  /** A value as shown in an error: at most 80 characters. */
  private static String clip(String v) {
    if (v == null) {
      return "";
    }
    return v.length() <= 80 ? v : v.substring(0, 80) + "...";
  }
}

package io.openledger.chain.ledger;

/**
 * The answer to a query that the caller's input can make fail (a log filter over too many blocks,
 * fee-history percentiles out of order): a value, or a failure whose message reaches the user
 * unchanged.
 */
public sealed interface QueryResult<T> {
  record Ok<T>(T value) implements QueryResult<T> {}

  /** The query was refused; {@code kind} lets JSON-RPC pick the error code. */
  record Failed<T>(FailureKind kind, String message) implements QueryResult<T> {}

  /** Why a query failed, so that JSON-RPC can answer with the code clients expect. */
  enum FailureKind {
    /** Malformed or inconsistent parameters: JSON-RPC -32602. */
    INVALID_INPUT,
    /** A limit was exceeded, such as the 10,000 results of a log query: JSON-RPC -32005. */
    LIMIT_EXCEEDED,
    /** The block or state asked for does not exist: JSON-RPC -32000 (header not found). */
    NOT_FOUND
  }

  static <T> QueryResult<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> QueryResult<T> failed(FailureKind kind, String message) {
    return new Failed<>(kind, message);
  }
}

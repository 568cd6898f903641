package io.openledger.openlora.chat;

/**
 * A chat template that cannot be used, or an error while rendering one. The message is written for
 * the user of the API and reaches them unchanged.
 */
public final class TemplateError extends RuntimeException {
  /** What went wrong. */
  public enum Kind {
    /** Valid Jinja this renderer does not reproduce exactly: the template is refused at load. */
    UNSUPPORTED,
    /** Not valid Jinja (transformers could not compile it either). */
    SYNTAX,
    /** An error while rendering, where Python's jinja2 raises too (undefined, type errors). */
    RUNTIME,
    /** The template's own raise_exception(message). */
    RAISED
  }

  private final Kind kind;

  TemplateError(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static TemplateError unsupported(String message) {
    return new TemplateError(Kind.UNSUPPORTED, message);
  }

  static TemplateError syntax(String message) {
    return new TemplateError(Kind.SYNTAX, message);
  }

  static TemplateError runtime(String message) {
    return new TemplateError(Kind.RUNTIME, message);
  }
}

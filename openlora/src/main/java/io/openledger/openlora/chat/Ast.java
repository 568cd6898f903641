package io.openledger.openlora.chat;

import java.util.List;

/** The parsed template: statements ({@link Node}) and expressions ({@link Expr}). */
final class Ast {
  private Ast() {}

  sealed interface Node {}

  record Text(String text) implements Node {}

  record Print(Expr expr) implements Node {}

  record If(List<Expr> tests, List<List<Node>> bodies, List<Node> otherwise) implements Node {}

  record For(Target target, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise)
      implements Node {}

  record Assign(Target target, Expr value) implements Node {}

  /** {@code {% set x %}...{% endset %}}, the body's text through the filters. */
  record AssignBlock(Target target, List<Filter> filters, List<Node> body) implements Node {}

  record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body)
      implements Node {}

  record FilterBlock(List<Filter> filters, List<Node> body) implements Node {}

  record With(List<Target> targets, List<Expr> values, List<Node> body) implements Node {}

  record Break() implements Node {}

  record Continue() implements Node {}

  /** transformers' {% generation %}: marks assistant text, renders its body unchanged. */
  record Generation(List<Node> body) implements Node {}

  sealed interface Target {}

  record NameTarget(String name) implements Target {}

  record TupleTarget(List<Target> items) implements Target {}

  record NamespaceTarget(String namespace, String attribute) implements Target {}

  sealed interface Expr {}

  record Const(Object value) implements Expr {}

  record Name(String name) implements Expr {}

  record GetAttr(Expr target, String name) implements Expr {}

  record GetItem(Expr target, Expr index) implements Expr {}

  record Slice(Expr start, Expr stop, Expr step) implements Expr {}

  record Keyword(String name, Expr value) implements Expr {}

  record Call(Expr callee, List<Expr> args, List<Keyword> kwargs) implements Expr {}

  /** {@code target | name(args)}; target is null in filter blocks and set blocks. */
  record Filter(Expr target, String name, List<Expr> args, List<Keyword> kwargs) implements Expr {}

  record Test(Expr target, String name, List<Expr> args) implements Expr {}

  record Cond(Expr test, Expr then, Expr otherwise) implements Expr {}

  record And(Expr left, Expr right) implements Expr {}

  record Or(Expr left, Expr right) implements Expr {}

  record Not(Expr operand) implements Expr {}

  record Neg(Expr operand) implements Expr {}

  record Pos(Expr operand) implements Expr {}

  /** + - * / // % ** */
  record Binary(String op, Expr left, Expr right) implements Expr {}

  /** {@code a ~ b ~ c}: the operands' str() joined. */
  record Concat(List<Expr> parts) implements Expr {}

  /** {@code a < b < c}: Python's chained comparison; ops are == != < <= > >= in notin. */
  record Compare(Expr first, List<String> ops, List<Expr> operands) implements Expr {}

  record ListLit(List<Expr> items) implements Expr {}

  record TupleLit(List<Expr> items) implements Expr {}

  record DictLit(List<Expr> keys, List<Expr> values) implements Expr {}
}

// Y expressions of a line panel ("loss * 2", "acc / val_acc", "log(`train/loss`)"),
// parsed by a small recursive-descent parser into a tree and evaluated over
// numbers: nothing the user types is ever run as JavaScript.
//
// Grammar: sum := product (("+" | "-") product)*; product := power (("*" | "/") power)*;
// power := unary ("^" power)?; unary := "-" unary | atom;
// atom := number | name | name "(" args ")" | "(" sum ")".
// A name is letters, digits, "_" and "."; any other metric key goes in backticks.

export type Expr =
  | { t: "num"; v: number }
  | { t: "var"; name: string }
  | { t: "neg"; a: Expr }
  | { t: "op"; op: "+" | "-" | "*" | "/" | "^"; a: Expr; b: Expr }
  | { t: "call"; fn: string; args: Expr[] };

export class ExprError extends Error {}

const FUNCS: Record<string, (...xs: number[]) => number> = {
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  log10: Math.log10,
  sqrt: Math.sqrt,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
};

type Tok = { k: "num" | "name" | "sym"; v: string; at: number };

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_][\w.]*)|`([^`]+)`|([-+*/^(),]))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m)
      throw new ExprError(
        `Unexpected "${text.slice(i).trim()[0]}" at ${i + 1}: use numbers, metric names, + - * / ^ and ( )`,
      );
    const at = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? m[4]).length;
    if (m[1] !== undefined) out.push({ k: "num", v: m[1], at });
    else if (m[2] !== undefined) out.push({ k: "name", v: m[2], at });
    else if (m[3] !== undefined) out.push({ k: "name", v: m[3], at });
    else out.push({ k: "sym", v: m[4], at });
    i = re.lastIndex;
  }
  return out;
}

/** The tree of ``text``; an ExprError says what is wrong and where. */
export function parseExpr(text: string): Expr {
  const toks = tokenize(text);
  let pos = 0;
  const peek = () => toks[pos];
  const isSym = (v: string) => peek()?.k === "sym" && peek().v === v;
  const expect = (v: string) => {
    if (!isSym(v)) throw new ExprError(`Expected "${v}" ${peek() ? `at ${peek().at + 1}` : "at the end"}`);
    pos++;
  };
  const sum = (): Expr => {
    let a = product();
    while (isSym("+") || isSym("-")) {
      const op = toks[pos++].v as "+" | "-";
      a = { t: "op", op, a, b: product() };
    }
    return a;
  };
  const product = (): Expr => {
    let a = power();
    while (isSym("*") || isSym("/")) {
      const op = toks[pos++].v as "*" | "/";
      a = { t: "op", op, a, b: power() };
    }
    return a;
  };
  const power = (): Expr => {
    const a = unary();
    if (!isSym("^")) return a;
    pos++;
    return { t: "op", op: "^", a, b: power() };
  };
  const unary = (): Expr => {
    if (isSym("-")) {
      pos++;
      return { t: "neg", a: unary() };
    }
    return atom();
  };
  const atom = (): Expr => {
    const tok = toks[pos++];
    if (!tok) throw new ExprError(text.trim() ? "The expression ends too early" : "Empty expression");
    if (tok.k === "num") return { t: "num", v: Number(tok.v) };
    if (tok.k === "name") {
      if (!isSym("(")) return { t: "var", name: tok.v };
      const fn = FUNCS[tok.v];
      if (!fn) throw new ExprError(`Unknown function ${tok.v}: use ${Object.keys(FUNCS).join(", ")}`);
      pos++;
      const args: Expr[] = [];
      if (!isSym(")")) {
        args.push(sum());
        while (isSym(",")) (pos++, args.push(sum()));
      }
      expect(")");
      return { t: "call", fn: tok.v, args };
    }
    if (tok.v === "(") {
      const e = sum();
      expect(")");
      return e;
    }
    throw new ExprError(`Unexpected "${tok.v}" at ${tok.at + 1}`);
  };
  const e = sum();
  if (pos < toks.length) throw new ExprError(`Unexpected "${toks[pos].v}" at ${toks[pos].at + 1}`);
  return e;
}

/** The metric names an expression reads, in first-use order. */
export function exprVars(e: Expr, out: string[] = []): string[] {
  if (e.t === "var") {
    if (!out.includes(e.name)) out.push(e.name);
  } else if (e.t === "neg") exprVars(e.a, out);
  else if (e.t === "op") (exprVars(e.a, out), exprVars(e.b, out));
  else if (e.t === "call") for (const a of e.args) exprVars(a, out);
  return out;
}

/** The value of ``e`` (null when a variable has no value, or the result is not finite). */
export function evalExpr(e: Expr, vars: Record<string, number | null | undefined>): number | null {
  const go = (n: Expr): number | null => {
    switch (n.t) {
      case "num":
        return n.v;
      case "var":
        return vars[n.name] ?? null;
      case "neg": {
        const a = go(n.a);
        return a === null ? null : -a;
      }
      case "op": {
        const a = go(n.a);
        const b = go(n.b);
        if (a === null || b === null) return null;
        if (n.op === "+") return a + b;
        if (n.op === "-") return a - b;
        if (n.op === "*") return a * b;
        if (n.op === "/") return a / b;
        return a ** b;
      }
      case "call": {
        const args = n.args.map(go);
        if (args.some((a) => a === null)) return null;
        return FUNCS[n.fn](...(args as number[]));
      }
    }
  };
  const v = go(e);
  return v !== null && Number.isFinite(v) ? v : null;
}

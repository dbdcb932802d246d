// Finds every diagnostic code the source can emit (EG101, AA005, RBAC102, KUBE003, ...),
// wherever it is emitted, by reading the code with the TypeScript compiler rather than by
// matching known spellings. The compiler already refuses an unregistered code; this finds
// registered codes that nothing emits any more.
//
// A diagnostic (or audit finding) is an object literal with a `code`, a `severity` and a
// `summary`. Its code is followed back to string literals: through literal types (`as const`
// tables, literal unions), conditionals and `??`, local constants, and parameters (to the
// arguments of every call, and to the parameter's default). A code that cannot be followed
// back to literals is reported as untraced, so that no emission escapes the registry check.
import ts from "typescript";
import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export interface EmittedCodes {
  /** Each code, with the `file:line` of the places that emit it. */
  readonly codes: ReadonlyMap<string, readonly string[]>;
  /** `file:line: expression` of codes that could not be followed back to literals. */
  readonly untraced: readonly string[];
  /** How many diagnostic object literals were read. */
  readonly emissions: number;
}

export function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return typeScriptFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}

/** Reads every diagnostic code emitted in the `.ts` files under `dir` (default: src). */
export function emittedCodes(dir = "src"): EmittedCodes {
  const root = resolve(dir);
  const files = typeScriptFiles(root);
  // Only the files themselves: the codes live in them, not in the libraries they import,
  // and leaving node_modules out keeps this cheap.
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noResolve: true,
    types: [],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const sources = program.getSourceFiles().filter((sf) => files.includes(resolve(sf.fileName)));

  const where = (node: ts.Node): string => {
    const sf = node.getSourceFile();
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return `${relative(process.cwd(), sf.fileName)}:${String(line + 1)}`;
  };

  // Every call, by the declaration it resolves to: the way from a parameter to its arguments.
  const calls = new Map<ts.Node, ts.CallLikeExpression[]>();
  const objects: ts.ObjectLiteralExpression[] = [];
  for (const sf of sources) {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const declaration = checker.getResolvedSignature(node)?.declaration;
        if (declaration !== undefined) calls.set(declaration, [...(calls.get(declaration) ?? []), node]);
      }
      if (ts.isObjectLiteralExpression(node)) objects.push(node);
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }

  const codes = new Map<string, string[]>();
  const untraced: string[] = [];
  const seen = new Set<ts.Node>();

  const propertyNamed = (node: ts.ObjectLiteralExpression, name: string) =>
    node.properties.find((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === name);
  // Diagnostics and audit findings have a severity and a summary; the registry's entries
  // (severity, meaning) are not emissions.
  const isReport = (type: ts.Type | undefined): boolean =>
    type?.getProperty("severity") !== undefined && type.getProperty("summary") !== undefined;
  const isDiagnostic = (node: ts.ObjectLiteralExpression): boolean =>
    propertyNamed(node, "code") !== undefined &&
    (isReport(checker.getTypeAtLocation(node)) || isReport(checker.getContextualType(node)));

  /** The declarations whose calls pass arguments to this function's parameters. */
  const callTargets = (fn: ts.SignatureDeclaration): ts.Node[] => {
    const targets: ts.Node[] = [fn];
    // A function handed over as a callback is called through the type it was given as.
    if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) {
      const contextual = checker.getContextualType(fn);
      for (const signature of contextual?.getCallSignatures() ?? [])
        if (signature.declaration !== undefined) targets.push(signature.declaration);
    }
    // A method of an object literal is called through the interface the object implements.
    if (ts.isMethodDeclaration(fn) && ts.isObjectLiteralExpression(fn.parent) && ts.isIdentifier(fn.name)) {
      const member = checker.getContextualType(fn.parent)?.getProperty(fn.name.text);
      for (const declaration of member?.declarations ?? []) if (declaration !== fn) targets.push(declaration);
    }
    return targets;
  };

  const follow = (expr: ts.Expression, at: string): void => {
    if (seen.has(expr)) return;
    seen.add(expr);
    const type = checker.getTypeAtLocation(expr);
    const parts = type.isUnion() ? type.types : [type];
    if (parts.every((t) => t.isStringLiteral())) {
      for (const t of parts) if (t.isStringLiteral()) codes.set(t.value, [...(codes.get(t.value) ?? []), at]);
      return;
    }
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr)) {
      follow(expr.expression, at);
      return;
    }
    if (ts.isConditionalExpression(expr)) {
      follow(expr.whenTrue, at);
      follow(expr.whenFalse, at);
      return;
    }
    if (
      ts.isBinaryExpression(expr) &&
      (expr.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
        expr.operatorToken.kind === ts.SyntaxKind.BarBarToken)
    ) {
      follow(expr.left, at);
      follow(expr.right, at);
      return;
    }
    // `d.code` of another diagnostic passes on a code that was read where that one was made.
    if (
      (ts.isPropertyAccessExpression(expr) || ts.isPropertyAccessChain(expr)) &&
      expr.name.text === "code" &&
      isReport(checker.getNonNullableType(checker.getTypeAtLocation(expr.expression)))
    )
      return;
    if (ts.isIdentifier(expr)) {
      const symbol = checker.getSymbolAtLocation(expr);
      const declaration =
        symbol === undefined
          ? undefined
          : ts.isShorthandPropertyAssignment(expr.parent) && expr.parent.name === expr
            ? checker.getShorthandAssignmentValueSymbol(expr.parent)?.valueDeclaration
            : symbol.valueDeclaration;
      if (declaration !== undefined && ts.isVariableDeclaration(declaration) && declaration.initializer) {
        const list = declaration.parent;
        if (ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0) {
          follow(declaration.initializer, at);
          return;
        }
      }
      if (declaration !== undefined && ts.isParameter(declaration)) {
        const fn = declaration.parent;
        const index = fn.parameters.indexOf(declaration);
        const sites = callTargets(fn).flatMap((target) => calls.get(target) ?? []);
        if (declaration.initializer !== undefined) follow(declaration.initializer, at);
        if (declaration.dotDotDotToken === undefined && (sites.length > 0 || declaration.initializer)) {
          for (const site of sites) {
            const args = ts.isCallExpression(site) || ts.isNewExpression(site) ? (site.arguments ?? []) : [];
            const arg = args[index];
            if (arg === undefined) continue;
            if (args.slice(0, index + 1).some(ts.isSpreadElement))
              untraced.push(`${where(site)}: ${site.getText()}`);
            else follow(arg, where(site));
          }
          return;
        }
      }
    }
    untraced.push(`${where(expr)}: ${expr.getText()}`);
  };

  let emissions = 0;
  for (const node of objects) {
    if (!isDiagnostic(node)) continue;
    const property = propertyNamed(node, "code");
    if (property === undefined) continue;
    emissions++;
    if (ts.isPropertyAssignment(property)) follow(property.initializer, where(property));
    else if (ts.isShorthandPropertyAssignment(property)) follow(property.name, where(property));
    else untraced.push(`${where(property)}: ${property.getText()}`);
  }
  return { codes, untraced, emissions };
}

// Diagnostics for `.zmq` files: the parser's syntax errors and the file checks (impossible steps,
// refused pairings inside the file, variables defined nowhere), refreshed shortly after each edit.
import * as vscode from 'vscode';
import { checkScenarioFile } from '../core/scenario/scenarioCheck';
import type { Config } from '../config/config';
import type { ScenarioProblem } from '../core/scenario/scenarioAst';
import { SCENARIO_LANGUAGE, environmentNames, type ScenarioDocuments } from './scenarioDocuments';

export function toRange(p: Pick<ScenarioProblem, 'line' | 'column' | 'endColumn'>): vscode.Range {
  return new vscode.Range(p.line - 1, p.column - 1, p.line - 1, p.endColumn - 1);
}

export function registerScenarioDiagnostics(documents: ScenarioDocuments, config: Config): vscode.Disposable[] {
  const collection = vscode.languages.createDiagnosticCollection('zeromq-scenarios');
  const timers = new Map<string, NodeJS.Timeout>();
  const refresh = (document: vscode.TextDocument) => {
    if (document.languageId !== SCENARIO_LANGUAGE) return;
    const file = documents.parse(document);
    const variables = documents.variables(document.uri, file);
    const problems = [...file.problems, ...checkScenarioFile(file, { knownNames: environmentNames(variables.environments) })];
    const diagnostics = problems.map((p) => {
      const diagnostic = new vscode.Diagnostic(
        toRange(p),
        p.message,
        p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'zeromq';
      return diagnostic;
    });
    for (const message of [...variables.problems, ...(variables.error ? [variables.error] : [])]) {
      const diagnostic = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), message, vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'zeromq';
      diagnostics.push(diagnostic);
    }
    collection.set(document.uri, diagnostics);
  };
  const schedule = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        refresh(document);
      }, 250),
    );
  };
  vscode.workspace.textDocuments.forEach(refresh);
  return [
    collection,
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      collection.delete(d.uri);
      documents.forget(d.uri);
    }),
    config.onDidChange((keys) => {
      if ([...keys].some((key) => key.startsWith('scenarios.'))) vscode.workspace.textDocuments.forEach(refresh);
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  ];
}

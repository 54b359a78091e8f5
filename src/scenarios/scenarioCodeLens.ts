// CodeLens over a `.zmq` file: "Run scenario" over each scenario, "Run step" (or "Send") over each step,
// "Sniff" and "Probe" over each endpoint.
import * as vscode from 'vscode';
import type { Step } from '../core/scenario/scenarioAst';
import type { ScenarioDocuments } from './scenarioDocuments';

export const RUN_SCENARIO = 'zeromq.runScenario';
export const RUN_STEP = 'zeromq.runScenarioStep';
export const SNIFF_SCENARIO_ENDPOINT = 'zeromq.sniffScenarioEndpoint';

export class ScenarioCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly documents: ScenarioDocuments) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const file = this.documents.parse(document);
    const lenses: vscode.CodeLens[] = [];
    const at = (line: number) => new vscode.Range(line - 1, 0, line - 1, 0);
    for (const endpoint of file.endpoints) {
      lenses.push(
        new vscode.CodeLens(at(endpoint.line), {
          title: 'Sniff',
          command: SNIFF_SCENARIO_ENDPOINT,
          arguments: [document.uri, endpoint.name],
          tooltip: 'Open this endpoint as a session and watch it in the inspector',
        }),
      );
    }
    for (const scenario of file.scenarios) {
      lenses.push(
        new vscode.CodeLens(at(scenario.line), {
          title: '▶ Run scenario',
          command: RUN_SCENARIO,
          arguments: [document.uri, scenario.name],
        }),
      );
      const visit = (steps: Step[]) => {
        for (const step of steps) {
          const title = step.kind === 'send' ? 'Send' : 'Run step';
          lenses.push(
            new vscode.CodeLens(at(step.line), {
              title,
              command: RUN_STEP,
              arguments: [document.uri, scenario.name, step.line],
              tooltip: 'Run this step alone (its endpoints are opened for it)',
            }),
          );
          if (step.kind === 'repeat') visit(step.steps);
        }
      };
      visit(scenario.steps);
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

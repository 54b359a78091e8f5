// Parsed `.zmq` documents (cached per version) and the variables a run of one sees: its file's
// @variables, the nearest .zmq.env.json and the `zeromq.scenarios.*` settings.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { ScenarioFile } from '../core/scenario/scenarioAst';
import type { Config } from '../config/config';
import {
  findEnvironmentFile,
  loadEnvironmentFile,
  readEnvironments,
  variableLayers,
  type Environments,
} from '../core/scenario/scenarioEnvironments';
import { parseScenarioFile } from '../core/scenario/scenarioParser';

export const SCENARIO_LANGUAGE = 'zmq-scenario';
export const SCENARIO_SELECTOR: vscode.DocumentSelector = [{ language: SCENARIO_LANGUAGE }];

export interface ScenarioVariables {
  layers: { source: string; values: ReadonlyMap<string, string> }[];
  environments: Environments;
  selected?: string;
  error?: string;
  problems: string[];
}

export class ScenarioDocuments {
  private readonly cache = new Map<string, { version: number; file: ScenarioFile }>();

  constructor(private readonly config: Config) {}

  /** The parsed file of an open document (parsed again only after an edit). */
  parse(document: vscode.TextDocument): ScenarioFile {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) return cached.file;
    const file = parseScenarioFile(document.getText());
    this.cache.set(key, { version: document.version, file });
    return file;
  }

  /** The text of a scenario file: the editor's (unsaved edits included) when open, else the disk's. */
  async text(uri: vscode.Uri): Promise<string> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    const bytes = await vscode.workspace.fs.readFile(uri);
    return Buffer.from(bytes).toString('utf8');
  }

  forget(uri: vscode.Uri): void {
    this.cache.delete(uri.toString());
  }

  /** Variables for a run of `file` at `uri`: settings' environments win over the file's of the same name. */
  variables(uri: vscode.Uri, file: ScenarioFile): ScenarioVariables {
    const problems: string[] = [];
    const environments: Environments = new Map();
    const envPath = uri.scheme === 'file' ? findEnvironmentFile(dirname(uri.fsPath)) : undefined;
    if (envPath) {
      const loaded = loadEnvironmentFile(envPath);
      problems.push(...loaded.problems);
      for (const [name, values] of loaded.environments) environments.set(name, values);
    }
    const fromSettings = this.config.get('scenarios.environments');
    if (fromSettings && typeof fromSettings === 'object' && Object.keys(fromSettings).length) {
      const read = readEnvironments(fromSettings, 'zeromq.scenarios.environments');
      problems.push(...read.problems);
      for (const [name, values] of read.environments) environments.set(name, new Map([...(environments.get(name) ?? []), ...values]));
    }
    const selected = this.config.get('scenarios.environment') || undefined;
    const { layers, error } = variableLayers(new Map(file.variables.map((v) => [v.name, v.value])), environments, selected);
    return { layers, environments, selected, error, problems };
  }
}

/** Names the environments define (for diagnostics and completion). */
export function environmentNames(environments: Environments): Set<string> {
  return new Set([...environments.values()].flatMap((values) => [...values.keys()]));
}

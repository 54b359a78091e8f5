// "ZeroMQ: Open Monitoring Panel" and the panel's wiring to the inspector: a topic or time range picked
// in a chart filters the inspector; a plotted point opens its message there.
import * as vscode from 'vscode';
import { registerCommand } from '../commands/runCommand';
import type { CaptureStore } from '../core/capture/captureStore';
import type { SubjectSessions, TreeDecoder } from '../core/filter/filterSubject';
import type { FilterSpec } from '../shared/inspectorProtocol';
import { MonitorPanel } from './monitorPanel';

export interface MonitorWiring {
  store: CaptureStore;
  sessions: SubjectSessions;
  decodeTree: TreeDecoder;
  inspector: { applyFilter(filter: Partial<FilterSpec>, selectSeq?: number): void };
  log(message: string): void;
}

export function createMonitor(extensionUri: vscode.Uri, wiring: MonitorWiring): { panel: MonitorPanel; disposables: vscode.Disposable[] } {
  const panel = new MonitorPanel(extensionUri, {
    store: wiring.store,
    sessions: wiring.sessions,
    decodeTree: wiring.decodeTree,
    log: wiring.log,
    openMessage: (seq) => wiring.inspector.applyFilter({}, seq),
    filterInspector: ({ topic, fromMs, toMs }) => {
      const filter: Partial<FilterSpec> = {};
      if (topic !== undefined) filter.topic = topic;
      if (fromMs !== undefined && toMs !== undefined) filter.expression = `time >= ${Math.floor(fromMs)} && time <= ${Math.ceil(toMs)}`;
      wiring.inspector.applyFilter(filter);
    },
  });
  return { panel, disposables: [panel, registerCommand('zeromq.openMonitor', () => void panel.show())] };
}

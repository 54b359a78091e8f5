// What an EngineClient outside VS Code answers when the engine asks the host for something only VS Code
// can do (add a decoder rule, replay, the clipboard, plotting, a panel's commands, key resolution): it
// refuses, so a test or benchmark that reaches one fails loudly instead of hanging.
import type { EngineClientOptions } from '../../src/engine/engineClient';

export function refusingHostHandlers(reason: string): EngineClientOptions['hostHandlers'] {
  const refuse = async () => {
    throw new Error(reason);
  };
  return {
    'inspector.addRule': refuse,
    'inspector.replay': refuse,
    'inspector.replaySelected': refuse,
    'inspector.exportPath': refuse,
    'inspector.clipboard': refuse,
    'inspector.plotField': refuse,
    'monitor.openMessage': refuse,
    'monitor.filterInspector': refuse,
    'security.resolve': refuse,
  };
}

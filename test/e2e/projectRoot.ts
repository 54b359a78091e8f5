// The project's folder (the one whose package.json names zeromq-inspector), wherever the bundled test runs from.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findProjectRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'zeromq-inspector') return dir;
    } catch {
      /* keep walking up */
    }
  }
  throw new Error(`No zeromq-inspector package.json above ${__dirname}`);
}

export const PROJECT_ROOT = findProjectRoot();

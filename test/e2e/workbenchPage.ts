// Drives the VS Code workbench in a Playwright page the way a user does: command palette, quick inputs,
// notifications, views and webviews. Selectors are VS Code 1.100's DOM (code-server 4.100.3).
import type { Frame, Locator, Page } from 'playwright-core';

export type NotificationSeverity = 'error' | 'warning' | 'info';

export interface WorkbenchNotification {
  severity: NotificationSeverity;
  message: string;
  /** "Source: ..." line, e.g. the extension that raised it. */
  source: string;
  /** Labels of the notification's buttons. */
  actions: string[];
}

export interface QuickInput {
  /** Waits until the quick input is shown. */
  waitOpen(timeoutMs?: number): Promise<void>;
  /** Waits until the quick input is hidden (the command consumed the last answer). */
  waitClosed(timeoutMs?: number): Promise<void>;
  /** Waits until the title, placeholder, prompt or validation message contains `text`. */
  waitForPrompt(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Replaces the input's text and, unless `submit` is false, presses Enter. */
  type(text: string, options?: { submit?: boolean }): Promise<void>;
  /**
   * Picks the item whose label is `label` (a RegExp matches anywhere), filtering first if needed. With
   * `untilClosed`, gives up at once (returning false) when the quick input closes before the item shows.
   */
  pick(label: string | RegExp, timeoutMs?: number, options?: { untilClosed?: boolean }): Promise<boolean>;
  /** Labels of the items shown (the list is virtual: only the rendered rows). */
  items(): Promise<string[]>;
  /** Title, placeholder and visible message, for assertions on prompts and validation errors. */
  state(): Promise<{ title: string; placeholder: string; message: string; value: string }>;
  /** Presses Escape and waits until it is hidden. */
  cancel(): Promise<void>;
}

const WIDGET = '.quick-input-widget';
const INPUT = `${WIDGET} .quick-input-box input`;
const ROWS = `${WIDGET} .quick-input-list .monaco-list-row`;

function matches(label: string, wanted: string | RegExp): boolean {
  return typeof wanted === 'string' ? label.trim() === wanted : wanted.test(label);
}

async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  describe?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const value = await probe().catch((error: unknown) => {
      lastError = error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const detail = describe ? await describe().catch(() => '') : '';
      const cause =
        lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message.split('\n')[0] : String(lastError)}`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail ? `; ${detail}` : ''}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function quickInputOf(page: Page): QuickInput {
  const widget = page.locator(WIDGET);
  const labels = (): Promise<string[]> =>
    page.locator(ROWS).evaluateAll((rows) =>
      rows.map((row) => {
        const name = row.querySelector('.label-name');
        return (name?.textContent ?? row.getAttribute('aria-label') ?? '').trim();
      }),
    );
  const rowsShown = (): Promise<Array<{ id: string; index: number; label: string }>> =>
    page.locator(ROWS).evaluateAll((rows) =>
      rows.map((row) => ({
        id: row.id,
        index: Number(row.getAttribute('data-index')),
        label: (row.querySelector('.label-name')?.textContent ?? row.getAttribute('aria-label') ?? '').trim(),
      })),
    );
  const state = async () => ({
    title: ((await widget.locator('.quick-input-title').textContent()) ?? '').replace(/\u00a0/g, ' ').trim(),
    placeholder: (await page.locator(INPUT).getAttribute('placeholder')) ?? '',
    message: (await widget.locator('.quick-input-message').isVisible())
      ? ((await widget.locator('.quick-input-message').textContent()) ?? '').trim()
      : '',
    value: await page.locator(INPUT).inputValue(),
  });
  const quickInput: QuickInput = {
    async waitOpen(timeoutMs = 10_000) {
      await page.locator(INPUT).waitFor({ state: 'visible', timeout: timeoutMs });
    },
    async waitClosed(timeoutMs = 10_000) {
      await widget.waitFor({ state: 'hidden', timeout: timeoutMs });
    },
    async waitForPrompt(text, timeoutMs = 10_000) {
      await pollUntil(
        `a quick input prompting ${text}`,
        timeoutMs,
        async () => {
          if (!(await widget.isVisible())) return undefined;
          const s = await state();
          const all = `${s.title}\n${s.placeholder}\n${s.message}`;
          return (typeof text === 'string' ? all.includes(text) : text.test(all)) ? true : undefined;
        },
        async () => `it shows ${JSON.stringify(await state())}`,
      );
    },
    async type(text, options = {}) {
      await quickInput.waitOpen();
      await page.locator(INPUT).fill(text);
      if (options.submit !== false) await page.locator(INPUT).press('Enter');
    },
    async pick(label, timeoutMs = 10_000, options = {}) {
      await quickInput.waitOpen(timeoutMs);
      let filtered = false;
      const target = await pollUntil(
        `quick input item ${label}`,
        timeoutMs,
        async () => {
          if (options.untilClosed && !(await widget.isVisible())) return 'closed' as const;
          const found = (await rowsShown()).find((row) => matches(row.label, label));
          if (found) return found;
          // Only rendered rows are in the DOM: narrow the list to the label once, keeping any prefix (">").
          if (!filtered && typeof label === 'string' && (await page.locator(ROWS).count()) > 0) {
            filtered = true;
            const prefix = /^[>@#:%]/.exec(await page.locator(INPUT).inputValue())?.[0] ?? '';
            await page.locator(INPUT).fill(prefix + label);
          }
          return undefined;
        },
        async () => `items shown: ${JSON.stringify(await labels())}`,
      );
      if (target === 'closed') return false;
      // Arrow keys then Enter, as a keyboard user does: no mouse event can reach the next prompt's list.
      const input = page.locator(INPUT);
      for (let step = 0; step <= 100; step++) {
        const active = (await input.getAttribute('aria-activedescendant')) ?? '';
        if (active === target.id) {
          await input.press('Enter');
          return true;
        }
        const activeIndex = Number(/_(\d+)$/.exec(active)?.[1] ?? -1);
        await input.press(activeIndex < target.index ? 'ArrowDown' : 'ArrowUp');
      }
      await page.locator(`${ROWS}[id="${target.id}"]`).click();
      return true;
    },
    items: labels,
    state,
    async cancel() {
      if (!(await widget.isVisible())) return;
      await page.locator(INPUT).press('Escape');
      await quickInput.waitClosed();
    },
  };
  return quickInput;
}

/** If a webview has the focus, moves it to the activity bar's selected tab, a focusable part with no side effect. */
export async function focusOutOfWebviews(page: Page): Promise<void> {
  await page.evaluate(() => {
    type Focusable = { tagName: string; focus(): void; blur(): void };
    const doc = (globalThis as unknown as { document: { activeElement: Focusable | null; querySelector(s: string): Focusable | null } })
      .document;
    if (doc.activeElement?.tagName !== 'IFRAME') return;
    const tab =
      doc.querySelector('.part.activitybar .action-item.checked') ?? doc.querySelector('.part.activitybar .action-item[tabindex="0"]');
    if (tab) tab.focus();
    else doc.activeElement.blur();
  });
}

/** Opens the command palette and runs the command whose palette label is `title` ("Category: Title"). */
export async function runCommand(page: Page, title: string, timeoutMs = 15_000): Promise<void> {
  const quickInput = quickInputOf(page);
  await quickInput.cancel();
  // With focus in a webview, VS Code gives focus back to it when the palette closes, and the webview takes it
  // asynchronously: when that lands after the command opened its own quick pick, the pick closes (focus out,
  // about 1 run in 10 here). Start from the workbench instead, as a user who clicked elsewhere first.
  await focusOutOfWebviews(page);
  // A webview that is still loading can take the focus after the palette opened, which closes the palette (seen
  // in CI right after "Open Message Inspector"): open it again, as a user would, up to three times.
  for (let attempt = 1; ; attempt++) {
    await openCommandPalette(page);
    await page.locator(INPUT).fill(`>${title}`);
    if (await quickInput.pick(title, timeoutMs, { untilClosed: attempt < 3 })) return;
    console.log(`[workbench] the command palette closed before "${title}" showed (attempt ${attempt}); opening it again`);
    await focusOutOfWebviews(page);
  }
}

async function openCommandPalette(page: Page): Promise<void> {
  // F1 works unless focus sits in a webview, which swallows it; Ctrl+Shift+P is the fallback.
  for (const key of ['F1', 'Control+Shift+P', 'F1']) {
    if (await page.locator(INPUT).isVisible()) break;
    await page.keyboard.press(key);
    await page
      .locator(INPUT)
      .waitFor({ state: 'visible', timeout: 3000 })
      .catch(() => undefined);
    if (!(await page.locator(INPUT).isVisible()))
      await page
        .locator('.part.statusbar')
        .click({ position: { x: 5, y: 5 } })
        .catch(() => undefined);
  }
  await quickInputOf(page).waitOpen();
}

/** Opens a workspace file by its path relative to the folder, through Go to File (Ctrl+P). */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const quickInput = quickInputOf(page);
  await quickInput.cancel();
  await page.keyboard.press('Control+P');
  await quickInput.waitOpen();
  await page.locator(INPUT).fill(relativePath);
  const name = relativePath.split('/').pop()!;
  await quickInput.pick(name);
  await page.locator(`.tabs-container .tab.active[aria-label^="${name.replace(/"/g, '\\"')}"]`).waitFor({ timeout: 10_000 });
  // The tab shows before the text: wait until the editor drew its lines (an empty file still has one).
  await page
    .locator('.editor-group-container.active .editor-instance .view-lines .view-line')
    .first()
    .waitFor({ state: 'attached', timeout: 10_000 });
}

/** The notifications shown by these .notification-list-item elements (toasts or the center's rows). */
function notificationsIn(items: Locator): Promise<WorkbenchNotification[]> {
  return items.evaluateAll((elements) =>
    elements.map((item) => {
      const icon = item.querySelector('.notification-list-item-icon')?.className ?? '';
      const severity = icon.includes('codicon-error') ? 'error' : icon.includes('codicon-warning') ? 'warning' : 'info';
      return {
        severity,
        message: (item.querySelector('.notification-list-item-message')?.textContent ?? '').trim(),
        source: (item.querySelector('.notification-list-item-source')?.textContent ?? '').trim(),
        actions: [...item.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map((b) =>
          (b.textContent ?? '').trim(),
        ),
      };
    }),
  ) as Promise<WorkbenchNotification[]>;
}

/** Reads every notification from the notification center (toasts fade, the center keeps them). */
export async function readNotifications(page: Page): Promise<WorkbenchNotification[]> {
  const center = page.locator('.notifications-center');
  const wasVisible = await center.isVisible();
  if (!wasVisible) await runCommand(page, 'Notifications: Show Notifications');
  // Under load the first command sometimes lands while the workbench still moves focus: try once more.
  if (
    !(await center.waitFor({ state: 'visible', timeout: 5000 }).then(
      () => true,
      () => false,
    ))
  ) {
    await runCommand(page, 'Notifications: Show Notifications');
    await center.waitFor({ state: 'visible', timeout: 10_000 });
  }
  const notifications = await notificationsIn(center.locator('.notification-list-item'));
  if (!wasVisible && (await center.isVisible())) {
    // Its own hide action: the palette's "Hide Notifications" is gone once the palette takes focus from the center.
    const hide = center.locator('.notifications-center-header .action-label[aria-label^="Hide Notifications"]');
    // The center may close by itself meanwhile (focus moves under load): never wait long on its button.
    const hidden = (await hide.count())
      ? await hide
          .first()
          .click({ timeout: 2000 })
          .then(
            () => true,
            () => false,
          )
      : false;
    if (!hidden && (await center.isVisible())) await page.keyboard.press('Escape');
    await center.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
  }
  return notifications;
}

/**
 * Waits until a notification whose message matches `match` is shown (as a toast, or in the center if it is
 * open) and returns it, without opening anything: the notification center would take the focus. A
 * progress notification's message reads "<title>: <progress message>". On a timeout the center is read
 * once (a toast may have faded meanwhile) before giving up.
 */
export async function waitForNotification(page: Page, match: string | RegExp, timeoutMs = 15_000): Promise<WorkbenchNotification> {
  const test = (n: WorkbenchNotification) => (typeof match === 'string' ? n.message.includes(match) : match.test(n.message));
  const shown = () =>
    notificationsIn(page.locator('.notification-toast .notification-list-item, .notifications-center .notification-list-item'));
  try {
    return await pollUntil(`a notification matching ${match}`, timeoutMs, async () => (await shown()).find(test));
  } catch (error) {
    const all = await readNotifications(page).catch((): WorkbenchNotification[] => []);
    const kept = all.find(test);
    if (kept) return kept;
    throw new Error(`${(error as Error).message}; notifications: ${JSON.stringify(all.map((n) => `${n.severity}: ${n.message}`))}`, {
      cause: error,
    });
  }
}

/**
 * Answers VS Code's simple file dialog (what showOpenDialog/showSaveDialog show in the browser: a quick input
 * holding a path, with an accept button: "OK" for a save dialog, the command's openLabel for an open one):
 * replaces the path with `path` and accepts it with Enter, as a user does, then waits until the dialog is gone.
 */
export async function acceptFileDialog(page: Page, path: string, timeoutMs = 10_000): Promise<void> {
  // The dialog's own button, beside the input (a plain quick pick has none showing).
  await page.locator(`${WIDGET} .quick-input-action .monaco-button:visible`).first().waitFor({ state: 'visible', timeout: timeoutMs });
  const input = page.locator(INPUT);
  // The dialog sets its starting path again once it has listed that folder, over anything typed before: fill
  // once the listing shows, and again while the input holds anything else.
  await page.locator(ROWS).first().waitFor({ state: 'visible', timeout: timeoutMs });
  await pollUntil(
    `the file dialog to hold ${path}`,
    timeoutMs,
    async () => {
      if ((await input.inputValue()) === path) return true;
      await input.fill(path);
      return undefined;
    },
    async () => `it holds ${await input.inputValue()}`,
  );
  await input.press('Enter');
  await page.locator(WIDGET).waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Shows a view container from the activity bar ("ZeroMQ", "Explorer") or any view by name. */
export async function openView(page: Page, title: string): Promise<void> {
  const tab = page.locator(`.part.activitybar .action-item:has(a.action-label[aria-label^="${title.replace(/"/g, '\\"')}"])`).first();
  if (await tab.count()) {
    if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
    await page
      .locator(`.part.sidebar .composite.title h2`)
      .filter({ hasText: new RegExp(`^${escapeRegExp(title)}`, 'i') })
      .waitFor({ state: 'visible', timeout: 10_000 });
    return;
  }
  await runCommand(page, 'View: Open View...');
  await quickInputOf(page).pick(title);
}

/** The sidebar or panel pane with header `title` (e.g. the "Endpoints" view), for locating its tree items. */
export function viewPane(page: Page, title: string): Locator {
  return page.locator('.pane').filter({ has: page.locator(`.pane-header[aria-label^="${title.replace(/"/g, '\\"')}"]`) });
}

/**
 * Finds the frame of a webview (webviews are an iframe inside an iframe) that matches: a CSS selector
 * that must be present in it, or a predicate. Waits until one appears.
 */
export async function findWebviewFrame(
  page: Page,
  match: string | ((frame: Frame) => boolean | Promise<boolean>),
  timeoutMs = 15_000,
): Promise<Frame> {
  const predicate = typeof match === 'string' ? async (frame: Frame) => (await frame.locator(match).count()) > 0 : match;
  return pollUntil(
    `a webview frame matching ${typeof match === 'string' ? match : 'the predicate'}`,
    timeoutMs,
    async () => {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame() || frame.isDetached()) continue;
        if (await Promise.resolve(predicate(frame)).catch(() => false)) return frame;
      }
      return undefined;
    },
    async () =>
      `frames: ${page
        .frames()
        .map((f) => f.url().slice(0, 80))
        .join(', ')}`,
  );
}

/**
 * The text of the active editor's rendered lines, in order, as plain text: Monaco draws spaces as U+00A0
 * and may keep its line elements out of order. Only the lines on screen are in the DOM.
 */
export async function editorText(
  page: Page,
  editor: Locator = page.locator('.editor-group-container.active .editor-instance').first(),
): Promise<string> {
  const lines = await editor.locator('.view-lines .view-line').evaluateAll((elements) =>
    elements
      .map((line) => ({
        top: Number(/top:\s*(-?[\d.]+)px/.exec(line.getAttribute('style') ?? '')?.[1] ?? 0),
        text: line.textContent ?? '',
      }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text),
  );
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export { pollUntil };

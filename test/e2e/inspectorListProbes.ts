// What the inspector's list shows, read from the page: the status line, the seq numbers and positions of the
// painted rows, and wheel steps that wait for every row to fill. Shared by the inspector's browser tests.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { delay } from '../support/peers';

/** Waits until the inspector's status line (message counts) matches. */
export async function waitForStatus(page: Page, pattern: RegExp): Promise<void> {
  await page.waitForFunction(
    ({ source, flags }) =>
      new RegExp(source, flags).test(
        (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(
          '.status',
        )?.textContent ?? '',
      ),
    { source: pattern.source, flags: pattern.flags },
  );
}

/** Seq numbers of the rows painted with data, top to bottom. */
export function visibleSeqs(page: Page): Promise<number[]> {
  return page.$$eval('.list-rows .row:not([hidden]):not(.loading) .c-seq', (cells) => cells.map((c) => Number(c.textContent)));
}

export async function waitForLastVisibleSeq(seq: number, page: Page): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const cells = (
        globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }
      ).document.querySelectorAll('.list-rows .row:not([hidden]):not(.loading) .c-seq');
      return cells.length > 0 && Number(cells[cells.length - 1].textContent) === wanted;
    },
    seq,
    { timeout: 10_000 },
  );
}

/** Rows painted with data, in document order: their seq and their top edge relative to the viewport's. */
export function paintedRows(page: Page): Promise<Array<{ seq: number; top: number }>> {
  return page.evaluate(() => {
    type Box = { getBoundingClientRect(): { top: number; bottom: number } };
    const doc = (
      globalThis as unknown as {
        document: {
          querySelector(s: string): Box;
          querySelectorAll(s: string): ArrayLike<Box & { getAttribute(n: string): string | null }>;
        };
      }
    ).document;
    const viewport = doc.querySelector('.list-viewport').getBoundingClientRect();
    return Array.from(doc.querySelectorAll('.list-rows .row:not([hidden]):not(.loading)'))
      .map((row) => ({ seq: Number(row.getAttribute('data-seq')), top: row.getBoundingClientRect().top - viewport.top }))
      .filter((row) => row.top > -22 && row.top < viewport.bottom - viewport.top);
  });
}

/** Wheel steps, then the rows on screen once every row is filled. */
export async function wheelAndSettle(page: Page, ticks: number, deltaY: number): Promise<Array<{ seq: number; top: number }>> {
  for (let i = 0; i < ticks; i++) await page.mouse.wheel(0, deltaY);
  await page.waitForFunction(
    () =>
      !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
        '.list-rows .row.loading:not([hidden])',
      ),
  );
  await delay(100);
  return paintedRows(page);
}

export function assertInOrder(rows: Array<{ seq: number; top: number }>, seqStep: number, what: string): void {
  assert.ok(rows.length > 10, `${what}: a screenful of rows is painted, not ${rows.length}`);
  for (let i = 1; i < rows.length; i++) {
    assert.equal(
      rows[i].seq - rows[i - 1].seq,
      seqStep,
      `${what}: row ${i} follows row ${i - 1} (${JSON.stringify(rows.slice(0, i + 1).map((r) => r.seq))})`,
    );
    assert.ok(
      Math.abs(rows[i].top - rows[i - 1].top - 22) < 0.5,
      `${what}: row ${i} sits one row below row ${i - 1} (${rows[i - 1].top} then ${rows[i].top})`,
    );
  }
}

import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA: the EN 301 549 target of issue 17. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The two widths every page is checked at; reflow (WCAG 1.4.10) is checked at 320 CSS px. */
export const WIDTHS = [1280, 390] as const;
export const REFLOW_WIDTH = 320;

export interface Finding {
  page: string;
  width: number;
  state: string;
  rule: string;
  impact: string;
  targets: string[];
}

/** Every check that ran, so the README's count is the count of real runs. */
export interface AuditLog {
  runs: Array<{ page: string; width: number; state: string; ms: number }>;
  findings: Finding[];
  reflow: Array<{ page: string; state: string; scrollWidth: number; clientWidth: number }>;
  /** What screen readers rely on and axe does not insist on: one h1, one main, a named step. */
  structure: Array<{ page: string } & Structure>;
}

export interface Structure {
  title: string;
  lang: string;
  h1: number;
  main: number;
  skipLink: string | null;
}

export function newAuditLog(): AuditLog {
  return { runs: [], findings: [], reflow: [], structure: [] };
}

async function axeAt(page: Page, name: string, width: number, state: string, log: AuditLog) {
  await page.setViewportSize({ width, height: 900 });
  const started = Date.now();
  // Only violations are collected: skipping the passes' details saves time, not checks.
  const results = await new AxeBuilder({ page })
    .withTags(WCAG_TAGS)
    .options({ resultTypes: ['violations'] })
    .analyze();
  log.runs.push({ page: name, width, state, ms: Date.now() - started });
  for (const v of results.violations) {
    log.findings.push({
      page: name,
      width,
      state,
      rule: v.id,
      impact: v.impact ?? 'unknown',
      targets: v.nodes.map((n) => n.target.join(' ')),
    });
  }
}

async function reflowAt320(page: Page, name: string, state: string, log: AuditLog) {
  await page.setViewportSize({ width: REFLOW_WIDTH, height: 640 });
  const size = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  log.reflow.push({ page: name, state, ...size });
}

/**
 * axe at 1280 and 390 px, and the 320 px reflow measure, on the page as it is now. When the
 * inspector's timeline is on the page, it is checked twice: every step closed (as the page loads)
 * and every step open, so the contents of the <details> are checked too.
 */
export async function auditPage(page: Page, name: string, log: AuditLog): Promise<void> {
  const structure: Structure = await page.evaluate(() => ({
    title: document.title,
    lang: document.documentElement.lang,
    h1: document.querySelectorAll('h1').length,
    main: document.querySelectorAll('main, [role=main]').length,
    skipLink: document.querySelector('a.skip-link')?.getAttribute('href') ?? null,
  }));
  log.structure.push({ page: name, ...structure });
  const hasInspector = (await page.locator('.inspector').count()) > 0;
  const closed = hasInspector ? 'inspector, steps closed' : 'no inspector';
  for (const width of WIDTHS) await axeAt(page, name, width, closed, log);
  await reflowAt320(page, name, closed, log);
  if (hasInspector) {
    const summaries = page.locator('.tl-step details:not([open]) > summary');
    for (let n = await summaries.count(); n > 0; n--) await summaries.first().click();
    for (const width of WIDTHS) await axeAt(page, name, width, 'inspector, steps open', log);
    await reflowAt320(page, name, 'inspector, steps open', log);
  }
  await page.setViewportSize({ width: WIDTHS[0], height: 900 });
}

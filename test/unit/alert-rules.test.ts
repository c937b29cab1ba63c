/**
 * docs/alerts.yml is valid for Prometheus, its alerts fire on the series they are written for
 * (test/alerts/alerts-test.yml), and every metric it names is one the app exports.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/telemetry/metrics.js';

const root = resolve(import.meta.dirname, '../..');
/** Installed with Debian's `prometheus` package (.ci/run's apt-get line). */
const PROMTOOL = '/usr/bin/promtool';

function promtool(...args: string[]): string {
  return execFileSync(PROMTOOL, args, { cwd: root, encoding: 'utf8', stdio: 'pipe' });
}

describe('alert rules', () => {
  it('promtool check rules docs/alerts.yml', () => {
    expect(promtool('check', 'rules', 'docs/alerts.yml')).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('promtool test rules: they fire when they should and not otherwise', () => {
    expect(promtool('test', 'rules', join('test', 'alerts', 'alerts-test.yml'))).toMatch(/SUCCESS/);
  });

  it("compose's Prometheus configuration is valid", () => {
    expect(promtool('check', 'config', '--syntax-only', 'scripts/image/prometheus.yml')).toMatch(
      /SUCCESS/,
    );
  });

  it('names only metrics the app exports', async () => {
    const exported = new Set<string>();
    for (const metric of await createMetrics().registry.getMetricsAsJSON()) {
      exported.add(metric.name);
      if (String(metric.type) === 'histogram') {
        for (const suffix of ['_bucket', '_sum', '_count']) exported.add(metric.name + suffix);
      }
    }
    const rules = readFileSync(join(root, 'docs/alerts.yml'), 'utf8');
    const named = new Set(rules.match(/\b(txapproval|nodejs|process)_[a-z_0-9]+/g));
    expect(named.size).toBeGreaterThan(5);
    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
  });
});

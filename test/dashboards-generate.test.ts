// The generated dashboards: committed JSON is what the generator makes, every panel has a query,
// every query parses with Prometheus's grammar and names only metrics documented in METRICS.md.
// (test/dashboards-prometheus.test.ts runs every query against a real Prometheus.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../core/layout.ts';
import { DASHBOARD_FILES, generatedFiles, staleFiles } from '../dashboards/generate.ts';
import { DATASOURCE_UID } from '../dashboards/panels.ts';
import { skipBecause } from './support/skip.ts';
import { dashboardQueries, documentedMetrics, documentedName, expandVariables, panelsWithoutQueries, parsePromql } from '../dashboards/queries.ts';

const VARS = { rateInterval: '4s', interval: '1s', range: '5m' };
const dashboards = () => Object.keys(DASHBOARD_FILES).map((f) => JSON.parse(readFileSync(path.join(REPO_ROOT, f), 'utf8')));
const documented = () => documentedMetrics(readFileSync(path.join(REPO_ROOT, 'METRICS.md'), 'utf8'));

/** Every problem of one dashboard's queries: parse errors and undocumented metrics. */
function problems(d: Parameters<typeof dashboardQueries>[0], docs: Set<string>): string[] {
  const out = panelsWithoutQueries(d).map((p) => `${d.title} / ${p}: no query`);
  for (const q of dashboardQueries(d)) {
    const parsed = parsePromql(expandVariables(q.expr, VARS));
    for (const e of parsed.errors) out.push(`${q.dashboard} / ${q.panel}: ${e}`);
    for (const m of parsed.metrics) if (!documentedName(m, docs)) out.push(`${q.dashboard} / ${q.panel}: ${m} is not in METRICS.md`);
  }
  return out;
}

describe('dashboards generate', () => {
  it('dashboards generate - the committed dashboards and compose files are what npm run dashboards makes', () => {
    assert.deepEqual(staleFiles(), [], 'run npm run dashboards and commit the result');
    assert.ok(Object.keys(generatedFiles()).includes('dashboards/json/brownout-run.json'));
  });

  it('dashboards generate - a committed file that differs from the generator is reported stale', () => {
    const stale = staleFiles(path.join(REPO_ROOT, 'does-not-exist'));
    assert.deepEqual(stale.sort(), Object.keys(generatedFiles()).sort());
  });

  it('dashboards generate - every panel has a query that parses and names only documented metrics', () => {
    const docs = documented();
    const all = dashboards();
    assert.deepEqual(all.map((d) => d.title).sort(), ['brownout rollout', 'brownout run']);
    assert.deepEqual(all.flatMap((d) => problems(d, docs)), []);
    const count = all.reduce((n, d) => n + dashboardQueries(d).length, 0);
    assert.ok(count >= 40, `only ${count} queries`);
  });

  it('dashboards generate - a broken expression, an undocumented metric and an empty panel are each caught', () => {
    const docs = documented();
    const bad = {
      title: 'bad',
      panels: [
        { title: 'unbalanced', type: 'timeseries', targets: [{ refId: 'A', expr: 'sum(rate(brownout_statsz_messages_total[$__rate_interval])' }] },
        { title: 'typo', type: 'timeseries', targets: [{ refId: 'A', expr: 'brownout_statsz_mesages_total' }] },
        { title: 'histogram ok', type: 'timeseries', targets: [{ refId: 'A', expr: 'brownout_handshake_recovery_seconds_count' }] },
        { title: 'empty', type: 'timeseries', targets: [{ refId: 'A', expr: '' }] },
      ],
      annotations: { list: [{ name: 'bad op', expr: 'brownout_faults_active >> 0' }] },
    };
    const found = problems(bad, docs);
    assert.ok(found.some((p) => p.startsWith('bad / unbalanced: error')), found.join('\n'));
    assert.ok(found.includes('bad / typo: brownout_statsz_mesages_total is not in METRICS.md'), found.join('\n'));
    assert.ok(!found.some((p) => p.includes('histogram ok')), found.join('\n'));
    assert.ok(found.includes('bad / empty: no query'), found.join('\n'));
    assert.ok(found.some((p) => p.startsWith('bad / annotation: bad op: error')), found.join('\n'));
  });

  it('dashboards generate - prometheus.yml passes promtool, and provisioning names the dashboards\' data source and folder', function () {
    const datasource = readFileSync(path.join(REPO_ROOT, 'dashboards/provisioning/datasources/prometheus.yml'), 'utf8');
    assert.match(datasource, new RegExp(`uid: ${DATASOURCE_UID}\\n`));
    assert.match(readFileSync(path.join(REPO_ROOT, 'dashboards/provisioning/dashboards/brownout.yml'), 'utf8'), /path: \/var\/lib\/grafana\/dashboards\n/);
    assert.match(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), /"\.\/dashboards\/json:\/var\/lib\/grafana\/dashboards:ro"/);
    const promtool = spawnSync('promtool', ['check', 'config', path.join(REPO_ROOT, 'dashboards/prometheus.yml')], { encoding: 'utf8' });
    if (promtool.error) {
      if (process.env.CI) throw new Error('promtool is not installed (Debian\'s prometheus package has it)');
      skipBecause(this, 'promtool is not installed (apt-get install prometheus)');
    }
    assert.equal(promtool.status, 0, promtool.stdout + promtool.stderr);
  });
});

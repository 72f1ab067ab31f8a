import assert from 'assert'
import fs from 'fs'
import path from 'path'
import { useServer } from '../helpers/app'
import { redisSettings } from '../helpers/redis'
import { root } from '../helpers/processes'
import { scrape } from '../helpers/metrics'

// Series Prometheus makes itself rather than reading them from /metrics
const PROMETHEUS_OWN = new Set(['up', 'ALERTS'])
const NOT_METRICS = new Set(['and', 'or', 'unless', 'bool', 'offset'])

/** The metric names a PromQL expression reads (functions, labels, groupings and strings left out). */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/label_values\(\s*([a-zA-Z_:][\w:]*)\s*,[^)]*\)/g, '$1')
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
  const names = [...bare.matchAll(/(?<![\w:$.])[a-zA-Z_:][\w:]*(?![\w:]|\s*\()/g)].map((match) => match[0])
  return [...new Set(names.filter((name) => !NOT_METRICS.has(name)))]
}

/** The parts of the Grafana dashboard's JSON these checks read. */
interface Dashboard {
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>
  templating: { list: Array<{ type: string; name: string; query: { query: string } }> }
  annotations: { list: Array<{ name: string; expr: string }> }
}

/** Every expression of the dashboard: panels, the instance variable, the alert annotations. */
function dashboardExpressions(dashboard: Dashboard): Array<{ where: string; expr: string }> {
  const found: Array<{ where: string; expr: string }> = []
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) found.push({ where: panel.title, expr: target.expr })
  }
  for (const variable of dashboard.templating.list) {
    if (variable.type === 'query') found.push({ where: `$${variable.name}`, expr: variable.query.query })
  }
  for (const annotation of dashboard.annotations.list)
    found.push({ where: annotation.name, expr: annotation.expr })
  return found
}

/** Every `expr:` of the rule file, one line or a block. */
function ruleExpressions(rules: string): Array<{ where: string; expr: string }> {
  return [...rules.matchAll(/- alert: (\w+)\n\s+expr: (?:\|\n((?:\s{10,}.*\n)+)|(.*)\n)/g)].map((match) => ({
    where: match[1],
    expr: (match[2] ?? match[3]).trim()
  }))
}

describe('the dashboard and the alert rules read only metrics that exist', function () {
  this.timeout(60_000)
  const server = useServer(() => ({ redis: redisSettings() }))

  it('finds metric names in PromQL the way Prometheus reads it', () => {
    assert.deepStrictEqual(
      metricNames(
        'histogram_quantile(0.95, sum by (service, le) (rate(a_seconds_bucket{b=~"c|d", e="$e"}[$__rate_interval]))) / on(instance) b_total > 0.1 and c'
      ),
      ['a_seconds_bucket', 'b_total', 'c']
    )
    assert.deepStrictEqual(metricNames('label_values(chat_ready, instance)'), ['chat_ready'])
  })

  const exists = (declared: Set<string>, name: string) =>
    PROMETHEUS_OWN.has(name) || declared.has(name) || declared.has(name.replace(/_(bucket|sum|count)$/, ''))

  it('deploy/grafana/dashboard.json: every panel, variable and annotation', async () => {
    const dashboard: Dashboard = JSON.parse(
      fs.readFileSync(path.join(root, 'deploy', 'grafana', 'dashboard.json'), 'utf8')
    )
    const { names } = await scrape(server.url)
    const expressions = dashboardExpressions(dashboard)
    assert.ok(expressions.length >= 20, `${expressions.length} expressions`)
    const missing = expressions.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !exists(names, name))
        .map((name) => `${where}: ${name}`)
    )
    assert.deepStrictEqual(missing, [])
    const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((row) => row.title)
    for (const row of ['Calls', 'Database pool', 'Connections', 'Lag', 'Notifications'])
      assert.ok(
        rows.some((title: string) => title.startsWith(row)),
        `a row for ${row}: ${rows}`
      )
  })

  it('deploy/prometheus/alerts.yml: every rule', async () => {
    const rules = fs.readFileSync(path.join(root, 'deploy', 'prometheus', 'alerts.yml'), 'utf8')
    const { names } = await scrape(server.url)
    const expressions = ruleExpressions(rules)
    assert.strictEqual(expressions.length, (rules.match(/- alert: /g) ?? []).length)
    const missing = expressions.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !exists(names, name))
        .map((name) => `${where}: ${name}`)
    )
    assert.deepStrictEqual(missing, [])
  })
})

/** Prometheus text as tests read it: every sample by its series (`name{label="value",...}`). */
export interface Scrape {
  text: string
  /** The value of one series, labels in any order; undefined when the series is absent. */
  value(name: string, labels?: Record<string, string>): number | undefined
  /** Metric names the text declares (`# TYPE` lines), histograms' and summaries' families included. */
  names: Set<string>
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/

export function parseMetrics(text: string): Scrape {
  const samples: Array<{ name: string; labels: Record<string, string>; value: number }> = []
  const names = new Set<string>()
  for (const line of text.split('\n')) {
    const declared = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (declared) names.add(declared[1])
    const sample = SAMPLE.exec(line)
    if (!sample) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value
    samples.push({ name: sample[1], labels, value: Number(sample[3]) })
  }
  return {
    text,
    names,
    value(name, labels = {}) {
      const found = samples.find(
        (sample) =>
          sample.name === name &&
          Object.keys(sample.labels).length === Object.keys(labels).length &&
          Object.entries(labels).every(([key, value]) => sample.labels[key] === value)
      )
      return found?.value
    }
  }
}

export async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await fetch(`${url}/metrics`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {}
  })
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`)
  return parseMetrics(await response.text())
}

/** How much a series moved between two scrapes (an absent series counts as 0). */
export const moved = (before: Scrape, after: Scrape, name: string, labels?: Record<string, string>) =>
  (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0)

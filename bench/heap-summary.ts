/**
 * What the heap gained between two snapshots, by constructor: objects and own bytes per
 * connection, largest first.
 */
import fs from 'fs'

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

type Totals = Map<string, { count: number; bytes: number }>

function totalsOf(file: string): Totals {
  const { snapshot, nodes, strings }: Snapshot = JSON.parse(fs.readFileSync(file, 'utf8'))
  fs.rmSync(file, { force: true })
  const fields = snapshot.meta.node_fields
  const types = snapshot.meta.node_types[0]
  const [type, name, size] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field))
  const totals: Totals = new Map()
  for (let i = 0; i < nodes.length; i += fields.length) {
    const kind = types[nodes[i + type]]
    // Objects by constructor, functions and native objects by name, the rest by their kind
    const named = kind === 'closure' || kind === 'native'
    const key =
      kind === 'object'
        ? strings[nodes[i + name]]
        : named
          ? `(${kind}) ${strings[nodes[i + name]]}`
          : `(${kind})`
    const total = totals.get(key) ?? { count: 0, bytes: 0 }
    total.count++
    total.bytes += nodes[i + size]
    totals.set(key, total)
  }
  return totals
}

export function heapGrowth(beforeFile: string, afterFile: string, connections: number, top = 15) {
  const before = totalsOf(beforeFile)
  const after = totalsOf(afterFile)
  return [...after.entries()]
    .map(([what, { count, bytes }]) => ({
      what,
      objects: (count - (before.get(what)?.count ?? 0)) / connections,
      bytes: (bytes - (before.get(what)?.bytes ?? 0)) / connections
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top)
    .map(({ what, objects, bytes }) => ({
      what,
      objects_per_connection: +objects.toFixed(2),
      bytes_per_connection: Math.round(bytes)
    }))
}

import fs from 'fs'
import path from 'path'

/** The floors: shared mechanisms every layer above may use, which know nothing of those layers. */
export const FLOORS = [
  'src/logging',
  'src/redis',
  'src/limits',
  'src/cache',
  'src/process',
  'src/database',
  'src/metrics'
]

const MODULE = /(^|\/)modules(\/|$)/

/**
 * The layers the architecture relies on, checked on every test run. From the top:
 * http/ (and the composition root) over the modules, the modules over socketio/ and
 * hooks/, and those over the floors. Every rule points downward: messaging only emits
 * events and never reaches notification code or a vendor SDK; its services never reach
 * up into its live side; the event map, the Socket.io edge, the app-wide hooks and the
 * floors import no module; nothing below http/ imports it.
 */
export const rules: { from: string | string[]; forbidden: RegExp[]; why: string }[] = [
  {
    from: 'src/modules/messaging',
    forbidden: [
      /^twilio(\/|$)/,
      /^firebase-admin(\/|$)/,
      /modules\/notifications(\/|$)/,
      /^\.\.\/notifications(\/|$)/
    ],
    why: 'the messaging module only emits events; notifications and vendor SDKs live elsewhere'
  },
  {
    from: 'src/modules/messaging/services',
    forbidden: [/(^|\/)live(\/|$)/],
    why: 'layers depend downward: the live side calls services, services never import it'
  },
  {
    from: 'src/modules/messaging',
    forbidden: [/modules\/contexts(\/|$)/, /^\.\.\/contexts(\/|$)/],
    why: 'messaging follows contexts through their events and services; shared shapes live outside both'
  },
  {
    from: 'src/modules/contexts',
    forbidden: [/modules\/messaging(\/|$)/, /^\.\.\/messaging(\/|$)/],
    why: 'contexts announce their changes and know nothing of messaging'
  },
  {
    from: 'src/events.ts',
    forbidden: [MODULE],
    why: 'the event map is neutral: its payloads are its own shapes, so it imports no module'
  },
  {
    from: 'src/socketio',
    forbidden: [MODULE],
    why: 'the Socket.io edge owns the connections for every module: modules register their steps with it, it imports none'
  },
  {
    from: ['src/socketio', 'src/modules', 'src/hooks', ...FLOORS],
    forbidden: [/^src\/http(\/|$)/],
    why: 'http/ is the top edge: it serves what lies below it, and nothing below imports it'
  },
  {
    from: FLOORS,
    forbidden: [MODULE, /^src\/socketio(\/|$)/],
    why: 'the floors are shared mechanisms under every layer: they import no module and not the Socket.io edge'
  },
  {
    from: 'src/hooks',
    forbidden: [MODULE],
    why: 'app-wide hooks run for every module, so they name none: they read the shapes they need, not a module’s types'
  }
]

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g

function* sourceFiles(dir: string): Generator<string> {
  if (!fs.existsSync(dir)) return
  if (fs.statSync(dir).isFile()) return yield dir
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(full)
    else if (/\.(ts|js|mts|cts)$/.test(entry.name)) yield full
  }
}

export function findViolations(root: string) {
  const violations: string[] = []
  for (const rule of rules) {
    const files = [rule.from].flat().flatMap((from) => [...sourceFiles(path.join(root, from))])
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8')
      for (const match of text.matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2] ?? match[3] ?? match[4]
        const resolved = specifier.startsWith('.')
          ? path
              .relative(root, path.resolve(path.dirname(file), specifier))
              .split(path.sep)
              .join('/')
          : specifier
        if (rule.forbidden.some((pattern) => pattern.test(specifier) || pattern.test(resolved))) {
          violations.push(`${path.relative(root, file)} imports '${specifier}': ${rule.why}`)
        }
      }
    }
  }
  return violations
}

if (require.main === module) {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'))
  const violations = findViolations(root)
  if (violations.length) {
    console.error(`Module boundary check failed:\n${violations.map((v) => `  ${v}`).join('\n')}`)
    process.exit(1)
  }
  console.log('Module boundaries hold')
}

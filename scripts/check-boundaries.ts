import fs from 'fs'
import path from 'path'

/**
 * Module boundaries that the architecture relies on, checked on every test run:
 * messaging only emits events and never reaches notification code or a vendor SDK;
 * its services never reach up into its gateways; messaging and contexts import nothing of
 * each other (one direction: contexts announce, messaging listens); the event map imports
 * no module.
 */
export const rules = [
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
    forbidden: [/(^|\/)gateways(\/|$)/],
    why: 'layers depend downward: gateways call services, services never import gateways'
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
    forbidden: [/(^|\/)modules(\/|$)/],
    why: 'the event map is neutral: its payloads are its own shapes, so it imports no module'
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
    for (const file of sourceFiles(path.join(root, rule.from))) {
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

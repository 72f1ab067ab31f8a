import assert from 'assert'
import fs from 'fs'
import path from 'path'
import { isBuiltin } from 'module'
import { buildOnce } from '../helpers/build'
import { root } from '../helpers/processes'

// Every import as tsc emits it (CommonJS), and require.resolve: a literal name in quotes
const REQUIRE = /\brequire(?:\.resolve)?\(\s*(['"])([^'"]+)\1\s*\)/g

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

function resolveRelative(from: string, specifier: string) {
  const base = path.resolve(path.dirname(from), specifier)
  return [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')].find((file) =>
    fs.statSync(file, { throwIfNoEntry: false })?.isFile()
  )
}

/** The packages the compiled files reachable from `entries` require, each with a file that requires it. */
function requiredPackages(entries: string[]) {
  const packages = new Map<string, string>()
  const unresolved: string[] = []
  const seen = new Set<string>()
  const pending = [...entries]
  for (let file = pending.pop(); file; file = pending.pop()) {
    if (seen.has(file) || !file.endsWith('.js')) continue
    seen.add(file)
    for (const [, , specifier] of fs.readFileSync(file, 'utf8').matchAll(REQUIRE)) {
      const by = path.relative(root, file)
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier)
        if (target?.startsWith(path.join(root, 'lib') + path.sep)) pending.push(target)
        else unresolved.push(`${specifier} (from ${by})`)
      } else if (!isBuiltin(specifier) && !packages.has(packageName(specifier))) {
        packages.set(packageName(specifier), by)
      }
    }
  }
  return { packages, unresolved, files: seen.size }
}

/**
 * A production install (`npm ci --omit=dev`) has `dependencies` only: whatever the server,
 * the operator commands or a migration load at run time must be one of them.
 */
describe('run-time dependencies of the compiled server', function () {
  this.timeout(180_000)
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  let walk: ReturnType<typeof requiredPackages>

  before(async () => {
    await buildOnce()
    const lib = path.join(root, 'lib')
    const under = (folder: string) =>
      fs.readdirSync(path.join(lib, folder)).map((file) => path.join(lib, folder, file))
    // Migrations too: the migrator loads them by path, which no require names
    walk = requiredPackages([
      path.join(lib, 'src', 'index.js'),
      ...under('src/commands'),
      ...under('migrations')
    ])
  })

  it('finds the server modules and their packages', () => {
    // A walk that missed the imports would pass the check below with nothing in it
    assert.ok(walk.files > 50, `only ${walk.files} files reached`)
    for (const name of ['@feathersjs/feathers', 'knex', 'bcrypt', '@electric-sql/pglite', 'swagger-ui-dist'])
      assert.ok(walk.packages.has(name), name)
  })

  it('requires no package that is not in dependencies', () => {
    const missing = [...walk.packages]
      .filter(([name]) => !manifest.dependencies[name])
      .map(([name, by]) => `${name} (required by ${by})`)
    assert.deepStrictEqual(missing, [], `not in dependencies: ${missing.join(', ')}`)
  })

  it('reaches no file outside lib/', () => {
    assert.deepStrictEqual(walk.unresolved, [])
  })

  it('keeps the build tools out of dependencies', () => {
    const tools = ['typescript', 'tsx', 'esbuild'].filter((name) => manifest.dependencies[name])
    assert.deepStrictEqual(tools, [], `build tools in dependencies: ${tools.join(', ')}`)
  })
})

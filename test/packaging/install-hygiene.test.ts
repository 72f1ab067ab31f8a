import assert from 'assert'
import fs from 'fs'
import path from 'path'
import semver from 'semver'
import { root } from '../helpers/processes'

interface LockedPackage {
  version?: string
  engines?: { node?: string } | string[]
  hasInstallScript?: boolean
}

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'))
const locked = Object.entries(lock.packages as Record<string, LockedPackage>)
  .filter(([where]) => where !== '')
  .map(([where, entry]) => ({ name: where.replace(/^.*node_modules\//, ''), ...entry }))

/**
 * What a fresh `npm install` says is a contract with a newcomer: no engine warning, and no
 * install script left unreviewed. Both are read from the lockfile, which records every
 * package's engines and whether it has an install script.
 */
describe('a fresh install', () => {
  it('declares a Node range that every installed package supports', () => {
    const ours: string = manifest.engines.node
    assert.strictEqual(lock.packages[''].engines?.node, ours, 'package-lock.json matches package.json')
    const narrower = locked
      .filter((entry) => !Array.isArray(entry.engines) && entry.engines?.node)
      .filter((entry) => !semver.subset(ours, (entry.engines as { node: string }).node))
      .map((entry) => `${entry.name}@${entry.version} needs node ${(entry.engines as { node: string }).node}`)
    assert.deepStrictEqual(narrower, [], `engines.node '${ours}' allows a Node that these do not`)
  })

  it('pins a Node for CI (.ci/pinned-node.sh) that the declared range allows', () => {
    const script = fs.readFileSync(path.join(root, '.ci/pinned-node.sh'), 'utf8')
    const pinned = /^PINNED_NODE_VERSION=(\S+)$/m.exec(script)?.[1] ?? ''
    const integrity = /^PINNED_NODE_INTEGRITY=(\S+)$/m.exec(script)?.[1] ?? ''
    assert.ok(semver.valid(pinned), `the pinned version '${pinned}' is x.y.z`)
    assert.ok(semver.satisfies(pinned, manifest.engines.node), `Node ${pinned} is outside engines.node`)
    assert.strictEqual(semver.major(pinned) % 2, 0, `Node ${pinned} is not of a long-term support line`)
    assert.match(integrity, /^sha512-[A-Za-z0-9+/]{86}==$/, 'the tarball is pinned by its sha512')
  })

  it('runs CI on a Node the declared range allows', function () {
    // Elsewhere a developer may run a test file on the machine's own node
    if (process.env.CI !== 'true') this.skip()
    assert.ok(
      semver.satisfies(process.versions.node, manifest.engines.node),
      `CI ran on Node ${process.versions.node}, outside engines.node '${manifest.engines.node}'`
    )
  })

  it('names every install script in allowScripts: allowed to run, or denied', () => {
    const decided = manifest.allowScripts as Record<string, boolean>
    const withScripts = [
      ...new Set(locked.filter((entry) => entry.hasInstallScript).map((entry) => entry.name))
    ]
    assert.ok(withScripts.includes('bcrypt'), 'the lockfile records install scripts')
    const undecided = withScripts.filter((name) => typeof decided[name] !== 'boolean')
    assert.deepStrictEqual(undecided, [], 'install scripts not in allowScripts')
    const stale = Object.keys(decided).filter((name) => !withScripts.includes(name))
    assert.deepStrictEqual(stale, [], 'allowScripts names a package without an install script')
  })

  it('runs the native and build-tool scripts, and no install-time telemetry', () => {
    const { allowScripts, scarfSettings } = manifest
    assert.strictEqual(allowScripts.bcrypt, true, 'bcrypt installs its native binding')
    assert.strictEqual(allowScripts.esbuild, true, 'esbuild checks its platform binary')
    assert.strictEqual(allowScripts['@scarf/scarf'], false, 'Scarf reports installs')
    // npm versions that ignore allowScripts run Scarf's script, which reads this opt-out
    assert.deepStrictEqual(scarfSettings, { enabled: false })
  })
})

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

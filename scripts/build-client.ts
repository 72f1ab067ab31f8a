import fs from 'fs'
import path from 'path'
import { execFileSync } from 'child_process'
import { build } from 'esbuild'
import { compile } from 'json-schema-to-typescript'
import ts from 'typescript'
import { contract, sharedTypes } from './client-contract'

const root = path.resolve(__dirname, '..')
const out = path.join(root, 'dist', 'client')
const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

// What an app installs with the client: the Feathers client core, nothing of the server
const RUNTIME_DEPENDENCIES = [
  '@feathersjs/feathers',
  '@feathersjs/authentication-client',
  '@feathersjs/socketio-client',
  '@feathersjs/rest-client',
  'socket.io-client'
]

function checkContract() {
  for (const service of contract) {
    const typed = Object.keys(service.signatures).sort().join()
    const offered = [...service.methods].sort().join()
    if (typed !== offered)
      throw new Error(
        `client contract of '${service.path}': typed [${typed}] but the service offers [${offered}]`
      )
  }
}

async function declarations() {
  const options = {
    bannerComment: '',
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    declareExternallyReferenced: false
  }
  const interfaces: string[] = []
  for (const types of [...contract.map((service) => service.types), sharedTypes]) {
    for (const [name, schema] of Object.entries(types)) {
      // The contract names each emitted type; nested schemas are written out in place
      const plain = { ...(withoutNames(JSON.parse(JSON.stringify(schema))) as object), title: name }
      interfaces.push((await compile(plain, name, options)).trim())
    }
  }
  const serviceInterface = (service: (typeof contract)[number]) =>
    `export interface ${typeName(service.path)}Service {\n${Object.values(service.signatures)
      .map((s) => `  ${s}`)
      .join('\n')}\n}`
  return [
    `import type { Application, FeathersService, Params, Paginated, TransportConnection } from '@feathersjs/feathers'`,
    `import type { AuthenticationClientOptions } from '@feathersjs/authentication-client'`,
    `import type { Transport } from '@feathersjs/rest-client'`,
    `import type { Socket } from 'socket.io-client'`,
    `export { io } from 'socket.io-client'`,
    `export type { Params, Paginated }`,
    `export type Id = number`,
    ...interfaces.map((text) => text.replace(/^(export )?(interface|type) /m, 'export $2 ')),
    ...contract.flatMap((service) => service.declarations ?? []),
    ...contract.map(serviceInterface),
    `export interface ServiceTypes {\n${contract.map((s) => `  '${s.path}': ${typeName(s.path)}Service`).join('\n')}\n}`,
    `export interface ServiceEvents {\n${contract
      .filter((s) => s.events)
      .map(
        (s) =>
          `  '${s.path}': { ${Object.entries(s.events!)
            .map(([event, type]) => `${event}: ${type}`)
            .join('; ')} }`
      )
      .join('\n')}\n}`,
    `export interface Configuration {\n  connection: TransportConnection<ServiceTypes>\n}`,
    declarationsOf('client-types.ts'),
    `/** Socket.io transport: createClient(socketio(io(url))) */`,
    `export declare function socketio(socket: Socket, options?: { timeout?: number }): TransportConnection<ServiceTypes>`,
    `/** REST transport: createClient(rest(url).fetch(fetch)) */`,
    `export declare function rest(base?: string): Transport<ServiceTypes>`,
    `/** The typed client, with presence's custom methods (view, leave, typing) registered. */`,
    `export declare function createClient(connection: TransportConnection<ServiceTypes>, authenticationOptions?: Partial<AuthenticationClientOptions>): ClientApplication`,
    declarationsOf('channel-heads.ts'),
    declarationsOf('channel-stream.ts'),
    ''
  ].join('\n\n')
}

/** A client module's declarations, from its source; the types it imports are declared in the same file. */
function declarationsOf(file: string) {
  const source = fs.readFileSync(path.join(root, 'src', file), 'utf8')
  const { outputText } = ts.transpileDeclaration(source, { compilerOptions: {} })
  return outputText.replace(/^import (type )?.*\n/gm, '').trim()
}

/** A schema without `$id` and `title` at any depth: a name would make the generator refer to a type instead. */
const withoutNames = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(withoutNames)
  if (typeof schema !== 'object' || schema === null) return schema
  const { $id: _id, title: _title, ...rest } = schema as Record<string, unknown>
  return Object.fromEntries(
    Object.entries(rest).map(([key, value]) =>
      // Under `properties` the keys are field names (a field may be called `title`)
      key === 'properties'
        ? [key, mapValues(value as Record<string, unknown>, withoutNames)]
        : [key, withoutNames(value)]
    )
  )
}

const mapValues = (object: Record<string, unknown>, map: (value: unknown) => unknown) =>
  Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value)]))

const typeName = (servicePath: string) =>
  servicePath.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase())

const versionOf = (name: string) => rootPackage.dependencies[name] ?? rootPackage.devDependencies[name]

async function main() {
  checkContract()
  fs.rmSync(out, { recursive: true, force: true })
  fs.mkdirSync(out, { recursive: true })
  await build({
    entryPoints: [path.join(root, 'src', 'client.ts')],
    outfile: path.join(out, 'index.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    external: RUNTIME_DEPENDENCIES,
    logLevel: 'warning'
  })
  fs.writeFileSync(path.join(out, 'index.d.ts'), await declarations())
  const manifest = {
    name: '@context-chat/client',
    version: rootPackage.version,
    description: 'Typed Feathers client for the context-chat service (REST and Socket.io)',
    license: rootPackage.license,
    type: 'module',
    exports: { '.': { types: './index.d.ts', import: './index.js' } },
    types: './index.d.ts',
    sideEffects: false,
    dependencies: Object.fromEntries(RUNTIME_DEPENDENCIES.map((name) => [name, versionOf(name)]))
  }
  fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify(manifest, null, 2) + '\n')
  // The package's README, with the examples it links to
  fs.copyFileSync(path.join(root, 'client', 'README.md'), path.join(out, 'README.md'))
  fs.cpSync(path.join(root, 'client', 'examples'), path.join(out, 'examples'), { recursive: true })
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', path.dirname(out)], {
    cwd: out,
    encoding: 'utf8'
  })
  console.log(`client package: ${path.relative(root, path.join(path.dirname(out), tarball.trim()))}`)
}

main().catch((error) => {
  console.error(`Could not build the client: ${error.message}`)
  process.exit(1)
})

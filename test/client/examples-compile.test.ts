import assert from 'assert'
import fs from 'fs'
import path from 'path'
import { root } from '../helpers/processes'
import { appWithClientPackage, typeCheck } from '../helpers/client-package'

const EXAMPLES = path.join(root, 'client', 'examples')

// Strict, as an app would be; the libraries' own declarations are not this test's subject
// (test/client/package.test.ts checks them with skipLibCheck off), which keeps each check short
const strict = {
  strict: true,
  target: 'es2022',
  module: 'esnext',
  moduleResolution: 'bundler',
  types: [],
  skipLibCheck: true,
  noEmit: true
}

const projects = {
  // A browser app, and the compile-time checks of the typed events (every @ts-expect-error needed)
  web: {
    compilerOptions: { ...strict, lib: ['es2022', 'dom'] },
    files: ['examples/web/chat.ts', 'typed-events.ts']
  },
  // No DOM in React Native; React's and React Native's types are the example's ambient declarations
  'react-native': {
    compilerOptions: { ...strict, lib: ['es2022'], jsx: 'react-jsx' },
    files: ['examples/react-native/ChatApp.tsx', 'examples/react-native/react-native-env.d.ts']
  }
}

/**
 * The package README's examples are real files: here they are type-checked in a separate
 * app against the built package, so an example that uses an event payload, a method or
 * the sign-in result wrongly fails this test.
 */
describe('the client package’s examples', function () {
  this.timeout(300_000)
  let app: string

  before(async () => {
    ;({ app } = await appWithClientPackage('client-examples-'))
    fs.cpSync(EXAMPLES, path.join(app, 'examples'), { recursive: true })
    // The typed-events checks, against the package instead of the source
    const checks = fs.readFileSync(path.join(root, 'test', 'client', 'typed-events.typecheck.ts'), 'utf8')
    assert.match(checks, /from '\.\.\/\.\.\/src\/client'/)
    fs.writeFileSync(
      path.join(app, 'typed-events.ts'),
      checks.replace("'../../src/client'", "'@context-chat/client'")
    )
    for (const [name, project] of Object.entries(projects))
      fs.writeFileSync(path.join(app, `tsconfig.${name}.json`), JSON.stringify(project))
  })

  after(() => {
    if (app) fs.rmSync(app, { recursive: true, force: true })
  })

  it('ships the README with the package', () => {
    const readme = fs.readFileSync(
      path.join(app, 'node_modules', '@context-chat', 'client', 'README.md'),
      'utf8'
    )
    assert.match(readme, /examples\/web\/chat\.ts/)
    assert.match(readme, /examples\/react-native\/ChatApp\.tsx/)
  })

  for (const name of Object.keys(projects)) {
    it(`compiles the ${name} example against the built package`, async () => {
      const { passed, output } = await typeCheck(app, `tsconfig.${name}.json`)
      assert.ok(passed, `tsc reported:\n${output}`)
    })
  }

  it('fails an example whose listener expects another payload than its event carries', async () => {
    const source = fs.readFileSync(path.join(app, 'examples', 'web', 'chat.ts'), 'utf8')
    const right = "client.service('channels').on('patched', (channel: Channel) =>"
    assert.ok(source.includes(right), 'the example listens to channels patched')
    fs.writeFileSync(
      path.join(app, 'examples', 'web', 'wrong.ts'),
      source.replace(right, "client.service('channels').on('patched', (channel: ChannelView) =>")
    )
    fs.writeFileSync(
      path.join(app, 'tsconfig.wrong.json'),
      JSON.stringify({ ...projects.web, files: ['examples/web/wrong.ts'] })
    )
    const { passed, output } = await typeCheck(app, 'tsconfig.wrong.json')
    assert.ok(!passed, 'the wrong listener compiled')
    assert.match(output, /wrong\.ts\(\d+,\d+\): error TS2345/)
  })
})

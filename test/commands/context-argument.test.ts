import assert from 'assert'
import { parseContextArguments } from '../../src/commands/context-argument'
import { runTool } from '../helpers/evidence'

const USAGE = 'usage: command --context booking:42'

/** The parser checkpoint and transcript share for `--context type:id` and their own options. */
describe('the --context argument of the admin commands', () => {
  const refused = (argv: string[], message: RegExp, check?: () => void) =>
    assert.throws(
      () => parseContextArguments(argv, USAGE, { take: { type: 'boolean' } }, check),
      (error: Error) => {
        assert.match(error.message, message)
        assert.ok(error.message.endsWith(`\n${USAGE}`), `'${error.message}' ends with the usage line`)
        return true
      }
    )

  it('gives the context and the command’s own options', () => {
    const parsed = parseContextArguments(['--context', 'dispute:7', '--take'], USAGE, {
      take: { type: 'boolean' },
      'time-zone': { type: 'string', default: 'UTC' }
    })
    assert.deepStrictEqual(parsed?.context, ['dispute', 7])
    assert.strictEqual(parsed?.values.take, true)
    assert.strictEqual(parsed?.values['time-zone'], 'UTC')
  })

  it('refuses a missing or malformed --context, an unknown option and a value the command refuses, each with the usage', () => {
    refused([], /--context is missing or not type:id/)
    for (const context of ['booking:abc', 'booking:0', 'order:5', 'booking:12345678901234567'])
      refused(['--context', context], /--context is missing or not type:id/)
    refused(['--context', 'booking:1', '--bogus'], /Unknown option '--bogus'/)
    refused(['--context', 'booking:1', '--take=yes'], /does not take an argument/)
    refused(['--context', 'booking:1'], /no such zone/, () => {
      throw new Error('no such zone')
    })
  })

  it('answers --help only for a command that takes it', () => {
    const help = { help: { type: 'boolean', short: 'h' } } as const
    assert.strictEqual(parseContextArguments(['--help'], USAGE, help), undefined)
    assert.strictEqual(parseContextArguments(['-h'], USAGE, help), undefined)
    assert.throws(() => parseContextArguments(['--help'], USAGE, {}), /Unknown option '--help'/)
  })

  it('checkpoint prints its help, and refuses a bad --context with its usage before touching the database', async () => {
    const help = await runTool('checkpoint', ['--help'], { DATABASE_URL: 'postgres://127.0.0.1:1/none' })
    assert.strictEqual(help.code, 0, help.stderr)
    assert.match(help.stdout, /^usage: npm run -s checkpoint -- --context/)
    assert.match(help.stdout, /--take/)
    const bad = await runTool('checkpoint', ['--context', 'booking'], {
      DATABASE_URL: 'postgres://127.0.0.1:1/none'
    })
    assert.strictEqual(bad.code, 1)
    assert.strictEqual(
      bad.stderr,
      '--context is missing or not type:id\n' + help.stdout.split('\n')[0] + '\n'
    )
    assert.strictEqual(bad.stdout, '')
  })
})

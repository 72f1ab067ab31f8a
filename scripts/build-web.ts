import fs from 'fs'
import path from 'path'
import { build } from 'esbuild'

const root = path.join(__dirname, '..')

/**
 * Bundles the chat page (web/) into `outdir`: index.html plus content-hashed assets,
 * so that the page itself is revalidated on every visit while its assets are cached
 * for good.
 */
export async function buildWeb(outdir = path.join(root, 'public')) {
  const assets = path.join(outdir, 'assets')
  fs.rmSync(assets, { recursive: true, force: true })
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['web/main.ts', 'web/styles.css', 'web/phone.css'],
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['es2020'],
    outdir: assets,
    entryNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning'
  })
  const hashed = new Map(
    Object.keys(result.metafile.outputs)
      .filter((file) => !file.endsWith('.map'))
      .map((file) => [path.basename(file).replace(/-[A-Z0-9]+\./, '.'), path.basename(file)])
  )
  const html = fs
    .readFileSync(path.join(root, 'web/index.html'), 'utf8')
    .replace(/\/assets\/([\w-]+\.(?:js|css))/g, (_, name: string) => `/assets/${hashed.get(name) ?? name}`)
  fs.writeFileSync(path.join(outdir, 'index.html'), html)
  return { outdir, files: [...hashed.values()] }
}

if (require.main === module) {
  buildWeb().then(
    ({ outdir, files }) =>
      console.log(`Built the chat page into ${path.relative(root, outdir)}: ${files.join(', ')}`),
    (error) => {
      console.error(error)
      process.exit(1)
    }
  )
}

// `npm start` runs the compiled server and serves the built chat page, and builds neither:
// a production install has no compiler. Without them it says so in one line, instead of
// node's stack for a missing module or a page that answers 503. Plain JavaScript, because
// it runs where tsx is not installed.
const fs = require('fs')
const path = require('path')

const root = path.join(__dirname, '..')
// The entry point and the page `npm run build` writes (scripts/build-web.ts's default folder)
const built = ['lib/src/index.js', 'public/index.html']
const missing = built.filter((file) => !fs.existsSync(path.join(root, file)))

if (missing.length) {
  console.error(`Not built (${missing.join(', ')} missing): run npm run build first`)
  process.exit(1)
}
